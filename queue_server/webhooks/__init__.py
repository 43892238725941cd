"""The remote tickets' background work: bookings expired at the end of their window, and the
hall's webhook told of remote tickets' events (docs/remote.md).

- `sender`: claims due outbox rows atomically and posts them, with retries and backoff;
- `worker`: the loops the server runs, and one pass for `antre remote sweep`.
"""

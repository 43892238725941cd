"""Read models: the hall as the API, the pages and the hub show it, one module per thing
shown (tickets, services, counters, displays, kiosks, the supervisor's floor, a print job,
what a connection starts from).

Each builder reads with the given session and returns a schema object or a JSON-ready dict;
none writes. Every builder answers in a few grouped queries, never one per counter or per
ticket: a hall of 500 displays reconnecting after a power cut asks for 500 snapshots at once.
Times sent to the pages are ISO 8601 in site time (WITA).
"""

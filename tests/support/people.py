"""The small hall's staff and the tokens the tests act with."""

from __future__ import annotations

from tests.support.halls import Hall

PASSWORD = "rahasia-loket"
USERS = {  # username: (role, agencies)
    "admin": ("admin", []),
    "ayu": ("officer", ["DUKCAPIL"]),
    "dewi": ("officer", ["DUKCAPIL"]),
    "budi": ("officer", ["POLRES"]),
    "sari": ("supervisor", ["DUKCAPIL"]),
}


def add_people(hall: Hall, devices: list[str]) -> dict[str, str]:
    """The USERS with API tokens, and tokens for `devices`: {username or device id: token}."""
    from queue_server.models import Role
    from queue_server.people import add_user, issue_device_token, issue_user_token

    tokens = {}
    with hall.sessions.begin() as session:
        for username, (role, agencies) in USERS.items():
            add_user(session, hall.clock.now(), username, username.title(), Role(role),
                     PASSWORD, agencies)
            tokens[username] = issue_user_token(session, username)
        for device in devices:
            tokens[device] = issue_device_token(session, device)
    return tokens

"""The `antre` command: serve, configuration, people and devices."""

from __future__ import annotations

import gc
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NoReturn

import click
from sqlalchemy.orm import Session

from queue_server.config import ConfigError, load_config
from queue_server.models import Role
from queue_server.people import PeopleError
from queue_server.settings import Settings


@click.group()
def main() -> None:
    """Antre, the queue and counter system of MPP Kabupaten Buleleng."""


def _fail(message: str) -> NoReturn:
    click.echo(f"error: {message}", err=True)
    sys.exit(1)


@contextmanager
def _prepared_session() -> Iterator[Session]:
    """A session on a database whose schema and config are current (made as the server makes
    it); committed on success."""
    from queue_server.runtime import build_runtime

    try:
        state = build_runtime(Settings())
    except ConfigError as error:
        _fail("; ".join(error.problems))
    try:
        with state.sessions.begin() as session:
            session.info["clock"] = state.clock
            yield session
    finally:
        state.engine.dispose()


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on; 0.0.0.0 to serve the hall's LAN.")
@click.option("--port", default=5000, show_default=True, type=int)
def serve(host: str, port: int) -> None:
    """Start the server (gevent; HTTP and Socket.IO on one port)."""
    from queue_server.app import create_app

    try:
        app = create_app()
    except ConfigError as error:
        for problem in error.problems:
            click.echo(f"{error.path}: {problem}", err=True)
        sys.exit(1)
    click.echo(f"Antre serving on http://{host}:{port}")
    # The app's objects from its start (SQLAlchemy's mappers and caches, Flask, pydantic's
    # models, the config) live as long as the process. Frozen, Python's full collections no
    # longer walk them: under issuing at 8 kiosks these pauses took 80-100 ms each, every few
    # seconds, stopping every request, call and display write of the process; now about 3 ms.
    gc.freeze()
    # A young collection after every 5,000 new objects instead of 700: each call-next leaves
    # some cyclic garbage (SQL constructs, request contexts) and the default interrupted a
    # call before its emit often enough to show (first of 500 displays, p50: 6.7-8.4 ms, with
    # this 5.4-5.6 ms; the floor's 2.2-2.4 ms). At most a few thousand dead objects wait.
    gc.set_threshold(5_000, 10, 10)
    serve_forever(app, host, port)


def serve_forever(app: Any, host: str, port: int, backlog: int = 1024) -> None:
    """gevent's WSGI server with WebSocket support, as `socketio.run` starts it, but listening
    with TCP_NODELAY (accepted sockets inherit it): pywsgi sends a response's headers and body
    in two writes, and with Nagle's algorithm on, the body waited for the client's delayed ACK
    (40 ms) on every keep-alive request. The backlog lets 500 displays reconnect at once."""
    import socket

    from gevent import pywsgi
    from geventwebsocket.handler import WebSocketHandler

    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    listener = socket.create_server((host, port), family=family, backlog=backlog)
    listener.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    pywsgi.WSGIServer(listener, _taking_turns(app), handler_class=WebSocketHandler,
                      log=None).serve_forever()


TURN_S = 1e-6  # any positive time: the greenlet resumes at the event loop's next turn


def _taking_turns(app: Any) -> Any:
    """The app, each request of which first lets the event loop turn once.

    gevent switches greenlets only when one would block. A keep-alive client whose next
    request is already waiting when the last answer is written (a busy kiosk; wrk) is served
    again and again by its greenlet while the loop never turns: measured under wrk with 8
    kiosks, one connection had 26 requests in a row while the other seven, the hub's 0.1 s
    flush (the displays' queue updates) and every timer waited up to 3.5 s. A sleep of a
    positive time resumes this greenlet only after the loop has polled the sockets and run the
    due timers (`sleep(0)` may resume it before), so connections take turns."""
    import gevent

    def turn_then_serve(environ: Any, start_response: Any) -> Any:
        gevent.sleep(TURN_S)
        return app(environ, start_response)

    return turn_then_serve


@main.group()
def config() -> None:
    """Check and apply config.yaml."""


@config.command("check")
@click.argument("path", type=click.Path(path_type=Path), default=None, required=False)
def config_check(path: Path | None) -> None:
    """Validate PATH (default: $ANTRE_CONFIG or ./config.yaml); print `ok` or every problem."""
    path = path or Settings().config
    try:
        load_config(path)
    except ConfigError as error:
        for problem in error.problems:
            click.echo(f"{path}: {problem}", err=True)
        sys.exit(1)
    click.echo("ok")


@config.command("apply")
def config_apply() -> None:
    """Upgrade the database and apply config.yaml now (the server also does it at start)."""
    with _prepared_session():
        pass
    click.echo("ok")


@main.group()
def user() -> None:
    """Officers, supervisors and administrators."""


@user.command("add")
@click.argument("username")
@click.option("--name", help="Full name (default: the username).")
@click.option("--role", type=click.Choice([r.value for r in Role]), required=True)
@click.option("--agency", "agencies", multiple=True, help="Agency code; repeat for several.")
@click.option("--password-stdin", is_flag=True, required=True,
              help="Read the password from standard input (never from the command line).")
def user_add(username: str, name: str | None, role: str, agencies: tuple[str, ...],
             password_stdin: bool) -> None:
    """Add a user with an argon2-hashed password."""
    from queue_server.people import add_user

    password = sys.stdin.readline().rstrip("\r\n")
    with _prepared_session() as session:
        try:
            created = add_user(session, session.info["clock"].now(), username,
                               name or username, Role(role), password, list(agencies))
        except PeopleError as error:
            _fail(str(error))
        click.echo(f"added {created.role.value} {created.username}")


@user.command("token")
@click.argument("username")
def user_token(username: str) -> None:
    """Print a new API token for USERNAME (for call buttons and scripts)."""
    from queue_server.people import issue_user_token

    with _prepared_session() as session:
        try:
            token = issue_user_token(session, username)
        except PeopleError as error:
            _fail(str(error))
    click.echo(token)


@user.command("unlock")
@click.argument("username")
def user_unlock(username: str) -> None:
    """Lift the sign-in limits on USERNAME (failed attempts from every address)."""
    from queue_server.people import unlock_sign_in

    with _prepared_session() as session:
        try:
            forgotten = unlock_sign_in(session, username)
        except PeopleError as error:
            _fail(str(error))
    click.echo(f"unlocked {username} ({forgotten} failed attempts forgotten)")


@user.command("disable")
@click.argument("username")
def user_disable(username: str) -> None:
    """Disable USERNAME: no sign-in, their sessions and API token end now."""
    from queue_server.people import disable_user

    with _prepared_session() as session:
        try:
            disable_user(session, session.info["clock"].now(), username)
        except PeopleError as error:
            _fail(str(error))
    click.echo(f"disabled {username}")


@main.group()
def device() -> None:
    """Kiosks and displays declared in config.yaml."""


@device.command("token")
@click.argument("device_id")
def device_token(device_id: str) -> None:
    """Print a new token for the kiosk or display DEVICE_ID."""
    from queue_server.people import issue_device_token

    with _prepared_session() as session:
        try:
            token = issue_device_token(session, device_id)
        except PeopleError as error:
            _fail(str(error))
    click.echo(token)


@main.group()
def voice() -> None:
    """Hall announcements."""


def _register_plugins() -> None:
    """Commands that live with the package they belong to (display, printer, kiosk,
    reports)."""
    from display.cli import voice_say
    from kiosk.cli import kiosk_agent
    from printer.cli import print_test
    from queue_server.admin.cli import user_commands
    from queue_server.reports.cli import demo
    from queue_server.webhooks.cli import remote

    voice.add_command(voice_say)
    main.add_command(print_test)
    main.add_command(kiosk_agent)
    main.add_command(demo)
    main.add_command(remote)
    for command in user_commands(_prepared_session):
        user.add_command(command)


_register_plugins()

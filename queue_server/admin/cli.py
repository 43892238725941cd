"""`antre user list|set|enable|reset-password`: the people page's actions for scripts and
first setup (`add`, `token`, `unlock` and `disable` are in queue_server/cli.py). The command
line acts with an administrator's authority and the same rules (the last administrator
stays); each change goes to the audit log with the address "cli"."""

from __future__ import annotations

import sys
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import NoReturn

import click
from sqlalchemy.orm import Session

from queue_server.admin import audit, staff
from queue_server.models import Role, User
from queue_server.queue.errors import DomainError

# The command line's authority: an administrator who is nobody in the database.
OPERATOR = User(username="cli", name="cli", role=Role.ADMIN, active=True)

Prepared = Callable[[], AbstractContextManager[Session]]
# A session on a current database, as `antre` makes it (queue_server.cli hands it over).
_prepared: list[Prepared] = []


def _prepared_session() -> AbstractContextManager[Session]:
    return _prepared[0]()


def _fail(message: str) -> NoReturn:
    click.echo(f"error: {message}", err=True)
    sys.exit(1)


def _act(action: str, change: Callable[[Session], staff.Changed]) -> staff.Changed:
    with _prepared_session() as session:
        try:
            changed = change(session)
        except DomainError as error:
            _fail(error.message("en"))
        audit.record(session, session.info["clock"].now(), user=None, address="cli",
                     kind=audit.Kind.PEOPLE, action=action, target=changed.user.username,
                     agencies=[a.code for a in changed.user.agencies],
                     changes=changed.changes)
        return changed


@click.command("list")
def user_list() -> None:
    """Every user: username, role, agencies, state, last sign-in."""
    with _prepared_session() as session:
        users = staff.visible_users(session, OPERATOR)
        seen = staff.last_sign_in(session, [u.id for u in users])
        for user in users:
            agencies = ",".join(sorted(a.code for a in user.agencies)) or "-"
            last = seen[user.id].isoformat(timespec="minutes") if user.id in seen else "never"
            state = "active" if user.active else "disabled"
            click.echo(f"{user.username}\t{user.role.value}\t{agencies}\t{state}\t{last}")


@click.command("set")
@click.argument("username")
@click.option("--name", help="A new full name.")
@click.option("--role", type=click.Choice([r.value for r in Role]))
@click.option("--agency", "agencies", multiple=True,
              help="Agency code; repeat for several (replaces the user's agencies).")
def user_set(username: str, name: str | None, role: str | None,
             agencies: tuple[str, ...]) -> None:
    """Change USERNAME's name, role or agencies."""
    changed = _act("user.change", lambda session: staff.change(
        session, session.info["clock"].now(), OPERATOR, staff.find_user(session, username),
        name=name, role=Role(role) if role else None,
        agencies=list(agencies) if agencies else None))
    click.echo(f"changed {username}: {', '.join(changed.changes) or 'nothing'}")


@click.command("enable")
@click.argument("username")
def user_enable(username: str) -> None:
    """Let a disabled USERNAME sign in again."""
    _act("user.enable", lambda session: staff.enable(
        session, OPERATOR, staff.find_user(session, username)))
    click.echo(f"enabled {username}")


@click.command("reset-password")
@click.argument("username")
@click.option("--password-stdin", is_flag=True,
              help="Read the new password from standard input; without it one is generated "
                   "and printed once.")
def user_reset_password(username: str, password_stdin: bool) -> None:
    """Give USERNAME a new password; their sessions end."""
    password = sys.stdin.readline().rstrip("\r\n") if password_stdin else None
    changed = _act("user.password", lambda session: staff.reset_password(
        session, session.info["clock"].now(), OPERATOR, staff.find_user(session, username),
        password))
    click.echo(changed.password or f"password of {username} changed")


def user_commands(prepared: Prepared) -> tuple[click.Command, ...]:
    """The commands, acting on sessions from `prepared`."""
    _prepared[:] = [prepared]
    return (user_list, user_set, user_enable, user_reset_password)

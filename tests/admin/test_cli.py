"""`antre user list|set|enable|reset-password`: the people page's rules on the command line."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner, Result

from queue_server.cli import main
from tests.support.halls import write_hall_yaml
from tests.support.servers import antre_env


def _antre(env: dict[str, str], *args: str, stdin: str = "") -> Result:
    """The command in this process (a dozen `antre` processes took 38 s of the suite)."""
    return CliRunner().invoke(main, list(args), env=env, input=stdin)


def test_people_from_the_command_line(tmp_path: Path) -> None:
    env = antre_env(tmp_path / "data", write_hall_yaml(tmp_path))
    assert _antre(env, "user", "add", "boss", "--role", "admin", "--password-stdin",
                  stdin="rahasia-admin\n").exit_code == 0
    assert _antre(env, "user", "add", "ayu", "--role", "officer", "--agency", "DUKCAPIL",
                  "--password-stdin", stdin="rahasia-loket\n").exit_code == 0
    changed = _antre(env, "user", "set", "ayu", "--role", "supervisor", "--agency",
                     "DUKCAPIL", "--agency", "POLRES")
    assert changed.exit_code == 0, changed.stderr
    listed = _antre(env, "user", "list").stdout.splitlines()
    assert "ayu\tsupervisor\tDUKCAPIL,POLRES\tactive\tnever" in listed
    last = _antre(env, "user", "set", "boss", "--role", "officer", "--agency", "DUKCAPIL")
    assert last.exit_code == 1 and "last active administrator" in last.stderr
    assert _antre(env, "user", "disable", "ayu").exit_code == 0
    assert "ayu\tsupervisor\tDUKCAPIL,POLRES\tdisabled\tnever" in _antre(
        env, "user", "list").stdout
    assert _antre(env, "user", "enable", "ayu").exit_code == 0
    reset = _antre(env, "user", "reset-password", "ayu")
    assert reset.exit_code == 0 and len(reset.stdout.strip()) >= 8
    unknown = _antre(env, "user", "enable", "nobody")
    assert unknown.exit_code == 1 and "Unknown user" in unknown.stderr

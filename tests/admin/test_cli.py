"""`antre user list|set|enable|reset-password`: the people page's rules on the command line."""

from __future__ import annotations

import subprocess
from pathlib import Path

from tests.support.halls import write_hall_yaml
from tests.support.servers import ANTRE, antre_env


def _antre(env: dict[str, str], *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(ANTRE), *args], env=env, input=stdin, capture_output=True,
                          text=True, timeout=60)


def test_people_from_the_command_line(tmp_path: Path) -> None:
    env = antre_env(tmp_path / "data", write_hall_yaml(tmp_path))
    assert _antre(env, "user", "add", "boss", "--role", "admin", "--password-stdin",
                  stdin="rahasia-admin\n").returncode == 0
    assert _antre(env, "user", "add", "ayu", "--role", "officer", "--agency", "DUKCAPIL",
                  "--password-stdin", stdin="rahasia-loket\n").returncode == 0
    changed = _antre(env, "user", "set", "ayu", "--role", "supervisor", "--agency",
                     "DUKCAPIL", "--agency", "POLRES")
    assert changed.returncode == 0, changed.stderr
    listed = _antre(env, "user", "list").stdout.splitlines()
    assert "ayu\tsupervisor\tDUKCAPIL,POLRES\tactive\tnever" in listed
    last = _antre(env, "user", "set", "boss", "--role", "officer", "--agency", "DUKCAPIL")
    assert last.returncode == 1 and "last active administrator" in last.stderr
    assert _antre(env, "user", "disable", "ayu").returncode == 0
    assert "ayu\tsupervisor\tDUKCAPIL,POLRES\tdisabled\tnever" in _antre(
        env, "user", "list").stdout
    assert _antre(env, "user", "enable", "ayu").returncode == 0
    reset = _antre(env, "user", "reset-password", "ayu")
    assert reset.returncode == 0 and len(reset.stdout.strip()) >= 8
    unknown = _antre(env, "user", "enable", "nobody")
    assert unknown.returncode == 1 and "Unknown user" in unknown.stderr

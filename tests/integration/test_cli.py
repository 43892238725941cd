"""The `antre` command as the hall's IT staff run it: a real process, a real database."""

from __future__ import annotations

import json
import subprocess
import urllib.request
from datetime import datetime
from pathlib import Path

from sqlalchemy import select

from queue_server.db import make_engine, session_factory
from queue_server.models import Device, User
from queue_server.people import hash_token, password_matches
from tests.support.halls import hall_data, write_hall_yaml
from tests.support.servers import ANTRE, LiveServer, antre_env


def _antre(env: dict[str, str], *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(ANTRE), *args], env=env, input=stdin, capture_output=True,
                          text=True, timeout=60)


def _env(tmp_path: Path) -> dict[str, str]:
    return antre_env(tmp_path / "data", write_hall_yaml(tmp_path))


def _session(tmp_path: Path):  # type: ignore[no-untyped-def]
    engine = make_engine(f"sqlite:///{tmp_path / 'data' / 'antre.db'}")
    return session_factory(engine)()


def test_config_apply_creates_the_database_and_is_idempotent(tmp_path: Path) -> None:
    env = _env(tmp_path)
    assert _antre(env, "config", "apply").stdout.strip() == "ok"
    assert _antre(env, "config", "apply").stdout.strip() == "ok"
    with _session(tmp_path) as session:
        assert {d.id for d in session.scalars(select(Device))} == {"kiosk-1", "aula", "zona-a"}


def test_config_apply_refuses_a_broken_file(tmp_path: Path) -> None:
    data = hall_data()
    data["site"]["timezone"] = "Asia/Singaraja"
    env = antre_env(tmp_path / "data", write_hall_yaml(tmp_path, data))
    result = _antre(env, "config", "apply")
    assert result.returncode == 1
    assert "site.timezone" in result.stderr
    assert not (tmp_path / "data" / "antre.db").exists()


def test_user_add_hashes_the_password_from_stdin(tmp_path: Path) -> None:
    env = _env(tmp_path)
    result = _antre(env, "user", "add", "ayu", "--name", "Ayu Lestari", "--role", "officer",
                    "--agency", "DUKCAPIL", "--password-stdin", stdin="rahasia-loket\n")
    assert result.returncode == 0, result.stderr
    with _session(tmp_path) as session:
        user = session.scalar(select(User).where(User.username == "ayu"))
        assert user is not None and user.name == "Ayu Lestari"
        assert user.password_hash.startswith("$argon2")
        assert password_matches(user, "rahasia-loket")
        assert [a.code for a in user.agencies] == ["DUKCAPIL"]
    again = _antre(env, "user", "add", "ayu", "--role", "officer", "--agency", "DUKCAPIL",
                   "--password-stdin", stdin="rahasia-loket\n")
    assert again.returncode == 1 and "already exists" in again.stderr


def test_user_add_refuses_bad_input(tmp_path: Path) -> None:
    env = _env(tmp_path)
    short = _antre(env, "user", "add", "budi", "--role", "officer", "--agency", "DUKCAPIL",
                   "--password-stdin", stdin="pendek\n")
    assert short.returncode == 1 and "at least 8" in short.stderr
    unknown = _antre(env, "user", "add", "budi", "--role", "officer", "--agency", "NOPE",
                     "--password-stdin", stdin="rahasia-loket\n")
    assert unknown.returncode == 1 and "NOPE" in unknown.stderr
    no_agency = _antre(env, "user", "add", "budi", "--role", "supervisor",
                       "--password-stdin", stdin="rahasia-loket\n")
    assert no_agency.returncode == 1 and "--agency" in no_agency.stderr


def test_tokens_print_the_secret_alone_and_store_its_hash(tmp_path: Path) -> None:
    env = _env(tmp_path)
    _antre(env, "user", "add", "admin", "--role", "admin", "--password-stdin",
           stdin="rahasia-admin\n")
    user_token = _antre(env, "user", "token", "admin").stdout.splitlines()[-1]
    kiosk_token = _antre(env, "device", "token", "kiosk-1").stdout.splitlines()[-1]
    assert len(user_token) >= 40 and len(kiosk_token) >= 40 and user_token != kiosk_token
    with _session(tmp_path) as session:
        user = session.scalar(select(User).where(User.username == "admin"))
        kiosk = session.get(Device, "kiosk-1")
        assert user is not None and user.token_hash == hash_token(user_token)
        assert kiosk is not None and kiosk.token_hash == hash_token(kiosk_token)
    missing = _antre(env, "device", "token", "kiosk-9")
    assert missing.returncode == 1 and "kiosk-9" in missing.stderr


def test_serve_answers_healthz_on_its_training_clock(live_server: LiveServer) -> None:
    with urllib.request.urlopen(f"{live_server.url}/healthz", timeout=5) as answer:
        body = json.load(answer)
    assert body["status"] == "ok" and body["database"] == {"ok": True}  # no kind for nobody
    assert body["server"] == "gevent"
    assert body["config"]["agencies"] == 3 and body["config"]["counters"] == 4
    # ANTRE_CLOCK_START=2026-11-30T09:00 WITA is 01:00 UTC, and the clock runs on from there.
    started = datetime.fromisoformat(body["time"])
    assert datetime.fromisoformat("2026-11-30T01:00:00+00:00") <= started
    assert (started - datetime.fromisoformat("2026-11-30T01:00:00+00:00")).total_seconds() < 60
    log = live_server.log.read_text()
    assert "Werkzeug" not in log and "development server" not in log

"""scripts/kiosk-start.sh: the agent's systemd unit and the Chromium command it would run."""

from __future__ import annotations

import subprocess
from pathlib import Path

from tests.e2e.kiosk.conftest import REPO

SCRIPT = REPO / "scripts" / "kiosk-start.sh"


def run(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path),
           "ANTRE_KIOSK_ENV": str(tmp_path / "kiosk.env")}
    return subprocess.run(["bash", str(SCRIPT), *args], env=env, capture_output=True,
                          text=True, timeout=30)


def test_the_agent_unit_keeps_the_token_out_of_its_command_line(tmp_path: Path) -> None:
    done = run(tmp_path, "unit", "--server", "http://192.168.10.5:5000", "--kiosk",
               "kiosk-utara", "--printer", "usb:0x04b8:0x0e15", "--token", "secret",
               "--antre", "/opt/antre/.venv/bin/antre", "--user", "kiosk")
    assert done.returncode == 0, done.stderr
    unit = done.stdout
    assert ("ExecStart=/opt/antre/.venv/bin/antre kiosk-agent --kiosk kiosk-utara "
            "--printer usb:0x04b8:0x0e15") in unit
    assert f"EnvironmentFile={tmp_path / 'kiosk.env'}" in unit
    assert "User=kiosk" in unit and "Restart=always" in unit
    assert "secret" not in unit


def test_chromium_opens_the_setup_link_once_then_the_plain_page(tmp_path: Path) -> None:
    (tmp_path / "kiosk.env").write_text("ANTRE_SERVER=http://192.168.10.5:5000/\n"
                                        "ANTRE_KIOSK_ID=kiosk-utara\n"
                                        "ANTRE_KIOSK_TOKEN=secret\n")
    first = run(tmp_path, "browser", "--dry-run")
    assert first.returncode == 0, first.stderr
    assert "--kiosk http://192.168.10.5:5000/kiosk/kiosk-utara\\?token=secret" in first.stdout
    assert "--user-data-dir=" in first.stdout

    (tmp_path / ".local" / "share" / "antre-kiosk" / "chromium").mkdir(parents=True)
    later = run(tmp_path, "browser", "--dry-run")
    assert "--kiosk http://192.168.10.5:5000/kiosk/kiosk-utara " in later.stdout
    assert "secret" not in later.stdout


def test_a_missing_setting_is_named(tmp_path: Path) -> None:
    done = run(tmp_path, "browser", "--kiosk", "kiosk-utara")
    assert done.returncode == 2
    assert "no server given: pass --server" in done.stderr

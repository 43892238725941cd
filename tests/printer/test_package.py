from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_importing_printer_leaves_no_new_temporary_folders(tmp_path):
    # Each import of escpos 3.1 would otherwise leave a fresh folder in the temp directory.
    env = {k: v for k, v in os.environ.items() if k != "ESCPOS_CAPABILITIES_PICKLE_DIR"}
    env["TMPDIR"] = str(tmp_path)
    for _ in range(2):
        subprocess.run(
            [sys.executable, "-W", "error", "-c", "import printer"],
            cwd=ROOT, env=env, check=True, timeout=60,
        )  # fmt: skip
    [cache] = tmp_path.iterdir()
    assert cache.name.startswith("antre-escpos")
    assert sorted(p.suffix for p in cache.iterdir()) == [".lock", ".pickle"]


def test_processes_importing_printer_at_once_all_read_a_whole_cache(tmp_path):
    # escpos writes its pickle in place; without the lock, a process starting meanwhile read it
    # half-written (EOFError: two pytest workers on a fresh machine did).
    env = {k: v for k, v in os.environ.items() if k != "ESCPOS_CAPABILITIES_PICKLE_DIR"}
    env["TMPDIR"] = str(tmp_path)
    starting = [subprocess.Popen([sys.executable, "-c", "import printer"], cwd=ROOT, env=env,
                                 stderr=subprocess.PIPE) for _ in range(6)]
    errors = [process.communicate(timeout=60)[1].decode()[-300:] for process in starting]
    failures = [error for process, error in zip(starting, errors, strict=True)
                if process.returncode != 0]
    assert failures == []


def test_printer_does_not_import_flask_or_the_database():
    code = (
        "import sys, printer, printer.cli; "
        "bad = [m for m in sys.modules if m.split('.')[0] in "
        "('flask', 'sqlalchemy', 'queue_server', 'kiosk', 'display')]; "
        "assert not bad, bad"
    )
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True, timeout=60)

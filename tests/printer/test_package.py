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
    assert [p.suffix for p in cache.iterdir()] == [".pickle"]


def test_printer_does_not_import_flask_or_the_database():
    code = (
        "import sys, printer, printer.cli; "
        "bad = [m for m in sys.modules if m.split('.')[0] in "
        "('flask', 'sqlalchemy', 'queue_server', 'kiosk', 'display')]; "
        "assert not bad, bad"
    )
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True, timeout=60)

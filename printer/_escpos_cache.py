"""Import python-escpos once, with its capabilities cache in one stable folder.

escpos pickles its printer database into ``ESCPOS_CAPABILITIES_PICKLE_DIR``; without it every
import makes a new temporary folder. escpos 3.1 also calls ``mkdtemp()`` even when the variable
is set (it is the default argument of ``environ.get``), so the import runs with the temporary
directory pointed at our cache folder and the empty folder it makes there is removed.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

ENV_VAR = "ESCPOS_CAPABILITIES_PICKLE_DIR"


def default_cache_dir() -> Path:
    """One folder per user, so a shared /tmp never hands us someone else's read-only folder."""
    suffix = f"-{os.getuid()}" if hasattr(os, "getuid") else ""
    return Path(tempfile.gettempdir()) / f"antre-escpos{suffix}"


def load_escpos() -> None:
    """Import ``escpos.capabilities`` (idempotent) with the pickle cache in a stable folder."""
    os.environ.setdefault(ENV_VAR, str(default_cache_dir()))
    if "escpos.capabilities" in sys.modules:
        return
    cache = Path(os.environ[ENV_VAR])
    cache.mkdir(parents=True, exist_ok=True)
    # escpos writes its pickle in place: a second process importing meanwhile (two server
    # processes, or a server and the kiosk agent, starting together) would read it half-written.
    with (cache / "import.lock").open("w") as lock:
        if sys.platform != "win32":  # on Windows only the kiosk agent runs: nothing to race
            import fcntl
            fcntl.flock(lock, fcntl.LOCK_EX)
        before = set(cache.iterdir())
        saved = tempfile.tempdir
        tempfile.tempdir = str(cache)
        try:
            import escpos.capabilities  # noqa: F401
        finally:
            tempfile.tempdir = saved
    for leftover in set(cache.iterdir()) - before:
        if leftover.is_dir():
            try:
                leftover.rmdir()  # only ever the empty folder escpos made
            except OSError:
                pass

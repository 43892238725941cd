"""The shared test helpers stay plain modules: the benchmarks import them outside pytest."""

from __future__ import annotations

import subprocess
import sys

from tests.support.browser import REPO

CHECK = """
import sys
import bench.halls, bench.scenarios
import tests.support.browser, tests.support.halls, tests.support.people
import tests.support.postgres, tests.support.races, tests.support.servers
found = sorted(name for name in sys.modules if name.split(".")[0] in ("pytest", "_pytest"))
assert not found, found
"""


def test_bench_and_the_support_modules_import_without_pytest() -> None:
    done = subprocess.run([sys.executable, "-c", CHECK], cwd=REPO, capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 0, done.stderr

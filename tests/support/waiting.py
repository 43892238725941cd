"""Waiting in a test for what another process or thread does."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

WAIT_S = 10.0  # long beside what is waited for; a loaded CI machine can be slow


def eventually(check: Callable[[], Any], timeout: float = WAIT_S, every: float = 0.02) -> Any:
    """Poll `check` until it returns something truthy; fail with its last answer."""
    deadline = time.monotonic() + timeout
    while True:
        answer = check()
        if answer or time.monotonic() > deadline:
            assert answer, f"still {answer!r} after {timeout} s"
            return answer
        time.sleep(every)

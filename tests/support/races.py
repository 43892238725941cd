"""Work released together on real threads."""

from __future__ import annotations

import threading
from collections.abc import Callable


def race(count: int, work: Callable[[int], None], timeout_s: float = 300) -> None:
    """Run `work(i)` on `count` real threads released together; fail with their errors."""
    errors: list[BaseException] = []
    barrier = threading.Barrier(count)

    def run(index: int) -> None:
        try:
            barrier.wait()
            work(index)
        except BaseException as error:  # reported below, in the test's own thread
            errors.append(error)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout_s)
    assert not errors, errors

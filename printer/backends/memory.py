"""The ``dummy`` backend: keeps the bytes in memory."""

from __future__ import annotations

from printer.backends.base import Backend


class DummyBackend(Backend):
    """Keeps what it is sent in memory (tests, demos); no status."""

    def __init__(self, timeout: float = 5.0) -> None:
        super().__init__(timeout)
        self.jobs: list[bytes] = []

    def write(self, data: bytes) -> None:
        self.jobs.append(bytes(data))

    @property
    def output(self) -> bytes:
        return b"".join(self.jobs)

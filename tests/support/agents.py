"""A real print agent (kiosk/agent.py's KioskAgent) running in a thread of the test's process."""

from __future__ import annotations

import threading
from pathlib import Path
from types import TracebackType
from typing import Any

from kiosk.agent import AgentOptions, KioskAgent
from tests.support.servers import ServedHall
from tests.support.waiting import WAIT_S

KIOSK = "kiosk-1"


class RunningAgent:
    """A KioskAgent (or a subclass) running in a thread of this process; `wait_s` bounds its
    connecting and its stopping."""

    def __init__(self, agent: KioskAgent, wait_s: float = WAIT_S) -> None:
        self.agent = agent
        self.wait_s = wait_s
        self._thread = threading.Thread(target=agent.run, daemon=True)

    def __enter__(self) -> KioskAgent:
        self._thread.start()
        assert self.agent.ready.wait(self.wait_s), "the agent did not connect"
        return self.agent

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.agent.stop()
        self._thread.join(timeout=self.wait_s)
        assert not self._thread.is_alive(), "the agent did not stop"


def agent_options(hall: ServedHall, state_dir: Path, printer: str | None,
                  **extra: Any) -> AgentOptions:
    """The options of `KIOSK`'s agent, with its token, for the served hall."""
    return AgentOptions(server=hall.url, kiosk=KIOSK, token=hall.tokens[KIOSK],
                        state_dir=state_dir, printer=printer, **extra)

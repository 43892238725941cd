"""What a hall display shows: the same snapshot its Socket.IO connection receives."""

from __future__ import annotations

import logging
from typing import Any

from flask import Blueprint
from pydantic import ConfigDict, Field

from queue_server.api.auth import actor, require_device
from queue_server.api.errors import ApiError
from queue_server.api.spec import endpoint
from queue_server.console import displaypresence
from queue_server.context import db, now, runtime
from queue_server.hub.publisher import hub
from queue_server.hub.rooms import room
from queue_server.models import Device, DeviceKind
from queue_server.readmodels.displays import display_snapshot
from queue_server.schemas import Model


class VoiceReport(Model):
    """A display's own word on its voice: whether the last announcement was voiced."""

    voice_ok: bool
    detail: str | None = Field(default=None, max_length=200)


log = logging.getLogger(__name__)


class DisplaySnapshot(Model):
    """The display's state now: recent calls, counters, waiting per agency, running text."""

    model_config = ConfigDict(extra="allow")


def register(bp: Blueprint) -> None:
    _register_voice(bp)
    @endpoint(bp, "GET", "/displays/<display_id>/snapshot", tag="displays",
              answers={200: DisplaySnapshot}, auth=("bearer", "session"),
              summary="What the display shows now", errors=(401, 404))
    def get_display_snapshot(display_id: str) -> DisplaySnapshot:
        display = display_for_caller(display_id)
        # The number first, as the socket's snapshot does: the HTTP and socket views agree.
        [stamp] = hub().sequences.current_many([room("display", display.id)])
        snapshot: dict[str, Any] = display_snapshot(db(), now(), display, runtime().hall,
                                                    stamp.seq)
        return DisplaySnapshot(**{**snapshot, "epoch": stamp.epoch})


def _register_voice(bp: Blueprint) -> None:
    @endpoint(bp, "POST", "/displays/<display_id>/voice-state", tag="displays",
              body=VoiceReport, answers={204: None}, auth=("bearer",), errors=(401, 404),
              summary="The display is on and says whether its voice works (every 30 s, and "
                      "at once on a change); the overview lists it")
    def report_voice(display_id: str, body: VoiceReport) -> None:
        display = require_device(DeviceKind.DISPLAY, display_id)
        displaypresence.report(runtime().windows, display.id, body.voice_ok)
        if not body.voice_ok:
            log.warning("display %s: voice failed (%s)", display.id, body.detail or "no detail")


def display_for_caller(display_id: str) -> Device:
    """A display reads its own snapshot with its token; staff may read any."""
    if actor().user is not None:
        display = db().get(Device, display_id)
        if display is None or display.kind is not DeviceKind.DISPLAY or not display.active:
            raise ApiError("unknown_display", 404, f"Layar '{display_id}' tidak dikenal.",
                           f"Unknown display '{display_id}'.")
        return display
    return require_device(DeviceKind.DISPLAY, display_id)

"""What a hall display shows: the same snapshot its Socket.IO connection receives."""

from __future__ import annotations

from typing import Any

from flask import Blueprint
from pydantic import ConfigDict

from queue_server.api.auth import actor, require_device
from queue_server.api.errors import ApiError
from queue_server.api.spec import endpoint
from queue_server.context import db, now, runtime
from queue_server.hub.publisher import hub
from queue_server.hub.rooms import room
from queue_server.models import Device, DeviceKind
from queue_server.readmodels.displays import display_snapshot
from queue_server.schemas import Model


class DisplaySnapshot(Model):
    """The display's state now: recent calls, counters, waiting per agency, running text."""

    model_config = ConfigDict(extra="allow")


def register(bp: Blueprint) -> None:
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


def display_for_caller(display_id: str) -> Device:
    """A display reads its own snapshot with its token; staff may read any."""
    if actor().user is not None:
        display = db().get(Device, display_id)
        if display is None or display.kind is not DeviceKind.DISPLAY or not display.active:
            raise ApiError("unknown_display", 404, f"Layar '{display_id}' tidak dikenal.",
                           f"Unknown display '{display_id}'.")
        return display
    return require_device(DeviceKind.DISPLAY, display_id)

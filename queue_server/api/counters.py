"""Counter actions: what an officer's console, a call button or a script does at a loket."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask import Blueprint
from pydantic import BaseModel
from sqlalchemy.orm import Session

from queue_server.api.auth import counter_for, require_user
from queue_server.api.spec import endpoint
from queue_server.context import commit, db, now, runtime
from queue_server.hub.publisher import unannounced_here
from queue_server.models import Counter, Ticket, User
from queue_server.queue import calling, counters
from queue_server.readmodels.counters import counter_out
from queue_server.readmodels.tickets import ticket_out
from queue_server.schemas import (
    ActionOut,
    BreakRequest,
    CallNextRequest,
    CallRequest,
    CounterOut,
    EmptyRequest,
    FinishRequest,
    ResumeRequest,
    TransferRequest,
)

# (session, now, counter id, user id, validated body) -> the ticket concerned, if any
Run = Callable[[Session, datetime, str, int, Any], Ticket | Counter | None]


@dataclass(frozen=True)
class Action:
    name: str
    summary: str
    body: type[BaseModel]
    run: Run


def _call_next(s: Session, at: datetime, counter_id: str, user_id: int,
               body: CallNextRequest) -> Ticket | None:
    if body.finish_current:
        return calling.finish_and_call_next(s, at, counter_id, user_id, body.outcome)
    return calling.call_next(s, at, counter_id, user_id)


def _recall_interval() -> timedelta:
    """The hall's rule: how long a call takes to be heard before a recall counts."""
    return timedelta(seconds=runtime().hall.rules.recall_interval_seconds)


ACTIONS = [
    Action("open", "Open the counter (the officer takes it)", EmptyRequest,
           lambda s, at, c, u, b: counters.open_counter(s, at, c, u)),
    Action("break", "Take a break (no calls until reopened)", BreakRequest,
           lambda s, at, c, u, b: counters.pause_counter(s, at, c, u, b.reason)),
    Action("close", "Close the counter", EmptyRequest,
           lambda s, at, c, u, b: counters.close_counter(s, at, c, u)),
    Action("call-next", "Call the next ticket; 204 when nobody waits", CallNextRequest,
           _call_next),
    Action("call", "Call a chosen waiting ticket out of turn", CallRequest,
           lambda s, at, c, u, b: calling.call_ticket(s, at, c, b.ticket_id, u, b.reason)),
    Action("recall", "Call the current ticket again", EmptyRequest,
           lambda s, at, c, u, b: calling.recall(s, at, c, u, min_interval=_recall_interval())),
    Action("start", "The visitor arrived: start serving", EmptyRequest,
           lambda s, at, c, u, b: calling.start_service(s, at, c, u)),
    Action("finish", "Finish serving, with an outcome", FinishRequest,
           lambda s, at, c, u, b: calling.finish(s, at, c, u, b.outcome)),
    Action("no-show", "The visitor did not come after the recalls", EmptyRequest,
           lambda s, at, c, u, b: calling.no_show(s, at, c, u)),
    Action("recycle", "Put the called ticket back in its place in the queue", EmptyRequest,
           lambda s, at, c, u, b: calling.recycle(s, at, c, u)),
    Action("transfer", "Send the visitor to another service (same ticket)", TransferRequest,
           lambda s, at, c, u, b: calling.transfer(s, at, c, b.service,
                                                   front=b.position == "front", user_id=u)),
    Action("park", "Hold the ticket while the visitor fills in a form", EmptyRequest,
           lambda s, at, c, u, b: calling.park(s, at, c, u)),
    Action("resume", "Serve a parked ticket again", ResumeRequest,
           lambda s, at, c, u, b: calling.resume(s, at, c, b.ticket_id, u)),
]


def register(bp: Blueprint) -> None:
    @endpoint(bp, "GET", "/counters/<counter_id>", tag="counters", answers={200: CounterOut},
              summary="A counter: state, active ticket, its queue and parked tickets",
              auth=("session", "bearer"), errors=(401, 403, 404))
    def get_counter(counter_id: str) -> CounterOut:
        user = require_user()
        return counter_out(db(), now(), counter_for(user, counter_id, acting=False))

    for action in ACTIONS:
        _register_action(bp, action)


def _register_action(bp: Blueprint, action: Action) -> None:
    answers: dict[int, type[BaseModel] | None] = {200: ActionOut}
    if action.name == "call-next":
        answers[204] = None

    def act(counter_id: str, body: BaseModel) -> ActionOut | None:
        user: User = require_user()
        counter = counter_for(user, counter_id, acting=True)
        result = action.run(db(), now(), counter.id, user.id, body)
        # Commit (and so announce a call) first: the displays hear it before the officer's
        # answer is read, which only the officer waits for.
        commit()
        answer = None if result is None else ActionOut(
            ticket=ticket_out(db(), result, runtime().hall.site.public_url)
            if isinstance(result, Ticket) else None,
            counter=counter_out(db(), now(), db().get_one(Counter, counter.id)))
        if answer is not None and unannounced_here():
            answer.announced = False  # the call stands; the officer should recall it later
        return answer

    act.__name__ = f"counter_{action.name.replace('-', '_')}"
    endpoint(bp, "POST", f"/counters/<counter_id>/{action.name}", tag="counters",
             summary=action.summary, body=action.body, answers=answers,
             auth=("session", "bearer"), errors=(400, 401, 403, 404, 409, 422))(act)

"""Services and tickets: what a kiosk, a visitor's phone and a third party use."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from flask import Blueprint

from queue_server.api.auth import actor, limit_public, require_device, require_user
from queue_server.api.errors import ApiError, language
from queue_server.api.spec import endpoint
from queue_server.context import commit, db, now, runtime
from queue_server.hub.printagent import send_jobs
from queue_server.models import Channel, Device, DeviceKind, PrintStatus
from queue_server.queue.estimates import place_and_pace
from queue_server.queue.issuing import cancel_ticket, find_ticket_by_token, issue_placed
from queue_server.readmodels.services import services_overview
from queue_server.readmodels.tickets import public_ticket, ticket_out
from queue_server.schemas import (
    IssueRequest,
    PublicTicketOut,
    ServicesOut,
    TicketOut,
)

_ISSUING = threading.Lock()


@contextmanager
def _issuing_turn() -> Iterator[None]:
    """One issue at a time in this process, from taking the quota to the commit.

    On PostgreSQL an issue holds its service's quota row and its prefix's number row locked
    until it commits; under gevent the greenlet holding them waited between its statements
    behind the other issuing greenlets of its process, while the other processes' kiosks
    queued on the rows (two processes, 8 kiosks: p99 193-229 ms, with the turn 60-65 ms).
    A request waits for its turn holding the connection its token was read on, so the one
    with the turn never waits for the pool. SQLite's one connection already makes requests
    take turns (and a request waiting here on it would hold it from the one with the turn).
    """
    if db().get_bind().dialect.name == "sqlite":
        yield
        return
    with _ISSUING:
        yield


def register(bp: Blueprint) -> None:
    @endpoint(bp, "GET", "/services", tag="tickets", answers={200: ServicesOut},
              summary="Agencies and services: open or not (and why), waiting, quota left, "
                      "estimated wait", auth=("bearer",), errors=(401, 429))
    def list_services() -> ServicesOut:
        limit_public("services", 120)
        return services_overview(db(), now())

    @endpoint(bp, "POST", "/tickets", tag="tickets", body=IssueRequest,
              answers={201: TicketOut}, auth=("bearer", "session"),
              summary="Issue a ticket (a kiosk needs its device token). At a kiosk, "
                      "print_status is 'pending' when the job went to its print agent, "
                      "'failed' (print_error 'no_agent') when none is connected",
              errors=(400, 401, 403, 404, 409, 422, 429))
    def create_ticket(body: IssueRequest) -> tuple[TicketOut, int]:
        kiosk, user_id = _issuer(body.channel)
        with _issuing_turn():
            ticket, place = issue_placed(
                db(), now(), body.service, priority=body.priority,
                priority_reason=body.priority_reason, channel=body.channel,
                kiosk_id=kiosk.id if kiosk else None, user_id=user_id, kiosk=kiosk,
                queued_at=now)
            # SQLite reads the place in the issuing transaction (one turn at the connection);
            # PostgreSQL read it with the ticket's INSERT.
            place = place or place_and_pace(db(), ticket)
            commit()
        # Built after the commit, from what the request holds: the service's rows stay locked
        # until the commit, and every kiosk of the service waits on them.
        answer = ticket_out(db(), ticket, runtime().hall.site.public_url, language(),
                            with_token=kiosk is not None,  # only the issuing kiosk's
                            place=place)
        # With no print agent the ticket was marked failed in that same transaction, so the
        # answer already tells the kiosk page to show the number on screen.
        to_print = kiosk is not None and ticket.print_status is PrintStatus.PENDING
        if to_print:
            send_jobs(db(), [ticket])
        return answer, 201

    @endpoint(bp, "GET", "/tickets/<token>", tag="tickets", answers={200: PublicTicketOut},
              summary="The visitor's view of one ticket", errors=(404, 429))
    def get_ticket(token: str) -> PublicTicketOut:
        limit_public("ticket", 120)
        return public_ticket(db(), find_ticket_by_token(db(), token))

    @endpoint(bp, "POST", "/tickets/<token>/cancel", tag="tickets",
              answers={200: PublicTicketOut}, errors=(404, 409, 429),
              summary="The visitor leaves: the ticket is cancelled")
    def cancel(token: str) -> PublicTicketOut:
        limit_public("cancel", 20)
        ticket = find_ticket_by_token(db(), token)
        who = actor()
        cancel_ticket(db(), now(), ticket, user_id=who.user.id if who.user else None,
                      reason="staff" if who.user else "visitor_left")
        commit()
        return public_ticket(db(), ticket)


def _issuer(channel: Channel) -> tuple[Device | None, int | None]:
    """Who may issue on each channel: a kiosk with its token, staff at a counter. So priority
    is claimed only in the hall, before a kiosk or an officer.

    Online tickets are booked through POST /bookings (api/bookings.py: one per phone number,
    within the share of the quota kept for them), never here: an open issuing endpoint let
    anyone drain a service's quota with priority tickets.
    """
    if channel is Channel.KIOSK:
        return require_device(DeviceKind.KIOSK), None
    if channel is Channel.COUNTER:
        return None, require_user().id
    raise ApiError("online_issuing_unavailable", 403,
                   "Nomor dari rumah diambil di halaman /ambil, bukan di sini.",
                   "Numbers taken from home are booked at /ambil (POST /api/v1/bookings), "
                   "not here.")

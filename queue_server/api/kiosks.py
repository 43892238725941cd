"""Kiosks' printers for staff: their live state, and reprinting a ticket."""

from __future__ import annotations

from flask import Blueprint

from queue_server.api.auth import require_user
from queue_server.api.errors import language
from queue_server.api.spec import endpoint
from queue_server.context import commit, db, now, runtime
from queue_server.hub.printagent import send_jobs
from queue_server.models import Ticket
from queue_server.people import may_see_agency
from queue_server.queue import printjobs
from queue_server.queue.errors import UnknownTicket
from queue_server.readmodels.kiosks import kiosk_views
from queue_server.readmodels.tickets import ticket_out
from queue_server.schemas import KiosksOut, TicketOut


def register(bp: Blueprint) -> None:
    @endpoint(bp, "GET", "/kiosks", tag="kiosks", answers={200: KiosksOut},
              auth=("bearer", "session"), errors=(401,),
              summary="Every kiosk: is its print agent connected, and its printer's state")
    def list_kiosks() -> KiosksOut:
        require_user()
        return kiosk_views(db(), now())

    @endpoint(bp, "POST", "/tickets/<int:ticket_id>/reprint", tag="kiosks",
              answers={200: TicketOut}, auth=("bearer", "session"), errors=(401, 403, 404, 409),
              summary="Print the ticket again at the kiosk that issued it (a new job); 409 "
                      "no_agent when that kiosk's print agent is not connected")
    def reprint(ticket_id: int) -> TicketOut:
        user = require_user()
        ticket = db().get(Ticket, ticket_id)
        if ticket is None or not may_see_agency(user, ticket.service.agency_id):
            # Every role below admin stays in its agencies; another's ticket is unknown here.
            raise UnknownTicket()
        printjobs.reprint(db(), now(), ticket, user.id)
        commit()
        send_jobs(db(), [ticket])
        return ticket_out(db(), ticket, runtime().hall.site.public_url, language())

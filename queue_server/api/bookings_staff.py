"""Today's remote tickets and appointments for staff (issue 16): per service and slot how many
were booked, checked in or expired, and who has not arrived yet. Scoped to the user's
agencies like the console and the overview; the check-in itself is
`POST /tickets/<code>/check-in` (api/bookings.py)."""

from __future__ import annotations

from flask import Blueprint
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from queue_server.api.auth import counter_for, require_user
from queue_server.api.errors import ApiError
from queue_server.api.spec import endpoint
from queue_server.console.schemas import BookingsOut, BookingsQuery
from queue_server.context import db, now
from queue_server.models import Agency, Service, User
from queue_server.people import agency_scope, may_see_agency
from queue_server.queue.issuing import find_service
from queue_server.readmodels.bookings import bookings_today


def register(bp: Blueprint) -> None:
    @endpoint(bp, "GET", "/bookings/today", tag="console", query=BookingsQuery,
              answers={200: BookingsOut}, auth=("session", "bearer"),
              errors=(401, 403, 404, 422),
              summary="Today's tickets taken from home, for staff: per service and "
                      "appointment slot booked / checked in / not arrived / expired, and the "
                      "bookings not checked in yet (a page of them) with the phone's and "
                      "NIK's last digits; for a counter's services, one service, one agency "
                      "or all of the user's")
    def staff_bookings(query: BookingsQuery) -> BookingsOut:
        user = require_user()
        return bookings_today(db(), now(), services_asked(user, query), find=query.find,
                              limit=query.limit, offset=query.offset)


def services_asked(user: User, query: BookingsQuery) -> list[Service]:
    """The services a query names (a counter's, one service, one agency's, or all), each of
    which the user may see."""
    named = [name for name in ("counter", "service", "agency") if getattr(query, name)]
    if len(named) > 1:
        raise ApiError("invalid_input", 422, "Pilih salah satu: loket, layanan atau instansi.",
                       "Name one of counter, service or agency.")
    if query.counter:
        counter = counter_for(user, query.counter, acting=False)
        return [service for service in counter.services if service.active]
    if query.service:
        service = find_service(db(), query.service)
        if not may_see_agency(user, service.agency_id):
            raise ApiError("forbidden", 403, f"{service.name} bukan layanan instansi Anda.",
                           f"{service.name} is not a service of your agency.")
        return [service]
    statement = (select(Service).join(Agency, Service.agency_id == Agency.id)
                 .where(Service.active, Agency.active)
                 .order_by(Agency.position, Service.position)
                 .options(selectinload(Service.agency)))
    if query.agency:
        agency = db().scalar(select(Agency).where(Agency.code == query.agency, Agency.active))
        if agency is None:
            raise ApiError("unknown_agency", 404, f"Instansi '{query.agency}' tidak dikenal.",
                           f"Unknown agency '{query.agency}'.")
        if not may_see_agency(user, agency.id):
            raise ApiError("forbidden", 403, f"{agency.short_name} bukan instansi Anda.",
                           f"{agency.short_name} is not your agency.")
        statement = statement.where(Service.agency_id == agency.id)
    scope = agency_scope(user)
    if scope is not None:
        statement = statement.where(Service.agency_id.in_(scope))
    return list(db().scalars(statement))

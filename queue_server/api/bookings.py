"""Taking a number from home: the public booking routes, and check-in at a kiosk or by staff
(issue 16; the rules are in queue/bookings.py and queue/checkin.py, docs/remote.md)."""

from __future__ import annotations

import functools
from datetime import date, datetime, time

from flask import Blueprint, current_app
from sqlalchemy.orm import Session

from queue_server.api.auth import actor, client_address, limit_public, require_user
from queue_server.api.booking_schemas import (
    BookableAgency,
    BookableService,
    BookedTicketOut,
    BookingIn,
    BookingOut,
    BookingServicesOut,
    CheckedInTicketOut,
    CheckInOut,
    SlotOut,
    SlotsOut,
    SlotsQuery,
)
from queue_server.api.errors import ApiError, language
from queue_server.api.spec import endpoint
from queue_server.context import commit, db, now, runtime
from queue_server.hub.printagent import send_jobs
from queue_server.models import DeviceKind, Ticket
from queue_server.people import may_see_agency
from queue_server.queue.bookings import BookingRequest, book, queue_refusal, takes_remote
from queue_server.queue.catalog import service_hours
from queue_server.queue.checkin import check_in, find_booking
from queue_server.queue.common import get_site, site_time
from queue_server.queue.errors import (
    ClosedToday,
    DomainError,
    InvalidDate,
    InvalidSlot,
    RemoteQuotaReached,
    UnknownTicket,
)
from queue_server.queue.estimates import estimated_wait_minutes, service_loads
from queue_server.queue.identity import identity_key, phone_identity
from queue_server.queue.issuing import find_service
from queue_server.queue.remote import kept_for_remote, remote_rules
from queue_server.queue.slots import SlotDay, slot_states
from queue_server.readmodels.printjob import print_job
from queue_server.readmodels.services import closed_message, hall_day
from queue_server.readmodels.tickets import ticket_out
from queue_server.schemas import Bilingual

# Bookings per address (a minute, an hour) and per phone number (a day): a person books a
# few numbers; a broker's script is stopped early, whatever it does with the phone numbers.
PER_ADDRESS_MINUTE, PER_ADDRESS_HOUR, PER_PHONE_DAY = 10, 30, 10


def register(bp: Blueprint) -> None:
    @endpoint(bp, "GET", "/bookings/services", tag="bookings",
              answers={200: BookingServicesOut}, errors=(429,),
              summary="Services that take numbers from home: today's remote numbers left, the "
                      "estimated wait, slots, whether the NIK is asked, open now or why not")
    def bookable_services() -> BookingServicesOut:
        limit_public("booking-services", 120)
        return _bookable(db(), now())

    @endpoint(bp, "GET", "/services/<code>/slots", tag="bookings", query=SlotsQuery,
              answers={200: SlotsOut}, errors=(404, 422, 429),
              summary="A service's appointment slots on a day, with the places left in each")
    def service_slots(code: str, query: SlotsQuery) -> SlotsOut:
        limit_public("booking-slots", 120)
        return _slots(db(), now(), code, _day(query.date))

    @endpoint(bp, "POST", "/bookings", tag="bookings", body=BookingIn,
              answers={201: BookingOut}, errors=(400, 404, 409, 422, 429),
              summary="Take a number from home (today's queue, or a slot on a later day): a "
                      "booked ticket to check in on arrival. 409 already_booked, slot_full, "
                      "remote_quota_reached, remote_closed; 422 invalid_phone, nik_required, "
                      "invalid_nik, invalid_slot, invalid_date")
    def create_booking(body: BookingIn) -> tuple[BookingOut, int]:
        limit_public("bookings", PER_ADDRESS_MINUTE)
        _limit(f"bookings-hour:{client_address()}", 3600, PER_ADDRESS_HOUR)
        day, slot = _day(body.date) if body.date else None, _slot(body.slot)
        phone = phone_identity(_key(), body.phone)
        _limit(f"bookings-phone:{phone.hash}", 86400, PER_PHONE_DAY)
        ticket = book(db(), now(), _key(), BookingRequest(body.service, body.phone, body.nik,
                                                          day, slot))
        answer = BookingOut(ticket=_booked(ticket))
        commit()
        return answer, 201

    @endpoint(bp, "POST", "/tickets/<key>/check-in", tag="bookings",
              answers={200: CheckInOut}, auth=("bearer", "session"),
              errors=(401, 404, 409, 429),
              summary="Check a booked ticket in (by its token or booking code), at a kiosk "
                      "(its device token; the ticket is printed) or by staff of its agency: "
                      "it joins the line. 409 too_early, too_late, already_checked_in")
    def check_in_ticket(key: str) -> CheckInOut:
        who = actor()
        kiosk = who.device if who.device is not None and \
            who.device.kind is DeviceKind.KIOSK else None
        user = None if kiosk is not None else require_user()
        ticket = find_booking(db(), now(), key)
        if user is not None and not may_see_agency(user, ticket.service.agency_id):
            raise UnknownTicket()  # another agency's ticket is unknown here, as for reprints
        done = check_in(db(), now(), ticket, kiosk=kiosk, user_id=user.id if user else None)
        hall = runtime().hall
        shown = ticket_out(db(), ticket, hall.site.public_url, language(),
                           with_token=kiosk is not None)
        job = print_job(db(), ticket, hall, kiosk) if kiosk is not None and done.printing \
            else None
        commit()
        if job is not None:
            send_jobs(db(), [ticket])
        assert ticket.arrive_from is not None and ticket.arrive_until is not None
        return CheckInOut(ticket=CheckedInTicketOut(
            **shown.model_dump(), place_kept=done.place_kept, arrive_from=ticket.arrive_from,
            arrive_until=ticket.arrive_until), print=job)


@functools.cache
def _identity_key(secret: str) -> bytes:
    return identity_key(secret)


def _key() -> bytes:
    """The key of the phone and NIK hashes, from the server's secret key."""
    return _identity_key(str(current_app.config["SECRET_KEY"]))


def _limit(key: str, window_s: int, most: int) -> None:
    if runtime().windows.hit(f"public:{key}", window_s) > most:
        raise ApiError("rate_limited", 429,
                       "Terlalu banyak pemesanan; coba lagi nanti.",
                       "Too many bookings; try again later.")


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidDate(day=text, last="-") from None


def _slot(text: str | None) -> time | None:
    if text is None:
        return None
    try:
        return time.fromisoformat(text)
    except ValueError:
        raise InvalidSlot(slot=text, service="-") from None


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


def _hhmm(moment: time) -> str:
    return moment.strftime("%H:%M")


def _booked(ticket: Ticket) -> BookedTicketOut:
    site = get_site(db())
    assert ticket.booking_code and ticket.arrive_from and ticket.arrive_until \
        and ticket.expires_at and ticket.phone_last4
    slot = ticket.slot_start
    return BookedTicketOut(
        code=ticket.code, token=ticket.token, booking_code=ticket.booking_code,
        service=ticket.service.code, service_name=ticket.service.name,
        day=ticket.service_day.isoformat(),
        slot=_hhmm(site_time(site, slot).time()) if slot is not None else None,
        status=ticket.status, arrive_from=ticket.arrive_from,
        arrive_until=ticket.arrive_until, expires_at=ticket.expires_at,
        tracking_url=f"/t/{ticket.token}", phone_last4=ticket.phone_last4)


def _bookable(session: Session, moment: datetime) -> BookingServicesOut:
    site = get_site(session)
    rules = remote_rules(site)
    day = site_time(site, moment).date()
    agencies, days = hall_day(session, day)
    services = [s for a in agencies for s in a.services if s.active and takes_remote(rules, s)]
    loads = service_loads(session, day, services)
    answer = []
    for agency in agencies:
        items = []
        for service in (s for s in agency.services if s in services):
            row = days.get(service.id)
            quota = row.quota_override if row and row.quota_override is not None \
                else service.quota
            left = None if quota is None else max(
                0, kept_for_remote(quota, service.remote_share) - (row.remote_issued if row
                                                                   else 0))
            refusal: DomainError | None = queue_refusal(moment, site, service,
                                                        service_hours(session, service))
            if refusal is None and row is not None and row.closed_reason:
                refusal = ClosedToday(reason=row.closed_reason)
            if refusal is None and left == 0:
                refusal = RemoteQuotaReached(service=service.name,
                                             kept=kept_for_remote(quota, service.remote_share))
            load = loads[service.id]
            items.append(BookableService(
                code=service.code, name=service.name, requirements=list(service.requirements),
                remote_left=left, estimate_min=estimated_wait_minutes(load, load.waiting),
                offers_slots=service.slots is not None, asks_nik=service.asks_nik,
                remote_open=refusal is None, remote_closed_message=closed_message(refusal)))
        if items:
            answer.append(BookableAgency(code=agency.code, name=agency.name,
                                         short_name=agency.short_name, colour=agency.colour,
                                         services=items))
    return BookingServicesOut(enabled=rules.enabled, days_ahead=rules.days_ahead,
                              few_ahead=rules.few_ahead, agencies=answer)


def _slots(session: Session, moment: datetime, code: str, day: date) -> SlotsOut:
    service = find_service(session, code)
    if takes_remote(remote_rules(get_site(session)), service):
        states, offered = slot_states(session, moment, service, day)
    else:
        states, offered = (), SlotDay((), "layanan ini tidak menerima pemesanan dari rumah.",
                                      "this service takes no bookings from home.")
    closed = None
    if offered.closed_id is not None:
        closed = Bilingual(id=_sentence(offered.closed_id), en=_sentence(offered.closed_en or ""))
    return SlotsOut(service=service.code, date=day.isoformat(), closed_message=closed,
                    slots=[SlotOut(start=_hhmm(s.slot.start), end=_hhmm(s.slot.end),
                                   capacity=s.capacity, left=s.left) for s in states])

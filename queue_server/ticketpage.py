"""The visitor's ticket page, `/t/<token>`: the QR code's target, public, light on a cheap phone.

The page is rendered whole on the server (it reads fine without JavaScript) and then follows
the ticket live over Socket.IO (`{"ticket": token}` → the ticket's room). `/t/<token>/qr.svg`
is the QR code of the tracking address, for the kiosk's on-screen e-ticket.
"""

from __future__ import annotations

import re
from datetime import datetime

import qrcode
from flask import Blueprint, Response, render_template, request
from flask.typing import ResponseReturnValue

from queue_server.api.auth import over_public_limit
from queue_server.context import db, now, runtime
from queue_server.models import Ticket, TicketStatus
from queue_server.queue.common import get_site, service_day, zone
from queue_server.queue.errors import UnknownTicket
from queue_server.queue.issuing import find_ticket_by_token
from queue_server.readmodels.tickets import public_ticket, tracking_url
from queue_server.schemas import PublicTicketOut

bp = Blueprint("ticketpage", __name__, url_prefix="/t", template_folder="templates",
               static_folder="static/ticket", static_url_path="/static")

# Tokens are `secrets.token_urlsafe(32)`; anything else is not worth a database look-up.
TOKEN = re.compile(r"^[A-Za-z0-9_-]{16,100}$")
LANGUAGES = ("id", "en")
PER_MINUTE = 120  # page and QR reads per visitor's address, as the ticket API allows


@bp.before_request
def _limit() -> Response | None:
    """Public pages are rate-limited like the public API: guessing tokens costs time."""
    if request.endpoint in ("ticketpage.static", "ticketpage.service_worker") or \
            not over_public_limit("ticket-page", PER_MINUTE):
        return None
    body = ("Terlalu banyak permintaan; coba lagi sebentar lagi.\n"
            "Too many requests; try again in a minute.\n")
    response = _private(Response(body, status=429, mimetype="text/plain"))
    response.headers["Retry-After"] = "60"
    return response

# Every word the page shows, in both languages; the script gets the same table.
STRINGS: dict[str, dict[str, str]] = {
    "id": {
        "title": "Tiket antrean",
        "your_number": "Nomor antrean Anda",
        "status": "Status",
        "ahead": "Orang di depan Anda",
        "wait": "Perkiraan menunggu",
        "minutes": "± {n} menit",
        "hours": "± {h} jam {m} menit",
        "soon": "Sebentar lagi",
        "no_counter": "Belum ada loket yang buka",
        "issued": "Diambil pukul {time}",
        "status_waiting": "Menunggu dipanggil",
        "status_called": "Dipanggil",
        "status_serving": "Sedang dilayani",
        "status_parked": "Ditunda — lengkapi berkas Anda",
        "status_done": "Layanan selesai",
        "status_no_show": "Terlewat",
        "status_cancelled": "Dibatalkan",
        "status_expired": "Tidak berlaku lagi",
        "status_booked": "Belum check-in",
        "arrive": "Datang {window}",
        "window": "antara pukul {start} dan {end} {zone}",
        "window_day": "{day}, antara pukul {start} dan {end} {zone}",
        "checkin_how": "Sesampainya di MPP, tunjukkan kode QR ini ke pemindai kios, atau "
                       "sentuh “Sudah punya tiket?” di kios dan ketik kode pemesanan. Nomor "
                       "Anda masuk antrean setelah check-in.",
        "booking_code": "Kode pemesanan",
        "late_note": "Datang setelah pukul {end}: Anda masuk di antrean paling belakang, "
                     "paling lambat pukul {expires}.",
        "few_title": "Giliran Anda hampir tiba",
        "few_body": "{n} orang lagi di depan Anda. Bersiaplah menuju loket.",
        "next_body": "Anda berikutnya. Bersiaplah menuju loket.",
        "alerts_on": "Aktifkan bunyi, getar & notifikasi",
        "alerts_ready": "Bunyi, getar & notifikasi aktif",
        "called_title": "Nomor Anda dipanggil!",
        "called_go": "Silakan menuju {counter}",
        "called_again": "Panggilan ke-{n}",
        "serving_at": "Anda sedang dilayani di {counter}.",
        "parked_note": "Petugas di {counter} menunda layanan Anda sambil Anda melengkapi berkas. "
                       "Kembali ke loket bila sudah siap.",
        "done_note": "Terima kasih telah menggunakan layanan MPP Buleleng.",
        "no_show_note": "Nomor Anda sudah dipanggil tetapi Anda tidak datang. "
                        "Hubungi petugas informasi bila Anda masih ingin dilayani.",
        "cancelled_note": "Anda telah keluar dari antrean. Ambil nomor baru di kios bila ingin "
                          "dilayani.",
        "expired_note": "Tiket ini tidak berlaku lagi. Ambil nomor baru di kios.",
        "waiting_note": "Halaman ini diperbarui otomatis. Ponsel Anda berbunyi dan bergetar "
                        "saat giliran Anda hampir tiba dan saat nomor Anda dipanggil.",
        "leave": "Saya batal",
        "leave_question": "Batalkan nomor {code}?",
        "leave_detail": "Nomor ini tidak dapat dipakai lagi setelah dibatalkan.",
        "leave_yes": "Ya, batalkan",
        "leave_no": "Tidak, tetap antre",
        "leave_failed": "Gagal membatalkan: {message}",
        "offline": "Sedang menyambung kembali…",
        "updated": "Diperbarui otomatis",
        "other_language": "English",
        "not_found_title": "Tiket tidak ditemukan",
        "not_found_body": "Alamat ini tidak cocok dengan tiket mana pun. Pindai kembali kode QR "
                          "pada tiket Anda, atau tanyakan petugas informasi. Nomor pada tiket "
                          "cetak Anda tetap berlaku.",
        "counter_fallback": "loket",
        "weekdays": "Senin,Selasa,Rabu,Kamis,Jumat,Sabtu,Minggu",
    },
    "en": {
        "title": "Queue ticket",
        "your_number": "Your queue number",
        "status": "Status",
        "ahead": "People ahead of you",
        "wait": "Estimated wait",
        "minutes": "about {n} min",
        "hours": "about {h} h {m} min",
        "soon": "Very soon",
        "no_counter": "No counter open yet",
        "issued": "Taken at {time}",
        "status_waiting": "Waiting to be called",
        "status_called": "Called",
        "status_serving": "Being served",
        "status_parked": "On hold — complete your documents",
        "status_done": "Service finished",
        "status_no_show": "Missed",
        "status_cancelled": "Cancelled",
        "status_expired": "No longer valid",
        "status_booked": "Not checked in yet",
        "arrive": "Arrive {window}",
        "window": "between {start} and {end} {zone}",
        "window_day": "on {day}, between {start} and {end} {zone}",
        "checkin_how": "At the hall, hold this QR code to a kiosk's scanner, or touch “Already "
                       "have a ticket?” on a kiosk and type the booking code. Your number "
                       "joins the queue once you have checked in.",
        "booking_code": "Booking code",
        "late_note": "Arriving after {end}, you join at the back of the queue, until "
                     "{expires} at the latest.",
        "few_title": "Your turn is near",
        "few_body": "{n} more people ahead of you. Get ready to go to the counter.",
        "next_body": "You are next. Get ready to go to the counter.",
        "alerts_on": "Turn on sound, vibration & notifications",
        "alerts_ready": "Sound, vibration & notifications on",
        "called_title": "Your number is called!",
        "called_go": "Please go to {counter}",
        "called_again": "Call {n}",
        "serving_at": "You are being served at {counter}.",
        "parked_note": "The officer at {counter} put your service on hold while you complete "
                       "your documents. Go back to the counter when you are ready.",
        "done_note": "Thank you for visiting MPP Buleleng.",
        "no_show_note": "Your number was called but you did not come. Ask the information desk "
                        "if you still want to be served.",
        "cancelled_note": "You have left the queue. Take a new number at a kiosk to be served.",
        "expired_note": "This ticket is no longer valid. Take a new number at a kiosk.",
        "waiting_note": "This page updates by itself. Your phone beeps and vibrates when your "
                        "turn is near and when your number is called.",
        "leave": "I am leaving",
        "leave_question": "Cancel number {code}?",
        "leave_detail": "A cancelled number cannot be used again.",
        "leave_yes": "Yes, cancel it",
        "leave_no": "No, keep my place",
        "leave_failed": "Could not cancel: {message}",
        "offline": "Reconnecting…",
        "updated": "Updates automatically",
        "other_language": "Bahasa Indonesia",
        "not_found_title": "Ticket not found",
        "not_found_body": "This address does not match any ticket. Scan the QR code on your "
                          "ticket again, or ask the information desk. The number on your printed "
                          "ticket stays valid.",
        "counter_fallback": "the counter",
        "weekdays": "Monday,Tuesday,Wednesday,Thursday,Friday,Saturday,Sunday",
    },
}


def page_language() -> str:
    """Indonesian unless the address asks for English (`?lang=en`: the page's own switch, or a
    QR code from a kiosk used in English). Not the phone's language: many phones in the hall
    are set to English by default, and the hall speaks Indonesian first."""
    chosen = request.args.get("lang")
    return chosen if chosen in LANGUAGES else "id"


def _find(token: str) -> Ticket | None:
    if not TOKEN.match(token):
        return None
    try:
        return find_ticket_by_token(db(), token)
    except UnknownTicket:
        return None


def _private(response: Response) -> Response:
    # The address is the visitor's key: keep it out of caches and other sites' logs.
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


@bp.get("/<token>")
def ticket_page(token: str) -> ResponseReturnValue:
    lang = page_language()
    strings = STRINGS[lang]
    other = "en" if lang == "id" else "id"
    ticket = _find(token)
    if ticket is None:
        body = render_template("ticket/not_found.html", t=strings, lang=lang, other=other)
        return _private(Response(body, status=404))
    view: PublicTicketOut = public_ticket(db(), ticket)
    hall = runtime().hall
    site = hall.site
    few = hall.remote.few_ahead
    body = render_template(
        "ticket/page.html", t=strings, lang=lang, other=other, token=token,
        ticket=view, status=view.status.value, data=view.model_dump(mode="json"),
        counter=counter_name(strings, view), wait=wait_text(strings, view.estimated_wait_min),
        note=status_note(strings, view), booking=booking_view(strings, ticket),
        few_ahead=few, soon=soon_text(strings, view, few),
        issued=f"{_clock(view.issued_at, site.timezone)} {site.timezone_label}",
        site_name=site.short_name)
    return _private(Response(body))


@bp.get("/sw.js")
def service_worker() -> ResponseReturnValue:
    """The page's service worker, at /t/ so that its scope covers every ticket page: phones'
    browsers (Chrome on Android) show a page's notifications only through one."""
    response = bp.send_static_file("sw.js")
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.get("/<token>/qr.svg")
def ticket_qr(token: str) -> ResponseReturnValue:
    """The tracking address as a QR code (SVG), for the kiosk's screen."""
    ticket = _find(token)
    if ticket is None:
        return _private(Response("unknown ticket\n", status=404, mimetype="text/plain"))
    address = tracking_url(runtime().hall.site.public_url, ticket)
    if request.args.get("lang") == "en":
        address += "?lang=en"  # the visitor used the kiosk in English
    svg = qr_svg(address)
    response = _private(Response(svg, mimetype="image/svg+xml"))
    response.headers["Cache-Control"] = "private, max-age=86400"
    return response


# The page's script words the same things the same way (static/ticket/ticket.js).

def wait_text(strings: dict[str, str], minutes: int | None) -> str:
    if minutes is None:  # no counter serving it is open: no figure is honest
        return strings["no_counter"]
    if minutes <= 0:
        return strings["soon"]
    if minutes < 60:
        return strings["minutes"].format(n=minutes)
    return strings["hours"].format(h=minutes // 60, m=minutes % 60)


def counter_name(strings: dict[str, str], view: PublicTicketOut) -> str:
    return view.counter.name if view.counter else strings["counter_fallback"]


def status_note(strings: dict[str, str], view: PublicTicketOut) -> str:
    """A sentence under the number saying what the status means for the visitor."""
    key = {"waiting": "waiting_note", "serving": "serving_at", "parked": "parked_note",
           "done": "done_note", "no_show": "no_show_note", "cancelled": "cancelled_note",
           "expired": "expired_note", "booked": "checkin_how"}.get(view.status.value)
    return strings[key].format(counter=counter_name(strings, view)) if key else ""


def soon_text(strings: dict[str, str], view: PublicTicketOut, few: int) -> str | None:
    """The "your turn is near" line while `few` or fewer wait ahead; None otherwise."""
    if view.status is not TicketStatus.WAITING or view.ahead > few:
        return None
    return strings["few_body"].format(n=view.ahead) if view.ahead else strings["next_body"]


def booking_view(strings: dict[str, str], ticket: Ticket) -> dict[str, str] | None:
    """A remote ticket's booking code and arrival window in the hall's words and time; None
    for a ticket taken in the hall."""
    if ticket.booking_code is None or ticket.arrive_from is None or ticket.arrive_until is None:
        return None
    site = runtime().hall.site
    start, end = _clock(ticket.arrive_from, site.timezone), _clock(ticket.arrive_until,
                                                                    site.timezone)
    times = {"start": start, "end": end, "zone": site.timezone_label}
    if ticket.service_day == service_day(get_site(db()), now()):
        window = strings["window"].format(**times)
    else:
        weekday = strings["weekdays"].split(",")[ticket.service_day.weekday()]
        day = f"{weekday} {ticket.service_day.day}/{ticket.service_day.month}"
        window = strings["window_day"].format(day=day, **times)
    expires = ticket.expires_at or ticket.arrive_until
    return {"code": ticket.booking_code, "window": window,
            "late": strings["late_note"].format(end=end,
                                                expires=_clock(expires, site.timezone))}


def _clock(moment: datetime, timezone: str) -> str:
    return moment.astimezone(zone(timezone)).strftime("%H.%M")


def qr_svg(data: str) -> str:
    """A crisp, black-on-white QR code as SVG: one path of dark runs, a 4-module quiet zone."""
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=4)
    code.add_data(data)
    code.make(fit=True)
    matrix = code.get_matrix()
    size = len(matrix)
    runs = []
    for y, row in enumerate(matrix):
        x = 0
        while x < size:
            if row[x]:
                start = x
                while x < size and row[x]:
                    x += 1
                runs.append(f"M{start} {y}h{x - start}v1h-{x - start}z")
            else:
                x += 1
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {size} {size}" '
            f'shape-rendering="crispEdges"><rect width="{size}" height="{size}" fill="#fff"/>'
            f'<path fill="#000" d="{"".join(runs)}"/></svg>')

"""Refusals in the hall's words. Each has a reason code and a message in Indonesian and English."""

from __future__ import annotations

from typing import Any, ClassVar


class DomainError(Exception):
    """Something the rules do not allow; nothing was changed.

    `status` is the HTTP status the API answers with; the engine itself never speaks HTTP.
    """

    code: ClassVar[str] = "refused"
    status: ClassVar[int] = 409
    message_id: ClassVar[str] = "Permintaan ditolak."
    message_en: ClassVar[str] = "The request was refused."

    def __init__(self, **params: Any) -> None:
        self.params = params
        super().__init__(self.message("en"))

    def message(self, language: str = "id") -> str:
        template = self.message_en if language == "en" else self.message_id
        return template.format(**self.params)


# --- Issuing --------------------------------------------------------------------------------

class UnknownService(DomainError):
    code, status = "unknown_service", 404
    message_id = "Layanan '{service}' tidak dikenal."
    message_en = "Unknown service '{service}'."


class ServiceClosed(DomainError):
    code = "closed"
    message_id = "Layanan sedang tutup."
    message_en = "The service is closed now."


class NotOpenYet(ServiceClosed):
    code = "not_open_yet"
    message_id = "Pengambilan nomor dibuka pukul {time}."
    message_en = "Tickets are issued from {time}."


class AfterCutoff(ServiceClosed):
    code = "after_cutoff"
    message_id = "Pengambilan nomor hari ini sudah ditutup pukul {time}."
    message_en = "Tickets for today closed at {time}."


class OnBreak(ServiceClosed):
    code = "on_break"
    message_id = "{name}. Dibuka kembali pukul {time}."
    message_en = "{name} (break). Open again at {time}."


class Holiday(ServiceClosed):
    code = "holiday"
    message_id = "Hari libur: {name}. Buka kembali {next_id}."
    message_en = "Closed for a holiday: {name}. Open again {next_en}."


class ClosedDay(ServiceClosed):
    """A weekday without hours (Sunday): say which day and when the hall opens next."""

    code = "closed"
    message_id = "Hari {day_id} layanan tutup. Buka kembali {next_id}."
    message_en = "Closed on {day_en}s. Open again {next_en}."


class ClosedToday(ServiceClosed):
    code = "closed_today"
    message_id = "Layanan ditutup hari ini: {reason}"
    message_en = "The service is closed today: {reason}"


class QuotaReached(DomainError):
    code = "quota_reached"
    message_id = "Kuota hari ini habis ({quota} nomor)."
    message_en = "Today's quota is used up ({quota} tickets)."


class InvalidPriorityReason(DomainError):
    code, status = "invalid_priority_reason", 422
    message_id = "Alasan prioritas '{reason}' tidak dikenal; pilih salah satu: {choices}."
    message_en = "Unknown priority reason '{reason}'; choose one of: {choices}."


# --- Tickets and counters -------------------------------------------------------------------

class UnknownTicket(DomainError):
    code, status = "unknown_ticket", 404
    message_id = "Tiket tidak ditemukan."
    message_en = "Ticket not found."


class InvalidTransition(DomainError):
    code = "invalid_transition"
    message_id = "Tiket {ticket} berstatus '{status}'; tindakan '{action}' tidak berlaku."
    message_en = "Ticket {ticket} is '{status}'; '{action}' does not apply."


class UnknownCounter(DomainError):
    code, status = "unknown_counter", 404
    message_id = "Loket '{counter}' tidak dikenal."
    message_en = "Unknown counter '{counter}'."


class CounterNotOpen(DomainError):
    code = "counter_not_open"
    message_id = "{counter} belum dibuka."
    message_en = "{counter} is not open."


class CounterBusy(DomainError):
    code = "counter_busy"
    message_id = "{counter} masih melayani {ticket}; selesaikan dulu."
    message_en = "{counter} still has {ticket}; finish it first."


class CounterTaken(DomainError):
    code = "counter_taken"
    message_id = "{counter} sedang dibuka oleh {officer}."
    message_en = "{counter} is open by {officer}."


class NoActiveTicket(DomainError):
    code = "no_active_ticket"
    message_id = "{counter} tidak sedang memanggil atau melayani tiket."
    message_en = "{counter} has no called or serving ticket."


class TicketElsewhere(DomainError):
    code = "ticket_elsewhere"
    message_id = "Tiket {ticket} ditangani loket lain."
    message_en = "Ticket {ticket} belongs to another counter."


class ServiceNotServed(DomainError):
    code = "service_not_served"
    message_id = "{counter} tidak melayani {service}."
    message_en = "{counter} does not serve {service}."


class RecallsRequired(DomainError):
    code = "recalls_required"
    message_id = "Panggil ulang dulu: {done} dari {needed} panggilan ulang."
    message_en = "Recall first: {done} of {needed} recalls made."


class RecallTooSoon(DomainError):
    code = "recall_too_soon"
    message_id = ("Panggilan sebelumnya masih diumumkan. Panggil ulang bisa lagi pukul {at} "
                  "({seconds} detik lagi).")
    message_en = ("The previous call is still being announced. You can recall again at {at} "
                  "(in {seconds} s).")


class OutcomeRequired(DomainError):
    code, status = "outcome_required", 422
    message_id = "Pilih hasil layanan: {choices}."
    message_en = "Choose an outcome: {choices}."


class UnknownOutcome(DomainError):
    code, status = "unknown_outcome", 422
    message_id = "Hasil layanan '{outcome}' tidak dikenal; pilih: {choices}."
    message_en = "Unknown outcome '{outcome}'; choose: {choices}."


class NotToday(DomainError):
    code = "not_today"
    message_id = "Tiket {ticket} bukan tiket hari ini."
    message_en = "Ticket {ticket} is not from today."


# --- Printing -------------------------------------------------------------------------------

class NotIssuedAtKiosk(DomainError):
    code = "no_kiosk"
    message_id = "Tiket ini tidak diambil di kios; tidak ada printer untuk mencetaknya."
    message_en = "This ticket was not issued at a kiosk; no printer can print it."


class TicketOver(DomainError):
    code = "ticket_closed"
    message_id = "Tiket {ticket} sudah selesai."
    message_en = "Ticket {ticket} is over."


class PrintAgentAbsent(DomainError):
    code = "no_agent"
    message_id = "Printer {kiosk} tidak tersambung; periksa agen cetak di PC kios."
    message_en = "The printer of {kiosk} is not connected; check the print agent on the kiosk PC."


# --- Remote tickets and appointments (queue/bookings.py, queue/checkin.py) ------------------

class InvalidPhone(DomainError):
    code, status = "invalid_phone", 422
    message_id = "Nomor ponsel tidak valid; tulis seperti 0812 3456 7890 atau +62 812 3456 7890."
    message_en = "Not a valid mobile number; write it as 0812 3456 7890 or +62 812 3456 7890."


class NikRequired(DomainError):
    code, status = "nik_required", 422
    message_id = "Layanan {service} meminta NIK (16 angka pada KTP-el atau KK)."
    message_en = "{service} asks for the NIK (the 16 digits on the KTP-el or family card)."


class InvalidNik(DomainError):
    code, status = "invalid_nik", 422
    message_id = "NIK tidak valid; NIK terdiri dari 16 angka seperti pada KTP-el."
    message_en = "Not a valid NIK; a NIK is the 16 digits printed on the KTP-el."


class InvalidDate(DomainError):
    code, status = "invalid_date", 422
    message_id = "Tanggal {day} tidak dapat dipesan; pilih hari ini sampai {last}."
    message_en = "{day} cannot be booked; choose a day from today to {last}."


class InvalidSlot(DomainError):
    code, status = "invalid_slot", 422
    message_id = ("Jam {slot} tidak tersedia untuk {service} pada tanggal itu; pilih jam dari "
                  "daftar.")
    message_en = "{slot} is not a slot of {service} on that day; choose one from the list."


class RemoteClosed(DomainError):
    code = "remote_closed"
    message_id = "Pengambilan nomor dari rumah untuk {service} tidak tersedia: {why_id}"
    message_en = "Taking a number from home for {service} is not available: {why_en}"


class AlreadyBooked(DomainError):
    code = "already_booked"
    message_id = ("{holder} ini sudah memegang nomor {service} untuk tanggal itu; batalkan "
                  "dulu nomor itu untuk memesan lagi.")
    message_en = ("This {holder_en} already holds a {service} number for that day; cancel it "
                  "first to book again.")


class SlotFull(DomainError):
    code = "slot_full"
    message_id = "Jam {slot} sudah penuh; pilih jam lain."
    message_en = "The {slot} slot is full; choose another."


class RemoteQuotaReached(DomainError):
    code = "remote_quota_reached"
    message_id = ("Kuota nomor dari rumah untuk {service} pada tanggal itu sudah habis "
                  "({kept} nomor).")
    message_en = "The numbers {service} keeps for remote booking that day are taken ({kept})."


class QuotaKeptForRemote(DomainError):
    """A walk-in finds the rest of the quota kept for remote bookings (until their cut-off)."""

    code = "quota_kept_for_remote"
    message_id = ("Sisa kuota hari ini disediakan untuk antrean dari rumah sampai pukul {time}; "
                  "coba lagi setelah itu.")
    message_en = ("The rest of today's quota is kept for remote bookings until {time}; try "
                  "again after that.")


class TooEarly(DomainError):
    """`day_id`/`day_en` name a later day ("Selasa 01-12-2026, "), empty for today."""

    code = "too_early"
    message_id = ("Terlalu awal. Check-in nomor {ticket} mulai {day_id}pukul {start} (sampai "
                  "{until}).")
    message_en = "Too early. Check-in for {ticket} opens {day_en}at {start} (until {until})."


class TooLate(DomainError):
    code = "too_late"
    message_id = ("Waktu check-in nomor {ticket} sudah lewat; silakan ambil nomor baru di "
                  "kios.")
    message_en = "The check-in time of {ticket} has passed; please take a new number."


class AlreadyCheckedIn(DomainError):
    code = "already_checked_in"
    message_id = "Nomor {ticket} sudah check-in; tunggu panggilan."
    message_en = "{ticket} is already checked in; wait for the call."

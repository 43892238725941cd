"""The shape of a report's table: one row per group, the columns named once for every export."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import date
from typing import Literal

Kind = Literal["text", "count", "seconds", "share", "hour", "date", "datetime"]


@dataclass(frozen=True)
class Column:
    name: str
    kind: Kind
    label_id: str
    label_en: str

    def label(self, language: str) -> str:
        return self.label_en if language == "en" else self.label_id


@dataclass
class FigureRow:
    """Every figure of one group. Times are seconds (None: nothing to measure); shares are
    fractions 0..1 (None: no visitor to judge)."""

    key: str
    label: str
    issued: int = 0
    issued_kiosk: int = 0
    issued_online: int = 0
    issued_appointment: int = 0
    issued_counter: int = 0
    priority: int = 0
    called: int = 0
    served: int = 0
    no_show: int = 0
    cancelled_visitor: int = 0
    removed_staff: int = 0
    expired: int = 0
    not_arrived: int = 0
    transferred_out: int = 0
    transferred_in: int = 0
    recalls: int = 0
    wait_mean_s: float | None = None
    wait_median_s: float | None = None
    wait_p90_s: float | None = None
    wait_max_s: float | None = None
    service_mean_s: float | None = None
    service_median_s: float | None = None
    service_p90_s: float | None = None
    service_max_s: float | None = None
    waited_within_target: int = 0
    served_within_target: int = 0
    wait_service_level: float | None = None
    service_service_level: float | None = None
    priority_share: float | None = None
    busiest_hour: int | None = None
    open_s: float | None = None
    break_s: float | None = None
    extra: dict[str, object] = field(default_factory=dict)

    def finish(self) -> FigureRow:
        """Fill the shares from the counts."""
        self.priority_share = self.priority / self.issued if self.issued else None
        self.wait_service_level = (self.waited_within_target / self.called
                                   if self.called else None)
        self.service_service_level = (self.served_within_target / self.served
                                      if self.served else None)
        return self


COLUMNS: tuple[Column, ...] = (
    Column("label", "text", "Kelompok", "Group"),
    Column("issued", "count", "Tiket terbit", "Tickets issued"),
    Column("issued_kiosk", "count", "Dari kios", "At a kiosk"),
    Column("issued_online", "count", "Antrean daring", "Online queue"),
    Column("issued_appointment", "count", "Janji temu", "Appointment"),
    Column("issued_counter", "count", "Di loket", "At a counter"),
    Column("served", "count", "Dilayani", "Served"),
    Column("no_show", "count", "Tidak hadir", "No-show"),
    Column("cancelled_visitor", "count", "Batal (pengunjung)", "Cancelled by visitor"),
    Column("removed_staff", "count", "Dihapus petugas", "Removed by staff"),
    Column("expired", "count", "Kedaluwarsa", "Expired at day end"),
    Column("not_arrived", "count", "Pesanan tidak datang", "Booked, never arrived"),
    Column("transferred_out", "count", "Dialihkan keluar", "Transferred out"),
    Column("transferred_in", "count", "Dialihkan masuk", "Transferred in"),
    Column("recalls", "count", "Panggilan ulang", "Recalls"),
    Column("wait_mean_s", "seconds", "Tunggu rata-rata", "Wait mean"),
    Column("wait_median_s", "seconds", "Tunggu median", "Wait median"),
    Column("wait_p90_s", "seconds", "Tunggu P90", "Wait 90th percentile"),
    Column("wait_max_s", "seconds", "Tunggu maks.", "Wait max"),
    Column("service_mean_s", "seconds", "Layanan rata-rata", "Service mean"),
    Column("service_median_s", "seconds", "Layanan median", "Service median"),
    Column("service_p90_s", "seconds", "Layanan P90", "Service 90th percentile"),
    Column("service_max_s", "seconds", "Layanan maks.", "Service max"),
    Column("wait_service_level", "share", "Dipanggil dalam target", "Called within target"),
    Column("service_service_level", "share", "Dilayani dalam target", "Served within target"),
    Column("priority_share", "share", "Porsi prioritas", "Priority share"),
    Column("busiest_hour", "hour", "Jam tersibuk", "Busiest hour"),
    Column("open_s", "seconds", "Waktu buka", "Time open"),
    Column("break_s", "seconds", "Waktu istirahat", "Time on break"),
)

FIELD_NAMES = tuple(f.name for f in fields(FigureRow))


@dataclass
class Summary:
    first: date
    last: date
    by: str
    rows: list[FigureRow]
    total: FigureRow

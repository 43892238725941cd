"""Names and order for the groups of a report, in the reader's language."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from queue_server.models import Agency, Counter, Service, User
from queue_server.reports.period import By

WEEKDAYS = {"id": ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu"),
            "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday",
                   "Sunday")}
NOBODY = {"counter": {"id": "Belum di loket", "en": "Not at a counter"},
          "officer": {"id": "Tanpa petugas", "en": "No officer"},
          "hall": {"id": "Seluruh aula", "en": "Whole hall"}}

Label = tuple[tuple[Any, ...], str, str]  # (sort order, key, label)


def hour_label(hour: int) -> str:
    return f"{hour:02d}.00–{(hour + 1) % 24:02d}.00"


class Labels:
    """Looks up the few named things once per report."""

    def __init__(self, session: Session, language: str) -> None:
        self.language = "en" if language == "en" else "id"
        self.agencies = {a.id: a for a in session.scalars(select(Agency))}
        self.services = {s.id: s for s in session.scalars(select(Service))}
        self.counters = {c.id: c for c in session.scalars(select(Counter))}
        self.users = dict(session.execute(select(User.id, User.username)).all())
        self.names = dict(session.execute(select(User.id, User.name)).all())

    def of(self, by: By, key: Any) -> Label:
        makers: dict[By, Callable[[Any], Label]] = {
            By.HALL: lambda _: ((0,), "hall", NOBODY["hall"][self.language]),
            By.AGENCY: self._agency, By.SERVICE: self._service, By.COUNTER: self._counter,
            By.OFFICER: self._officer, By.DAY: self._day,
            By.WEEKDAY: lambda k: ((int(k),), str(int(k)),
                                   WEEKDAYS[self.language][int(k) - 1]),
            By.HOUR: lambda k: ((int(k),), str(int(k)), hour_label(int(k))),
        }
        return makers[by](key)

    def _agency(self, key: Any) -> Label:
        agency = self.agencies[int(key)]
        return (agency.position, agency.code), agency.code, agency.short_name

    def _service(self, key: Any) -> Label:
        service = self.services[int(key)]
        agency = self.agencies[service.agency_id]
        return ((agency.position, service.position, service.code), service.code,
                f"{service.name} ({agency.short_name})")

    def _counter(self, key: Any) -> Label:
        if key is None:
            return (10**6,), "-", NOBODY["counter"][self.language]
        counter = self.counters[str(key)]
        return (counter.number,), counter.id, counter.name

    def _officer(self, key: Any) -> Label:
        if key is None:
            return ("\uffff",), "-", NOBODY["officer"][self.language]
        return (self.names[int(key)].lower(),), self.users[int(key)], self.names[int(key)]

    def _day(self, key: Any) -> Label:
        day = key if isinstance(key, date) else date.fromisoformat(str(key))
        return (day.toordinal(),), day.isoformat(), day.isoformat()

"""The small test hall: its config data, times read in WITA, and a database prepared with it."""

from __future__ import annotations

import copy
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import yaml
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from queue_server.clock import FixedClock
from queue_server.config import HallConfig, parse_config
from queue_server.db import make_engine, session_factory, upgrade_schema
from queue_server.provision import apply_config

WITA = ZoneInfo("Asia/Makassar")

WEEKDAY = {"issue_from": "07:30", "open": "08:00", "cutoff": "14:30", "close": "15:30"}
FRIDAY = {"issue_from": "07:30", "open": "08:00", "cutoff": "13:30", "close": "14:00",
          "breaks": [{"start": "11:30", "end": "13:00", "name": "Istirahat salat Jumat"}]}

SMALL_HALL: dict[str, Any] = {
    "site": {
        "name": "Mal Pelayanan Publik Kabupaten Buleleng",
        "short_name": "MPP Buleleng",
        "address": "Lantai 3 Pasar Banyuasri, Singaraja",
        "timezone": "Asia/Makassar",
        "public_url": "http://antre.test",
        "hours": {"mon": WEEKDAY, "tue": WEEKDAY, "wed": WEEKDAY, "thu": WEEKDAY,
                  "fri": FRIDAY},
        "holidays": [{"date": "2026-12-25", "name": "Hari Raya Natal"}],
    },
    "agencies": [
        {"code": "DUKCAPIL", "name": "Dinas Kependudukan dan Pencatatan Sipil",
         "short_name": "Disdukcapil", "colour": "#1565c0", "services": [
             {"code": "KTP", "name": "KTP-el", "prefix": "A", "quota": 5,
              "target_minutes": 10, "requirements": ["Kartu Keluarga"]},
             {"code": "KK", "name": "Kartu Keluarga", "prefix": "B",
              "outcomes": ["Selesai", "Berkas tidak lengkap"], "outcome_required": True},
         ]},
        {"code": "POLRES", "name": "Polres Buleleng", "short_name": "Polres",
         "colour": "#5d4037", "services": [
             {"code": "SKCK", "name": "SKCK", "prefix": "C", "target_minutes": 12},
         ]},
        {"code": "IMIGRASI", "name": "Kantor Imigrasi Singaraja", "short_name": "Imigrasi",
         "colour": "#00695c", "services": [
             {"code": "PASPOR", "name": "Paspor", "prefix": "P", "quota": 60,
              "hours": {"mon": {**WEEKDAY, "issue_from": "08:00", "cutoff": "12:00"}}},
         ]},
    ],
    "counters": [
        {"id": "L1", "number": 1, "name": "Loket 1", "agency": "DUKCAPIL",
         "services": ["KTP", "KK"]},
        {"id": "L2", "number": 2, "name": "Loket 2", "agency": "DUKCAPIL", "services": ["KTP"]},
        {"id": "L3", "number": 3, "name": "Loket 3", "agency": "POLRES", "services": ["SKCK"]},
        {"id": "L4", "number": 4, "name": "Loket 4", "agency": "IMIGRASI",
         "services": ["PASPOR"]},
    ],
    "kiosks": [{"id": "kiosk-1", "name": "Kiosk Utara", "printer": "dummy"}],
    "displays": [{"id": "aula", "name": "Layar Aula"},
                 {"id": "zona-a", "name": "Zona A", "agencies": ["DUKCAPIL"]}],
    "rules": {"priority_ratio": 2, "recalls_before_no_show": 2, "late_return_places": 2},
}


def hall_data() -> dict[str, Any]:
    """A fresh, mutable copy of the small test hall."""
    return copy.deepcopy(SMALL_HALL)


def unlimited_hall_data() -> dict[str, Any]:
    """The small hall without KTP's daily quota: races and busy days issue hundreds."""
    data = hall_data()
    data["agencies"][0]["services"][0].pop("quota")
    return data


def remote_hall_data(**remote: Any) -> dict[str, Any]:
    """The small hall taking numbers from home (issue 16): 40 % of KTP's 5 kept for remote
    bookings (2), KK asks for the NIK, SKCK offers 30-minute slots for 2 visitors each;
    `remote` overrides the hall's remote settings."""
    data = hall_data()
    data["remote"] = {"enabled": True, "remote_share": 40, "days_ahead": 7,
                      "cutoff_minutes": 60, "arrive_before_minutes": 30,
                      "arrive_after_minutes": 15, "late_grace_minutes": 60, "few_ahead": 2,
                      **remote}
    data["agencies"][0]["services"][1]["asks_nik"] = True
    data["agencies"][1]["services"][0]["slots"] = {"length_minutes": 30, "capacity": 2}
    return data


def wita(text_value: str) -> datetime:
    """'2026-11-30 09:00' read as WITA."""
    return datetime.fromisoformat(text_value).replace(tzinfo=WITA)


MONDAY_9 = wita("2026-11-30 09:00")


@dataclass
class Hall:
    """A prepared database with the hall applied, and the clock the test controls."""

    engine: Engine
    sessions: sessionmaker[Session]
    clock: FixedClock
    config: HallConfig

    def session(self) -> Session:
        return self.sessions()


def prepare_hall(url: str, data: dict[str, Any] | None = None,
                 start: datetime = MONDAY_9) -> Hall:
    """The schema upgraded and `data` (default: the small hall) applied to the database at
    `url`; the caller disposes of `.engine`."""
    config = parse_config(data or hall_data())
    engine = make_engine(url)
    upgrade_schema(engine)
    sessions = session_factory(engine)
    with sessions.begin() as session:
        apply_config(session, config)
    return Hall(engine, sessions, FixedClock(start), config)


def write_hall_yaml(directory: Path, data: dict[str, Any] | None = None) -> Path:
    """`data` (default: the small hall) written as directory/config.yaml."""
    path = directory / "config.yaml"
    path.write_text(yaml.safe_dump(data or hall_data(), allow_unicode=True, sort_keys=False))
    return path

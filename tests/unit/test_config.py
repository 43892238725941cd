"""config.yaml as shipped for MPP Buleleng, and `antre config check` on good and broken files.

Broken files are built from the shipped one (load, change one thing, write to tmp_path), so each
test shows the mistake a hall's IT staff could really make, and the key path the check names.
"""

from __future__ import annotations

import copy
import functools
from collections.abc import Callable
from datetime import date, time
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner, Result

from queue_server.cli import main
from queue_server.config import HallConfig, load_config

SHIPPED = Path(__file__).resolve().parents[2] / "config.yaml"
BUSY = ("KTP", "KK", "SKCK", "PKB-TAHUNAN", "PASPOR")

Mutation = Callable[[dict[str, Any]], object]


@pytest.fixture(scope="module")
def hall() -> HallConfig:
    return load_config(SHIPPED)


@functools.cache
def _parsed() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(SHIPPED.read_text(encoding="utf-8"))
    return data


def shipped_data() -> dict[str, Any]:
    """A private copy of the shipped file's data to break. YAML anchors stay shared inside the
    copy: the Imigrasi hours are one object for both passport services, as in the file."""
    return copy.deepcopy(_parsed())


def write(tmp_path: Path, data: Any, name: str = "config.yaml") -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def check(*args: str) -> Result:
    return CliRunner().invoke(main, ["config", "check", *args])


def problem_lines(result: Result) -> list[str]:
    return [line for line in result.stderr.splitlines() if line.strip()]


# --- the shipped file -----------------------------------------------------------------------


def test_shipped_config_describes_the_hall(hall: HallConfig) -> None:
    services = [s for a in hall.agencies for s in a.services]
    assert hall.site.short_name == "MPP Buleleng"
    assert hall.site.timezone == "Asia/Makassar"
    assert hall.site.languages == ("id", "en")
    assert hall.site.public_url.startswith("http://")
    assert len(hall.agencies) == 18
    assert len(services) >= 40
    assert len(hall.counters) >= 30
    assert len(hall.kiosks) == 2
    assert len(hall.displays) == 3
    assert all(service.requirements for service in services)


def test_shipped_codes_colours_and_prefixes_are_distinct(hall: HallConfig) -> None:
    colours = [agency.colour.lower() for agency in hall.agencies]
    assert len(set(colours)) == len(colours)
    owner: dict[str, str] = {}
    for agency in hall.agencies:
        for service in agency.services:
            # A letter may be shared inside one agency, never across two: the codes on the
            # displays would look alike and the numbers would run together.
            assert owner.setdefault(service.prefix, agency.code) == agency.code, service.code


def test_shipped_counters_cover_every_service(hall: HallConfig) -> None:
    served: dict[str, int] = {}
    for counter in hall.counters:
        for code in counter.services:
            served[code] = served.get(code, 0) + 1
    for agency in hall.agencies:
        for service in agency.services:
            assert served.get(service.code, 0) >= 1, f"no counter serves {service.code}"
    for code in BUSY:
        assert served[code] >= 3, code
    numbers = [counter.number for counter in hall.counters]
    assert numbers == list(range(1, len(numbers) + 1))
    assert all(counter.name == f"Loket {counter.number}" for counter in hall.counters)


def test_shipped_zone_displays_split_the_agencies(hall: HallConfig) -> None:
    displays = {display.id: display for display in hall.displays}
    assert displays["aula"].agencies is None  # the main hall shows every agency
    zone_a, zone_b = displays["zona-a"].agencies, displays["zona-b"].agencies
    assert zone_a and zone_b
    assert not set(zone_a) & set(zone_b)
    assert set(zone_a) | set(zone_b) == {agency.code for agency in hall.agencies}
    for counter in hall.counters:
        assert counter.zone in ("A", "B"), counter.id
        zone_display = displays[f"zona-{counter.zone.lower()}"]
        assert counter.agency in (zone_display.agencies or ()), counter.id


def test_shipped_hours_and_holidays(hall: HallConfig) -> None:
    hours = hall.site.hours
    for weekday in range(4):
        day = hours.for_weekday(weekday)
        assert day is not None
        assert (day.issue_from, day.open, day.cutoff, day.close) == (
            time(7, 30), time(8), time(14, 30), time(15, 30))
        assert day.breaks == ()
    friday = hours.for_weekday(4)
    assert friday is not None
    assert (friday.cutoff, friday.close) == (time(13, 30), time(14))
    assert [(b.start, b.end, b.name) for b in friday.breaks] == [
        (time(11, 30), time(13), "Istirahat salat Jumat")]
    assert hours.for_weekday(5) is None and hours.for_weekday(6) is None

    passport = next(s for a in hall.agencies for s in a.services if s.code == "PASPOR")
    own = hall.service_hours(passport)
    assert own is not hours
    monday, own_friday = own.for_weekday(0), own.for_weekday(4)
    assert monday is not None and monday.cutoff == time(12)
    assert own_friday is not None and own_friday.breaks

    dates = [holiday.date for holiday in hall.site.holidays]
    assert dates == sorted(set(dates))
    assert {date(2026, 12, 25), date(2027, 1, 1)} <= set(dates)


def test_shipped_outcomes_kiosks_and_rules(hall: HallConfig) -> None:
    services = [s for a in hall.agencies for s in a.services]
    required = [s for s in services if s.outcome_required]
    assert required and all(s.outcomes for s in required)
    assert {kiosk.paper_width for kiosk in hall.kiosks} == {58, 80}
    assert all(kiosk.printer != "dummy" for kiosk in hall.kiosks)
    rules = hall.rules
    assert (rules.priority_ratio, rules.recalls_before_no_show, rules.late_return_places) == (
        3, 2, 3)


# --- antre config check ---------------------------------------------------------------------


def test_check_shipped_file_prints_ok() -> None:
    result = check(str(SHIPPED))
    assert result.exit_code == 0, result.output
    assert result.stdout == "ok\n"
    assert result.stderr == ""


def test_check_reads_antre_config_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ANTRE_CONFIG", str(SHIPPED))
    result = check()
    assert result.exit_code == 0, result.output
    assert result.stdout == "ok\n"


def _add_agency(data: dict[str, Any], code: str) -> None:
    data["agencies"].append({
        "code": code, "name": "Satuan Polisi Pamong Praja", "short_name": "Satpol PP",
        "services": [{"code": "SATPOL-INFO", "name": "Informasi Perda", "prefix": "Q",
                      "requirements": ["KTP-el"]}],
    })


BROKEN: list[Any] = [
    pytest.param(lambda d: _add_agency(d, "DUKCAPIL"),
                 "agencies: 'DUKCAPIL' is used twice", id="duplicate-agency-code"),
    pytest.param(lambda d: d["agencies"][0]["services"][8].update(code="KK"),
                 "services: 'KK' is used twice", id="duplicate-service-code"),
    pytest.param(lambda d: d["counters"][0]["services"].append("SKCK"),
                 "counters[0].services: 'SKCK' belongs to agency 'POLRES', not to 'DUKCAPIL'",
                 id="counter-serves-another-agency"),
    pytest.param(lambda d: d["counters"][0]["services"].append("KTP-EL"),
                 "counters[0].services: unknown service 'KTP-EL'", id="counter-unknown-service"),
    pytest.param(lambda d: d["counters"][12].update(agency="POLRI"),
                 "counters[12].agency: unknown agency 'POLRI'", id="counter-unknown-agency"),
    pytest.param(lambda d: d["counters"][1].update(number=1),
                 "counters (number): 1 is used twice", id="duplicate-counter-number"),
    pytest.param(lambda d: d["site"].update(timezone="Asia/Singaraja"),
                 "site.timezone: unknown timezone 'Asia/Singaraja'", id="unknown-timezone"),
    pytest.param(lambda d: d["site"].update(timezone="WITA"),
                 "site.timezone: unknown timezone 'WITA'", id="timezone-abbreviation"),
    pytest.param(lambda d: d["agencies"][3]["services"][1].update(prefix=""),
                 "agencies[3].services[1].prefix: prefix must not be empty", id="empty-prefix"),
    pytest.param(lambda d: d["agencies"][3]["services"][1].update(prefix=None),
                 "agencies[3].services[1].prefix: prefix must not be empty", id="blank-prefix"),
    pytest.param(lambda d: d["agencies"][3]["services"][1].update(prefix="kh"),
                 "agencies[3].services[1].prefix: ", id="lower-case-prefix"),
    pytest.param(lambda d: d["agencies"][0]["services"][0].update(prefix="KTPE"),
                 "agencies[0].services[0].prefix: ", id="prefix-too-long"),
    pytest.param(lambda d: d["agencies"][2].update(colour="navy"),
                 "agencies[2].colour: ", id="colour-name"),
    pytest.param(lambda d: d["agencies"][2].update(colour="#1B2A6"),
                 "agencies[2].colour: ", id="colour-short"),
    pytest.param(lambda d: d["site"]["hours"]["fri"].update(cutoff="15:00"),
                 "site.hours.fri: hours must run issue_from <= open <= cutoff <= close",
                 id="cutoff-after-close"),
    pytest.param(lambda d: d["agencies"][2]["services"][0]["hours"]["mon"].update(open="07:00"),
                 "agencies[2].services[0].hours.mon: hours must run", id="service-opens-early"),
    pytest.param(lambda d: d["site"]["hours"]["fri"]["breaks"][0].update(end="11:00"),
                 "site.hours.fri.breaks[0]: a break must end after it starts", id="break-reversed"),
    pytest.param(lambda d: d["agencies"][0]["services"][0].update(target_minute=15),
                 "agencies[0].services[0].target_minute: Extra inputs are not permitted",
                 id="typo-service-key"),
    pytest.param(lambda d: d["rules"].update(priority_ration=3),
                 "rules.priority_ration: Extra inputs are not permitted", id="typo-rules-key"),
    pytest.param(lambda d: d.update(display=d.pop("displays")),
                 "display: Extra inputs are not permitted", id="typo-section"),
    pytest.param(lambda d: d["displays"][2]["agencies"].append("SATPOLPP"),
                 "displays[2].agencies: unknown agency 'SATPOLPP'", id="display-unknown-agency"),
    pytest.param(lambda d: d["agencies"][0]["services"][0].update(quota=0),
                 "agencies[0].services[0].quota: ", id="zero-quota"),
    pytest.param(lambda d: d["kiosks"][1].update(paper_width=57),
                 "kiosks[1].paper_width: ", id="paper-width"),
    pytest.param(lambda d: d["site"].update(public_url="antre.mpp.local"),
                 "site.public_url: public_url must start with http:// or https://",
                 id="public-url-without-scheme"),
    pytest.param(lambda d: d["agencies"][3]["services"][1].update(prefix="kh"),
                 "agencies[3].services[1].prefix: 'kh' is not valid: use 1 to 3 capital letters",
                 id="prefix-message-says-what-to-write"),
    pytest.param(lambda d: d["site"]["hours"]["fri"]["breaks"][0].update(start="07:00"),
                 "site.hours.fri: the break 'Istirahat salat Jumat' must lie between open and "
                 "close", id="break-before-open"),
    pytest.param(lambda d: d["agencies"][1]["services"][0].update(prefix="A"),
                 "services: prefix 'A' of", id="prefix-shared-by-two-agencies"),
    pytest.param(lambda d: d["agencies"][0]["services"].append(
        {"code": "KIA-BARU", "name": "Kartu Identitas Anak", "prefix": "A"}),
                 "services: no counter serves 'KIA-BARU'", id="service-no-counter-serves"),
    pytest.param(lambda d: d["kiosks"][0].update(printer="usb:epson"),
                 "kiosks[0].printer: ", id="bad-printer-spec"),
    pytest.param(lambda d: d["displays"][1].update(voice="clips"),
                 "displays[1]: voice 'clips' needs clips_dir", id="clips-without-folder"),
    pytest.param(lambda d: d["displays"][1].update(agencies=[]),
                 "displays[1].agencies: ", id="display-with-no-agency"),
    pytest.param(lambda d: d["agencies"][0]["services"][0].update(outcome_required=True,
                                                                  outcomes=[]),
                 "agencies[0].services[0]: outcome_required needs a list of outcomes",
                 id="outcome-required-without-choices"),
]


@pytest.mark.parametrize(("mutate", "expected"), BROKEN)
def test_check_names_the_bad_key(tmp_path: Path, mutate: Mutation, expected: str) -> None:
    data = shipped_data()
    mutate(data)
    path = write(tmp_path, data)
    result = check(str(path))
    assert result.exit_code == 1, result.output
    assert result.stdout == ""
    assert any(line.startswith(f"{path}: {expected}") for line in problem_lines(result)), (
        result.stderr)


def test_check_counter_of_another_agency_names_both(tmp_path: Path) -> None:
    data = shipped_data()
    data["counters"][26]["services"].append("JKN-DAFTAR")  # Loket 27 is BPJS Ketenagakerjaan
    result = check(str(write(tmp_path, data)))
    assert result.exit_code == 1
    [line] = problem_lines(result)
    assert "counters[26].services" in line
    assert "'BPJSKES'" in line and "'BPJSTK'" in line


def test_check_reports_every_problem_at_once(tmp_path: Path) -> None:
    data = shipped_data()
    data["site"]["timezone"] = "Asia/Singaraja"
    data["agencies"][3]["services"][1]["prefix"] = ""
    data["agencies"][5]["services"][0]["prefix"] = "h"
    data["agencies"][7]["colour"] = "abu-abu"
    data["site"]["hours"]["fri"]["close"] = "13:00"
    data["kiosks"][0]["printr"] = "usb:0x04b8:0x0e15"
    path = write(tmp_path, data)
    result = check(str(path))
    assert result.exit_code == 1
    keys = [line.removeprefix(f"{path}: ").split(": ")[0] for line in problem_lines(result)]
    assert keys == [
        "site.timezone",
        "site.hours.fri",
        "agencies[3].services[1].prefix",
        "agencies[5].services[0].prefix",
        "agencies[7].colour",
        "kiosks[0].printr",
    ]


def test_check_reports_every_reference_problem_at_once(tmp_path: Path) -> None:
    data = shipped_data()
    _add_agency(data, "PLN")
    data["agencies"][1]["services"][0]["code"] = "KTP"
    data["counters"][13]["services"].append("PKB-TAHUNAN")
    data["displays"][1]["agencies"].append("SATPOL")
    data["kiosks"][1]["id"] = "aula"
    path = write(tmp_path, data)
    result = check(str(path))
    assert result.exit_code == 1
    text = result.stderr
    for expected in (
        "agencies: 'PLN' is used twice",
        "services: 'KTP' is used twice",
        "counters[13].services: 'PKB-TAHUNAN' belongs to agency 'SAMSAT', not to 'POLRES'",
        "displays[1].agencies: unknown agency 'SATPOL'",
        "kiosks and displays: 'aula' is used twice",
    ):
        assert f"{path}: {expected}" in text


@pytest.mark.parametrize("text", [
    pytest.param("site:\n  name: [MPP Buleleng\n", id="unclosed-bracket"),
    pytest.param("site:\n\tname: MPP Buleleng\n", id="tab-indent"),
    pytest.param("agencies:\n  - code: A\n - code: B\n", id="bad-indent"),
])
def test_check_rejects_text_that_is_not_yaml(tmp_path: Path, text: str) -> None:
    path = tmp_path / "config.yaml"
    path.write_text(text, encoding="utf-8")
    result = check(str(path))
    assert result.exit_code == 1
    assert result.stderr.startswith(f"{path}: not valid YAML")


@pytest.mark.parametrize("text", ["", "Mal Pelayanan Publik Buleleng\n", "- site\n- agencies\n"])
def test_check_rejects_yaml_that_is_not_a_hall(tmp_path: Path, text: str) -> None:
    path = tmp_path / "config.yaml"
    path.write_text(text, encoding="utf-8")
    result = check(str(path))
    assert result.exit_code == 1
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert result.stderr.startswith(f"{path}: ")


def test_check_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "konfigurasi.yaml"
    result = check(str(path))
    assert result.exit_code == 1
    assert result.stderr == f"{path}: cannot read the file: No such file or directory\n"


# --- times must be quoted: YAML reads an unquoted 13:30 as the number 810 ----------------


def test_unquoted_time_is_reported_not_a_crash(tmp_path: Path) -> None:
    path = tmp_path / "config.yaml"
    path.write_text(SHIPPED.read_text(encoding="utf-8")
                    .replace('cutoff: "13:30"', "cutoff: 13:30", 1), encoding="utf-8")
    result = CliRunner().invoke(main, ["config", "check", str(path)], catch_exceptions=False)
    assert result.exit_code == 1
    assert f"{path}: site.hours.fri.cutoff: " in result.stderr


def test_unquoted_break_is_not_silently_misread(tmp_path: Path) -> None:
    path = tmp_path / "config.yaml"
    text = SHIPPED.read_text(encoding="utf-8")
    quoted = '{start: "11:30", end: "13:00", name: Istirahat salat Jumat}'
    assert quoted in text
    path.write_text(text.replace(quoted, quoted.replace('"', ""), 1), encoding="utf-8")
    result = check(str(path))
    assert result.exit_code == 1
    assert f"{path}: site.hours.fri.breaks[0]" in result.stderr

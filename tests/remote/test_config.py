"""config.yaml's remote block: off unless switched on, each service's share in effect, and a
mistake named by its key before the server starts."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from queue_server.config import ConfigError, load_config, parse_config
from tests.support.halls import hall_data, remote_hall_data

ROOT = Path(__file__).resolve().parents[2]


def problems(data: dict[str, Any]) -> list[str]:
    with pytest.raises(ConfigError) as error:
        parse_config(data)
    return error.value.problems


def test_remote_taking_is_off_unless_the_hall_switches_it_on() -> None:
    plain = parse_config(hall_data())
    ktp = plain.agencies[0].services[0]
    assert plain.remote.enabled is False and plain.remote_share(ktp) == 0
    remote = parse_config(remote_hall_data())
    assert [remote.remote_share(s) for a in remote.agencies for s in a.services] == [
        40, 40, 40, 40]
    own = remote_hall_data()
    own["agencies"][0]["services"][0]["remote_share"] = 0  # KTP: walk-ins only
    assert parse_config(own).remote_share(parse_config(own).agencies[0].services[0]) == 0


def test_the_shipped_config_takes_remote_bookings() -> None:
    shipped = load_config(ROOT / "config.yaml")
    services = {s.code: s for a in shipped.agencies for s in a.services}
    assert shipped.remote.enabled and shipped.remote_share(services["KTP"]) == 30
    assert services["PASPOR"].slots is not None and services["PASPOR"].asks_nik


def test_mistakes_are_named_by_their_key() -> None:
    data = remote_hall_data(webhook_url="ftp://gateway", remote_share=150)
    data["agencies"][1]["services"][0]["slots"] = {"length_minutes": 2, "capacity": 0}
    found = problems(data)
    assert "remote.webhook_url: webhook_url must start with http:// or https:// and name a " \
           "host" in found
    assert any(p.startswith("remote.remote_share:") for p in found)
    assert any(p.startswith("agencies[1].services[0].slots.length_minutes:") for p in found)
    assert any(p.startswith("agencies[1].services[0].slots.capacity:") for p in found)
    unknown = remote_hall_data(arrive_early=10)
    assert any(p.startswith("remote.arrive_early:") for p in problems(unknown))

"""The per-process catalog of config rows: installed by the runtime, read again when stale."""

from __future__ import annotations

import dataclasses

from queue_server.queue import catalog
from tests.api.conftest import Api


def test_the_app_reads_config_rows_once_and_again_when_stale(api: Api) -> None:
    engine = api.app.extensions["antre"].engine
    installed = catalog._CATALOGS[engine]
    assert "KTP" in installed.issuable and installed.served["L1"]
    catalog._CATALOGS[engine] = dataclasses.replace(installed, read_at=0.0)
    api.issue("KTP")
    assert catalog._CATALOGS[engine].read_at > 0
    assert api.act("ayu", "L1", "open").status_code == 200
    called = api.act("ayu", "L1", "call-next")
    assert called.status_code == 200 and called.get_json()["ticket"]["service"] == "KTP"

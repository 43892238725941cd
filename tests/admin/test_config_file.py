"""config.yaml written back by the pages, on the shipped file itself: its indentation (lists
indented under their key, as the hall's staff wrote it) kept, so only the edited lines
change."""

from __future__ import annotations

import difflib
import shutil
from pathlib import Path

from queue_server.admin import config_file

SHIPPED = Path(__file__).resolve().parents[2] / "config.yaml"


def _changed_lines(before: str, after: str) -> list[str]:
    return [line for line in difflib.unified_diff(before.splitlines(), after.splitlines(),
                                                  lineterm="", n=0)
            if line[:1] in "+-" and not line.startswith(("+++", "---"))]


def test_a_quota_edit_changes_one_line_of_the_shipped_file(tmp_path: Path) -> None:
    path = tmp_path / "config.yaml"
    shutil.copy(SHIPPED, path)
    before = path.read_text(encoding="utf-8")
    config, changes = config_file.edit(path, service="KTP", service_changes={"quota": 151})
    assert changes == {"quota": [150, 151]}
    assert _changed_lines(before, path.read_text(encoding="utf-8")) == [
        "-        quota: 150", "+        quota: 151"]
    assert next(s for a in config.agencies for s in a.services if s.code == "KTP").quota == 151


def test_new_hours_replace_an_anchor_without_changing_who_shares_it(tmp_path: Path) -> None:
    path = tmp_path / "config.yaml"
    shutil.copy(SHIPPED, path)
    monday = {"issue_from": "09:00", "open": "09:00", "cutoff": "11:00", "close": "12:00"}
    config, _ = config_file.edit(path, service="PASPOR",
                                 service_changes={"hours": {"mon": monday}})
    services = {s.code: s for a in config.agencies for s in a.services}
    assert services["PASPOR"].hours is not None and services["PASPOR"].hours.fri is None
    kept = services["PASPOR-GANTI"].hours  # it referred to PASPOR's hours: it keeps them
    assert kept is not None and kept.fri is not None and kept.mon is not None
    assert str(kept.mon.cutoff) == "12:00:00"
    text = path.read_text(encoding="utf-8")
    assert 'cutoff: "11:00"' in text and "\n  - code: POLRES\n" in text

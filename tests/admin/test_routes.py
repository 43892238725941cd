"""The administration pages' addresses: one page per section, each naming its section."""

from __future__ import annotations

import json
import re

from tests.api.conftest import Api


def test_each_section_is_served_and_anything_else_is_not_found(api: Api) -> None:
    client = api.client()
    for path, section in (("", "people"), ("/devices", "devices"), ("/hall", "hall"),
                          ("/services", "services"), ("/audit", "audit")):
        answer = client.get(f"/console/admin{path}")
        assert answer.status_code == 200, path
        html = answer.get_data(as_text=True)
        found = re.search(r'<script[^>]*id="page-config"[^>]*>(.*?)</script>', html, re.S)
        assert found is not None
        assert json.loads(found.group(1))["section"] == section
        assert f'href="/console/admin{path}" data-i18n="adm.nav.{section}" ' \
               'aria-current="page"' in html
    assert client.get("/console/admin/people").status_code == 404
    assert client.get("/console/admin/nope").status_code == 404

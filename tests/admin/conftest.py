"""The API tests' hall (small hall, its users and tokens, a fixed clock) for administration."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.api.conftest import Api, make_api, template  # noqa: F401  (template: a fixture)


@pytest.fixture
def api(tmp_path: Path, template: tuple[Path, dict[str, str]]) -> Iterator[Api]:  # noqa: F811
    built = make_api(tmp_path, template)
    yield built
    built.app.extensions["antre"].engine.dispose()


# The browser tests' real `antre serve` on a copy of the console's template hall.
from tests.e2e.console.conftest import console_template, hall_server  # noqa: E402, F401

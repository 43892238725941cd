"""The API tests' app and its template database, reused for counting statements."""

from tests.api.conftest import api, template  # noqa: F401  (fixtures)

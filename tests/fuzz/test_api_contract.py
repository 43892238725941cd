"""Every operation of the OpenAPI document, fed valid and invalid input by schemathesis, as an
administrator, as a kiosk and as nobody: no answer is a server error, and every status is one
the document lists for that operation.

One app serves the whole run, so state builds up as it would in a hall (tickets issued,
counters opened and closed, services closed for the day); the fuzzer's failed logins and
public requests also meet the rate limits, which are documented answers too.
Bounded: a few examples per operation and identity, no shrinking, well under three minutes.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import status_code_conformance

from tests.security.apps import HallApp, build_app

EXAMPLES = 40  # per operation, identity and mode (valid, invalid)
IDENTITIES = {"admin": "admin", "kiosk": "kiosk-1", "nobody": None}


@pytest.fixture(scope="module")
def hall(tmp_path_factory: pytest.TempPathFactory) -> Iterator[HallApp]:
    served = build_app(tmp_path_factory.mktemp("fuzz"))
    # A server error must come back as a 500 (which the check sees), not as an exception
    # raised into the test client.
    served.app.config["PROPAGATE_EXCEPTIONS"] = False
    yield served
    served.dispose()


def fuzz_operation(operation: schemathesis.APIOperation, headers: dict[str, str]) -> None:
    strategy = st.one_of(operation.as_strategy(GenerationMode.POSITIVE),
                         operation.as_strategy(GenerationMode.NEGATIVE))

    @given(case=strategy)
    @settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=True,
              phases=[Phase.explicit, Phase.generate],
              suppress_health_check=list(HealthCheck))
    def run(case: schemathesis.Case) -> None:
        response = case.call(headers=headers)
        case.validate_response(response, checks=[not_a_server_error,
                                                 status_code_conformance])

    run()


@pytest.mark.parametrize("who", IDENTITIES)
def test_every_operation_answers_as_documented(hall: HallApp, who: str,
                                               caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.CRITICAL)  # the refusals it provokes are logged, by design
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", hall.app)
    identity = IDENTITIES[who]
    headers = hall.bearer(identity) if identity else {}
    problems = []
    operations = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1
        try:
            fuzz_operation(operation, headers)
        except (Exception, BaseExceptionGroup) as failure:  # report all operations' failures
            problems.append(f"{operation.label}: {failure}".strip()[:1500])
    assert operations >= 30, "the document lost its operations"
    assert not problems, "\n\n".join(problems)


def test_the_document_names_every_route_of_the_api(hall: HallApp, tmp_path: Path) -> None:
    """Nothing under /api/v1 escapes the fuzzer by being left out of the document."""
    document = hall.client().get("/api/v1/openapi.json").get_json()
    documented = {(method.upper(), path) for path, item in document["paths"].items()
                  for method in item}
    served = set()
    for rule in hall.app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1/") or rule.rule == "/api/v1/openapi.json":
            continue
        path = rule.rule
        for converter in ("int:", "string:", "path:"):
            path = path.replace(f"<{converter}", "<")
        path = path.replace("<", "{").replace(">", "}")
        served |= {(method, path) for method in rule.methods or ()
                   if method not in ("HEAD", "OPTIONS")}
    assert served == documented

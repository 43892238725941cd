"""How many SQL statements the two busiest requests make (issue #17's budget: at most 8).

An issue at a kiosk and an officer's call-next (finishing the current ticket) are counted
through the Flask test client on a SQLite file, with a `before_cursor_execute` listener on the
app's engine. The hub's coalesced updates (queues, counters, visitors' places) run 0.1 s after
the commit in their own greenlet under `antre serve`, so they are not counted here; a call is
counted up to its first emit, which is what delays the displays.
"""

from __future__ import annotations

from tests.api.conftest import Api
from tests.perf.counting import counting

BUDGET = 8  # issue #17's budget, for an issue and for a call-next up to its first emit
# The hub's flush after an issue: the new tickets, the line's and its agency's counts, the
# open counters, the recent visits, the day's row, and who stands behind the newcomers. Under
# `antre serve` each process flushes ten times a second whatever the rate, and on PostgreSQL
# with two processes the flush was the larger part of an issue's cost (10 statements: 62
# tickets/s; 6: 87-108/s).
ISSUE_FLUSH_BUDGET = 6


def test_an_issue_at_a_kiosk_makes_few_statements(api: Api) -> None:
    api.issue("KTP")  # the day's first ticket makes the day's rows
    with counting(api) as counted:
        api.issue("KTP")
    assert len(counted.statements) <= BUDGET, f"{len(counted.statements)}:\n{counted}"


def test_a_call_next_makes_few_statements_before_its_first_emit(api: Api) -> None:
    for _ in range(3):
        api.issue("KTP")
    assert api.act("ayu", "L1", "open").status_code == 200
    assert api.act("ayu", "L1", "call-next").status_code == 200
    with counting(api) as counted:
        answer = api.act("ayu", "L1", "call-next", finish_current=True)
    assert answer.status_code == 200, answer.get_json()
    assert counted.until_emit is not None, "the call was not announced"
    assert counted.until_emit <= BUDGET, f"{counted.until_emit}:\n{counted}"


def test_the_hubs_flush_after_an_issue_makes_few_statements(api: Api) -> None:
    """Config rows come from the process's catalog, one count gives the line's and the
    agency's length, and nobody behind a newcomer at the back of the line is counted."""
    api.issue("KTP")
    with counting(api) as counted:
        api.issue("KTP")
    assert counted.in_flush, "the hub did not flush"
    assert len(counted.in_flush) <= ISSUE_FLUSH_BUDGET, \
        f"{len(counted.in_flush)}:\n" + "\n".join(s.split("\n")[0][:150] for s in counted.in_flush)
    # The new tickets' services and agencies are the catalog's: no statement reads them.
    assert not [s for s in counted.in_flush if "FROM services" in s or "JOIN services" in s
                or "agencies" in s], counted.in_flush

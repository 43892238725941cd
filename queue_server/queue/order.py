"""The waiting order: which waiting ticket of a service is called first.

Priority visitors (lansia, disabilitas, ibu hamil, anak) first, then by queue key (the time a
ticket ranks by: its issue, or the place a transfer or a late return gave it), then by id.
`call_next` may put regular visitors first for one call (`regular_first`) so they are not
starved; everyone else — a visitor's place, the estimate, the counter's list — counts in the
plain order.

The order is written once, as `ORDER`; the SQL ORDER BY and the SQL "comes before" test are
made from it, and the Python sort key follows it (tests/unit/test_engine_order.py checks that
all three agree).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BindParameter, ColumnElement, UnaryExpression, and_, literal, or_
from sqlalchemy.orm import InstrumentedAttribute

from queue_server.models import Ticket

# (column, descending): priority tickets (True) before regular ones, then the older key.
ORDER: tuple[tuple[InstrumentedAttribute[Any], bool], ...] = (
    (Ticket.priority, True), (Ticket.queue_key, False), (Ticket.id, False))

# A ticket's place in the plain order, comparable in Python: (regular, queue key, id).
RankKey = tuple[bool, datetime, int]


def waiting_order(*, regular_first: bool = False) -> list[UnaryExpression[Any]]:
    """ORDER BY for waiting tickets; `regular_first` turns the priority term around."""
    terms = []
    for column, descending in ORDER:
        if column is Ticket.priority and regular_first:
            descending = not descending
        terms.append(column.desc() if descending else column.asc())
    return terms


def ranks_before(priority: bool | BindParameter[Any], queue_key: datetime | BindParameter[Any],
                 ticket_id: int | BindParameter[Any]) -> ColumnElement[bool]:
    """SQL: a ticket that comes before this one in the plain order (same line assumed); the
    rank given as values or as bound parameters (a statement built once)."""
    values = {Ticket.priority: priority, Ticket.queue_key: queue_key, Ticket.id: ticket_id}
    clause: ColumnElement[bool] | None = None
    for column, descending in reversed(ORDER):
        # A bound value: SQL compares True and False with `>` only as parameters.
        given = values[column]
        value = given if isinstance(given, BindParameter) else literal(given, column.type)
        before = column > value if descending else column < value
        clause = before if clause is None else or_(before, and_(column == value, clause))
    assert clause is not None
    return clause


def rank_key(priority: bool, queue_key: datetime, ticket_id: int) -> RankKey:
    """The plain order as a Python key: smaller is called sooner."""
    # The one descending term is a boolean: True first is `not True` (False) first.
    return (not priority, queue_key, ticket_id)

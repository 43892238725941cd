"""The waiting order: which waiting ticket of a service is called first.

Priority visitors (lansia, disabilitas, ibu hamil, anak) first, then by queue key (the time a
ticket ranks by: its issue, or the place a transfer or a late return gave it), then by id.
`call_next` may put regular visitors first for one call (`regular_first`) so they are not
starved; everyone else — a visitor's place, the estimate, the counter's list — counts in the
plain order.

The order is written once, as `ORDER`; the SQL ORDER BY, the SQL "comes before" and "from
here on" tests are made from it, and the Python sort key follows it
(tests/unit/test_engine_order.py checks that they agree).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, UnaryExpression, and_, literal, or_
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


def ranks_before(priority: bool | ColumnElement[Any], queue_key: datetime | ColumnElement[Any],
                 ticket_id: int | ColumnElement[Any]) -> ColumnElement[bool]:
    """SQL: a ticket that comes before this one in the plain order (same line assumed); the
    rank given as values, or as bound parameters or columns (a statement built once)."""
    return _beyond(ORDER, _values(priority, queue_key, ticket_id), after=False,
                   inclusive=False)


def ranks_from(priority: bool | ColumnElement[Any], queue_key: datetime | ColumnElement[Any],
               ticket_id: int | ColumnElement[Any]) -> ColumnElement[bool]:
    """SQL: this ticket and those after it among the tickets of its own priority (same line
    assumed): the few a newcomer has behind it. The queue key's bound is stated on its own
    too, so the waiting-line index seeks to them rather than reading the segment."""
    (segment, _), (first, descending) = ORDER[:2]
    values = _values(priority, queue_key, ticket_id)
    bound = first <= values[first] if descending else first >= values[first]
    return and_(segment == values[segment], bound,
                _beyond(ORDER[1:], values, after=True, inclusive=True))


def segments_up_to(column: InstrumentedAttribute[bool], priority: bool | ColumnElement[Any]
                   ) -> ColumnElement[bool]:
    """SQL over a table of `column` (a priority): this priority and those called before it."""
    (_, descending) = ORDER[0]
    return column >= priority if descending else column <= priority


def _values(priority: bool | ColumnElement[Any], queue_key: datetime | ColumnElement[Any],
            ticket_id: int | ColumnElement[Any]) -> dict[InstrumentedAttribute[Any], Any]:
    given = {Ticket.priority: priority, Ticket.queue_key: queue_key, Ticket.id: ticket_id}
    # A bound value (or a column): SQL compares True and False with `>` only as parameters.
    return {column: value if isinstance(value, ColumnElement) else literal(value, column.type)
            for column, value in given.items()}


def _beyond(terms: tuple[tuple[InstrumentedAttribute[Any], bool], ...],
            values: dict[InstrumentedAttribute[Any], Any], *, after: bool,
            inclusive: bool) -> ColumnElement[bool]:
    """SQL: ranks before (or `after`) the given values over `terms`, lexicographically; with
    `inclusive`, equal values count too."""
    clause: ColumnElement[bool] | None = None
    for column, descending in reversed(terms):
        value = values[column]
        greater = descending != after  # beyond it lies the greater value
        beyond = column > value if greater else column < value
        if clause is not None:
            clause = or_(beyond, and_(column == value, clause))
        elif inclusive:  # the last term, equal values counted too
            clause = column >= value if greater else column <= value
        else:
            clause = beyond
    assert clause is not None
    return clause


def rank_key(priority: bool, queue_key: datetime, ticket_id: int) -> RankKey:
    """The plain order as a Python key: smaller is called sooner."""
    # The one descending term is a boolean: True first is `not True` (False) first.
    return (not priority, queue_key, ticket_id)

"""Median and 90th percentile in plain SQL (window functions), the same on SQLite and PostgreSQL.

Definition (nearest rank): of the n values sorted ascending, the p-th percentile is the value
at rank ceil(p * n). The median is p = 0.5, so for an even n it is the lower of the two middle
values (never an average of two, always a time that really happened); p90 is rank
ceil(0.9 * n). SQLite has no percentile_cont, and ceil() is optional there, so the rank is
computed with integer division: ceil(a * n / b) = (a * n + b - 1) // b.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import case, func
from sqlalchemy.sql.elements import ColumnElement

MEDIAN = (1, 2)
P90 = (9, 10)


def ranked(value: Any, partition: Any, *,
           nulls: bool = True) -> tuple[ColumnElement[int], ColumnElement[int]]:
    """(rank among the non-null values of the partition, count of them); nulls rank last.
    `nulls=False`: the caller has left them out, which spares the sort a key."""
    order = (case((value.is_(None), 1), else_=0), value) if nulls else (value,)
    rank = func.row_number().over(partition_by=partition, order_by=order)
    return rank, func.count(value).over(partition_by=partition)


def at_rank(value: Any, rank: Any, count: Any, fraction: tuple[int, int]) -> ColumnElement[Any]:
    """The aggregate that picks the nearest-rank percentile `fraction` (a, b) = a/b."""
    numerator, denominator = fraction
    wanted = (count * numerator + (denominator - 1)) // denominator
    return func.max(case((rank == wanted, value)))

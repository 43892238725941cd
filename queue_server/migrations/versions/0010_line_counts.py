"""each line's waiting count, kept by triggers on tickets, so a newcomer's place is not a walk
over everyone ahead

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-30 13:30:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None

LINE = ('service_id', 'service_day', 'priority')
# A ticket moves between lines when one of these changes; its other columns never do.
MOVES = ('status', 'service_id', 'service_day', 'priority')


def _add(row: str, delta: int) -> str:
    """SQL: count `delta` into the line of the trigger's `row` (NEW or OLD)."""
    return (f"INSERT INTO line_counts ({', '.join(LINE)}, waiting) "
            f"VALUES ({', '.join(f'{row}.{c}' for c in LINE)}, {delta}) "
            f"ON CONFLICT ({', '.join(LINE)}) "
            "DO UPDATE SET waiting = line_counts.waiting + excluded.waiting")


def _moved(same: str) -> str:
    """SQL: one of MOVES differs between OLD and NEW (`same`: the dialect's null-safe =)."""
    return " OR ".join(f"NOT (OLD.{c} {same} NEW.{c})" for c in MOVES)


def _sqlite_triggers() -> list[str]:
    """A trigger per way in and out of a line (SQLite has no OLD in an insert's trigger)."""
    moved = _moved("IS")
    update = f"AFTER UPDATE OF {', '.join(MOVES)} ON tickets"
    return [
        "CREATE TRIGGER line_join_on_insert AFTER INSERT ON tickets "
        f"WHEN NEW.status = 'waiting' BEGIN {_add('NEW', 1)}; END",
        f"CREATE TRIGGER line_leave_on_update {update} "
        f"WHEN OLD.status = 'waiting' AND ({moved}) BEGIN {_add('OLD', -1)}; END",
        f"CREATE TRIGGER line_join_on_update {update} "
        f"WHEN NEW.status = 'waiting' AND ({moved}) BEGIN {_add('NEW', 1)}; END",
        "CREATE TRIGGER line_leave_on_delete AFTER DELETE ON tickets "
        f"WHEN OLD.status = 'waiting' BEGIN {_add('OLD', -1)}; END",
    ]


# One function for every way in and out. A ticket moved between two lines (a transfer, a
# priority granted) counts both in one statement, in the lines' order, so two moves the
# other way round at once lock the two rows in the same order and never deadlock.
_POSTGRES_FUNCTION = f"""
CREATE FUNCTION count_line() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO line_counts ({', '.join(LINE)}, waiting)
    SELECT {', '.join(LINE)}, sum(delta) FROM (VALUES
        ({', '.join(f'OLD.{c}' for c in LINE)}, -1, TG_OP <> 'INSERT' AND OLD.status = 'waiting'),
        ({', '.join(f'NEW.{c}' for c in LINE)}, 1, TG_OP <> 'DELETE' AND NEW.status = 'waiting')
    ) AS change ({', '.join(LINE)}, delta, counted)
    WHERE counted
    GROUP BY {', '.join(LINE)} HAVING sum(delta) <> 0
    ORDER BY {', '.join(LINE)}
    ON CONFLICT ({', '.join(LINE)})
    DO UPDATE SET waiting = line_counts.waiting + excluded.waiting;
    RETURN NULL;
END $$
"""


def _postgres_triggers() -> list[str]:
    def trigger(name: str, event: str, when: str) -> str:
        return (f"CREATE TRIGGER {name} AFTER {event} ON tickets FOR EACH ROW WHEN ({when}) "
                "EXECUTE FUNCTION count_line()")

    moved = _moved("IS NOT DISTINCT FROM")
    return [
        _POSTGRES_FUNCTION,
        trigger("line_join_on_insert", "INSERT", "NEW.status = 'waiting'"),
        trigger("line_move_on_update", f"UPDATE OF {', '.join(MOVES)}",
                f"(OLD.status = 'waiting' OR NEW.status = 'waiting') AND ({moved})"),
        trigger("line_leave_on_delete", "DELETE", "OLD.status = 'waiting'"),
    ]


def upgrade() -> None:
    op.create_table(
        'line_counts',
        sa.Column('service_id', sa.Integer(), nullable=False),
        sa.Column('service_day', sa.Date(), nullable=False),
        sa.Column('priority', sa.Boolean(), nullable=False),
        sa.Column('waiting', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['service_id'], ['services.id']),
        sa.PrimaryKeyConstraint('service_id', 'service_day', 'priority'),
    )
    op.execute(f"INSERT INTO line_counts ({', '.join(LINE)}, waiting) "
               f"SELECT {', '.join(LINE)}, count(*) FROM tickets WHERE status = 'waiting' "
               f"GROUP BY {', '.join(LINE)}")
    postgres = op.get_bind().dialect.name == 'postgresql'
    for statement in _postgres_triggers() if postgres else _sqlite_triggers():
        op.execute(statement)


def downgrade() -> None:
    postgres = op.get_bind().dialect.name == 'postgresql'
    for name in ('line_join_on_insert', 'line_move_on_update', 'line_leave_on_update',
                 'line_join_on_update', 'line_leave_on_delete'):
        op.execute(f"DROP TRIGGER IF EXISTS {name}" + (" ON tickets" if postgres else ""))
    if postgres:
        op.execute("DROP FUNCTION count_line()")
    op.drop_table('line_counts')

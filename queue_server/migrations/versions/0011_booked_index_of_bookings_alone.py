"""the bookings' deadline index holds the tickets with a deadline alone

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-30 14:05:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None

WITH_DEADLINE = sa.text("expires_at IS NOT NULL")


def upgrade() -> None:
    op.drop_index('ix_tickets_booked', table_name='tickets')
    op.create_index('ix_tickets_booked', 'tickets', ['expires_at'],
                    sqlite_where=WITH_DEADLINE, postgresql_where=WITH_DEADLINE)


def downgrade() -> None:
    op.drop_index('ix_tickets_booked', table_name='tickets')
    op.create_index('ix_tickets_booked', 'tickets', ['status', 'expires_at'])

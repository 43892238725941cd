"""the waiting-line index holds the service day, so a place in line is counted in the index

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-30 05:00:00.000000
"""

from __future__ import annotations

from alembic import op

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_tickets_line', 'tickets',
                    ['status', 'service_id', 'service_day', 'priority', 'queue_key'])
    op.drop_index('ix_tickets_queue', table_name='tickets')


def downgrade() -> None:
    op.create_index('ix_tickets_queue', 'tickets',
                    ['status', 'service_id', 'priority', 'queue_key'])
    op.drop_index('ix_tickets_line', table_name='tickets')

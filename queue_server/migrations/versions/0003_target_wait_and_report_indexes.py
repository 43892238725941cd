"""target wait per service, and indexes for the reports

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29 19:20:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('services', schema=None) as batch_op:
        # Existing rows need a value; config.yaml sets the real one at the next start.
        batch_op.add_column(sa.Column('target_wait_minutes', sa.Integer(), nullable=False,
                                      server_default='30'))

    # Reports read a range of site-local days, then the counters' state changes in that time.
    with op.batch_alter_table('counter_events', schema=None) as batch_op:
        batch_op.create_index('ix_counter_events_at', ['at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('counter_events', schema=None) as batch_op:
        batch_op.drop_index('ix_counter_events_at')

    with op.batch_alter_table('services', schema=None) as batch_op:
        batch_op.drop_column('target_wait_minutes')

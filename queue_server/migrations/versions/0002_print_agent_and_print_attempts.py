"""print agent and print attempts

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28 00:46:01.323801
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import queue_server.models

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('devices', schema=None) as batch_op:
        batch_op.add_column(sa.Column('agent_seen_at', queue_server.models.UTCDateTime(), nullable=True))

    with op.batch_alter_table('tickets', schema=None) as batch_op:
        # Existing rows need a value; new rows get theirs from the model.
        batch_op.add_column(sa.Column('print_attempts', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('print_error', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('print_sent_at', queue_server.models.UTCDateTime(), nullable=True))

    # A kiosk ticket issued before this revision had its one job sent.
    op.execute("UPDATE tickets SET print_attempts = 1 WHERE print_status <> 'none'")


def downgrade() -> None:
    with op.batch_alter_table('tickets', schema=None) as batch_op:
        batch_op.drop_column('print_sent_at')
        batch_op.drop_column('print_error')
        batch_op.drop_column('print_attempts')

    with op.batch_alter_table('devices', schema=None) as batch_op:
        batch_op.drop_column('agent_seen_at')

"""target wait per service; the reports' store of closed days, and their indexes

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29 19:20:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import queue_server.models

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

    # Recalls, transfers and cancellations are a few percent of the events: read by kind.
    with op.batch_alter_table('ticket_events', schema=None) as batch_op:
        batch_op.create_index('ix_ticket_events_kind', ['kind', 'ticket_id'], unique=False)

    # The facts of closed days, computed once (queue_server/reports/store.py).
    op.create_table(
        'report_days',
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('tickets', sa.Integer(), nullable=False),
        sa.Column('made_at', queue_server.models.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint('day', name=op.f('pk_report_days')))
    op.create_table(
        'report_tickets',
        sa.Column('ticket_id', sa.Integer(), nullable=False),
        sa.Column('service_day', sa.Date(), nullable=False),
        sa.Column('hour', sa.Integer(), nullable=False),
        sa.Column('issued_service_id', sa.Integer(), nullable=False),
        sa.Column('serving_service_id', sa.Integer(), nullable=False),
        sa.Column('counter_id', sa.String(length=32), nullable=True),
        sa.Column('officer_id', sa.Integer(), nullable=True),
        sa.Column('channel', sa.Enum('kiosk', 'online', 'counter', name='channel',
                                     native_enum=False, length=20), nullable=False),
        sa.Column('priority', sa.Boolean(), nullable=False),
        sa.Column('status', sa.Enum('waiting', 'called', 'serving', 'parked', 'done',
                                    'no_show', 'cancelled', 'expired', name='ticketstatus',
                                    native_enum=False, length=20), nullable=False),
        sa.Column('wait_s', sa.Float(), nullable=True),
        sa.Column('service_s', sa.Float(), nullable=True),
        sa.Column('recalls', sa.Integer(), nullable=False),
        sa.Column('transfers', sa.Integer(), nullable=False),
        sa.Column('cancel_reason', sa.String(length=32), nullable=True),
        sa.ForeignKeyConstraint(['issued_service_id'], ['services.id'],
                                name=op.f('fk_report_tickets_issued_service_id_services')),
        sa.ForeignKeyConstraint(['serving_service_id'], ['services.id'],
                                name=op.f('fk_report_tickets_serving_service_id_services')),
        sa.ForeignKeyConstraint(['ticket_id'], ['tickets.id'],
                                name=op.f('fk_report_tickets_ticket_id_tickets')),
        sa.PrimaryKeyConstraint('ticket_id', name=op.f('pk_report_tickets')))
    with op.batch_alter_table('report_tickets', schema=None) as batch_op:
        batch_op.create_index('ix_report_tickets_service_day', ['service_day'], unique=False)


def downgrade() -> None:
    op.drop_table('report_tickets')
    op.drop_table('report_days')
    with op.batch_alter_table('ticket_events', schema=None) as batch_op:
        batch_op.drop_index('ix_ticket_events_kind')

    with op.batch_alter_table('counter_events', schema=None) as batch_op:
        batch_op.drop_index('ix_counter_events_at')

    with op.batch_alter_table('services', schema=None) as batch_op:
        batch_op.drop_column('target_wait_minutes')

"""remote tickets, appointments and the webhook outbox; a display's own running text

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-29 22:19:24.567496
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import queue_server.models

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

HOLDING = "status IN ('booked', 'waiting', 'called', 'serving', 'parked')"
TICKET_TIMES = ('booked_at', 'checked_in_at', 'slot_start', 'arrive_from', 'arrive_until',
                'expires_at')


def _holding(column: str) -> dict[str, sa.TextClause]:
    where = sa.text(f"{column} IS NOT NULL AND {HOLDING}")
    return {'sqlite_where': where, 'postgresql_where': where}


def upgrade() -> None:
    op.create_table(
        'webhook_outbox',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('ticket_id', sa.Integer(), nullable=False),
        sa.Column('event', sa.String(length=20), nullable=False),
        sa.Column('payload', sa.JSON(), nullable=False),
        sa.Column('created_at', queue_server.models.UTCDateTime(), nullable=False),
        sa.Column('next_attempt_at', queue_server.models.UTCDateTime(), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('delivered_at', queue_server.models.UTCDateTime(), nullable=True),
        sa.Column('failed_at', queue_server.models.UTCDateTime(), nullable=True),
        sa.Column('last_error', sa.String(length=200), nullable=True),
        sa.ForeignKeyConstraint(['ticket_id'], ['tickets.id'],
                                name=op.f('fk_webhook_outbox_ticket_id_tickets')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_webhook_outbox')),
        sa.UniqueConstraint('ticket_id', 'event', name=op.f('uq_webhook_outbox_ticket_id')))
    with op.batch_alter_table('webhook_outbox', schema=None) as batch_op:
        batch_op.create_index('ix_webhook_outbox_due', ['delivered_at', 'next_attempt_at'],
                              unique=False)

    with op.batch_alter_table('devices', schema=None) as batch_op:
        batch_op.add_column(sa.Column('running_text', sa.Text(), nullable=True))

    # Existing rows need a value; new rows get theirs from the model (or the config).
    with op.batch_alter_table('service_days', schema=None) as batch_op:
        batch_op.add_column(sa.Column('remote_issued', sa.Integer(), server_default='0',
                                      nullable=False))

    with op.batch_alter_table('services', schema=None) as batch_op:
        batch_op.add_column(sa.Column('remote_share', sa.Integer(), server_default='0',
                                      nullable=False))
        batch_op.add_column(sa.Column('remote_cutoff_minutes', sa.Integer(), server_default='0',
                                      nullable=False))
        batch_op.add_column(sa.Column('asks_nik', sa.Boolean(), server_default=sa.text('false'),
                                      nullable=False))
        batch_op.add_column(sa.Column('slots', sa.JSON(), nullable=True))

    with op.batch_alter_table('site', schema=None) as batch_op:
        batch_op.add_column(sa.Column('remote', sa.JSON(), server_default='{}', nullable=False))

    with op.batch_alter_table('tickets', schema=None) as batch_op:
        for name in TICKET_TIMES:
            batch_op.add_column(sa.Column(name, queue_server.models.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('booking_code', sa.String(length=8), nullable=True))
        batch_op.add_column(sa.Column('phone_hash', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('phone_last4', sa.String(length=4), nullable=True))
        batch_op.add_column(sa.Column('nik_hash', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('nik_last4', sa.String(length=4), nullable=True))
        batch_op.create_unique_constraint('uq_tickets_booking_code',
                                          ['service_day', 'booking_code'])
        batch_op.create_index('ix_tickets_booked', ['status', 'expires_at'], unique=False)
        batch_op.create_index('ux_tickets_phone_booking',
                              ['issued_service_id', 'service_day', 'phone_hash'], unique=True,
                              **_holding('phone_hash'))
        batch_op.create_index('ux_tickets_nik_booking',
                              ['issued_service_id', 'service_day', 'nik_hash'], unique=True,
                              **_holding('nik_hash'))


def downgrade() -> None:
    with op.batch_alter_table('tickets', schema=None) as batch_op:
        batch_op.drop_index('ux_tickets_nik_booking')
        batch_op.drop_index('ux_tickets_phone_booking')
        batch_op.drop_index('ix_tickets_booked')
        batch_op.drop_constraint('uq_tickets_booking_code', type_='unique')
        for name in ('nik_last4', 'nik_hash', 'phone_last4', 'phone_hash', 'booking_code',
                     *reversed(TICKET_TIMES)):
            batch_op.drop_column(name)

    with op.batch_alter_table('site', schema=None) as batch_op:
        batch_op.drop_column('remote')

    with op.batch_alter_table('services', schema=None) as batch_op:
        for name in ('slots', 'asks_nik', 'remote_cutoff_minutes', 'remote_share'):
            batch_op.drop_column(name)

    with op.batch_alter_table('service_days', schema=None) as batch_op:
        batch_op.drop_column('remote_issued')

    with op.batch_alter_table('devices', schema=None) as batch_op:
        batch_op.drop_column('running_text')

    with op.batch_alter_table('webhook_outbox', schema=None) as batch_op:
        batch_op.drop_index('ix_webhook_outbox_due')
    op.drop_table('webhook_outbox')

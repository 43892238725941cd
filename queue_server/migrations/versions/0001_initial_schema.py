"""initial schema

Revision ID: 0001
Revises: 
Create Date: 2026-11-27 23:51:22.692870
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import queue_server.models

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('agencies',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('short_name', sa.String(length=100), nullable=False),
    sa.Column('colour', sa.String(length=7), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agencies')),
    sa.UniqueConstraint('code', name=op.f('uq_agencies_code'))
    )
    op.create_table('devices',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('kind', sa.Enum('kiosk', 'display', name='devicekind', native_enum=False, length=20), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('settings', sa.JSON(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('last_seen_at', queue_server.models.UTCDateTime(), nullable=True),
    sa.Column('printer_status', sa.String(length=20), nullable=True),
    sa.Column('printer_status_at', queue_server.models.UTCDateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_devices')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_devices_token_hash'))
    )
    op.create_table('number_sequences',
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('prefix', sa.String(length=3), nullable=False),
    sa.Column('last_number', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('day', 'prefix', name=op.f('pk_number_sequences'))
    )
    op.create_table('site',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('timezone', sa.String(length=64), nullable=False),
    sa.Column('holidays', sa.JSON(), nullable=False),
    sa.Column('priority_ratio', sa.Integer(), nullable=False),
    sa.Column('recalls_before_no_show', sa.Integer(), nullable=False),
    sa.Column('late_return_places', sa.Integer(), nullable=False),
    sa.Column('running_text', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_site'))
    )
    op.create_table('users',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('username', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('role', sa.Enum('admin', 'supervisor', 'officer', name='role', native_enum=False, length=20), nullable=False),
    sa.Column('password_hash', sa.String(length=200), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', queue_server.models.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_users')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_users_token_hash')),
    sa.UniqueConstraint('username', name=op.f('uq_users_username'))
    )
    op.create_table('counters',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=False),
    sa.Column('zone', sa.String(length=32), nullable=True),
    sa.Column('state', sa.Enum('open', 'break', 'closed', name='counterstate', native_enum=False, length=20), nullable=False),
    sa.Column('officer_id', sa.Integer(), nullable=True),
    sa.Column('priority_streak', sa.Integer(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('state_changed_at', queue_server.models.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['agency_id'], ['agencies.id'], name=op.f('fk_counters_agency_id_agencies')),
    sa.ForeignKeyConstraint(['officer_id'], ['users.id'], name=op.f('fk_counters_officer_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_counters'))
    )
    op.create_table('services',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('prefix', sa.String(length=3), nullable=False),
    sa.Column('quota', sa.Integer(), nullable=True),
    sa.Column('target_minutes', sa.Integer(), nullable=False),
    sa.Column('requirements', sa.JSON(), nullable=False),
    sa.Column('hours', sa.JSON(), nullable=False),
    sa.Column('outcomes', sa.JSON(), nullable=False),
    sa.Column('outcome_required', sa.Boolean(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['agency_id'], ['agencies.id'], name=op.f('fk_services_agency_id_agencies')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_services')),
    sa.UniqueConstraint('code', name=op.f('uq_services_code'))
    )
    op.create_table('user_agencies',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['agency_id'], ['agencies.id'], name=op.f('fk_user_agencies_agency_id_agencies')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_user_agencies_user_id_users')),
    sa.PrimaryKeyConstraint('user_id', 'agency_id', name=op.f('pk_user_agencies'))
    )
    op.create_table('counter_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('counter_id', sa.String(length=32), nullable=False),
    sa.Column('state', sa.Enum('open', 'break', 'closed', name='counterstate', native_enum=False, length=20), nullable=False),
    sa.Column('at', queue_server.models.UTCDateTime(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('reason', sa.String(length=200), nullable=True),
    sa.ForeignKeyConstraint(['counter_id'], ['counters.id'], name=op.f('fk_counter_events_counter_id_counters')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_counter_events_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_counter_events'))
    )
    with op.batch_alter_table('counter_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_counter_events_counter_id'), ['counter_id'], unique=False)

    op.create_table('counter_services',
    sa.Column('counter_id', sa.String(length=32), nullable=False),
    sa.Column('service_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['counter_id'], ['counters.id'], name=op.f('fk_counter_services_counter_id_counters')),
    sa.ForeignKeyConstraint(['service_id'], ['services.id'], name=op.f('fk_counter_services_service_id_services')),
    sa.PrimaryKeyConstraint('counter_id', 'service_id', name=op.f('pk_counter_services'))
    )
    op.create_table('service_day_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('service_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('at', queue_server.models.UTCDateTime(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('reason', sa.String(length=200), nullable=False),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['service_id'], ['services.id'], name=op.f('fk_service_day_events_service_id_services')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_service_day_events_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_service_day_events'))
    )
    op.create_table('service_days',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('service_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('issued', sa.Integer(), nullable=False),
    sa.Column('quota_override', sa.Integer(), nullable=True),
    sa.Column('closed_reason', sa.String(length=200), nullable=True),
    sa.ForeignKeyConstraint(['service_id'], ['services.id'], name=op.f('fk_service_days_service_id_services')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_service_days')),
    sa.UniqueConstraint('service_id', 'day', name=op.f('uq_service_days_service_id'))
    )
    op.create_table('tickets',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('service_id', sa.Integer(), nullable=False),
    sa.Column('issued_service_id', sa.Integer(), nullable=False),
    sa.Column('service_day', sa.Date(), nullable=False),
    sa.Column('prefix', sa.String(length=3), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=8), nullable=False),
    sa.Column('priority', sa.Boolean(), nullable=False),
    sa.Column('priority_reason', sa.String(length=32), nullable=True),
    sa.Column('channel', sa.Enum('kiosk', 'online', 'counter', name='channel', native_enum=False, length=20), nullable=False),
    sa.Column('status', sa.Enum('waiting', 'called', 'serving', 'parked', 'done', 'no_show', 'cancelled', 'expired', name='ticketstatus', native_enum=False, length=20), nullable=False),
    sa.Column('token', sa.String(length=43), nullable=False),
    sa.Column('print_status', sa.Enum('none', 'pending', 'printed', 'failed', name='printstatus', native_enum=False, length=20), nullable=False),
    sa.Column('kiosk_id', sa.String(length=32), nullable=True),
    sa.Column('counter_id', sa.String(length=32), nullable=True),
    sa.Column('officer_id', sa.Integer(), nullable=True),
    sa.Column('call_count', sa.Integer(), nullable=False),
    sa.Column('queue_key', queue_server.models.UTCDateTime(), nullable=False),
    sa.Column('outcome', sa.String(length=200), nullable=True),
    sa.Column('issued_at', queue_server.models.UTCDateTime(), nullable=False),
    sa.Column('called_at', queue_server.models.UTCDateTime(), nullable=True),
    sa.Column('last_called_at', queue_server.models.UTCDateTime(), nullable=True),
    sa.Column('started_at', queue_server.models.UTCDateTime(), nullable=True),
    sa.Column('finished_at', queue_server.models.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['counter_id'], ['counters.id'], name=op.f('fk_tickets_counter_id_counters')),
    sa.ForeignKeyConstraint(['issued_service_id'], ['services.id'], name=op.f('fk_tickets_issued_service_id_services')),
    sa.ForeignKeyConstraint(['kiosk_id'], ['devices.id'], name=op.f('fk_tickets_kiosk_id_devices')),
    sa.ForeignKeyConstraint(['officer_id'], ['users.id'], name=op.f('fk_tickets_officer_id_users')),
    sa.ForeignKeyConstraint(['service_id'], ['services.id'], name=op.f('fk_tickets_service_id_services')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tickets')),
    sa.UniqueConstraint('service_day', 'prefix', 'number', name=op.f('uq_tickets_service_day')),
    sa.UniqueConstraint('token', name=op.f('uq_tickets_token'))
    )
    with op.batch_alter_table('tickets', schema=None) as batch_op:
        batch_op.create_index('ix_tickets_queue', ['status', 'service_id', 'priority', 'queue_key'], unique=False)
        batch_op.create_index('ux_tickets_active_counter', ['counter_id'], unique=True, sqlite_where=sa.text("status IN ('called', 'serving')"), postgresql_where=sa.text("status IN ('called', 'serving')"))

    op.create_table('ticket_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('ticket_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('at', queue_server.models.UTCDateTime(), nullable=False),
    sa.Column('status', sa.Enum('waiting', 'called', 'serving', 'parked', 'done', 'no_show', 'cancelled', 'expired', name='ticketstatus', native_enum=False, length=20), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('counter_id', sa.String(length=32), nullable=True),
    sa.Column('service_id', sa.Integer(), nullable=False),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['counter_id'], ['counters.id'], name=op.f('fk_ticket_events_counter_id_counters')),
    sa.ForeignKeyConstraint(['service_id'], ['services.id'], name=op.f('fk_ticket_events_service_id_services')),
    sa.ForeignKeyConstraint(['ticket_id'], ['tickets.id'], name=op.f('fk_ticket_events_ticket_id_tickets')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_ticket_events_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ticket_events'))
    )
    with op.batch_alter_table('ticket_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ticket_events_at'), ['at'], unique=False)
        batch_op.create_index(batch_op.f('ix_ticket_events_ticket_id'), ['ticket_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('ticket_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ticket_events_ticket_id'))
        batch_op.drop_index(batch_op.f('ix_ticket_events_at'))

    op.drop_table('ticket_events')
    with op.batch_alter_table('tickets', schema=None) as batch_op:
        batch_op.drop_index('ux_tickets_active_counter', sqlite_where=sa.text("status IN ('called', 'serving')"), postgresql_where=sa.text("status IN ('called', 'serving')"))
        batch_op.drop_index('ix_tickets_queue')

    op.drop_table('tickets')
    op.drop_table('service_days')
    op.drop_table('service_day_events')
    op.drop_table('counter_services')
    with op.batch_alter_table('counter_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_counter_events_counter_id'))

    op.drop_table('counter_events')
    op.drop_table('user_agencies')
    op.drop_table('services')
    op.drop_table('counters')
    op.drop_table('users')
    op.drop_table('site')
    op.drop_table('number_sequences')
    op.drop_table('devices')
    op.drop_table('agencies')

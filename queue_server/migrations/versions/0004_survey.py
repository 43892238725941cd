"""the survey (SKM): anonymous responses, and which tickets have answered

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29 20:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

ELEMENTS = [f'u{n}' for n in range(1, 10)]


def upgrade() -> None:
    op.create_table(
        'survey_responses',
        sa.Column('id', sa.String(length=16), nullable=False),
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('service_id', sa.Integer(), nullable=False),
        sa.Column('agency_id', sa.Integer(), nullable=False),
        sa.Column('counter_id', sa.String(length=32), nullable=True),
        sa.Column('channel', sa.String(length=10), nullable=False),
        *(sa.Column(name, sa.SmallInteger(), nullable=False) for name in ELEMENTS),
        sa.Column('gender', sa.String(length=16), nullable=True),
        sa.Column('age', sa.String(length=16), nullable=True),
        sa.Column('education', sa.String(length=16), nullable=True),
        sa.Column('occupation', sa.String(length=16), nullable=True),
        sa.Column('suggestion', sa.Text(), nullable=True),
        *(sa.CheckConstraint(f'{name} BETWEEN 1 AND 4',
                             name=op.f(f'ck_survey_responses_{name}_scale'))
          for name in ELEMENTS),
        sa.ForeignKeyConstraint(['agency_id'], ['agencies.id'],
                                name=op.f('fk_survey_responses_agency_id_agencies')),
        sa.ForeignKeyConstraint(['counter_id'], ['counters.id'],
                                name=op.f('fk_survey_responses_counter_id_counters')),
        sa.ForeignKeyConstraint(['service_id'], ['services.id'],
                                name=op.f('fk_survey_responses_service_id_services')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_survey_responses')))
    with op.batch_alter_table('survey_responses', schema=None) as batch_op:
        batch_op.create_index('ix_survey_responses_day', ['day'], unique=False)
    op.create_table(
        'survey_receipts',
        sa.Column('ticket_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['ticket_id'], ['tickets.id'],
                                name=op.f('fk_survey_receipts_ticket_id_tickets')),
        sa.PrimaryKeyConstraint('ticket_id', name=op.f('pk_survey_receipts')))


def downgrade() -> None:
    op.drop_table('survey_receipts')
    with op.batch_alter_table('survey_responses', schema=None) as batch_op:
        batch_op.drop_index('ix_survey_responses_day')
    op.drop_table('survey_responses')

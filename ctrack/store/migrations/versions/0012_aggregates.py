"""Aggregates maintained on write: ``agg_totals``, ``agg_states``, ``agg_state_pairs``, ``agg_actors``, ``agg_actor_documents``,
``agg_event_states``, ``agg_events`` and the queue ``agg_dirty``.

Revision ID: 0012_aggregates
Revises: 0011_pages
Create Date: 2026-12-07

The overview's totals, a member state's counts (events by type, the briefing's counts by member state) and
an actor's counts (events, timeline total, documents) were ``COUNT``s over a fixed share of the knowledge
base. These tables hold them, kept by database triggers and recounts of what the triggers queue
(:mod:`ctrack.store.aggregates`). The upgrade fills them from the existing rows
(:func:`ctrack.store.aggregates.rebuild`) and installs the triggers.
"""
from __future__ import annotations

from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op


revision: str = '0012_aggregates'
down_revision: Union[str, None] = '0011_pages'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        'agg_dirty',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=1), nullable=False),
        sa.Column('ref_id', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('agg_dirty') as batch_op:
        batch_op.create_index('ix_agg_dirty_kind_ref', ['kind', 'ref_id'], unique=False)
    op.create_table(
        'agg_events',
        sa.Column('event_id', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('links', sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint('event_id'),
    )
    op.create_table(
        'agg_totals',
        sa.Column('name', sa.String(length=32), nullable=False),
        sa.Column('key', sa.String(length=64), nullable=False),
        sa.Column('n', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('name', 'key'),
    )
    op.create_table(
        'agg_states',
        sa.Column('iso3', sa.String(length=3), nullable=False),
        sa.Column('type', sa.String(length=24), nullable=False),
        sa.Column('review_state', sa.String(length=16), nullable=False),
        sa.Column('n', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('iso3', 'type', 'review_state'),
    )
    op.create_table(
        'agg_event_states',
        sa.Column('iso3', sa.String(length=3), nullable=False),
        sa.Column('event_id', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('type', sa.String(length=24), nullable=False),
        sa.Column('start', sa.String(length=10), nullable=True),
        sa.PrimaryKeyConstraint('iso3', 'event_id'),
    )
    with op.batch_alter_table('agg_event_states') as batch_op:
        batch_op.create_index('ix_agg_event_states_start', ['iso3', 'start', 'event_id'], unique=False)
        batch_op.create_index('ix_agg_event_states_type', ['iso3', 'type', 'start', 'event_id'], unique=False)
        batch_op.create_index('ix_agg_event_states_event', ['event_id'], unique=False)
    op.create_table(
        'agg_state_pairs',
        sa.Column('scope', sa.String(length=3), nullable=False),
        sa.Column('iso3', sa.String(length=3), nullable=False),
        sa.Column('n', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('scope', 'iso3'),
    )
    op.create_table(
        'agg_actors',
        sa.Column('actor_id', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('events', sa.Integer(), server_default='0', nullable=False),
        sa.Column('timeline', sa.Integer(), server_default='0', nullable=False),
        sa.PrimaryKeyConstraint('actor_id'),
    )
    op.create_table(
        'agg_actor_documents',
        sa.Column('actor_id', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('n', sa.Integer(), server_default='0', nullable=False),
        sa.PrimaryKeyConstraint('actor_id'),
    )
    from ctrack.store import aggregates

    bind = op.get_bind()
    aggregates.rebuild(bind)
    aggregates.install_triggers(bind)


def downgrade() -> None:
    from ctrack.store import aggregates

    aggregates.drop_triggers(op.get_bind())
    for table in ('agg_actor_documents', 'agg_actors', 'agg_state_pairs', 'agg_event_states', 'agg_states', 'agg_totals', 'agg_events'):
        op.drop_table(table)
    with op.batch_alter_table('agg_dirty') as batch_op:
        batch_op.drop_index('ix_agg_dirty_kind_ref')
    op.drop_table('agg_dirty')

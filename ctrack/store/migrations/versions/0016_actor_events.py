"""Per-actor engagements: ``agg_actor_events`` (actor, event, start) with ``ix_agg_actor_events_start``.

Revision ID: 0016_actor_events
Revises: 0015_briefed_actors
Create Date: 2026-12-07

The first page of a person's or an organization's timeline (and the latest 1,000 events an actor's page
counts its roles and counterparts over) collected every event of the actor and the actors acting for it
through their roles and sorted them: at a million events 185-245 ms for the busiest persons on PostgreSQL.
This table holds, per actor, the events of its timeline with their start, kept by the aggregates' recounts
(:mod:`ctrack.store.aggregates`, the same queue as ``agg_event_states``), so that page is one ``LIMIT``ed
range of ``(actor_id, start, event_id)``.

The backfill is one ``INSERT … SELECT`` (:func:`ctrack.store.aggregates.fill_actor_events`); on PostgreSQL
the table's key and indexes are built after it (faster than keeping them row by row), then it is analyzed.
"""
from __future__ import annotations

from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op


revision: str = '0016_actor_events'
down_revision: Union[str, None] = '0015_briefed_actors'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    from ctrack.store import aggregates

    bind = op.get_bind()
    pg = bind.dialect.name == 'postgresql'
    columns = [sa.Column('actor_id', sa.Integer(), autoincrement=False, nullable=False),
               sa.Column('event_id', sa.Integer(), autoincrement=False, nullable=False),
               sa.Column('start', sa.String(length=10), nullable=True)]
    if pg:  # the key after the backfill
        op.create_table('agg_actor_events', *columns)
    else:
        op.create_table('agg_actor_events', *columns, sa.PrimaryKeyConstraint('actor_id', 'event_id'))
    aggregates.fill_actor_events(bind)
    if pg:
        op.create_primary_key('agg_actor_events_pkey', 'agg_actor_events', ['actor_id', 'event_id'])
    op.create_index('ix_agg_actor_events_start', 'agg_actor_events', ['actor_id', 'start', 'event_id'], unique=False)
    op.create_index('ix_agg_actor_events_event', 'agg_actor_events', ['event_id'], unique=False)
    if bind.dialect.name == 'sqlite':
        op.execute("PRAGMA analysis_limit = 1000")
        op.execute("ANALYZE agg_actor_events")
        op.execute("PRAGMA analysis_limit = 0")
    elif pg:
        op.execute("ANALYZE agg_actor_events")


def downgrade() -> None:
    op.drop_index('ix_agg_actor_events_event', table_name='agg_actor_events')
    op.drop_index('ix_agg_actor_events_start', table_name='agg_actor_events')
    op.drop_table('agg_actor_events')

"""Span tiers: ``events.span_tier`` and ``ix_events_tier_start``; ``agg_event_states.end_day``/``span_tier``
and ``ix_agg_event_states_span``; the aggregate triggers also queue an event whose end changes.

Revision ID: 0013_span_tiers
Revises: 0012_aggregates
Create Date: 2026-12-07

The first page of "events overlapping [D, E] in date order" (a month's events; a member state's events over
two years) was an id set of every match (a state's whole record, or every event starting from a year before
D), sorted. Within one span tier (:data:`ctrack.store.models.SPAN_TIERS`: a week, a month, a year, longer)
an event that ends on or after D starts at most that tier's days before D, so per tier the page is one
bounded ``start`` range read in index order: ``(span_tier, start, id)`` on ``events``,
``(iso3, span_tier, start, event_id)`` on ``agg_event_states`` (:func:`ctrack.store.repo.page_events`).

The backfill is set-based (one ``UPDATE`` per table; the search rows it queues are taken off again, as in
0011), then both tables are analyzed. The aggregate triggers are installed again with ``end`` among the
queued event columns.
"""
from __future__ import annotations

from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op


revision: str = '0013_span_tiers'
down_revision: Union[str, None] = '0012_aggregates'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    from ctrack.store import aggregates
    from ctrack.store.models import span_tier_sql

    bind = op.get_bind()
    op.add_column('events', sa.Column('span_tier', sa.Integer(), nullable=True))
    op.add_column('agg_event_states', sa.Column('end_day', sa.Date(), nullable=True))
    op.add_column('agg_event_states', sa.Column('span_tier', sa.Integer(), nullable=True))
    # the search triggers queue every updated event for reindexing; span_tier is in no search entry
    queued = bind.exec_driver_sql("SELECT COALESCE(MAX(id), 0) FROM search_dirty").scalar()
    op.execute(f"UPDATE events SET span_tier = {span_tier_sql('span_days')} WHERE span_days IS NOT NULL")
    op.execute(sa.text("DELETE FROM search_dirty WHERE id > :queued").bindparams(queued=queued))
    if bind.dialect.name == 'postgresql':
        op.execute("UPDATE agg_event_states AS a SET end_day = e.end_day, span_tier = e.span_tier "
                   "FROM events AS e WHERE e.id = a.event_id")
    else:
        op.execute("UPDATE agg_event_states SET end_day = e.end_day, span_tier = e.span_tier "
                   "FROM events AS e WHERE e.id = agg_event_states.event_id")
    op.create_index('ix_events_tier_start', 'events', ['span_tier', 'start', 'id', 'end_day', 'review_state'],
                    unique=False)
    op.create_index('ix_agg_event_states_span', 'agg_event_states',
                    ['iso3', 'span_tier', 'start', 'event_id', 'end_day'], unique=False)
    if aggregates.triggers_present(bind):
        aggregates.install_triggers(bind)  # the events trigger now queues a change of "end" too
    # the planner's statistics of the new indexes (SQLite: sampled, a few seconds at a million events)
    if bind.dialect.name == 'sqlite':
        op.execute("PRAGMA analysis_limit = 1000")
        op.execute("ANALYZE events")
        op.execute("ANALYZE agg_event_states")
        op.execute("PRAGMA analysis_limit = 0")
    elif bind.dialect.name == 'postgresql':
        op.execute("ANALYZE events")
        op.execute("ANALYZE agg_event_states")


def downgrade() -> None:
    from ctrack.store import aggregates

    op.drop_index('ix_agg_event_states_span', table_name='agg_event_states')
    op.drop_index('ix_events_tier_start', table_name='events')
    with op.batch_alter_table('agg_event_states') as batch_op:
        batch_op.drop_column('span_tier')
        batch_op.drop_column('end_day')
    with op.batch_alter_table('events') as batch_op:
        batch_op.drop_column('span_tier')
    aggregates.install_triggers(op.get_bind())

"""Indexes that order the review queue, and the event span that bounds a date filter.

Revision ID: 0011_pages
Revises: 0010_roles_cover
Create Date: 2026-12-07

- ``(review_state, confidence, id)`` on events and roles, ``(review_state,
  id)`` on actors, person titles, conflicts and recommendations: the review
  queue reads each kind of fact in its queue order from these, a page at a
  time (:func:`ctrack.store.track_repo.queue_rows`), instead of ordering every
  proposed fact in one ``UNION`` (9.8 s at 100,000 events).
- ``events.span_days`` (``end_day - start_day``, filled here for the stored
  events) and its index: "ends on or after D" becomes a ``start_day`` range
  from D minus a year, plus the few longer events
  (:func:`ctrack.store.repo.event_conditions`); each day index alone kept
  half of the knowledge base. ``ix_events_start_end_day`` (start_day,
  end_day) replaces the two one-day indexes, so that range tests the end day
  in the index; SQLite chose the end-day index for these filters when it had one.
- ``ix_mentions_actor_doc`` / ``ix_mentions_event_doc`` (actor or event,
  document, start) and ``ix_mentions_event_role`` replace the one-column
  indexes: a fact's evidence is read in reading order, the first few without
  the rest; each is partial (``… IS NOT NULL``), so that ``ANALYZE`` counts
  the rows that name a target, not the nulls (SQLite read every mention for
  one event's evidence: 150 ms at 100,000 documents).
"""
from __future__ import annotations

from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = '0011_pages'
down_revision: Union[str, None] = '0010_roles_cover'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

_REVIEW = (('actors', 'ix_actors_review'), ('person_titles', 'ix_person_titles_review'),
           ('conflicts', 'ix_conflicts_review'), ('recommendations', 'ix_recommendations_review'))


def upgrade() -> None:
    op.add_column('events', sa.Column('span_days', sa.Integer(), nullable=True))
    bind = op.get_bind()
    # the search triggers queue every updated event for reindexing; span_days is not in any search entry,
    # so the rows this fill queues are taken off again (97,000 reindexed events at the first search, else)
    queued = bind.exec_driver_sql("SELECT COALESCE(MAX(id), 0) FROM search_dirty").scalar()
    if bind.dialect.name == 'sqlite':
        op.execute("UPDATE events SET span_days = CAST(julianday(end_day) - julianday(start_day) AS INTEGER) "
                   "WHERE start_day IS NOT NULL AND end_day IS NOT NULL")
    else:
        op.execute("UPDATE events SET span_days = end_day - start_day "
                   "WHERE start_day IS NOT NULL AND end_day IS NOT NULL")
    op.execute(sa.text("DELETE FROM search_dirty WHERE id > :queued").bindparams(queued=queued))
    op.create_index('ix_events_span_days', 'events', ['span_days'], unique=False)
    op.drop_index('ix_events_start_day', table_name='events')
    op.drop_index('ix_events_end_day', table_name='events')
    op.create_index('ix_events_start_end_day', 'events', ['start_day', 'end_day'], unique=False)
    op.create_index('ix_events_review_confidence', 'events', ['review_state', 'confidence', 'id'], unique=False)
    op.create_index('ix_event_roles_review_confidence', 'event_roles', ['review_state', 'confidence', 'id'],
                    unique=False)
    for table, name in _REVIEW:
        op.create_index(name, table, ['review_state', 'id'], unique=False)
    op.drop_index('ix_mentions_actor_id', table_name='mentions')
    op.drop_index('ix_mentions_event_id', table_name='mentions')
    op.drop_index('ix_mentions_event_role_id', table_name='mentions')
    for name, col, cols in (('ix_mentions_actor_doc', 'actor_id', ['actor_id', 'document_id', 'start']),
                            ('ix_mentions_event_doc', 'event_id', ['event_id', 'document_id', 'start']),
                            ('ix_mentions_event_role', 'event_role_id', ['event_role_id'])):
        where = sa.text(f"{col} IS NOT NULL")
        op.create_index(name, 'mentions', cols, unique=False, sqlite_where=where, postgresql_where=where)


def downgrade() -> None:
    op.drop_index('ix_mentions_event_role', table_name='mentions')
    op.drop_index('ix_mentions_event_doc', table_name='mentions')
    op.drop_index('ix_mentions_actor_doc', table_name='mentions')
    op.create_index('ix_mentions_event_role_id', 'mentions', ['event_role_id'], unique=False)
    op.create_index('ix_mentions_event_id', 'mentions', ['event_id'], unique=False)
    op.create_index('ix_mentions_actor_id', 'mentions', ['actor_id'], unique=False)
    for table, name in _REVIEW:
        op.drop_index(name, table_name=table)
    op.drop_index('ix_event_roles_review_confidence', table_name='event_roles')
    op.drop_index('ix_events_review_confidence', table_name='events')
    op.drop_index('ix_events_start_end_day', table_name='events')
    op.create_index('ix_events_end_day', 'events', ['end_day'], unique=False)
    op.create_index('ix_events_start_day', 'events', ['start_day'], unique=False)
    op.drop_index('ix_events_span_days', table_name='events')
    with op.batch_alter_table('events') as batch_op:
        batch_op.drop_column('span_days')

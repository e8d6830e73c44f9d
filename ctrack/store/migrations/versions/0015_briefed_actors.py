"""``agg_actors.briefed``: per actor, the events (not rejected) it holds a role in (not rejected) that a
briefing pack shows, so that the review queue's briefing facts among the actors are an index read.

Revision ID: 0015_briefed_actors
Revises: 0013_span_tiers
Create Date: 2026-12-07

The review queue lists the facts a briefing pack would show first (:func:`ctrack.store.track_repo._briefed`).
For an actor that was a correlated test of its roles and their events (and their actors' affiliations), run
for every row a page passes: ``/review/queue?offset=5000`` tested 5,051 actors, 108 ms of PostgreSQL at a
million events. With the count kept by the aggregates' recounts (:func:`ctrack.store.aggregates.links_of`'s
``"b"``), the actors' arm is a merge of two indexes in id order (4 ms).

Backfill, set-based: ``briefed = events`` (links stored before this revision may have no "b"; they then
count as briefed when they engaged a member state through the venue, an actor or its affiliation, ``"s"``:
:func:`ctrack.store.aggregates.briefed_of`); the actors of the events that engage none that way (no
``agg_event_states`` row) and that their stored links do not count as briefed are taken off again (links
written by 0012's rebuild carry "b" already), and those events are recounted with this revision's columns
(:func:`ctrack.store.aggregates.present_columns`), which stores their "b" and adds back the ones shown
through an affiliation's affiliation.
"""
from __future__ import annotations

import json
from collections import Counter
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op


revision: str = '0015_briefed_actors'
down_revision: Union[str, None] = '0013_span_tiers'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    from ctrack.store import aggregates

    bind = op.get_bind()
    op.add_column('agg_actors', sa.Column('briefed', sa.Integer(), server_default='0', nullable=False))
    op.execute("UPDATE agg_actors SET briefed = events")
    unseen = [eid for (eid,) in bind.exec_driver_sql(
        "SELECT a.event_id FROM agg_events AS a WHERE NOT EXISTS "
        "(SELECT 1 FROM agg_event_states AS s WHERE s.event_id = a.event_id) ORDER BY a.event_id")]
    for i in range(0, len(unseen), aggregates.CHUNK):
        chunk = unseen[i:i + aggregates.CHUNK]
        taken: Counter[int] = Counter()
        for (links,) in bind.execute(sa.text("SELECT links FROM agg_events WHERE event_id IN :ids")
                                     .bindparams(sa.bindparam("ids", expanding=True)), {"ids": chunk}):
            stored = json.loads(links)
            if not aggregates.briefed_of(stored):
                taken.update(stored["a"])
        if taken:
            bind.execute(sa.text("UPDATE agg_actors SET briefed = briefed - :n WHERE actor_id = :a"),
                         [{"a": a, "n": n} for a, n in sorted(taken.items())])
    aggregates.recount(bind, unseen, aggregates.present_columns(bind))
    if bind.dialect.name in ('sqlite', 'postgresql'):
        op.execute("ANALYZE agg_actors")


def downgrade() -> None:
    with op.batch_alter_table('agg_actors') as batch_op:
        batch_op.drop_column('briefed')

"""Archive scale: day columns for event dates, and indexes for the listings and joins that grow.

Revision ID: 0004_scale
Revises: 0003_web
Create Date: 2026-12-07

``events.start_day`` / ``events.end_day``: the first and last day an event
covers (:func:`ctrack.store.models.event_days`: "2018-05" is 2018-05-01 to
2018-05-31), filled here for stored events and kept in step by the ORM on
every write, indexed so that a date-range filter is an index range scan.
Composite indexes: ``events (start, id)`` for the date-ordered, keyset-paged
event list, ``events (country, start)`` for a state's events in date order,
``event_roles (actor_id, event_id)`` for role → actor → event joins, ``actors (kind, name, id)``
for the keyset-paged actor list.
Portable on SQLite and PostgreSQL (batch mode).
"""
from __future__ import annotations

from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = '0004_scale'
down_revision: Union[str, None] = '0003_web'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

_BATCH = 5000


def _backfill() -> None:
    from ctrack.store.models import event_days

    bind = op.get_bind()
    events = sa.table('events', sa.column('id', sa.Integer), sa.column('start', sa.String),
                      sa.column('end', sa.String), sa.column('start_day', sa.Date), sa.column('end_day', sa.Date))
    update = events.update().where(events.c.id == sa.bindparam('b_id')).values(
        start_day=sa.bindparam('b_start'), end_day=sa.bindparam('b_end'))
    last = 0
    while True:
        rows = bind.execute(sa.select(events.c.id, events.c.start, events.c.end)
                            .where(events.c.id > last, events.c.start.is_not(None))
                            .order_by(events.c.id).limit(_BATCH)).all()
        if not rows:
            break
        params = []
        for row in rows:
            lo, hi = event_days(row.start, row.end)
            if lo is not None:
                params.append({'b_id': row.id, 'b_start': lo, 'b_end': hi})
        if params:
            bind.execute(update, params)
        last = rows[-1].id


def upgrade() -> None:
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('start_day', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('end_day', sa.Date(), nullable=True))
    _backfill()
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.create_index('ix_events_start_id', ['start', 'id'], unique=False)
        batch_op.create_index('ix_events_start_day', ['start_day'], unique=False)
        batch_op.create_index('ix_events_end_day', ['end_day'], unique=False)
        batch_op.create_index('ix_events_country_start', ['country', 'start'], unique=False)
    with op.batch_alter_table('actors', schema=None) as batch_op:
        batch_op.create_index('ix_actors_kind_name', ['kind', 'name', 'id'], unique=False)
    with op.batch_alter_table('event_roles', schema=None) as batch_op:
        batch_op.create_index('ix_event_roles_actor_event', ['actor_id', 'event_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('event_roles', schema=None) as batch_op:
        batch_op.drop_index('ix_event_roles_actor_event')
    with op.batch_alter_table('actors', schema=None) as batch_op:
        batch_op.drop_index('ix_actors_kind_name')
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_index('ix_events_country_start')
        batch_op.drop_index('ix_events_end_day')
        batch_op.drop_index('ix_events_start_day')
        batch_op.drop_index('ix_events_start_id')
        batch_op.drop_column('end_day')
        batch_op.drop_column('start_day')

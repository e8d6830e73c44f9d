"""The surname key of each alias, indexed, for ingest's surname lookups.

Revision ID: 0007_alias_surname_key
Revises: 0006_actor_lookup
Create Date: 2026-12-07

Ingest looks for the stored persons whose name ends in a new person's
surname. That was ``actor_aliases.normalized LIKE '%surname'``, a scan of
every alias on every document, so the cost of storing a document grew with
the knowledge base; ``surname_key`` (:func:`ctrack.store.models.surname_key`)
turns it into an index lookup. Filled here for stored aliases; the ORM keeps
it in step. Portable on SQLite and PostgreSQL (batch mode).
"""
from __future__ import annotations

from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = '0007_alias_surname_key'
down_revision: Union[str, None] = '0006_actor_lookup'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

_BATCH = 5000


def upgrade() -> None:
    from ctrack.store.models import surname_key

    with op.batch_alter_table('actor_aliases', schema=None) as batch_op:
        batch_op.add_column(sa.Column('surname_key', sa.String(length=400), nullable=True))
    bind = op.get_bind()
    aliases = sa.table('actor_aliases', sa.column('id', sa.Integer), sa.column('alias', sa.String),
                       sa.column('surname_key', sa.String))
    update = aliases.update().where(aliases.c.id == sa.bindparam('b_id')).values(surname_key=sa.bindparam('b_key'))
    last = 0
    while True:
        rows = bind.execute(sa.select(aliases.c.id, aliases.c.alias).where(aliases.c.id > last)
                            .order_by(aliases.c.id).limit(_BATCH)).all()
        if not rows:
            break
        params = [{'b_id': r.id, 'b_key': surname_key(r.alias)} for r in rows]
        bind.execute(update, params)
        last = rows[-1].id
    with op.batch_alter_table('actor_aliases', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_actor_aliases_surname_key'), ['surname_key'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('actor_aliases', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_actor_aliases_surname_key'))
        batch_op.drop_column('surname_key')

"""Search entries kept in step by a queue: ``search_dirty`` (kind, ref_id).

Revision ID: 0009_search_dirty
Revises: 0008_confidence
Create Date: 2026-12-07

Before, every search compared every actor, event, document and
recommendation with its entry (``updated_at`` against ``indexed_at``, and
entries against rows), so a search cost grew with the knowledge base. Now
database triggers list each row written (or the row its alias, title or role
belongs to) in ``search_dirty``, and a search reindexes only those. The
triggers are derived structures like the FTS5 table and are installed by
:func:`ctrack.store.search.ensure_triggers` (run by ``open_store`` after the
migrations), which also fills the queue once with what the old comparison
finds (so nothing stale before the upgrade is lost).
"""
from __future__ import annotations

from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op


revision: str = '0009_search_dirty'
down_revision: Union[str, None] = '0008_confidence'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        'search_dirty',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.Enum('document', 'actor', 'event', 'recommendation', name='searchkind',
                                  native_enum=False, create_constraint=False, length=16), nullable=False),
        sa.Column('ref_id', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('search_dirty') as batch_op:
        batch_op.create_index('ix_search_dirty_kind_ref', ['kind', 'ref_id'], unique=False)


def downgrade() -> None:
    from ctrack.store.search import drop_triggers

    drop_triggers(op.get_bind())
    with op.batch_alter_table('search_dirty') as batch_op:
        batch_op.drop_index('ix_search_dirty_kind_ref')
    op.drop_table('search_dirty')

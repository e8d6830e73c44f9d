"""The role → event index also holds the review state: ``ix_event_roles_actor_event_state``.

Revision ID: 0010_roles_cover
Revises: 0009_search_dirty
Create Date: 2026-12-07

Every read of an actor's (or a state's) events filters out rejected roles;
with ``review_state`` in the index, that read is an index-only scan instead of
one table lookup per role. Replaces ``ix_event_roles_actor_event`` (a prefix of it).
"""
from __future__ import annotations

from typing import Sequence, Union

from alembic import op


revision: str = '0010_roles_cover'
down_revision: Union[str, None] = '0009_search_dirty'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table('event_roles') as batch_op:
        batch_op.drop_index('ix_event_roles_actor_event')
        batch_op.create_index('ix_event_roles_actor_event_state', ['actor_id', 'event_id', 'review_state'],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table('event_roles') as batch_op:
        batch_op.drop_index('ix_event_roles_actor_event_state')
        batch_op.create_index('ix_event_roles_actor_event', ['actor_id', 'event_id'], unique=False)

"""Extraction confidence on events and roles: ``events.confidence``, ``event_roles.confidence``.

Revision ID: 0008_confidence
Revises: 0007_alias_surname_key
Create Date: 2026-12-07

The decision models of :mod:`ctrack.extract.decide` give every event and role
a probability; review puts the least certain facts first. NULL for facts
stored before (or entered by hand).
"""
from __future__ import annotations

from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op


revision: str = '0008_confidence'
down_revision: Union[str, None] = '0007_alias_surname_key'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table('events') as batch:
        batch.add_column(sa.Column('confidence', sa.Float(), nullable=True))
    with op.batch_alter_table('event_roles') as batch:
        batch.add_column(sa.Column('confidence', sa.Float(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('event_roles') as batch:
        batch.drop_column('confidence')
    with op.batch_alter_table('events') as batch:
        batch.drop_column('confidence')

"""Expression indexes for finding an actor by what a user typed.

Revision ID: 0006_actor_lookup
Revises: 0005_ocr
Create Date: 2026-12-07

:func:`ctrack.store.repo.find_actor` tries ``upper(acronym) = …`` and
``lower(name) = …`` before the aliases; without these indexes each is a scan
of every actor (160 ms at 55,000 actors, under load). Plain SQL expression
indexes, the same on SQLite and PostgreSQL.
"""
from __future__ import annotations

from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = '0006_actor_lookup'
down_revision: Union[str, None] = '0005_ocr'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_index('ix_actors_upper_acronym', 'actors', [sa.text('upper(acronym)')], unique=False)
    op.create_index('ix_actors_lower_name', 'actors', [sa.text('lower(name)')], unique=False)


def downgrade() -> None:
    op.drop_index('ix_actors_lower_name', table_name='actors')
    op.drop_index('ix_actors_upper_acronym', table_name='actors')

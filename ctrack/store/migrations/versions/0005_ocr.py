"""Documents read by OCR: ``documents.ocr_confidence``.

Revision ID: 0005_ocr
Revises: 0004_scale
Create Date: 2026-12-07

tesseract's mean word confidence (0-100) for a document whose text came from
OCR of scanned pages (:mod:`ctrack.ingest.ocr`); NULL for a text layer.
"""
from __future__ import annotations

from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op


revision: str = '0005_ocr'
down_revision: Union[str, None] = '0004_scale'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table('documents') as batch:
        batch.add_column(sa.Column('ocr_confidence', sa.Float(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('documents') as batch:
        batch.drop_column('ocr_confidence')

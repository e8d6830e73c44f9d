"""Core tables: documents, actors (sources, aliases, dated titles), events (sources, roles), mentions,
conflicts and the merge-decision log.

Revision ID: 0001_core
Revises:
Create Date: 2026-11-29

Portable on SQLite and PostgreSQL: enums are VARCHAR without a native type,
JSON uses the generic type, and indexes are created in batch mode.
"""
from __future__ import annotations

from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = '0001_core'
down_revision: Union[str, None] = None
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table('actors',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('person', 'member_state', 'government_body', 'un_entity', 'regional_org', 'other_org', name='actorkind', native_enum=False, length=24), nullable=False),
    sa.Column('canonical_key', sa.String(length=400), nullable=False),
    sa.Column('name', sa.String(length=400), nullable=False),
    sa.Column('acronym', sa.String(length=40), nullable=True),
    sa.Column('iso3', sa.String(length=3), nullable=True),
    sa.Column('title', sa.String(length=400), nullable=True),
    sa.Column('affiliation_id', sa.Integer(), nullable=True),
    sa.Column('review_state', sa.Enum('proposed', 'confirmed', 'corrected', 'rejected', name='reviewstate', native_enum=False, length=16), server_default='proposed', nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['affiliation_id'], ['actors.id'], name=op.f('fk_actors_affiliation_id_actors'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_actors')),
    sa.UniqueConstraint('canonical_key', name=op.f('uq_actors_canonical_key'))
    )
    with op.batch_alter_table('actors', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_actors_affiliation_id'), ['affiliation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_actors_iso3'), ['iso3'], unique=False)
        batch_op.create_index(batch_op.f('ix_actors_kind'), ['kind'], unique=False)

    op.create_table('documents',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('doc_key', sa.String(length=255), nullable=False),
    sa.Column('path', sa.Text(), nullable=False),
    sa.Column('format', sa.Enum('txt', 'html', 'pdf', 'docx', name='docformat', native_enum=False, length=8), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('title', sa.Text(), nullable=True),
    sa.Column('published', sa.Date(), nullable=True),
    sa.Column('language', sa.String(length=16), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('ingested_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_documents')),
    sa.UniqueConstraint('sha256', name=op.f('uq_documents_sha256'))
    )
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_documents_doc_key'), ['doc_key'], unique=False)

    op.create_table('events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('type', sa.Enum('conference', 'meeting', 'assessment_visit', 'visit', 'briefing', 'workshop', 'launch', name='eventtype', native_enum=False, length=24), nullable=False),
    sa.Column('name', sa.Text(), nullable=True),
    sa.Column('start', sa.String(length=10), nullable=True),
    sa.Column('end', sa.String(length=10), nullable=True),
    sa.Column('city', sa.String(length=200), nullable=True),
    sa.Column('country', sa.String(length=3), nullable=True),
    sa.Column('status', sa.Enum('held', 'planned', name='eventstatus', native_enum=False, length=16), nullable=False),
    sa.Column('delegations', sa.Integer(), nullable=True),
    sa.Column('part_of_id', sa.Integer(), nullable=True),
    sa.Column('review_state', sa.Enum('proposed', 'confirmed', 'corrected', 'rejected', name='reviewstate', native_enum=False, length=16), server_default='proposed', nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['part_of_id'], ['events.id'], name=op.f('fk_events_part_of_id_events'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_events'))
    )
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_events_country'), ['country'], unique=False)
        batch_op.create_index(batch_op.f('ix_events_part_of_id'), ['part_of_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_events_start'), ['start'], unique=False)
        batch_op.create_index(batch_op.f('ix_events_type'), ['type'], unique=False)

    op.create_table('actor_aliases',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=False),
    sa.Column('alias', sa.String(length=400), nullable=False),
    sa.Column('normalized', sa.String(length=400), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['actor_id'], ['actors.id'], name=op.f('fk_actor_aliases_actor_id_actors'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['document_id'], ['documents.id'], name=op.f('fk_actor_aliases_document_id_documents'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_actor_aliases')),
    sa.UniqueConstraint('actor_id', 'alias', name=op.f('uq_actor_aliases_actor_id'))
    )
    with op.batch_alter_table('actor_aliases', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_actor_aliases_actor_id'), ['actor_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_actor_aliases_normalized'), ['normalized'], unique=False)

    op.create_table('actor_sources',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.Column('local_id', sa.String(length=200), nullable=False),
    sa.Column('facts', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['actors.id'], name=op.f('fk_actor_sources_actor_id_actors'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['document_id'], ['documents.id'], name=op.f('fk_actor_sources_document_id_documents'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_actor_sources')),
    sa.UniqueConstraint('actor_id', 'document_id', 'local_id', name=op.f('uq_actor_sources_actor_id'))
    )
    with op.batch_alter_table('actor_sources', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_actor_sources_actor_id'), ['actor_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_actor_sources_document_id'), ['document_id'], unique=False)

    op.create_table('conflicts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=True),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('field', sa.String(length=40), nullable=False),
    sa.Column('value', sa.Text(), nullable=True),
    sa.Column('existing', sa.Text(), nullable=True),
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.Column('review_state', sa.Enum('proposed', 'confirmed', 'corrected', 'rejected', name='reviewstate', native_enum=False, length=16), server_default='proposed', nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['actors.id'], name=op.f('fk_conflicts_actor_id_actors'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['document_id'], ['documents.id'], name=op.f('fk_conflicts_document_id_documents'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_conflicts_event_id_events'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_conflicts'))
    )
    with op.batch_alter_table('conflicts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_conflicts_actor_id'), ['actor_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_conflicts_document_id'), ['document_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_conflicts_event_id'), ['event_id'], unique=False)

    op.create_table('event_roles',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.Enum('organizer', 'funder', 'supporter', 'participant', 'speaker', 'chair', 'subject', name='roletype', native_enum=False, length=16), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=True),
    sa.Column('review_state', sa.Enum('proposed', 'confirmed', 'corrected', 'rejected', name='reviewstate', native_enum=False, length=16), server_default='proposed', nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['actors.id'], name=op.f('fk_event_roles_actor_id_actors'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['document_id'], ['documents.id'], name=op.f('fk_event_roles_document_id_documents'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_event_roles_event_id_events'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_event_roles')),
    sa.UniqueConstraint('event_id', 'actor_id', 'role', name=op.f('uq_event_roles_event_id'))
    )
    with op.batch_alter_table('event_roles', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_event_roles_actor_id'), ['actor_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_event_roles_event_id'), ['event_id'], unique=False)

    op.create_table('event_sources',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.Column('local_id', sa.String(length=200), nullable=True),
    sa.Column('facts', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['document_id'], ['documents.id'], name=op.f('fk_event_sources_document_id_documents'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_event_sources_event_id_events'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_event_sources')),
    sa.UniqueConstraint('event_id', 'document_id', name=op.f('uq_event_sources_event_id'))
    )
    with op.batch_alter_table('event_sources', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_event_sources_document_id'), ['document_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_event_sources_event_id'), ['event_id'], unique=False)

    op.create_table('merge_decisions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.Column('subject', sa.String(length=16), nullable=False),
    sa.Column('local_id', sa.String(length=200), nullable=False),
    sa.Column('target_id', sa.Integer(), nullable=False),
    sa.Column('created', sa.Boolean(), nullable=False),
    sa.Column('rule', sa.String(length=60), nullable=False),
    sa.Column('score', sa.Double(), nullable=True),
    sa.Column('detail', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['document_id'], ['documents.id'], name=op.f('fk_merge_decisions_document_id_documents'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_merge_decisions'))
    )
    with op.batch_alter_table('merge_decisions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_merge_decisions_document_id'), ['document_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_merge_decisions_target_id'), ['target_id'], unique=False)

    op.create_table('person_titles',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=400), nullable=False),
    sa.Column('affiliation_id', sa.Integer(), nullable=True),
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.Column('as_of', sa.String(length=10), nullable=True),
    sa.Column('review_state', sa.Enum('proposed', 'confirmed', 'corrected', 'rejected', name='reviewstate', native_enum=False, length=16), server_default='proposed', nullable=False),
    sa.ForeignKeyConstraint(['affiliation_id'], ['actors.id'], name=op.f('fk_person_titles_affiliation_id_actors'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['document_id'], ['documents.id'], name=op.f('fk_person_titles_document_id_documents'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['person_id'], ['actors.id'], name=op.f('fk_person_titles_person_id_actors'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_person_titles'))
    )
    with op.batch_alter_table('person_titles', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_person_titles_document_id'), ['document_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_person_titles_person_id'), ['person_id'], unique=False)

    op.create_table('mentions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.Column('start', sa.Integer(), nullable=False),
    sa.Column('end', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('rule', sa.String(length=200), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('event_id', sa.Integer(), nullable=True),
    sa.Column('event_role_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['actor_id'], ['actors.id'], name=op.f('fk_mentions_actor_id_actors'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['document_id'], ['documents.id'], name=op.f('fk_mentions_document_id_documents'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_mentions_event_id_events'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['event_role_id'], ['event_roles.id'], name=op.f('fk_mentions_event_role_id_event_roles'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mentions'))
    )
    with op.batch_alter_table('mentions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_mentions_actor_id'), ['actor_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_mentions_document_id'), ['document_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_mentions_event_id'), ['event_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_mentions_event_role_id'), ['event_role_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('mentions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_mentions_event_role_id'))
        batch_op.drop_index(batch_op.f('ix_mentions_event_id'))
        batch_op.drop_index(batch_op.f('ix_mentions_document_id'))
        batch_op.drop_index(batch_op.f('ix_mentions_actor_id'))

    op.drop_table('mentions')
    with op.batch_alter_table('person_titles', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_person_titles_person_id'))
        batch_op.drop_index(batch_op.f('ix_person_titles_document_id'))

    op.drop_table('person_titles')
    with op.batch_alter_table('merge_decisions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_merge_decisions_target_id'))
        batch_op.drop_index(batch_op.f('ix_merge_decisions_document_id'))

    op.drop_table('merge_decisions')
    with op.batch_alter_table('event_sources', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_event_sources_event_id'))
        batch_op.drop_index(batch_op.f('ix_event_sources_document_id'))

    op.drop_table('event_sources')
    with op.batch_alter_table('event_roles', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_event_roles_event_id'))
        batch_op.drop_index(batch_op.f('ix_event_roles_actor_id'))

    op.drop_table('event_roles')
    with op.batch_alter_table('conflicts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_conflicts_event_id'))
        batch_op.drop_index(batch_op.f('ix_conflicts_document_id'))
        batch_op.drop_index(batch_op.f('ix_conflicts_actor_id'))

    op.drop_table('conflicts')
    with op.batch_alter_table('actor_sources', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_actor_sources_document_id'))
        batch_op.drop_index(batch_op.f('ix_actor_sources_actor_id'))

    op.drop_table('actor_sources')
    with op.batch_alter_table('actor_aliases', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_actor_aliases_normalized'))
        batch_op.drop_index(batch_op.f('ix_actor_aliases_actor_id'))

    op.drop_table('actor_aliases')
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_events_type'))
        batch_op.drop_index(batch_op.f('ix_events_start'))
        batch_op.drop_index(batch_op.f('ix_events_part_of_id'))
        batch_op.drop_index(batch_op.f('ix_events_country'))

    op.drop_table('events')
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_documents_doc_key'))

    op.drop_table('documents')
    with op.batch_alter_table('actors', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_actors_kind'))
        batch_op.drop_index(batch_op.f('ix_actors_iso3'))
        batch_op.drop_index(batch_op.f('ix_actors_affiliation_id'))

    op.drop_table('actors')

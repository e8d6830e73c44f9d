"""Review and tracking tables: audit log (append-only), review decisions, field corrections,
recommendations (terms, parties, status history, indicators), activities (links, progress reports)
and the import/export log.

Revision ID: 0002_track
Revises: 0001_core
Create Date: 2026-11-29

Portable on SQLite and PostgreSQL (VARCHAR enums, generic JSON, batch-mode
indexes). The audit log is made append-only in the database as well: a
trigger refuses UPDATE and DELETE on ``audit_log`` (SQLite ``RAISE(ABORT)``,
PostgreSQL a PL/pgSQL function).
"""
from __future__ import annotations

from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = '0002_track'
down_revision: Union[str, None] = '0001_core'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


_APPEND_ONLY = "audit_log is append-only"


def _create_append_only_triggers() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for verb in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER audit_log_no_{verb.lower()} BEFORE {verb} ON audit_log "
                f"BEGIN SELECT RAISE(ABORT, '{_APPEND_ONLY}'); END")
    elif dialect == "postgresql":
        op.execute(
            "CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS "
            f"$$ BEGIN RAISE EXCEPTION '{_APPEND_ONLY}'; END $$")
        op.execute(
            "CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log "
            "FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()")


def _drop_append_only_triggers() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS audit_log_no_update")
        op.execute("DROP TRIGGER IF EXISTS audit_log_no_delete")
    elif dialect == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_log_append_only ON audit_log")
        op.execute("DROP FUNCTION IF EXISTS audit_log_append_only()")


def upgrade() -> None:
    op.create_table('audit_log',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('user', sa.String(length=120), nullable=False),
    sa.Column('action', sa.Enum('create', 'update', 'confirm', 'correct', 'reject', 'merge', 'split', 'undo', 'status', 'link', 'unlink', 'progress', 'import', 'export', name='action', native_enum=False, length=16), nullable=False),
    sa.Column('entity_type', sa.Enum('actor', 'event', 'event_role', 'person_title', 'conflict', 'document', 'recommendation', 'activity', 'indicator', 'progress', 'decision', 'transfer', name='entity', native_enum=False, length=24), nullable=False),
    sa.Column('entity_id', sa.Integer(), nullable=True),
    sa.Column('before', sa.JSON(), nullable=True),
    sa.Column('after', sa.JSON(), nullable=True),
    sa.Column('comment', sa.Text(), nullable=True),
    sa.Column('transfer_id', sa.Integer(), nullable=True),
    sa.Column('decision_id', sa.Integer(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_log'))
    )
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_log_action'), ['action'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_log_at'), ['at'], unique=False)
        batch_op.create_index('ix_audit_log_entity', ['entity_type', 'entity_id'], unique=False)

    op.create_table('field_corrections',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('entity_type', sa.Enum('actor', 'event', 'event_role', 'person_title', 'conflict', 'document', 'recommendation', 'activity', 'indicator', 'progress', 'decision', 'transfer', name='entity', native_enum=False, length=24), nullable=False),
    sa.Column('entity_id', sa.Integer(), nullable=False),
    sa.Column('field', sa.String(length=40), nullable=False),
    sa.Column('old_value', sa.JSON(), nullable=True),
    sa.Column('new_value', sa.JSON(), nullable=True),
    sa.Column('user', sa.String(length=120), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('comment', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_field_corrections'))
    )
    with op.batch_alter_table('field_corrections', schema=None) as batch_op:
        batch_op.create_index('ix_field_corrections_entity', ['entity_type', 'entity_id'], unique=False)

    op.create_table('review_decisions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('merge', 'split', name='decisionkind', native_enum=False, length=8), nullable=False),
    sa.Column('subject', sa.Enum('actor', 'event', 'event_role', 'person_title', 'conflict', 'document', 'recommendation', 'activity', 'indicator', 'progress', 'decision', 'transfer', name='entity', native_enum=False, length=24), nullable=False),
    sa.Column('kept_id', sa.Integer(), nullable=False),
    sa.Column('other_id', sa.Integer(), nullable=False),
    sa.Column('user', sa.String(length=120), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('moves', sa.JSON(), nullable=False),
    sa.Column('fields', sa.JSON(), nullable=False),
    sa.Column('undone_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('undone_by', sa.String(length=120), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_review_decisions'))
    )
    with op.batch_alter_table('review_decisions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_review_decisions_kept_id'), ['kept_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_review_decisions_other_id'), ['other_id'], unique=False)

    op.create_table('transfers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('direction', sa.Enum('create', 'update', 'confirm', 'correct', 'reject', 'merge', 'split', 'undo', 'status', 'link', 'unlink', 'progress', 'import', 'export', name='action', native_enum=False, length=16), nullable=False),
    sa.Column('path', sa.Text(), nullable=False),
    sa.Column('format', sa.String(length=8), nullable=False),
    sa.Column('user', sa.String(length=120), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('rows', sa.Integer(), nullable=False),
    sa.Column('loaded', sa.Integer(), nullable=False),
    sa.Column('skipped', sa.Integer(), nullable=False),
    sa.Column('errors', sa.JSON(), nullable=False),
    sa.Column('record_ids', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_transfers'))
    )
    op.create_table('activities',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.Text(), nullable=False),
    sa.Column('kind', sa.String(length=80), nullable=True),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('event_id', sa.Integer(), nullable=True),
    sa.Column('start', sa.Date(), nullable=True),
    sa.Column('end', sa.Date(), nullable=True),
    sa.Column('created_by', sa.String(length=120), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_activities_event_id_events'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_activities'))
    )
    with op.batch_alter_table('activities', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_activities_event_id'), ['event_id'], unique=False)

    op.create_table('recommendations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('state', sa.String(length=3), nullable=True),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('priority', sa.Enum('high', 'medium', 'low', name='priority', native_enum=False, length=8), nullable=True),
    sa.Column('ta_needed', sa.Boolean(), nullable=False),
    sa.Column('ta_description', sa.Text(), nullable=True),
    sa.Column('due_date', sa.Date(), nullable=True),
    sa.Column('issued_on', sa.Date(), nullable=True),
    sa.Column('status', sa.Enum('not_started', 'in_progress', 'partially_implemented', 'implemented', 'superseded', name='recstatus', native_enum=False, length=24), nullable=False),
    sa.Column('source', sa.Text(), nullable=True),
    sa.Column('source_event_id', sa.Integer(), nullable=True),
    sa.Column('source_document_id', sa.Integer(), nullable=True),
    sa.Column('source_start', sa.Integer(), nullable=True),
    sa.Column('source_end', sa.Integer(), nullable=True),
    sa.Column('review_state', sa.Enum('proposed', 'confirmed', 'corrected', 'rejected', name='reviewstate', native_enum=False, length=16), server_default='confirmed', nullable=False),
    sa.Column('created_by', sa.String(length=120), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['source_document_id'], ['documents.id'], name=op.f('fk_recommendations_source_document_id_documents'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['source_event_id'], ['events.id'], name=op.f('fk_recommendations_source_event_id_events'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_recommendations'))
    )
    with op.batch_alter_table('recommendations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_recommendations_due_date'), ['due_date'], unique=False)
        batch_op.create_index(batch_op.f('ix_recommendations_source_document_id'), ['source_document_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_recommendations_source_event_id'), ['source_event_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_recommendations_state'), ['state'], unique=False)
        batch_op.create_index(batch_op.f('ix_recommendations_status'), ['status'], unique=False)

    op.create_table('activity_recommendations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('activity_id', sa.Integer(), nullable=False),
    sa.Column('recommendation_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['activity_id'], ['activities.id'], name=op.f('fk_activity_recommendations_activity_id_activities'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['recommendation_id'], ['recommendations.id'], name=op.f('fk_activity_recommendations_recommendation_id_recommendations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_activity_recommendations')),
    sa.UniqueConstraint('activity_id', 'recommendation_id', name=op.f('uq_activity_recommendations_activity_id'))
    )
    with op.batch_alter_table('activity_recommendations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_activity_recommendations_activity_id'), ['activity_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_activity_recommendations_recommendation_id'), ['recommendation_id'], unique=False)

    op.create_table('indicators',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('recommendation_id', sa.Integer(), nullable=True),
    sa.Column('activity_id', sa.Integer(), nullable=True),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('target', sa.Text(), nullable=True),
    sa.Column('due_date', sa.Date(), nullable=True),
    sa.Column('met_on', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['activity_id'], ['activities.id'], name=op.f('fk_indicators_activity_id_activities'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['recommendation_id'], ['recommendations.id'], name=op.f('fk_indicators_recommendation_id_recommendations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_indicators'))
    )
    with op.batch_alter_table('indicators', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_indicators_activity_id'), ['activity_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_indicators_recommendation_id'), ['recommendation_id'], unique=False)

    op.create_table('progress_reports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('activity_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('percent', sa.Integer(), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('user', sa.String(length=120), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['activity_id'], ['activities.id'], name=op.f('fk_progress_reports_activity_id_activities'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_progress_reports'))
    )
    with op.batch_alter_table('progress_reports', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_progress_reports_activity_id'), ['activity_id'], unique=False)

    op.create_table('recommendation_status_history',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('recommendation_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('not_started', 'in_progress', 'partially_implemented', 'implemented', 'superseded', name='recstatus', native_enum=False, length=24), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('user', sa.String(length=120), nullable=False),
    sa.Column('comment', sa.Text(), nullable=True),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['recommendation_id'], ['recommendations.id'], name=op.f('fk_recommendation_status_history_recommendation_id_recommendations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_recommendation_status_history'))
    )
    with op.batch_alter_table('recommendation_status_history', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_recommendation_status_history_day'), ['day'], unique=False)
        batch_op.create_index(batch_op.f('ix_recommendation_status_history_recommendation_id'), ['recommendation_id'], unique=False)

    op.create_table('recommendation_terms',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('recommendation_id', sa.Integer(), nullable=False),
    sa.Column('scheme', sa.Enum('theme', 'resolution', 'pillar', name='termscheme', native_enum=False, length=16), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.ForeignKeyConstraint(['recommendation_id'], ['recommendations.id'], name=op.f('fk_recommendation_terms_recommendation_id_recommendations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_recommendation_terms')),
    sa.UniqueConstraint('recommendation_id', 'scheme', 'code', name=op.f('uq_recommendation_terms_recommendation_id'))
    )
    with op.batch_alter_table('recommendation_terms', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_recommendation_terms_code'), ['code'], unique=False)
        batch_op.create_index(batch_op.f('ix_recommendation_terms_recommendation_id'), ['recommendation_id'], unique=False)

    op.create_table('track_parties',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('recommendation_id', sa.Integer(), nullable=True),
    sa.Column('activity_id', sa.Integer(), nullable=True),
    sa.Column('role', sa.Enum('lead', 'partner', 'responsible', name='partyrole', native_enum=False, length=16), nullable=False),
    sa.Column('name', sa.String(length=400), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['activity_id'], ['activities.id'], name=op.f('fk_track_parties_activity_id_activities'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['actor_id'], ['actors.id'], name=op.f('fk_track_parties_actor_id_actors'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['recommendation_id'], ['recommendations.id'], name=op.f('fk_track_parties_recommendation_id_recommendations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_track_parties'))
    )
    with op.batch_alter_table('track_parties', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_track_parties_activity_id'), ['activity_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_track_parties_actor_id'), ['actor_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_track_parties_recommendation_id'), ['recommendation_id'], unique=False)

    _create_append_only_triggers()


def downgrade() -> None:
    _drop_append_only_triggers()
    with op.batch_alter_table('track_parties', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_track_parties_recommendation_id'))
        batch_op.drop_index(batch_op.f('ix_track_parties_actor_id'))
        batch_op.drop_index(batch_op.f('ix_track_parties_activity_id'))

    op.drop_table('track_parties')
    with op.batch_alter_table('recommendation_terms', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_recommendation_terms_recommendation_id'))
        batch_op.drop_index(batch_op.f('ix_recommendation_terms_code'))

    op.drop_table('recommendation_terms')
    with op.batch_alter_table('recommendation_status_history', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_recommendation_status_history_recommendation_id'))
        batch_op.drop_index(batch_op.f('ix_recommendation_status_history_day'))

    op.drop_table('recommendation_status_history')
    with op.batch_alter_table('progress_reports', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_progress_reports_activity_id'))

    op.drop_table('progress_reports')
    with op.batch_alter_table('indicators', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_indicators_recommendation_id'))
        batch_op.drop_index(batch_op.f('ix_indicators_activity_id'))

    op.drop_table('indicators')
    with op.batch_alter_table('activity_recommendations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_activity_recommendations_recommendation_id'))
        batch_op.drop_index(batch_op.f('ix_activity_recommendations_activity_id'))

    op.drop_table('activity_recommendations')
    with op.batch_alter_table('recommendations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_recommendations_status'))
        batch_op.drop_index(batch_op.f('ix_recommendations_state'))
        batch_op.drop_index(batch_op.f('ix_recommendations_source_event_id'))
        batch_op.drop_index(batch_op.f('ix_recommendations_source_document_id'))
        batch_op.drop_index(batch_op.f('ix_recommendations_due_date'))

    op.drop_table('recommendations')
    with op.batch_alter_table('activities', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_activities_event_id'))

    op.drop_table('activities')
    op.drop_table('transfers')
    with op.batch_alter_table('review_decisions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_review_decisions_other_id'))
        batch_op.drop_index(batch_op.f('ix_review_decisions_kept_id'))

    op.drop_table('review_decisions')
    with op.batch_alter_table('field_corrections', schema=None) as batch_op:
        batch_op.drop_index('ix_field_corrections_entity')

    op.drop_table('field_corrections')
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_log_entity')
        batch_op.drop_index(batch_op.f('ix_audit_log_at'))
        batch_op.drop_index(batch_op.f('ix_audit_log_action'))

    op.drop_table('audit_log')

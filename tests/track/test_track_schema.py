"""Migration 0002_track: its tables come and go with upgrade/downgrade, on SQLite and PostgreSQL."""
from __future__ import annotations

from alembic import command
from sqlalchemy import inspect

from ctrack.store.db import alembic_config, make_engine, upgrade

TRACK_TABLES = {"audit_log", "review_decisions", "field_corrections", "recommendations", "recommendation_terms",
                "track_parties", "recommendation_status_history", "activities", "activity_recommendations",
                "progress_reports", "indicators", "transfers"}


def test_track_tables_upgrade_downgrade_upgrade(db_url):
    engine = make_engine(db_url)
    try:
        upgrade(engine)
        assert TRACK_TABLES <= set(inspect(engine).get_table_names())
        cfg = alembic_config(db_url)
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.downgrade(cfg, "0001_core")
        tables = set(inspect(engine).get_table_names())
        assert not TRACK_TABLES & tables and "actors" in tables
        upgrade(engine)
        assert TRACK_TABLES <= set(inspect(engine).get_table_names())
    finally:
        engine.dispose()

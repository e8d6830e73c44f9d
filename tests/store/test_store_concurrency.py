"""The store under concurrent writers (issue 13, finding 4): unique-key races, documents another process is
storing, and migrations of one new database by two processes. The end-to-end check, two ``ctrack ingest``
processes at once, is ``tests/cli/test_cli_ingest_concurrent.py``."""
from __future__ import annotations

import multiprocessing as mp

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ctrack.schema import Actor, ActorKind
from ctrack.store import repo
from ctrack.store.db import open_store, session_scope, try_claim
from ctrack.store.models import DbActor, DbMergeDecision
from ctrack.store.testing import gold_document, gold_record, make_document


def test_an_actor_key_inserted_meanwhile_is_merged_into_not_a_unique_error(engine):
    """Another writer stored the canonical key after this save read its candidates: the INSERT … ON CONFLICT
    finds the row, re-reads it and merges the actor into it (rule ``key_conflict``)."""
    with session_scope(engine) as s:
        repo.save_document(s, gold_document("seed-000"), gold_record("seed-000"))
    with session_scope(engine) as s:
        known = s.scalars(select(DbActor).where(DbActor.kind == ActorKind.MEMBER_STATE)).first()
        before = s.scalar(select(func.count()).select_from(DbActor))
        doc = repo.DbDocument(doc_key="late", path="/tmp/late.txt", format="txt", sha256="f" * 64, size=1,
                              text="x")
        s.add(doc)
        s.flush()
        saver = repo._Saver(s, doc, gold_record("seed-000"))
        actor = Actor(id="a1", kind=known.kind, name=known.name + " (late)", iso3=known.iso3)
        row = saver._create_actor(actor, known.canonical_key)  # as if the candidate read had missed it
        assert row.id == known.id
        assert s.scalar(select(func.count()).select_from(DbActor)) == before
        saver._write_rows()  # the merge log is written with the save's other write-only rows, at its end
        assert s.scalar(select(DbMergeDecision.rule).where(DbMergeDecision.document_id == doc.id)) == "key_conflict"


def test_a_document_another_transaction_is_storing_is_busy_not_failed(engine):
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite lets one writer in at a time: the second waits on the database lock instead")
    doc = make_document("twice", "The Counter-Terrorism Committee met in New York on 3 May 2018.")
    record = gold_record("seed-000").model_copy(update={"actors": [], "events": []})
    with Session(engine) as first:
        assert try_claim(first, doc.sha256)  # the first process is storing it (transaction open)
        with session_scope(engine) as second:
            result = repo.save_document(second, doc, record)
        assert result.status == "busy" and result.document_id is None
        first.rollback()
    with session_scope(engine) as s:
        assert repo.save_document(s, doc, record).status == "new"


def _open(url: str) -> None:
    open_store(url).dispose()


def test_two_processes_migrating_one_new_database_both_succeed(db_url):
    """Before: the second process died with ``alembic_version already exists``. Now the migration lock makes it
    wait and find the schema current."""
    procs = [mp.get_context("spawn").Process(target=_open, args=(db_url,)) for _ in range(2)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(120)
    assert [p.exitcode for p in procs] == [0, 0]

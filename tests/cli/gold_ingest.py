"""Run ``ctrack`` with extraction replaced by the gold records of the dev corpus (a subprocess entry point).

Used by ``test_cli_ingest_concurrent.py`` to start real ``ctrack ingest``
processes that store the same facts every time without loading spaCy (the
extractor has its own tests; these test the store under concurrent writers),
as ``gold_extractor`` does in-process in ``test_cli_ingest_audit.py``.
Usage: ``python gold_ingest.py ingest FOLDER --db URL --json``. With
``$CTRACK_TEST_STORE_DELAY`` (seconds) each document's store waits that long
inside its transaction, so that a test can interrupt a run half-way.
"""
from __future__ import annotations

import os
import sys
import time

import ctrack.extract
from ctrack.schema import DocumentInfo, Record
from ctrack.store.testing import DEV_GOLD, gold_record


def _one(doc):
    if (DEV_GOLD / f"{doc.id}.json").exists():
        return gold_record(doc.id)
    return Record(document=DocumentInfo(id=doc.id))


ctrack.extract.extract_many = lambda docs, n_process=1: (_one(d) for d in docs)
ctrack.extract.extract = _one

_DELAY = float(os.environ.get("CTRACK_TEST_STORE_DELAY") or 0)
if _DELAY:
    from ctrack.store import repo

    _save = repo.save_document

    def _slow_save(session, document, record):
        result = _save(session, document, record)
        time.sleep(_DELAY)
        return result

    repo.save_document = _slow_save

if __name__ == "__main__":
    from ctrack.cli import main

    sys.argv[0] = "ctrack"
    sys.exit(main())

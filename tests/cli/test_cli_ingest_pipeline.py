"""ctrack.pipeline (reading and extraction for ``ctrack ingest``): batch sizes, input order, a bad file or a
document that breaks its batch fails alone, worker processes give the same outcomes."""
from __future__ import annotations

import shutil

import pytest

import ctrack.extract
from ctrack import pipeline
from ctrack.schema import DocumentInfo, Record
from ctrack.store.testing import DEV_DOCS


@pytest.mark.parametrize("n, workers", [(1, 2), (7, 2), (300, 2), (1000, 3), (5, 8)])
def test_guided_batches_cover_every_path_once_in_order(n, workers):
    paths = [f"f{i}" for i in range(n)]
    batches = list(pipeline.guided_batches(paths, workers))
    assert [p for b in batches for p in b] == paths
    assert all(1 <= len(b) <= pipeline.BATCH_SIZE for b in batches)
    assert all(len(b) <= pipeline.BATCH_SIZE // 4 for b in batches[:workers])
    if n >= 300:  # batches grow to the full size, then shrink at the end
        assert max(len(b) for b in batches) == pipeline.BATCH_SIZE and len(batches[-1]) == 1


def test_a_document_that_breaks_its_batch_fails_alone(tmp_path, monkeypatch):
    for i in range(5):
        (tmp_path / f"d{i}.txt").write_text(f"Document {i} about counter-terrorism cooperation.")
    (tmp_path / "d2.txt").write_text("This document will explode the extractor.")
    (tmp_path / "d3.txt").write_text("")

    def one(doc):
        if "explode" in doc.text:
            raise RuntimeError("extractor crashed")
        return Record(document=DocumentInfo(id=doc.id))

    monkeypatch.setattr(ctrack.extract, "extract_many", lambda docs, n_process=1: [one(d) for d in docs])
    monkeypatch.setattr(ctrack.extract, "extract", one)
    paths = [str(tmp_path / f"d{i}.txt") for i in range(5)]
    got = list(pipeline.outcomes(paths, workers=1))
    assert [o.path for o in got] == paths
    assert [o.record.document.id if o.record else None for o in got] == ["d0", "d1", None, None, "d4"]
    assert "extractor crashed" in got[2].error and got[2].code == "E999"
    assert got[3].code and "empty" in got[3].error


def test_worker_processes_give_the_outcomes_in_input_order(tmp_path):
    names = ["dev-004.txt", "dev-012.html", "dev-001.txt"]
    for name in names:
        shutil.copy(DEV_DOCS / name, tmp_path / name)
    (tmp_path / "bad.pdf").write_bytes(b"%PDF-1.4 not a pdf")
    paths = [str(tmp_path / n) for n in (names[0], "bad.pdf", *names[1:])]
    got = list(pipeline.outcomes(paths, workers=2))
    assert [o.path for o in got] == paths
    assert got[1].record is None and got[1].error
    assert all(o.record is not None and o.record.actors for i, o in enumerate(got) if i != 1)


def test_a_worker_can_run_below_the_storing_process_priority():
    """pipeline.lower_priority, the pool's initializer with pipeline.WORKER_NICE, lowers the priority of the
    worker it runs in and not the caller's; read back from a process of the same context the pool uses."""
    import os

    here = os.nice(0)
    with pipeline.worker_context().Pool(processes=1, initializer=pipeline.lower_priority, initargs=(3,)) as pool:
        theirs = pool.apply(os.nice, (0,))
    assert theirs == min(19, here + 3)
    assert os.nice(0) == here  # the caller keeps its own

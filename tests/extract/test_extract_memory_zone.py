"""Extraction inside spaCy memory zones (issue 12): the vocabulary stops growing, the records stay the same."""
from __future__ import annotations

from ctrack.extract import get_extractor
from ctrack.ingest import iter_files, read
from extract_fixtures import DEV_DOCS


def _dump(record) -> str:
    return record.model_dump_json()


def test_records_are_the_same_with_and_without_memory_zones(dev_records):
    docs = [read(p) for p in iter_files([DEV_DOCS])][:12]
    plain = list(get_extractor().extract_many(docs, memory_zone=False))
    assert [_dump(r) for r in plain] == [_dump(dev_records[d.id]) for d in docs]


def test_the_vocabulary_does_not_grow_across_documents():
    ex = get_extractor()
    seed = read(DEV_DOCS / "seed-000.txt")
    novel = [seed.model_copy(update={"id": f"novel-{i}", "text": seed.text + "\n\n" + " ".join(
        f"Zorblax{i}x{k} Quentaril{i}y{k}" for k in range(40))}) for i in range(6)]
    list(ex.extract_many(novel[:1]))  # first use: whatever a first call keeps for good
    before = len(ex.nlp.vocab.strings)
    records = list(ex.extract_many(novel[1:]))
    assert len(records) == 5
    assert len(ex.nlp.vocab.strings) == before  # 5 × 80 new words, none kept
    list(ex.extract_many(novel[1:], memory_zone=False))
    assert len(ex.nlp.vocab.strings) >= before + 5 * 80  # without zones they stay

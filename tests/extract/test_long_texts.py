"""Texts longer than spaCy's max_length (issue 13, finding 3; issue 9): parsed in paragraph chunks, offsets kept."""
from __future__ import annotations

import pytest

from ctrack.extract import CHUNK_CHARS, get_extractor, paragraph_chunks
from ctrack.ingest import read
from extract_fixtures import DEV_DOCS


def test_chunks_join_back_to_the_text():
    text = ("A paragraph of words.\n\n" * 40) + "x" * 50 + "\nlast line"
    chunks = paragraph_chunks(text, 100)
    assert "".join(chunks) == text
    assert all(len(c) <= 100 for c in chunks)
    assert all(c.endswith("\n\n") for c in chunks[:-3])


def test_a_text_over_the_parser_limit_is_extracted_with_its_offsets(tmp_path):
    ex = get_extractor()
    seed = (DEV_DOCS / "seed-000.txt").read_text(encoding="utf-8")
    copies = CHUNK_CHARS // len(seed) + 2
    path = tmp_path / "long.txt"
    path.write_text("\n\n".join([seed] * copies), encoding="utf-8")
    document = read(path)
    assert len(document.text) > CHUNK_CHARS
    limit = ex.nlp.max_length
    ex.nlp.max_length = CHUNK_CHARS  # without chunks, spaCy would refuse this text (E088)
    try:
        record = ex.extract(document)
    finally:
        ex.nlp.max_length = limit
    assert any(e.type.value == "conference" and e.start == "2018-05-03" for e in record.events)
    spans = [m for a in record.actors for m in a.mentions]
    assert any(m.start > CHUNK_CHARS for m in spans), "no mention found after the first chunk"
    for m in spans:
        assert document.text[m.start:m.end] == m.text

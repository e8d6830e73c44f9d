"""Shared fixtures for extraction tests: the dev corpus read once, extracted once."""
from __future__ import annotations

import pytest

from extract_fixtures import DEV_DOCS


@pytest.fixture(scope="session")
def dev_records():
    """{doc id: Record} for every dev document, extracted with the real pipeline."""
    from ctrack.extract import get_extractor
    from ctrack.ingest import iter_files, read

    docs = [read(p) for p in iter_files([DEV_DOCS])]
    return {r.document.id: r for r in get_extractor().extract_many(docs)}

"""Extraction quality on the annotated development corpus, scored by ``../shared/eval/score.py``.

The floors are the targets of issues 2 and 3; the figures are printed so a
run shows where the pipeline stands.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from extract_fixtures import DEV_GOLD, load_scorer

#: category -> minimum F1 on the dev corpus (issue 3's targets; issue 2's are lower).
FLOORS = {"all": 0.85, "actors": 0.92, "events": 0.80, "roles": 0.75, "person_titles": 0.90}


HELDOUT = Path(__file__).resolve().parent / "heldout"
#: Floors on the held-out set (tests/extract/heldout: ten documents in other house styles, written after the rules
#: were tuned on the dev corpus; first scored at all-F1 0.546, then used to generalize the rules, so no longer
#: blind). Lower than the dev floors: they guard the generalization against regressions.
HELDOUT_FLOORS = {"all": 0.70, "actors": 0.85, "events": 0.55, "roles": 0.50, "person_titles": 0.80}


def corpus_scores(records: dict, gold_dir: Path) -> dict:
    """F1 per category and pooled ("all") of ``records`` against the gold files in ``gold_dir``."""
    score = load_scorer()
    totals = score.new_counts()
    for gold_path in sorted(gold_dir.glob("*.json")):
        gold = score.load_record(gold_path, gold=True)
        record = records[gold_path.stem]
        pred = score.validate(json.loads(json.dumps(record.to_json())))
        counts, _ = score.score_document(gold, pred)
        for cat in score.CATEGORIES:
            for k in ("tp", "fp", "fn"):
                totals[cat][k] += counts[cat][k]
    out = {}
    pooled = {"tp": 0, "fp": 0, "fn": 0}
    for cat, c in totals.items():
        for k in pooled:
            pooled[k] += c[k]
        out[cat] = _f1(c)
    out["all"] = _f1(pooled)
    return out


@pytest.fixture(scope="module")
def dev_scores(dev_records):
    out = corpus_scores(dev_records, DEV_GOLD)
    print("dev F1:", {k: round(v, 3) for k, v in out.items()})
    return out


@pytest.fixture(scope="module")
def heldout_scores():
    from ctrack.extract import get_extractor
    from ctrack.ingest import iter_files, read

    docs = [read(p) for p in iter_files([HELDOUT / "docs"])]
    records = {r.document.id: r for r in get_extractor().extract_many(docs)}
    out = corpus_scores(records, HELDOUT / "gold")
    print("held-out F1:", {k: round(v, 3) for k, v in out.items()})
    return out


def _f1(c: dict) -> float:
    p = c["tp"] / (c["tp"] + c["fp"]) if c["tp"] + c["fp"] else 1.0
    r = c["tp"] / (c["tp"] + c["fn"]) if c["tp"] + c["fn"] else 1.0
    return 2 * p * r / (p + r) if p + r else 0.0


@pytest.mark.parametrize("category", sorted(FLOORS))
def test_dev_corpus_f1_floor(dev_scores, category):
    assert dev_scores[category] >= FLOORS[category], f"{category} F1 {dev_scores[category]:.3f} < {FLOORS[category]}"


@pytest.mark.parametrize("category", sorted(HELDOUT_FLOORS))
def test_heldout_f1_floor(heldout_scores, category):
    assert heldout_scores[category] >= HELDOUT_FLOORS[category], \
        f"held-out {category} F1 {heldout_scores[category]:.3f} < {HELDOUT_FLOORS[category]}"


def test_every_record_is_valid_for_the_scorer(dev_records):
    score = load_scorer()
    for record in dev_records.values():
        score.validate(json.loads(json.dumps(record.to_json())))

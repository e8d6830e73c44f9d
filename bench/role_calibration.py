#!/usr/bin/env python3
"""Does a role's confidence mean the probability that it is right? Reliability under grouped cross-validation.

    .venv/bin/python bench/role_calibration.py [--fold GROUP …]

For each group of the annotated corpora (as ``ctrack eval``: ../shared/corpus/dev, the four training sets,
tests/extract/heldout{,2}), the decision models are trained on the other groups and the held group's documents are
decided with them. Every role of an event that the scorer aligns with a gold event is then *right* when the gold
event holds that (actor, role) pair (actors aligned as ``../shared/eval/score.py`` aligns them). Roles are binned
by confidence (tenths); each bin prints its count, the share that is right and its mean confidence, and the
expected calibration error (ECE: the count-weighted gap between the two) closes the table, split by roles the
cue rules proposed (confidence from the verification model) and roles the role model added.

Roles of events the scorer does not match are left out: their confidence is conditional on the event being real
(the event has its own confidence). Takes as long as ``ctrack eval`` (a few minutes on 2 cores). Not a test.
"""
from __future__ import annotations

import argparse
import os
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    """Print the reliability table; returns the exit status."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--fold", action="append", help="only this held-out group (repeatable)")
    args = ap.parse_args()
    os.chdir(ROOT)
    sys.path.insert(0, str(ROOT))
    from ctrack.extract import get_extractor
    from ctrack.train import align, default_corpora, load_corpora, prepare, scorer, train_models

    S = scorer()
    prepared = prepare(load_corpora(default_corpora(ROOT)))
    bins: dict[int, list[float]] = defaultdict(lambda: [0, 0, 0.0])
    sources: dict[str, list[float]] = defaultdict(lambda: [0, 0, 0.0])
    for g in sorted({p.item.group for p in prepared}):
        if args.fold and g not in args.fold:
            continue
        models = train_models([p for p in prepared if p.item.group != g])
        for p in (p for p in prepared if p.item.group == g):
            rec = get_extractor().decide(p.cands, models)
            p2g, pairs = align(p.item.gold, rec.to_json())
            by_pred = {pi: gi for gi, pi in pairs.items()}
            for pi, ev in enumerate(rec.events):
                if pi not in by_pred:
                    continue
                gold_pairs = S.role_pairs(p.item.gold["events"][by_pred[pi]])
                for r in ev.roles:
                    if r.confidence is None:
                        continue
                    right = int((p2g.get(r.actor), r.role.value) in gold_pairs)
                    src = "proposed by the cue rules, verified" if r.evidence is not None and r.evidence.rule.startswith("role:verify") else "model"
                    for tab, k in ((bins, min(int(r.confidence * 10), 9)), (sources, src)):
                        tab[k][0] += 1
                        tab[k][1] += right
                        tab[k][2] += r.confidence
        print(f"fold {g} done", file=sys.stderr, flush=True)
    total = sum(b[0] for b in bins.values())
    if not total:
        print("no roles on matched events")
        return 1
    print("confidence   roles  right  mean confidence")
    for k in sorted(bins):
        n, right, conf = bins[k]
        print(f"{k / 10:.1f}-{(k + 1) / 10:.1f}  {n:8d}  {right / n:5.2f}  {conf / n:5.2f}")
    for src, (n, right, conf) in sorted(sources.items()):
        print(f"{src}: {n} roles, right {right / n:.2f}, mean confidence {conf / n:.2f}")
    ece = sum(abs(b[1] - b[2]) for b in bins.values()) / total
    print(f"ECE {ece:.3f} over {total} roles; load average {os.getloadavg()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

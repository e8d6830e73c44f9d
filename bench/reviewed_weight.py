#!/usr/bin/env python3
"""How much should an analyst's reviewed fact weigh against a gold example, and how strongly should the knowledge
base's house style be adapted to? The choice of :data:`ctrack.train.REVIEWED_WEIGHT` and
:data:`ctrack.train.LOCAL_SCALE`, made on annotated families that play "reviewed" in turn, never on the half B
that ``bench/reviewed_training.py`` reports.

    PYTHONPATH=. .venv/bin/python bench/reviewed_weight.py [--groups dev,heldout,heldout2,train-a,train-b]
                                                           [--weights 1,3,10,30] [--scales 0] [--decisions 30] [--cv]

For every selection group g (a source family set of :func:`ctrack.train.default_corpora`): g is taken out of the
corpora, split alternately into half A and half B (as ``bench/reviewed_training.py`` does); the model trained on the
other groups extracts half A into a fresh knowledge base, the simulated analyst (:mod:`ctrack.train.analyst`) makes
``--decisions`` decisions on it, and for every weight the models are trained on the other groups plus the reviewed
examples weighing that much, for every local scale (``--scales``; 0 = no domain adaptation, the reviewed examples
only join the shared data; s > 0 = local weights, :func:`ctrack.extract.decide.local_features`, and half B decided as
the local domain, as the extraction pipeline decides the knowledge base's documents). Printed per weight and scale: the ``all`` F1 change on half B of each group (the house style the
analyst reviewed, documents nobody reviewed), their mean, and how many groups went down. With ``--cv`` also the
pooled grouped cross-validation of the other groups with the reviewed examples on every training side (does the
house style's lesson hurt the other families?), which costs one cross-validation per group and weight.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--groups", default="dev,heldout,heldout2,train-a,train-b",
                    help="selection groups, comma-separated (default: all but train-c and train-d, the report's groups)")
    ap.add_argument("--weights", default="1,3,10,30", help="weights to try, comma-separated (default 1,3,10,30)")
    ap.add_argument("--scales", default="0", help="local scales to try, comma-separated (default 0: no adaptation)")
    ap.add_argument("--decisions", type=int, default=30, help="review decisions per group (default 30)")
    ap.add_argument("--cv", action="store_true", help="also cross-validate the other groups for every weight (slow)")
    ap.add_argument("--exemplar-mins", default="", help="similarities of the exemplar memory to try, comma-separated: "
                    "half B decided by the model trained on the other groups plus the memory of half A's decisions "
                    "(no retraining; ctrack.extract.exemplars.EXEMPLAR_MIN is chosen so); with it, --weights '' "
                    "skips the weights")
    args = ap.parse_args(argv)

    from ctrack.train import cross_validate, default_corpora, figures, load_corpora, prepare, score, train_models
    from ctrack.train.analyst import reviewed_examples
    from ctrack.train.reviewed import label_counts

    from ctrack.extract.exemplars import from_reviewed
    from ctrack.train.reviewed import leave_one_out

    weights = [(float(w), float(sc)) for w in args.weights.split(",") if w for sc in args.scales.split(",")]
    mins = [float(m) for m in args.exemplar_mins.split(",") if m]
    mem_rows: dict[float, list[float]] = {m: [] for m in mins}
    t0 = time.perf_counter()
    prepared = prepare(load_corpora(default_corpora(ROOT)))
    groups = sorted({p.item.group for p in prepared})
    chosen = args.groups.split(",")
    unknown = [g for g in chosen if g not in groups]
    if unknown:
        print(f"unknown group(s) {', '.join(unknown)}; groups are {', '.join(groups)}", file=sys.stderr)
        return 2
    print(f"[{time.perf_counter() - t0:.0f}s] parsed {len(prepared)} documents")
    rows: dict[tuple, list[float]] = {w: [] for w in weights}
    cv_rows: dict[tuple, list[float]] = {w: [] for w in weights}
    for g in chosen:
        rest = [p for p in prepared if p.item.group != g]
        held = [p for p in prepared if p.item.group == g]
        half_a, half_b = held[0::2], held[1::2]
        before = train_models(rest)
        review, examples = reviewed_examples(rest, half_a, before, args.decisions)
        b0 = figures(score(half_b, before))["all"]["f1"]
        cv0 = cross_validate(rest)["pooled"]["figures"]["all"]["f1"] if args.cv else None
        print(f"[{time.perf_counter() - t0:.0f}s] group {g}: {len(half_a)}+{len(half_b)} documents, decisions "
              f"{review.counts}, examples {label_counts(examples)}; half B all {b0:.4f}"
              + (f", CV all {cv0:.4f}" if cv0 is not None else ""))
        for m in mins:
            memory = from_reviewed(examples, m)
            check = leave_one_out(memory, examples, before)
            model = before.for_domain("local")
            model.memory = memory if check.holds else None  # as ctrack train --with-reviewed keeps it
            b1 = figures(score(half_b, model))["all"]["f1"]
            mem_rows[m].append(b1 - b0)
            print(f"   exemplar memory at {m:g} ({len(memory.exemplars)} exemplars; leave-one-out on half A: changes "
                  f"{check.changed}, right {check.memory_right}, models right {check.model_right}"
                  f"{'' if check.holds else ', left out'}): half B all {b0:.4f} -> {b1:.4f} ({b1 - b0:+.4f})", flush=True)
        for w in weights:
            model = train_models(rest, examples, w[0], w[1]).for_domain("local")
            b1 = figures(score(half_b, model))["all"]["f1"]
            rows[w].append(b1 - b0)
            line = f"   weight {w[0]:g} scale {w[1]:g}: half B all {b0:.4f} -> {b1:.4f} ({b1 - b0:+.4f})"
            if args.cv:
                cv1 = cross_validate(rest, reviewed=examples, reviewed_weight=w[0],
                                     local_scale=w[1])["pooled"]["figures"]["all"]["f1"]
                cv_rows[w].append(cv1 - cv0)
                line += f"; CV all {cv0:.4f} -> {cv1:.4f} ({cv1 - cv0:+.4f})"
            print(line, flush=True)
    print(f"\n[{time.perf_counter() - t0:.0f}s] half B all F1 change per weight and local scale over {len(chosen)} groups "
          f"({', '.join(chosen)})\n")
    if mins:
        print("| exemplar similarity | mean change | groups down / up | per group |")
        print("|---|---|---|---|")
        for m in mins:
            d = mem_rows[m]
            print(f"| {m:g} | {sum(d) / len(d):+.4f} | {sum(x < -5e-5 for x in d)} / {sum(x > 5e-5 for x in d)} | "
                  + ", ".join(f"{x:+.3f}" for x in d) + " |")
        print()
    if not weights:
        return 0
    print("| weight | local scale | mean change | groups down / up | per group |" + (" CV mean change | CV down |" if args.cv else ""))
    print("|---|---|---|---|---|" + ("---|---|" if args.cv else ""))
    for w in weights:
        d = rows[w]
        line = (f"| {w[0]:g} | {w[1]:g} | {sum(d) / len(d):+.4f} | {sum(x < -5e-5 for x in d)} / {sum(x > 5e-5 for x in d)} | "
                + ", ".join(f"{x:+.3f}" for x in d) + " |")
        if args.cv:
            c = cv_rows[w]
            line += f" {sum(c) / len(c):+.4f} | {sum(x < -5e-5 for x in c)} |"
        print(line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

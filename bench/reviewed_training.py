#!/usr/bin/env python3
"""Corrections that teach (issue 11, Must reach): does retraining with an analyst's reviewed facts on
documents outside the annotated corpora keep the cross-validated ``all`` figure, and raise it on the reviewed
documents' own house style?

    PYTHONPATH=. .venv/bin/python bench/reviewed_training.py [--group train-d] [--decisions 30] [--count decisions|changes]
                                                             [--weight W] [--scale S]

Protocol (nothing of the held-out group is ever in the annotated corpora used):

1. One annotated group (``--group``, one of the source-family groups of :func:`ctrack.train.default_corpora`) is
   taken out of the corpora entirely. Its documents, in name order, are split alternately into half A (1st,
   3rd, …: to be reviewed) and half B (2nd, 4th, …: the same house style, never reviewed, scored).
2. The "before" model is trained on the remaining corpora (what an analyst would have deployed), half A is
   extracted with it and stored in a fresh knowledge base (SQLite in a temporary folder).
3. A simulated analyst (:mod:`ctrack.train.analyst`) works through the review queue, least certain first, and
   makes ``--decisions`` decisions on events and roles against half A's gold records: confirm what gold has,
   correct a type, a date or a role where gold differs, reject what gold lacks; with ``--additions N``, the last
   N (at most) of them add facts the extractor missed (a gold role of a stored event, a gold event whose words an
   extraction candidate holds, with its roles: ``ctrack review add``).
4. The reviewed facts become training labels (:mod:`ctrack.train.reviewed`, as ``ctrack train --with-reviewed``),
   each weighing ``--weight`` gold examples (default :data:`ctrack.train.REVIEWED_WEIGHT`) with local feature
   copies at ``--scale`` (domain adaptation, default :data:`ctrack.train.LOCAL_SCALE`; both chosen by
   ``bench/reviewed_weight.py`` on other groups, never on this half B).
5. Printed: (a) grouped cross-validation over the remaining corpora without and with the reviewed documents
   (on the training side of every fold only; the held fold decided as the general domain); (b) ``score.py``
   figures on half B with the model trained on the remaining corpora, without and with the reviewed documents,
   decided as the local domain (as the extraction pipeline decides a knowledge base's new documents with an
   adapted model), and, for comparison, with the reviewed examples only joining the shared data (scale 0, no
   adaptation: what ``ctrack train --with-reviewed`` did before); (c) the same on half A, for reference only (its
   facts were reviewed, so it is not a held-out figure).
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

CATS = ("actors", "person_titles", "events", "roles", "all")


def _row(name: str, before: dict, after: dict) -> str:
    cells = [f"{before[c]['f1']:.3f} -> {after[c]['f1']:.3f} ({after[c]['f1'] - before[c]['f1']:+.3f})" for c in CATS]
    return f"| {name} | " + " | ".join(cells) + " |"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--group", default="train-d", help="the annotated group taken out and split (default train-d)")
    ap.add_argument("--decisions", type=int, default=30, help="review decisions the simulated analyst makes (default 30)")
    ap.add_argument("--additions", type=int, default=0, help="of --decisions, at most this many are additions of facts "
                    "the extractor missed (ctrack review add: roles, events with their roles), drawn from half A's gold "
                    "after the queue decisions (default 0)")
    ap.add_argument("--count", choices=("decisions", "changes"), default="decisions",
                    help="what --decisions counts: every decision (default), or only corrections and rejections")
    ap.add_argument("--weight", type=float, help="weight of a reviewed example (default ctrack.train.REVIEWED_WEIGHT)")
    ap.add_argument("--scale", type=float, help="local scale of the domain adaptation (default ctrack.train.LOCAL_SCALE; "
                    "0: none)")
    ap.add_argument("--also-scales", default="", help="more local scales to measure the same way, comma-separated "
                    "(rows of their own; the choice is bench/reviewed_weight.py's, never this half B's)")
    ap.add_argument("--exemplar-min", type=float, help="similarity of the exemplar memory (default "
                    "ctrack.extract.exemplars.EXEMPLAR_MIN)")
    ap.add_argument("--no-exemplars", action="store_true", help="no exemplar memory (retraining and local weights only)")
    ap.add_argument("--no-cv", action="store_true", help="skip (a), the two cross-validations (most of the time)")
    ap.add_argument("--db", help="knowledge base URL for half A (default: SQLite in a temporary folder)")
    args = ap.parse_args(argv)

    from ctrack.train import LOCAL_SCALE, REVIEWED_WEIGHT, cross_validate, default_corpora, figures, load_corpora, prepare, score, train_models
    from ctrack.train.analyst import reviewed_examples
    from ctrack.train.reviewed import label_counts

    t0 = time.perf_counter()
    items = load_corpora(default_corpora(ROOT))
    groups = sorted({it.group for it in items})
    if args.group not in groups:
        print(f"unknown group {args.group}; groups are {', '.join(groups)}", file=sys.stderr)
        return 2
    held = [it for it in items if it.group == args.group]
    rest = [it for it in items if it.group != args.group]
    half_a, half_b = held[0::2], held[1::2]
    print(f"group {args.group} taken out: {len(held)} documents; half A (reviewed) {', '.join(i.path.stem for i in half_a)}; "
          f"half B (scored) {', '.join(i.path.stem for i in half_b)}")
    print(f"remaining annotated corpora: {len(rest)} documents in {len(groups) - 1} groups")
    prep_rest = prepare(rest)
    prep_a, prep_b = prepare(half_a), prepare(half_b)
    before_model = train_models(prep_rest)
    print(f"[{time.perf_counter() - t0:.0f}s] parsed and trained the before model")

    review, examples = reviewed_examples(prep_rest, prep_a, before_model, args.decisions,
                                         count_confirms=args.count == "decisions", db_url=args.db,
                                         additions=args.additions)
    print(f"simulated analyst: {len(review.decisions)} decisions on half A: {review.counts}"
          + (f"; {review.unreachable} missed gold events with no candidate words to point at (not added)"
             if args.additions else ""))
    for action, ref, detail in review.decisions:
        print(f"   {action:8s} {ref:16s} {detail}")
    w = REVIEWED_WEIGHT if args.weight is None else args.weight
    sc = LOCAL_SCALE if args.scale is None else args.scale
    print(f"reviewed training examples: {label_counts(examples)}, each weighing {w:g} gold examples, local scale {sc:g}")
    print(f"[{time.perf_counter() - t0:.0f}s] cross-validating the remaining corpora: each part of the product ...", flush=True)
    from ctrack.train.reviewed import as_written, train_with_reviewed

    written = None  # what ctrack train --with-reviewed writes (the parts its guard keeps), deciding as the file does
    if args.no_cv:  # no guard without the cross-validation: every part, as --force writes it
        result, cv, pruned = None, None, None
        all_parts = train_models(prep_rest, examples, w, sc, args.exemplar_min, not args.no_exemplars)
        memory = all_parts.memory
        written, parts = as_written(all_parts, memory), "every part (no guard: --no-cv)"
    else:
        result = train_with_reviewed(prep_rest, examples, w, sc, args.exemplar_min, not args.no_exemplars,
                                     progress=lambda g: print(f"[{time.perf_counter() - t0:.0f}s]   fold {g}", flush=True))
        cv, memory, kept = result.cv, result.memory, result.kept
        pruned = result.pruned.get("before")
        base = "retrained" if kept.retrained else "before"
        written = as_written(result.models if result.models is not None else before_model,
                             result.models.memory if result.models is not None else None)
        parts = (f"retrained models {'kept' if kept.retrained else 'NOT kept (the annotated corpora alone)'}, "
                 f"exemplar memory {'kept' if kept.memory else 'LEFT OUT' if memory else 'none'}"
                 + (f" (pruned on the annotated folds: {len(result.pruned[base].exemplars) if result.pruned.get(base) else 0} of "
                    f"{len(memory.exemplars)} exemplars kept; {len(result.evidence)} acted there)" if memory else "")
                 + (f" (its CV test {'passed' if kept.memory_cv else 'FAILED' if (('retrained' if kept.retrained else 'before') + '+memory') in cv else 'not run: nothing acting left'}" if memory else "")
                 + (f", leave-one-out on half A: changes {kept.check.changed}, memory right {kept.check.memory_right}, "
                    f"models right {kept.check.model_right})" if memory and kept.check is not None else ")" if memory else "")
                 + ("" if result.models is not None else "; nothing written: the before model stays"))
    print(f"written by ctrack train --with-reviewed: {parts}", flush=True)
    if memory:
        kinds = {k: sum(e.kind == k for e in memory.exemplars) for k in ("role", "event")}
        kinds["added"] = sum(e.label.startswith("add") for e in memory.exemplars)
        print(f"exemplar memory: {len(memory.exemplars)} exemplars {kinds} at similarity {memory.minimum:g}")
    plain_model = train_models(prep_rest, examples, w, 0.0, exemplars=False)  # deciding as "general": retraining alone
    memory_only = as_written(before_model, memory)  # the memory as built, whether or not the guard keeps it
    pruned_only = as_written(before_model, pruned)  # the memory as pruned on the annotated folds (before models)
    both = as_written(train_models(prep_rest, examples, w, sc, exemplars=False), memory)  # every part, unguarded
    b_before, b_after = figures(score(prep_b, before_model)), figures(score(prep_b, written))
    a_before, a_after = figures(score(prep_a, before_model)), figures(score(prep_a, written))
    b_plain, a_plain = figures(score(prep_b, plain_model)), figures(score(prep_a, plain_model))
    b_mem, a_mem = figures(score(prep_b, memory_only)), figures(score(prep_a, memory_only))
    b_both, a_both = figures(score(prep_b, both)), figures(score(prep_a, both))
    b_pr, a_pr = figures(score(prep_b, pruned_only)), figures(score(prep_a, pruned_only))
    also = []
    for x in [float(v) for v in args.also_scales.split(",") if v]:
        cv_x = None if args.no_cv else cross_validate(prep_rest, reviewed=examples, reviewed_weight=w, local_scale=x)
        m_x = train_models(prep_rest, examples, w, x).for_domain("local")
        also.append((x, cv_x, figures(score(prep_b, m_x)), figures(score(prep_a, m_x))))
        print(f"[{time.perf_counter() - t0:.0f}s] scale {x:g} measured", flush=True)
    print(f"[{time.perf_counter() - t0:.0f}s] done\n")
    print("F1 without -> with the reviewed documents (change); 'written': the parts ctrack train --with-reviewed keeps, "
          "deciding every document as the written model file does\n")
    print("| measured on | " + " | ".join(CATS) + " |")
    print("|---|" + "---|" * len(CATS))
    if cv is not None:
        before_cv = cv["before"]
        print(_row(f"(a) grouped CV, remaining {len(rest)} docs, pooled, written ({result.written})",
                   before_cv["pooled"]["figures"], result.figures()))
        for g in before_cv["folds"]:
            print(_row(f"    fold {g} ({before_cv['folds'][g]['documents']})", before_cv["folds"][g]["figures"],
                       cv[result.written]["folds"][g]["figures"]))
        for k in cv:
            if k != "before":
                print(_row(f"    (a) variant {k}", before_cv["pooled"]["figures"], cv[k]["pooled"]["figures"]))
    print(_row(f"(b) half B of {args.group} ({len(prep_b)} docs, never reviewed), written", b_before, b_after))
    print(_row(f"(c) half A of {args.group} ({len(prep_a)} docs, reviewed; reference only), written", a_before, a_after))
    print(_row("    (b) retraining alone (no memory, scale 0)", b_before, b_plain))
    print(_row("    (c) retraining alone (no memory, scale 0)", a_before, a_plain))
    print(_row("    (b) exemplar memory alone, every exemplar (before model)", b_before, b_mem))
    print(_row("    (c) exemplar memory alone, every exemplar (before model)", a_before, a_mem))
    if cv is not None:
        print(_row("    (b) exemplar memory alone, pruned on the before models' folds", b_before, b_pr))
        print(_row("    (c) exemplar memory alone, pruned on the before models' folds", a_before, a_pr))
    print(_row("    (b) every part, unguarded (retrained + every exemplar)", b_before, b_both))
    print(_row("    (c) every part, unguarded (retrained + every exemplar)", a_before, a_both))
    for x, cv_x, b_x, a_x in also:
        if cv_x is not None:
            print(_row(f"(a) at local scale {x:g}", cv["before"]["pooled"]["figures"], cv_x["pooled"]["figures"]))
        print(_row(f"(b) at local scale {x:g}", b_before, b_x))
        print(_row(f"(c) at local scale {x:g}", a_before, a_x))
    half_b = (f"half B all {b_before['all']['f1']:.4f} -> {b_after['all']['f1']:.4f}: "
              f"{'raised' if b_after['all']['f1'] > b_before['all']['f1'] else 'NOT raised'}")
    if cv is None:
        print(f"\nat local scale {sc:g}, {parts}: cross-validation skipped (--no-cv); {half_b}")
        return 0
    cv_b, cv_a = result.figures("before")["all"]["f1"], result.figures()["all"]["f1"]
    print(f"\nwritten ({parts}; local scale {sc:g}): cross-validated all {cv_b:.4f} -> {cv_a:.4f}: "
          f"{'not lower' if round(cv_a, 4) >= round(cv_b, 4) else 'LOWER'}; {half_b}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""``ctrack train`` and ``ctrack eval``: build the extraction decision models, and measure them honestly.

Both read the annotated corpora (default, from the repository root:
``../shared/corpus/dev``, ``../shared/corpus/train``, ``tests/extract/heldout``
and ``tests/extract/heldout2``; ``--corpus DIR[:GROUP]`` replaces them) and
run spaCy once per document. ``train`` fits the models on all of them and
writes ``ctrack/data/models/decisions.json`` (or ``--out``); ``eval`` runs
grouped cross-validation (no source family on both sides of a split) and
prints P/R/F1 per category for each held-out group and pooled.
"""
from __future__ import annotations

import json
from pathlib import Path

import typer

from ctrack.cli.app import DB_OPTION_HELP, app, console, err
from ctrack.errors import CtrackError, TrainingError
from ctrack.wording import noun, plural


def _sets(corpus: list[str] | None) -> list[tuple[Path, str]]:
    from ctrack.train import default_corpora

    if not corpus:
        return default_corpora()
    out = []
    for c in corpus:
        path, _, group = c.partition(":")
        out.append((Path(path), group or Path(path).name))
    return out


def _prepare(corpus: list[str] | None):
    """The annotated documents read and parsed (with a progress bar); a bad corpus ends the command with exit 1."""
    from rich.progress import Progress

    from ctrack.train import load_corpora, prepare

    try:
        items = load_corpora(_sets(corpus))
        if not items:
            raise TrainingError("no annotated documents found")
        with Progress(console=err, transient=True) as bar:
            task = bar.add_task("reading and parsing the annotated documents", total=len(items))
            return prepare(items, progress=lambda _it: bar.advance(task))
    except CtrackError as exc:
        err.print(f"[red]{exc}[/]")
        raise typer.Exit(1)


def _table(title: str, rows: dict[str, dict]) -> None:
    from rich.table import Table

    t = Table(title=title)
    t.add_column("held-out group")
    t.add_column("docs", justify="right")
    for cat in ("actors", "person_titles", "events", "roles", "all"):
        t.add_column(f"{cat} P/R/F1", justify="right")
    for name, row in rows.items():
        f = row["figures"]
        t.add_row(name, str(row.get("documents", "")),
                  *[f"{f[c]['precision']:.2f}/{f[c]['recall']:.2f}/[bold]{f[c]['f1']:.3f}[/]" for c in
                    ("actors", "person_titles", "events", "roles", "all")])
    console.print(t)


@app.command("train")
def train_command(
    corpus: list[str] = typer.Option(None, "--corpus", help="annotated set DIR[:GROUP] with docs/ and gold/ (repeatable; "
                                     "default: ../shared/corpus/dev, ../shared/corpus/train, tests/extract/heldout, heldout2)"),
    out: Path | None = typer.Option(None, "--out", help="where to write the models (default: the package's "
                                    "ctrack/data/models/decisions.json)"),
    with_reviewed: bool = typer.Option(False, "--with-reviewed", help="add the knowledge base's reviewed facts "
                                       "(confirmed, corrected, rejected, added) as training examples and as an exemplar "
                                       "memory; cross-validate each part and keep it only when `all` does not drop"),
    db: str | None = typer.Option(None, "--db", help="with --with-reviewed: " + DB_OPTION_HELP),
    force: bool = typer.Option(False, "--force", help="with --with-reviewed: keep every part (retrained models, "
                               "memory) even when `all` drops"),
    reviewed_weight: float = typer.Option(None, "--reviewed-weight", min=1.0,
                                          help="with --with-reviewed: how many gold examples one reviewed example "
                                               "weighs (default 1.0, ctrack.train.REVIEWED_WEIGHT; see docs/benchmarks.md)"),
    local_scale: float = typer.Option(None, "--local-scale", min=0.0,
                                      help="with --with-reviewed: strength of the adaptation to the knowledge base's "
                                           "own documents (local weights, learned from the reviewed ones and used only "
                                           "for documents extracted with this model); 0 turns it off (default 0.0: off, "
                                           "ctrack.train.LOCAL_SCALE; see docs/benchmarks.md)"),
    exemplar_min: float = typer.Option(None, "--exemplar-min", min=0.01, max=1.0,
                                       help="with --with-reviewed: how close (Jaccard similarity of the wording) a "
                                            "candidate must be to a reviewed decision to take it (default 0.4, "
                                            "ctrack.extract.exemplars.EXEMPLAR_MIN)"),
    no_exemplars: bool = typer.Option(False, "--no-exemplars", help="with --with-reviewed: keep no exemplar memory of "
                                      "the reviewed decisions (only retrain the models)"),
) -> None:
    """Train the extraction decision models (date, type, event, role) on the annotated corpora. Seeded and deterministic.

    With --with-reviewed, the analysts' review decisions in the knowledge base teach the models too: they join the
    training data, and the written model keeps them as an exemplar memory: a fact of a new document worded like a
    reviewed one takes the analyst's decision (a rejection drops it, an addition adds it), for every document
    extracted with the written model (docs/benchmarks.md, "Corrections that teach"). Each of the two parts is kept
    only when the cross-validated `all` figure does not drop with it; the annotated corpora's models stay otherwise."""
    from ctrack.extract.decide import MODEL_PATH
    from ctrack.train import train_models

    if (db or force or reviewed_weight is not None or local_scale is not None or exemplar_min is not None
            or no_exemplars) and not with_reviewed:
        err.print("[red]--db, --force, --reviewed-weight, --local-scale, --exemplar-min and --no-exemplars only apply "
                  "with --with-reviewed[/]")
        raise typer.Exit(2)
    if with_reviewed:
        _train_with_reviewed(corpus, db, out or MODEL_PATH, force, reviewed_weight, local_scale, exemplar_min,
                             not no_exemplars)
        return
    prepared = _prepare(corpus)
    models = train_models(prepared)
    target = out or MODEL_PATH
    models.save(target)
    size = target.stat().st_size
    console.print(f"trained on {plural(len(prepared), 'document')} ({', '.join(models.meta['groups'])}): "
                  f"{models.meta['date_examples']} date, {models.meta['type_examples']} type, "
                  f"{models.meta['event_examples']} event, {models.meta['role_examples']} role, "
                  f"{models.meta.get('proposal_examples', 0)} proposed-event and "
                  f"{models.meta.get('actor_examples', 0)} actor examples; "
                  f"wrote {target} ({size / 1024:.0f} KiB)")


_CATS = ("actors", "person_titles", "events", "roles", "all")


def _fig(f: dict) -> str:
    return f"{f['precision']:.3f}/{f['recall']:.3f}/[bold]{f['f1']:.3f}[/]"


def _compare(before: dict, after: dict, n_reviewed: int) -> None:
    """Print the cross-validated figures without and with the reviewed documents side by side."""
    from rich.table import Table

    t = Table(title=f"grouped cross-validation without and with {plural(n_reviewed, 'reviewed document')} "
                    "(reviewed ones only ever on the training side)")
    t.add_column("category")
    t.add_column("annotated only P/R/F1", justify="right")
    t.add_column("+ reviewed P/R/F1", justify="right")
    t.add_column("F1 change", justify="right")
    for cat in _CATS:
        b, a = before["pooled"]["figures"][cat], after["pooled"]["figures"][cat]
        d = a["f1"] - b["f1"]
        t.add_row(f"pooled {cat}", _fig(b), _fig(a), f"{d:+.3f}")
    for g in before["folds"]:
        b, a = before["folds"][g]["figures"]["all"], after["folds"][g]["figures"]["all"]
        t.add_row(f"fold {g} ({before['folds'][g]['documents']} docs) all", _fig(b), _fig(a), f"{a['f1'] - b['f1']:+.3f}")
    console.print(t)


def _train_with_reviewed(corpus: list[str] | None, db: str | None, target: Path, force: bool,
                         weight: float | None = None, local_scale: float | None = None,
                         exemplar_min: float | None = None, exemplars: bool = True) -> None:
    """``ctrack train --with-reviewed``: label the KB's reviewed documents and guard each part learned from them on
    its own (:func:`ctrack.train.reviewed.train_with_reviewed`): the models retrained with them (each reviewed
    example weighing ``weight`` gold ones, default :data:`ctrack.train.REVIEWED_WEIGHT`, local weights at
    ``local_scale``, default :data:`ctrack.train.LOCAL_SCALE`) are kept when the grouped cross-validated ``all`` F1
    does not drop, else the annotated corpora's models stay; with ``exemplars``, the exemplar memory of the reviewed
    decisions (similarity ``exemplar_min``) is kept when, applied to the annotated folds as the written model applies
    it to every document, it does not lower that figure either, and :func:`ctrack.train.reviewed.leave_one_out`
    finds it right at least as often as the models on the reviewed documents. Prints the figures and which parts
    are kept; writes nothing when no part is kept (``force``: every part, whatever the tests say)."""
    from rich.progress import Progress

    from ctrack.cli.kb import fail, open_kb
    from ctrack.errors import NoReviewedFacts
    from ctrack.store.db import session_scope
    from ctrack.train import LOCAL_SCALE, REVIEWED_WEIGHT
    from ctrack.train.reviewed import (
        annotated_fingerprints, check_reviewed, keep_new_model, label_counts, load_reviewed, prepare_reviewed,
        train_with_reviewed,
    )

    engine = open_kb(db)
    try:
        with session_scope(engine) as s:
            check_reviewed(s)  # before the long parse of the corpora
    except CtrackError as exc:
        fail(exc)
    prepared = _prepare(corpus)
    hashes, texts = annotated_fingerprints([p.item.path for p in prepared], [p.cands.document.text for p in prepared])
    try:
        with session_scope(engine) as s:
            found = load_reviewed(s, hashes, texts)
        if found.skipped:
            console.print(f"skipped {plural(len(found.skipped), 'reviewed document')} already in the annotated corpora: "
                          f"{', '.join(found.skipped)}", highlight=False)
        if not found.documents:
            raise NoReviewedFacts(f"every document with reviewed facts ({len(found.skipped)}) is already in the "
                                  "annotated corpora; nothing new to learn from")
        with Progress(console=err, transient=True) as bar:
            task = bar.add_task("reading and parsing the reviewed documents", total=len(found.documents))
            examples = prepare_reviewed(found, progress=lambda _d: bar.advance(task))
        if not examples:
            raise NoReviewedFacts(f"the reviewed facts of {plural(len(found.documents), 'document')} match no candidate of "
                                  "today's extraction (the documents' facts were stored by another extractor?)")
    except CtrackError as exc:
        fail(exc)
    n = label_counts(examples)
    weight = REVIEWED_WEIGHT if weight is None else weight
    local_scale = LOCAL_SCALE if local_scale is None else local_scale
    console.print(f"{plural(n['documents'], 'reviewed document')} ({plural(found.decided['events'], 'decided event')}, "
                  f"{plural(found.decided['roles'], 'decided role')} in the knowledge base) give {n['events']} event, "
                  f"{n['types']} type, {n['dates']} date and {n['roles']} role examples, each weighing "
                  f"{weight:g} {noun(1 if weight == 1 else 2, 'annotated one')}; "
                  + (f"local weights for the knowledge base's documents at scale {local_scale:g}" if local_scale > 0
                     else "no local weights (--local-scale 0)"), highlight=False)
    if n["added_roles"] or n["added_events"] or n["unmatched_added"]:
        console.print(f"of them, facts a reviewer added (the extractor missed them): {n['added_roles']} role and "
                      f"{n['added_events']} event examples"
                      + (f"; {plural(n['unmatched_added'], 'added event')} no extraction candidate stands for (its "
                         "words are no trigger the rules know): not learned" if n["unmatched_added"] else ""),
                      highlight=False)
    groups = sorted({p.item.group for p in prepared})
    with Progress(console=err, transient=True) as bar:
        task = bar.add_task("cross-validating without and with the reviewed documents", total=len(groups))
        result = train_with_reviewed(prepared, examples, weight, local_scale, exemplar_min, exemplars, force,
                                     progress=lambda _g: bar.advance(task))
    _compare(result.cv["before"], result.cv["retrained"], len(examples))
    kept, cv = result.kept, result.cv
    b, a = result.figures("before")["all"]["f1"], result.figures("retrained")["all"]["f1"]
    console.print(f"retrained models: {'[bold]kept[/]' if kept.retrained else '[bold]not kept[/]'} (cross-validated "
                  f"all F1 {b:.4f} -> {a:.4f}, {'not lower' if keep_new_model(result.figures('before'), result.figures('retrained')) else 'drops'})"
                  + ("" if kept.retrained else "; the models of the annotated corpora alone stay"), highlight=False)
    memory = result.memory
    if memory is not None:
        base = "retrained" if kept.retrained else "before"
        pruned = result.kept_memory if kept.memory else None
        kinds = {k: sum(e.kind == k for e in memory.exemplars) for k in ("role", "event")}
        added = sum(e.label.startswith("add") for e in memory.exemplars)
        from ctrack.train import figures

        contradicted = sum(1 for off, on in result.evidence.values() if not keep_new_model(figures(off), figures(on)))
        console.print(f"exemplar memory of {plural(len(memory.exemplars), 'reviewed decision')} ({kinds['role']} role, "
                      f"{kinds['event']} event; {added} of them additions) at similarity {memory.minimum:g}; applied "
                      f"alone to the annotated folds, {plural(len(result.evidence), 'exemplar')} changed facts there, "
                      f"{contradicted} of them lowering all F1: left out", highlight=False)
        if f"{base}+memory" in cv:
            m0, m1 = result.figures(base)["all"]["f1"], result.figures(base + "+memory")["all"]["f1"]
            console.print(f"  the rest applied to the annotated folds as the written model applies it to every "
                          f"document: cross-validated all F1 {m0:.4f} -> {m1:.4f} "
                          f"({'not lower' if kept.memory_cv else 'drops'})", highlight=False)
        if kept.check is not None:
            console.print(f"  on the reviewed documents, each left out in turn, it changes "
                          f"{plural(kept.check.changed, 'decision')} of the models: right {kept.check.memory_right}, "
                          f"the models right {kept.check.model_right}", highlight=False)
        if kept.memory:
            console.print(f"exemplar memory [bold]kept[/]: {plural(len(pruned.exemplars), 'exemplar')}", highlight=False)
        else:
            why = ("nothing that changes a decision is left" if f"{base}+memory" not in cv else
                   "it lowers the cross-validated figure" if not kept.memory_cv else
                   "wrong more often than the models on the reviewed documents")
            console.print(f"exemplar memory [bold]left out[/]: {why}", highlight=False)
    if result.models is None:
        console.print(f"[bold]not written[/]: no part learned from the reviewed documents holds its test (the "
                      f"cross-validated all F1 drops with them: {b:.4f} -> {a:.4f}); {target} is unchanged "
                      "(--force writes it anyway)", highlight=False)
        return
    models = result.models
    models.save(target)
    w = result.written
    why = (f"all F1 {b:.4f} -> {result.figures()['all']['f1']:.4f}, not lower" if not kept.forced else
           f"all F1 {b:.4f} -> {result.figures('retrained+unpruned memory' if memory is not None else 'retrained')['all']['f1']:.4f}, "
           "written because of --force")
    parts = ("retrained models" if kept.retrained else "the annotated corpora's models") + (
        " and the exemplar memory" if kept.memory else "")
    console.print(f"[bold]written[/] ({why}; {w}): {parts}; trained on {len(prepared)} annotated"
                  + (f" and {len(examples)} reviewed" if kept.retrained else "") + f" documents; wrote {target} "
                  f"({target.stat().st_size / 1024:.0f} KiB)"
                  + ("; documents extracted with it are decided with the local weights (the knowledge base's house style)"
                     if kept.retrained and models.local_scale > 0 else "")
                  + ("; documents extracted with it take the reviewed decisions where their wording matches"
                     if models.memory else ""), highlight=False)


@app.command("eval")
def eval_command(
    corpus: list[str] = typer.Option(None, "--corpus", help="annotated set DIR[:GROUP] (repeatable; default as for train)"),
    fold: list[str] = typer.Option(None, "--fold", help="score only this held-out group (repeatable)"),
    as_json: bool = typer.Option(False, "--json", help="print the figures as JSON"),
    details: Path | None = typer.Option(None, "--details", help="write each held-out document's predicted record "
                                        "(DIR/<group>/<id>.json) and the scorer's missed and spurious facts "
                                        "(DIR/<group>/<id>.txt), for error analysis"),
) -> None:
    """Grouped cross-validation: train on all groups but one, score the held group with the scorer; per fold and pooled."""
    from ctrack.train import cross_validate

    prepared = _prepare(corpus)
    groups = sorted({p.item.group for p in prepared})
    unknown = [f for f in fold or [] if f not in groups]
    if unknown:
        err.print(f"[red]unknown {noun(len(unknown), 'group')} {', '.join(unknown)}; groups are {', '.join(groups)}[/]")
        raise typer.Exit(2)
    if details is not None and details.exists() and not details.is_dir():
        err.print(f"[red]--details {details}: not a directory[/]")
        raise typer.Exit(2)
    result = cross_validate(prepared, only=fold or None, details=details is not None)
    if details is not None:
        for g, r in result["folds"].items():
            folder = details / g
            folder.mkdir(parents=True, exist_ok=True)
            for stem, d in r.pop("details").items():
                (folder / f"{stem}.json").write_text(json.dumps(d["record"], indent=1, ensure_ascii=False) + "\n",
                                                     encoding="utf-8")
                (folder / f"{stem}.txt").write_text("".join(line + "\n" for line in d["details"]), encoding="utf-8")
        err.print(f"wrote the held-out records and the scorer's details under {details}")
    if as_json:
        typer.echo(json.dumps({"folds": {g: {"documents": r["documents"], "figures": r["figures"]}
                                         for g, r in result["folds"].items()},
                               "pooled": {"figures": result["pooled"]["figures"]}}, indent=1))
        return
    rows = dict(result["folds"])
    rows["pooled"] = {"documents": sum(r["documents"] for r in result["folds"].values()), **result["pooled"]}
    _table("grouped cross-validation (train on the other groups, score the held one)", rows)

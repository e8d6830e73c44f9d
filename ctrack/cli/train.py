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

from ctrack.cli.app import app, console, err
from ctrack.errors import CtrackError, TrainingError


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
) -> None:
    """Train the extraction decision models (date, type, event, role) on the annotated corpora. Seeded and deterministic."""
    from ctrack.extract.decide import MODEL_PATH
    from ctrack.train import train_models

    prepared = _prepare(corpus)
    models = train_models(prepared)
    target = out or MODEL_PATH
    models.save(target)
    size = target.stat().st_size
    console.print(f"trained on {len(prepared)} documents ({', '.join(models.meta['groups'])}): "
                  f"{models.meta['date_examples']} date, {models.meta['type_examples']} type, "
                  f"{models.meta['event_examples']} event and {models.meta['role_examples']} role examples; "
                  f"wrote {target} ({size / 1024:.0f} KiB)")


@app.command("eval")
def eval_command(
    corpus: list[str] = typer.Option(None, "--corpus", help="annotated set DIR[:GROUP] (repeatable; default as for train)"),
    fold: list[str] = typer.Option(None, "--fold", help="score only this held-out group (repeatable)"),
    as_json: bool = typer.Option(False, "--json", help="print the figures as JSON"),
) -> None:
    """Grouped cross-validation: train on all groups but one, score the held group with the scorer; per fold and pooled."""
    from ctrack.train import cross_validate

    prepared = _prepare(corpus)
    groups = sorted({p.item.group for p in prepared})
    unknown = [f for f in fold or [] if f not in groups]
    if unknown:
        err.print(f"[red]unknown group(s) {', '.join(unknown)}; groups are {', '.join(groups)}[/]")
        raise typer.Exit(2)
    result = cross_validate(prepared, only=fold or None)
    if as_json:
        typer.echo(json.dumps({"folds": {g: {"documents": r["documents"], "figures": r["figures"]}
                                         for g, r in result["folds"].items()},
                               "pooled": {"figures": result["pooled"]["figures"]}}, indent=1))
        return
    rows = dict(result["folds"])
    rows["pooled"] = {"documents": sum(r["documents"] for r in result["folds"].values()), **result["pooled"]}
    _table("grouped cross-validation (train on the other groups, score the held one)", rows)

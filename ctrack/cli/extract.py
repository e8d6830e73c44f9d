"""``ctrack extract FILE... [--format json] [--out DIR] [--explain]``: records without a database."""
from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.markup import escape

from ctrack.cli.app import app, console, err
from ctrack.errors import CtrackError
from ctrack.wording import plural


def _print_explained(record) -> None:
    """Human-readable facts, each with the text span and the rule that produced it."""
    from rich.table import Table

    data = record.to_json(explain=True)
    console.print("[dim]@N: character offset in the document's text; an event's p: the event model's probability that it "
                  "is a real event; a role's p: the role model's probability for that role[/]", highlight=False)
    names = {a["id"]: a["name"] for a in data["actors"]}
    t = Table(title=f"{data['document']['id']}: actors", show_lines=False)
    for col in ("id", "kind", "name", "title", "evidence (rule: text @ offset)"):
        t.add_column(col)
    for a in data["actors"]:
        ev = "; ".join(f"{m['rule']}: {m['text']!r} @{m['start']}" for m in a["mentions"][:3])
        t.add_row(a["id"], a["kind"], a["name"], a.get("title") or "", ev)
    console.print(t)
    for e in data["events"]:
        conf = f" p={e['confidence']:.2f}" if e.get("confidence") is not None else ""
        when = e["start"] or "?" if (e["end"] or e["start"]) == e["start"] else f"{e['start'] or '?'}–{e['end']}"
        head = f"[bold]{e['id']}[/] {e['type']} {when} {e['city'] or ''} {e['country'] or ''} ({e['status']}){conf}"
        if e.get("name"):
            head += f" — {escape(e['name'])}"
        console.print(head + (f" part of {e['part_of']}" if e["part_of"] else ""))
        for s in e["evidence"]:
            console.print(f"    {s['rule']}: {s['text']!r} @{s['start']}")
        for r in e["roles"]:
            ev = r.get("evidence")
            why = f"  ← {ev['rule']}: {ev['text']!r} @{ev['start']}" if ev else "  ← inherited"
            p = f" p={r['confidence']:.2f}" if r.get("confidence") is not None else ""
            console.print(f"    {r['role']:<11} {names.get(r['actor'], r['actor'])}{p}{why}")


@app.command("extract")
def extract_command(
    files: list[Path] = typer.Argument(..., help="documents (.txt, .html, .pdf, .docx)"),
    format: str = typer.Option("json", "--format", help="output format: json"),
    out: Path | None = typer.Option(None, "--out", help="write DIR/<file stem>.json instead of printing"),
    explain: bool = typer.Option(False, "--explain", help="show each fact with its text span, the rule or model that "
                                 "produced it and the model's probability"),
) -> None:
    """Print (or write) one ctrack.extraction/1 record per document. Needs no database.

    Files are read and extracted by :func:`ctrack.pipeline.outcomes`, which
    isolates a file that cannot be read or extracted: every other file's
    record is still printed or written. Failed files are named on stderr with
    their error code and reason, followed by a summary; the exit code is then 1.
    """
    from ctrack.ingest import iter_files
    from ctrack.pipeline import outcomes

    if format != "json":
        err.print(f"[red]unknown format {format!r}: only 'json' is supported[/]")
        raise typer.Exit(2)
    try:
        paths = [str(p) for p in iter_files(files)]
    except CtrackError as exc:
        err.print(f"[red]{exc}[/]")
        raise typer.Exit(1)
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
    written, failed = 0, []
    for outcome in outcomes(paths):
        if outcome.error is not None or outcome.record is None:
            failed.append(outcome)
            err.print(f"[red]failed[/] {outcome.path}: [{outcome.code}] {outcome.error}", highlight=False)
            continue
        record = outcome.record
        written += 1
        if explain:
            _print_explained(record)
            continue
        text = json.dumps(record.to_json(), ensure_ascii=False, indent=1)
        if out is not None:
            (out / f"{record.document.id}.json").write_text(text + "\n", encoding="utf-8")
        else:
            typer.echo(text)
    where = f" to {out}" if out is not None else ""
    if out is not None or failed:
        err.print(f"wrote {plural(written, 'record')}{where}" + (f"; {plural(len(failed), 'file')} failed: "
                                                        + ", ".join(o.path for o in failed) if failed else ""),
                  highlight=False)
    if failed:
        raise typer.Exit(1)

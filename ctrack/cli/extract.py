"""``ctrack extract FILE... [--format json] [--out DIR] [--explain]``: records without a database."""
from __future__ import annotations

import json
from pathlib import Path

import typer

from ctrack.cli.app import app, console, err
from ctrack.errors import CtrackError


def _print_explained(record) -> None:
    """Human-readable facts, each with the text span and the rule that produced it."""
    from rich.table import Table

    data = record.to_json(explain=True)
    names = {a["id"]: a["name"] for a in data["actors"]}
    t = Table(title=f"{data['document']['id']}: actors", show_lines=False)
    for col in ("id", "kind", "name", "title", "evidence (rule: text @ offset)"):
        t.add_column(col)
    for a in data["actors"]:
        ev = "; ".join(f"{m['rule']}: {m['text']!r} @{m['start']}" for m in a["mentions"][:3])
        t.add_row(a["id"], a["kind"], a["name"], a.get("title") or "", ev)
    console.print(t)
    for e in data["events"]:
        head = f"[bold]{e['id']}[/] {e['type']} {e['start'] or '?'}–{e['end'] or '?'} {e['city'] or ''} {e['country'] or ''} ({e['status']})"
        console.print(head + (f" part of {e['part_of']}" if e["part_of"] else ""))
        for s in e["evidence"]:
            console.print(f"    {s['rule']}: {s['text']!r} @{s['start']}")
        for r in e["roles"]:
            ev = r.get("evidence")
            why = f"  ← {ev['rule']}: {ev['text']!r} @{ev['start']}" if ev else "  ← inherited"
            console.print(f"    {r['role']:<11} {names.get(r['actor'], r['actor'])}{why}")


@app.command("extract")
def extract_command(
    files: list[Path] = typer.Argument(..., help="documents (.txt, .html, .pdf, .docx)"),
    format: str = typer.Option("json", "--format", help="output format: json"),
    out: Path | None = typer.Option(None, "--out", help="write DIR/<file stem>.json instead of printing"),
    explain: bool = typer.Option(False, "--explain", help="show each fact with its text span and the rule that produced it"),
) -> None:
    """Print (or write) one ctrack.extraction/1 record per document. Needs no database."""
    from ctrack.extract import get_extractor
    from ctrack.ingest import iter_files, read

    if format != "json":
        err.print(f"[red]unknown format {format!r}: only 'json' is supported[/]")
        raise typer.Exit(2)
    documents, failed = [], 0
    try:
        paths = list(iter_files(files))
    except CtrackError as exc:
        err.print(f"[red]{exc}[/]")
        raise typer.Exit(1)
    for path in paths:
        try:
            documents.append(read(path))
        except CtrackError as exc:
            failed += 1
            err.print(f"[red]skipped[/] {exc}")
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
    from ctrack.pipeline import extract_documents

    get_extractor()
    for record in extract_documents(documents):  # a document in another language: its document block only
        if explain:
            _print_explained(record)
            continue
        text = json.dumps(record.to_json(), ensure_ascii=False, indent=1)
        if out is not None:
            (out / f"{record.document.id}.json").write_text(text + "\n", encoding="utf-8")
        else:
            typer.echo(text)
    if out is not None:
        err.print(f"wrote {len(documents)} record(s) to {out}" + (f"; {failed} file(s) failed" if failed else ""))
    if failed:
        raise typer.Exit(1)

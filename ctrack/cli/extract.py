"""``ctrack extract FILE... [--format json] [--out DIR] [--explain]``: records without a database."""
from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.markup import escape

from ctrack.cli.app import app, console, err
from ctrack.errors import CtrackError
from ctrack.wording import plural


#: What each rule or decision model named in a span's ``rule`` did (``ctrack extract --explain`` prints the
#: ones a record uses). A name is looked up whole ("date:relative"), then by what comes before its first colon
#: or space ("trigger:workshop" → "trigger", "role:model p=0.57 (rules: organizer)" → "role:model").
#: Models are the decision models of ``ctrack/data/models/decisions.json`` (``ctrack train``).
RULES = {
    "gazetteer": "a name, acronym or former name in the gazetteer (ctrack/data: states, organizations, cities)",
    "demonym": "a state's demonym in the gazetteer (\"Kenyan\" → Kenya)",
    "collective": "states named as a group (\"the five Central Asian States\"): each member of the region",
    "acronym-definition": "a long form with its acronym in brackets (\"National Counter Terrorism Centre (NCTC)\")",
    "acronym": "a later use of an acronym the document defined",
    "org-name": "a capitalised organization name the gazetteer does not know (Ministry, Office, Centre … of)",
    "head-anaphor": "a short back-reference to an organization named before (\"the Centre\")",
    "un-office": "a UN office in a country (\"UN Resident Coordinator in Kenya\") or the Secretary-General unnamed",
    "ner": "a person's name found by spaCy's named-entity recognizer (en_core_web_sm)",
    "name-title": "a person's name followed by a title (\"Martin Kimani, Director of …\")",
    "title-name": "a title followed by a person's name (\"Executive Director Michèle Coninsx\")",
    "title-apposition": "a name set off by commas after a title (\"the Minister of Interior, R. Rahimzoda,\")",
    "surname": "a later mention of a person by surname",
    "title-anaphor": "a later mention of a person by title alone (\"the Director said\")",
    "trigger": "an event trigger phrase of ctrack/data/cues.json; after the colon, the event type it gives",
    "date": "a date told with the event's trigger",
    "date:relative": "a day told relative to another event (\"the same day\", \"the following day\")",
    "date:fact-sheet": "the date line of a fact sheet (\"Date: 3 May 2024\")",
    "venue:fact-sheet": "the venue line of a fact sheet (\"Venue: Dakar\")",
    "role:model": "the role model added this role, p its probability; \"rules:\" the roles the rules proposed (all rejected)",
    "role:verify": "the verification model kept the role the cue rules proposed, p the probability that it holds "
                   "(calibrated on house styles it was not trained on)",
    "date:model": "the date model picked this date among the event's candidates, p its probability",
    "type:model": "the type model changed the rules' event type (rules -> model), p its probability",
    "proposal:model": "the proposal model added an event that the rules had folded into another, p its probability",
    "venue:split": "one venue of a series told once over several places (\"workshops were held in A, B and C\"); "
                   "the split model made it an event of its own",
}


def rule_name(rule: str) -> str:
    """The :data:`RULES` key of a span's ``rule`` ("trigger:workshop" → "trigger", "role:model p=0.57 (rules:
    organizer)" → "role:model", "date:relative" → itself); ``rule`` itself (or "") when no key matches."""
    rule = rule.strip()
    if rule in RULES:
        return rule
    head = rule.split(" ", 1)[0]
    if head in RULES:
        return head
    head = head.split(":", 1)[0]
    return head if head in RULES else rule


def legend(data: dict) -> list[tuple[str, str]]:
    """``(name, meaning)`` of every rule and model behind the facts of an explained record (``Record.to_json(
    explain=True)``), in :data:`RULES` order, then the event model when an event is scored; a rule with no
    entry in :data:`RULES` is listed as "(not described)"."""
    used = {rule_name(m["rule"]) for a in data["actors"] for m in a["mentions"]}
    used |= {rule_name(s["rule"]) for e in data["events"] for s in e["evidence"]}
    used |= {rule_name(r["evidence"]["rule"]) for e in data["events"] for r in e["roles"] if r.get("evidence")}
    used.discard("")
    out = [(name, RULES[name]) for name in RULES if name in used]
    out += [(name, "(not described)") for name in sorted(used - set(RULES))]
    if any(e.get("confidence") is not None for e in data["events"]):
        out.append(("event p", "the event model's probability that the event is real"))
    if any(r.get("evidence") is None for e in data["events"] for r in e["roles"]):
        out.append(("inherited", "a role with no span of its own: the rules gave it from another fact (a visit's "
                                 "host state, a delegation's organization, the members of a group)"))
    return out


def _print_explained(record) -> None:
    """Human-readable facts, each with the text span and the rule or model that produced it, under a legend
    naming every rule and model the record uses (:func:`legend`)."""
    from rich.table import Table

    data = record.to_json(explain=True)
    console.print("[dim]@N: character offset in the document's text; p: a decision model's probability "
                  "(ctrack/data/models/decisions.json). Rules and models behind these facts:[/]", highlight=False)
    width = max((len(name) for name, _ in legend(data)), default=0)
    for name, meaning in legend(data):
        console.print(f"[dim]  {escape(name):<{width}}  {escape(meaning)}[/]", highlight=False)
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

"""``ctrack review …`` and ``ctrack history``: human review of extracted facts, and the audit trail of a record.

``ctrack review [--document ID | --actor NAME]`` walks the queue of proposed
facts interactively (Rich prompts), showing each fact with the source
sentences it was read from. For scripts: ``ctrack review confirm|reject REF…``,
``ctrack review correct REF FIELD VALUE``, ``ctrack review add role EVENT ACTOR ROLE`` and
``ctrack review add event DOCUMENT TYPE --trigger WORDS`` (a fact the extractor missed), ``ctrack review merge KEEP OTHER``,
``ctrack review split REF --document DOC…``, ``ctrack review undo DECISION``,
``ctrack review queue``, ``ctrack review decisions``, ``ctrack review duplicates``
(candidate duplicate actors and events with their scores) and ``ctrack review
distinct A B`` (two records are not the same). References are
``TYPE:ID`` (``actor:12``, ``event:3``, ``role:40``, ``title:5``,
``conflict:2``, ``rec:7``). Every command takes ``--db`` and ``--user``
(default ``$CTRACK_USER`` or the login name) for the audit log. Decisions go
through :mod:`ctrack.service.review`, which keeps the search index in step
with them, as the API and the web pages do.
"""
from __future__ import annotations

import json
import shlex
import sys
from typing import Optional

import typer
from rich.markup import escape
from rich.prompt import Prompt
from rich.table import Table

from ctrack.cli.app import DB_OPTION_HELP, app, console
from ctrack.cli.kb import fail, open_kb, print_json
from ctrack.errors import CtrackError
from ctrack.schema import EventStatus, EventType, RoleType
from ctrack.store import track_repo
from ctrack.store.db import session_scope
from ctrack.store.track_models import Entity
from ctrack.service import dedupe
from ctrack.service import review as review_service
from ctrack.service.paging import MAX_LIMIT, PageParams
from ctrack.track import audit, review
from ctrack.wording import plural

review_app = typer.Typer(help="Review extracted facts: confirm, correct, reject, merge, split, undo.",
                         invoke_without_command=True, no_args_is_help=False)
app.add_typer(review_app, name="review")

_DB = typer.Option(None, "--db", help=DB_OPTION_HELP)
_USER = typer.Option(None, "--user", help="who is reviewing (default: $CTRACK_USER or the login name)")
_COMMENT = typer.Option(None, "--comment", "-m", help="why (kept in the audit log)")


def _user(user: str | None) -> str:
    return user or audit.default_user()


def _ref(text: str) -> tuple[Entity, int]:
    try:
        return audit.parse_ref(text)
    except CtrackError as exc:
        fail(exc)


def _confidence(value: float | None) -> str:
    return f"confidence {value:.2f}" if value is not None else "not scored"


def _show_item(item: review.QueueItem | review_service.QueueItemOut, number: int, total: int | str) -> None:
    state = getattr(item.state, "value", item.state)
    # a plain line, not a Rich rule: a rule's title is lost when the output is not a terminal
    console.print(f"[bold]{number}/{total}  {item.ref}[/]  ({state}, {_confidence(item.confidence)})", highlight=False)
    console.print(escape(item.label), highlight=False)
    if not item.sources:
        console.print("[dim]no source sentence stored[/]")
    for source in item.sources:
        doc, sentence = (source.document, source.sentence) if hasattr(source, "document") else source
        console.print(f"  [bold]{escape(doc)}[/]: [italic]{escape(sentence)}[/]", highlight=False)


@review_app.callback()
def review_main(
    ctx: typer.Context,
    document: Optional[str] = typer.Option(None, "--document", "-d", help="only facts from this document (id or file name)"),
    actor: Optional[str] = typer.Option(None, "--actor", "-a", help="only facts about this actor (name, acronym, ISO3)"),
    db: Optional[str] = _DB,
    user: Optional[str] = _USER,
    interactive: bool = typer.Option(False, "--interactive", "-i",
                                     help="prompt even when stdin is not a terminal (answers read from stdin)"),
) -> None:
    """Walk the queue of proposed facts: [c]onfirm, [r]eject, [e]dit a field, [s]kip, [q]uit.

    Without a terminal (a script, a pipe, cron) it prints the commands to use instead and exits with 2."""
    if ctx.invoked_subcommand is not None:
        return
    if not interactive and not sys.stdin.isatty():
        where = "".join(f" {flag} {shlex.quote(v)}" for flag, v in (("--document", document), ("--actor", actor)) if v)
        typer.echo("ctrack review asks questions, but stdin is not a terminal. Instead run:\n"
                   f"  ctrack review queue{where} --json          the facts waiting, least certain first\n"
                   "  ctrack review confirm|reject TYPE:ID…      decide facts (e.g. event:3 event_role:40)\n"
                   "  ctrack review correct TYPE:ID FIELD VALUE  correct one field\n"
                   "  ctrack review undo …                       take a decision back\n"
                   "or 'ctrack review --interactive' to answer the prompts from stdin.", err=True)
        raise typer.Exit(2)
    if document and actor:
        fail(ValueError("give --document or --actor, not both"))
    who = _user(user)
    engine = open_kb(db)
    try:
        with session_scope(engine) as s:
            items = review.queue(s, document=document, actor=actor)
    except CtrackError as exc:
        fail(exc)
    if not items:
        console.print("nothing to review")
        return
    done = 0
    for number, item in enumerate(items, start=1):
        _show_item(item, number, len(items))
        choice = Prompt.ask(escape("[c]onfirm [r]eject [e]dit [s]kip [q]uit"), choices=["c", "r", "e", "s", "q"],
                            default="s", console=console)
        if choice == "q":
            break
        if choice == "s":
            continue
        try:
            with session_scope(engine) as s:
                if choice == "e":
                    fields = list(review.correctable(s, item.entity)) or ["text", "state", "themes"]
                    name = Prompt.ask("field", choices=fields, console=console)
                    value = Prompt.ask("new value", console=console)
                    comment = Prompt.ask("comment", default="", console=console) or None
                    review_service.decide(s, who, item.entity, item.id, "correct", name, value, comment)
                else:
                    comment = Prompt.ask("comment", default="", console=console) or None
                    review_service.decide(s, who, item.entity, item.id, "confirm" if choice == "c" else "reject",
                                          comment=comment)
            done += 1
        except CtrackError as exc:
            console.print(f"[red]{escape(str(exc))}[/]", highlight=False)
    console.print(f"{plural(done, 'decision')} recorded by {escape(who)}", highlight=False)


_MEMBER_STATE = typer.Option(None, "--member-state", "-s", help="only facts about this member state (ISO3 or name)")
_KIND = typer.Option(None, "--kind", "-k", help="only this kind of fact (actor, event, event_role, person_title, "
                     "conflict, recommendation); repeat for several")
_MIN = typer.Option(None, "--min-confidence", min=0.0, max=1.0, help="only facts scored at least this (0-1)")
_MAX = typer.Option(None, "--max-confidence", min=0.0, max=1.0, help="only facts scored at most this (0-1)")


def _query(document: str | None, actor: str | None, member_state: str | None, kind: list[str] | None,
           min_confidence: float | None, max_confidence: float | None) -> review_service.QueueQuery:
    kinds = []
    for k in kind or []:
        try:
            kinds.append(Entity(k))
        except ValueError:
            fail(ValueError(f"no kind of fact {k!r}; one of: {', '.join(e.value for e in track_repo.REVIEWABLE)}"))
    return review_service.QueueQuery(document=document, actor=actor, member_state=member_state, kind=kinds,
                                     min_confidence=min_confidence, max_confidence=max_confidence)


@review_app.command("queue")
def queue_cmd(
    document: Optional[str] = typer.Option(None, "--document", "-d", help="only facts from this document"),
    actor: Optional[str] = typer.Option(None, "--actor", "-a", help="only facts about this actor"),
    member_state: Optional[str] = _MEMBER_STATE,
    kind: Optional[list[str]] = _KIND,
    min_confidence: Optional[float] = _MIN,
    max_confidence: Optional[float] = _MAX,
    limit: int = typer.Option(50, "--limit", "-n", min=1, max=MAX_LIMIT, help="show at most this many facts"),
    offset: int = typer.Option(0, "--offset", min=0, help="skip this many facts first"),
    db: Optional[str] = _DB,
    as_json: bool = typer.Option(False, "--json", help="print JSON: the page of facts (items, each with its "
                                 "confidence, source sentences and evidence spans), total, limit, offset, next_cursor "
                                 "— as GET /api/v1/review/queue"),
) -> None:
    """List the facts waiting for review, least certain first (no prompts): each with its extraction
    confidence and source sentences."""
    query = _query(document, actor, member_state, kind, min_confidence, max_confidence)
    engine = open_kb(db)
    try:
        with session_scope(engine) as s:
            page = review_service.queue(s, page=PageParams(limit=limit, offset=offset), query=query)
    except CtrackError as exc:
        fail(exc)
    if as_json:
        print_json(page.model_dump(mode="json"))
        return
    if not page.items:
        console.print("no proposed fact matches these filters" if page.total == 0 else f"no facts past --offset {offset}")
    for number, item in enumerate(page.items, start=offset + 1):
        _show_item(item, number, page.total if page.total_exact else f"more than {page.total}")
    if not page.total_exact:
        console.print(f"[dim]more than {page.total - offset - len(page.items)} more: --offset "
                      f"{offset + len(page.items)}[/]")
    elif page.total > offset + len(page.items):
        console.print(f"[dim]{page.total - offset - len(page.items)} more: --offset {offset + len(page.items)}[/]")


def _decide(refs: list[str] | None, action: str, user: str | None, comment: str | None, db: str | None, verb: str,
            all_matching: bool, yes: bool, query: review_service.QueueQuery) -> None:
    who = _user(user)
    if all_matching == bool(refs):
        fail(ValueError(f"give the facts to {action} (TYPE:ID…) or --all-matching with filters, not both"
                        if refs else f"give the facts to {action} (TYPE:ID…), or --all-matching with filters"))
    engine = open_kb(db)
    if all_matching:
        try:
            with session_scope(engine) as s:
                out = review_service.bulk_decide(s, who, action, query, apply=yes, comment=comment)
        except CtrackError as exc:
            fail(exc)
        if not yes:
            shown = ", ".join(out.refs[:20]) + (f", … ({out.count - 20} more)" if out.count > 20 else "")
            console.print(f"the filters select {plural(out.count, 'fact')}: {shown or 'none'}", highlight=False)
            if out.count:
                console.print(f"nothing changed; add --yes to {action} them", highlight=False)
            return
        console.print(f"{verb} {plural(out.count, 'fact')} ({plural(out.count, 'audit entry')}, by {escape(who)})"
                      + (f"; 'ctrack review undo --batch {out.batch}' takes them all back" if out.batch else ""),
                      highlight=False)
        return
    targets = [_ref(r) for r in refs]
    entries = []
    try:
        with session_scope(engine) as s:
            for entity, row_id in targets:
                entries.append(review_service.decide(s, who, entity, row_id, action, comment=comment).entry)
    except CtrackError as exc:
        fail(exc)
    console.print(f"{verb} {', '.join(refs)} (audit entries {', '.join(map(str, entries))}; "
                  f"'ctrack review undo {refs[-1]}' takes the last back)", highlight=False)


_ALL = typer.Option(False, "--all-matching", help="every fact the filters select (a dry run without --yes)")
_YES = typer.Option(False, "--yes", "-y", help="with --all-matching: do it (without: only count)")


@review_app.command("confirm")
def confirm_cmd(refs: Optional[list[str]] = typer.Argument(None, help="TYPE:ID of each fact"),
                comment: Optional[str] = _COMMENT, all_matching: bool = _ALL, yes: bool = _YES,
                document: Optional[str] = typer.Option(None, "--document", "-d", help="with --all-matching: facts from this document"),
                member_state: Optional[str] = _MEMBER_STATE, kind: Optional[list[str]] = _KIND,
                min_confidence: Optional[float] = _MIN, max_confidence: Optional[float] = _MAX,
                db: Optional[str] = _DB, user: Optional[str] = _USER) -> None:
    """Confirm facts (a conflict: apply the document's value; a proposed recommendation: accept it), or
    every fact the filters select with --all-matching (the count first; --yes to do it)."""
    _decide(refs, "confirm", user, comment, db, "confirmed", all_matching, yes,
            _query(document, None, member_state, kind, min_confidence, max_confidence))


@review_app.command("reject")
def reject_cmd(refs: Optional[list[str]] = typer.Argument(None, help="TYPE:ID of each fact"),
               comment: Optional[str] = _COMMENT, all_matching: bool = _ALL, yes: bool = _YES,
               document: Optional[str] = typer.Option(None, "--document", "-d", help="with --all-matching: facts from this document"),
               member_state: Optional[str] = _MEMBER_STATE, kind: Optional[list[str]] = _KIND,
               min_confidence: Optional[float] = _MIN, max_confidence: Optional[float] = _MAX,
               db: Optional[str] = _DB, user: Optional[str] = _USER) -> None:
    """Reject facts: reads and reports leave them out, and a re-ingest does not bring them back; or every
    fact the filters select with --all-matching (the count first; --yes to do it)."""
    _decide(refs, "reject", user, comment, db, "rejected", all_matching, yes,
            _query(document, None, member_state, kind, min_confidence, max_confidence))


@review_app.command("correct")
def correct_cmd(ref: str = typer.Argument(..., help="TYPE:ID of the fact"),
                field: str = typer.Argument(..., help="field to correct, e.g. start, title, name, country, role"),
                value: str = typer.Argument(..., help="the right value ('' to clear)"),
                comment: Optional[str] = _COMMENT, db: Optional[str] = _DB, user: Optional[str] = _USER) -> None:
    """Correct one field of a fact; the old value is kept in the audit log."""
    entity, row_id = _ref(ref)
    engine = open_kb(db)
    try:
        with session_scope(engine) as s:
            out = review_service.decide(s, _user(user), entity, row_id, "correct", field, value, comment)
    except CtrackError as exc:
        fail(exc)
    console.print(f"corrected {ref} {field} (audit entry {out.entry}; 'ctrack review undo {ref}' takes it back)",
                  highlight=False)


add_app = typer.Typer(help="Add a fact the extractor missed: an actor's role in an event, or an event.",
                      no_args_is_help=True)
review_app.add_typer(add_app, name="add")


def _added(out: review_service.ReviewedOut) -> None:
    console.print(f"added {out.ref} (audit entry {out.entry}; 'ctrack review undo {out.ref}' takes it back)",
                  highlight=False)


@add_app.command("role")
def add_role_cmd(event: str = typer.Argument(..., help="TYPE:ID of the event (event:3, or 3)"),
                 actor: str = typer.Argument(..., help="TYPE:ID of the actor (actor:12, or 12)"),
                 role: str = typer.Argument(..., help="organizer, funder, supporter, participant, speaker, chair "
                                                      "or subject"),
                 document: Optional[str] = typer.Option(None, "--document", "-d", help="the document that states it "
                                                        "(id or file name; default: the event's first source)"),
                 evidence: Optional[str] = typer.Option(None, "--evidence", "-e", help="the words of the document "
                                                        "that state it (kept as its evidence span)"),
                 occurrence: int = typer.Option(1, "--occurrence", min=1, help="which match of --evidence (from 1)"),
                 comment: Optional[str] = _COMMENT, db: Optional[str] = _DB, user: Optional[str] = _USER) -> None:
    """Add a role the extractor missed: the actor holds ROLE in the event. Stored confirmed, in the audit log,
    undone with 'ctrack review undo event_role:ID'; 'ctrack train --with-reviewed' learns from it."""
    try:
        body = review_service.AddRoleIn(event_id=audit.parse_ref(event, Entity.EVENT)[1],
                                        actor_id=audit.parse_ref(actor, Entity.ACTOR)[1], role=role.strip().lower(),
                                        document=document, evidence=evidence, occurrence=occurrence, comment=comment)
    except CtrackError as exc:
        fail(exc)
    except ValueError as exc:
        fail(ValueError(f"role {role!r}: one of {', '.join(r.value for r in RoleType)}") if "role" in str(exc)
             else exc)
    _added(_store_addition(review_service.add_role, body, db, user))


def _store_addition(add, body, db: Optional[str], user: Optional[str]):
    """Run the service's ``add`` (:func:`ctrack.service.review.add_role` or ``add_event``) on ``body`` in one
    session of the knowledge base ``db`` as ``user``; returns what it returns. A ctrack error exits through
    :func:`ctrack.cli.kb.fail`."""
    engine = open_kb(db)
    try:
        with session_scope(engine) as s:
            return add(s, _user(user), body)
    except CtrackError as exc:
        fail(exc)


@add_app.command("event")
def add_event_cmd(document: str = typer.Argument(..., help="the document that tells the event (id or file name)"),
                  event_type: str = typer.Argument(..., metavar="TYPE", help="conference, meeting, "
                                                   "assessment_visit, visit, briefing, workshop or launch"),
                  trigger: str = typer.Option(..., "--trigger", "-t", help="the words of the document that tell "
                                              "the event (its evidence), e.g. 'roundtable'"),
                  occurrence: int = typer.Option(1, "--occurrence", min=1, help="which match of --trigger (from 1)"),
                  start: Optional[str] = typer.Option(None, "--start", help="YYYY, YYYY-MM or YYYY-MM-DD"),
                  end: Optional[str] = typer.Option(None, "--end", help="YYYY, YYYY-MM or YYYY-MM-DD (default: start)"),
                  city: Optional[str] = typer.Option(None, "--city"),
                  country: Optional[str] = typer.Option(None, "--country", help="ISO3 or a member state's name"),
                  name: Optional[str] = typer.Option(None, "--name"),
                  status: Optional[str] = typer.Option(None, "--status", help="held (default) or planned"),
                  comment: Optional[str] = _COMMENT, db: Optional[str] = _DB, user: Optional[str] = _USER) -> None:
    """Add an event the extractor missed, as DOCUMENT tells it (then its roles with 'ctrack review add role').
    Stored confirmed, in the audit log, undone with 'ctrack review undo event:ID'."""
    try:
        body = review_service.AddEventIn(document=document, type=event_type.strip().lower(), trigger=trigger,
                                         occurrence=occurrence, start=start, end=end, city=city, country=country,
                                         name=name, status=status.strip().lower() if status else None, comment=comment)
    except ValueError as exc:
        fail(ValueError(f"bad event: type one of {', '.join(t.value for t in EventType)}; status one of "
                        f"{', '.join(s.value for s in EventStatus)} ({str(exc).splitlines()[0]})"))
    _added(_store_addition(review_service.add_event, body, db, user))


@review_app.command("merge")
def merge_cmd(keep: str = typer.Argument(..., help="TYPE:ID of the record to keep"),
              other: str = typer.Argument(..., help="TYPE:ID of the record to merge into it"),
              reason: Optional[str] = typer.Option(None, "--reason", "-m", help="why they are the same"),
              fill: bool = typer.Option(True, "--fill/--no-fill", help="fill empty fields of the kept record"),
              db: Optional[str] = _DB, user: Optional[str] = _USER) -> None:
    """Merge two actors or two events (reversible with 'ctrack review undo')."""
    (e1, keep_id), (e2, other_id) = _ref(keep), _ref(other)
    if e1 is not e2:
        fail(ValueError(f"cannot merge {other} into {keep}: records of different types"))
    engine = open_kb(db)
    try:
        with session_scope(engine) as s:
            d = review_service.merge(s, _user(user), e1, keep_id, other_id, reason=reason, fill=fill)
            moved, left = dedupe.moved_text(d.moves), d.fields.get("left", [])
    except CtrackError as exc:
        fail(exc)
    console.print(f"merged {other} into {keep}: decision {d.id}; {moved}"
                  + (f"; {dedupe.moved_text(left, f'left on {other} (already on {keep})')}" if left else ""),
                  highlight=False)


@review_app.command("split")
def split_cmd(ref: str = typer.Argument(..., help="TYPE:ID of the actor or event to split"),
              documents: list[str] = typer.Option(..., "--document", "-d", help="document (id or file name) whose facts move to the new record"),
              name: Optional[str] = typer.Option(None, "--name", help="name of the new record"),
              reason: Optional[str] = typer.Option(None, "--reason", "-m", help="why"),
              db: Optional[str] = _DB, user: Optional[str] = _USER) -> None:
    """Split what some documents said about an actor or event off into a new record."""
    entity, row_id = _ref(ref)
    engine = open_kb(db)
    try:
        with session_scope(engine) as s:
            doc_ids = [track_repo.find_document(s, d).id for d in documents]
            d = review_service.split(s, _user(user), entity, row_id, doc_ids, name=name, reason=reason)
            moved = dedupe.moved_text(d.moves)
    except CtrackError as exc:
        fail(exc)
    console.print(f"split {ref}: new {entity.value}:{d.other_id}, decision {d.id}; {moved}", highlight=False)


@review_app.command("undo")
def undo_cmd(what: Optional[str] = typer.Argument(None, help="a fact (TYPE:ID, e.g. event:3; its latest confirm, reject, correct or add) "
                                                  "or the id of a merge, split or distinct decision"),
             entry: Optional[int] = typer.Option(None, "--entry", help="the audit entry of the confirm, reject or "
                                                 "correct to undo ('ctrack history TYPE:ID' lists them)"),
             batch: Optional[str] = typer.Option(None, "--batch", help="a bulk confirm or reject (the id "
                                                 "'review confirm|reject --all-matching --yes' printed): undo it all"),
             comment: Optional[str] = _COMMENT, db: Optional[str] = _DB, user: Optional[str] = _USER) -> None:
    """Undo a decision: a fact's latest confirm, reject or correct (or the one of --entry), a whole bulk
    decision (--batch), or a merge or split (references and fields go back, unless changed since, which is
    reported)."""
    engine = open_kb(db)
    if batch is not None:
        try:
            with session_scope(engine) as s:
                done = review_service.undo_batch(s, _user(user), batch, comment=comment)
        except CtrackError as exc:
            fail(exc)
        console.print(f"undid bulk decision {batch}: {plural(len(done), 'fact')} back to "
                      f"{', '.join(sorted({d.state.value for d in done}))}", highlight=False)
        return
    if entry is not None or (what and not what.isdigit()):
        fact = _ref(what) if what else (None, None)
        try:
            with session_scope(engine) as s:
                out = review_service.undo_decision(s, _user(user), fact[0], fact[1], entry=entry, comment=comment)
        except CtrackError as exc:
            fail(exc)
        console.print(f"undid the last decision on {out.ref}: now {out.state.value} (audit entry {out.entry})",
                      highlight=False)
        return
    if not what:
        fail(ValueError("say what to undo: TYPE:ID, a decision id, or --entry N"))
    decision = int(what)
    try:
        with session_scope(engine) as s:
            r = review_service.undo(s, _user(user), decision, comment=comment)
    except CtrackError as exc:
        fail(exc)
    console.print(f"undid decision {decision}: {plural(len(r.restored), 'reference')} and "
                  f"{plural(len(r.fields_restored), 'field')} restored"
                  + (f"; {len(r.kept) + len(r.fields_kept)} changed since, left as they are"
                     if r.kept or r.fields_kept else ""), highlight=False)


@review_app.command("decisions")
def decisions_cmd(ref: Optional[str] = typer.Argument(None, help="TYPE:ID of an actor or event (default: all)"),
                  db: Optional[str] = _DB, as_json: bool = typer.Option(False, "--json", help="print JSON")) -> None:
    """List merge, split and distinct ("not the same") decisions (with the id to give 'ctrack review undo')."""
    engine = open_kb(db)
    with session_scope(engine) as s:
        if ref:
            entity, row_id = _ref(ref)
            rows = track_repo.decisions_for(s, entity, row_id)
        else:
            rows = track_repo.decisions(s)
        data = [{"id": d.id, "kind": d.kind.value, "subject": d.subject.value, "kept": d.kept_id, "other": d.other_id,
                 "user": d.user, "at": d.at.isoformat(), "reason": d.reason, "moved": len(d.moves),
                 "undone_at": d.undone_at.isoformat() if d.undone_at else None} for d in rows]
    if as_json:
        print_json(data)
        return
    table = Table(title=f"Review decisions ({len(data)})", title_justify="left", header_style="bold")
    for col in ("ID", "Kind", "Kept", "Other", "By", "At", "Reason", "Undone"):
        table.add_column(col)
    for d in data:
        table.add_row(str(d["id"]), d["kind"], f"{d['subject']}:{d['kept']}", f"{d['subject']}:{d['other']}", d["user"],
                      d["at"][:16], escape(d["reason"] or ""), (d["undone_at"] or "")[:16])
    console.print(table)


@review_app.command("duplicates")
def duplicates_cmd(
    kind: Optional[str] = typer.Option(None, "--kind", "-k", help="actor or event (default: both)"),
    min_score: float = typer.Option(60.0, "--min-score", min=0.0, max=100.0,
                                    help="only pairs scored at least this (0-100)"),
    limit: int = typer.Option(50, "--limit", "-n", min=1, max=MAX_LIMIT, help="show at most this many pairs"),
    offset: int = typer.Option(0, "--offset", min=0, help="skip this many pairs first"),
    db: Optional[str] = _DB,
    as_json: bool = typer.Option(False, "--json", help="print JSON (a list of pairs with score and reasons)"),
) -> None:
    """List candidate duplicates: actors or events the resolver left apart that look alike, best score
    first, with the reasons. Decide with 'ctrack review merge KEEP OTHER' or 'ctrack review distinct A B'."""
    engine = open_kb(db)
    try:
        with session_scope(engine) as s:
            page = dedupe.candidates(s, kind, min_score=min_score, page=PageParams(limit=limit, offset=offset))
    except CtrackError as exc:
        fail(exc)
    if as_json:
        print_json([c.model_dump(mode="json") for c in page.items])
        return
    if not page.items:
        console.print("no candidate duplicates at this score" if page.total == 0
                      else f"no pairs past --offset {offset}")
    else:
        table = Table(title=f"Candidate duplicates ({page.total}, score ≥ {min_score:g})", title_justify="left",
                      header_style="bold")
        for col in ("Score", "A", "B", "Why"):
            table.add_column(col, overflow="fold")
        for c in page.items:
            table.add_row(f"{c.score:.1f}", escape(f"{c.a.ref} {c.a.label}"), escape(f"{c.b.ref} {c.b.label}"),
                          escape("; ".join(c.reasons)))
        console.print(table)
        console.print(f"[dim]merge: ctrack review merge {page.items[0].a.ref} {page.items[0].b.ref}  ·  "
                      f"not the same: ctrack review distinct {page.items[0].a.ref} {page.items[0].b.ref}[/]",
                      highlight=False)
    if page.total > offset + len(page.items):
        console.print(f"[dim]{page.total - offset - len(page.items)} more: --offset {offset + len(page.items)}[/]")
    if page.skipped_blocks:
        console.print(f"[yellow]{plural(len(page.skipped_blocks), 'block')} too large to compare pair by pair: "
                      f"{escape(', '.join(page.skipped_blocks[:5]))}[/]", highlight=False)


@review_app.command("distinct")
def distinct_cmd(first: str = typer.Argument(..., help="TYPE:ID of an actor or event"),
                 second: str = typer.Argument(..., help="TYPE:ID of the other one"),
                 reason: Optional[str] = typer.Option(None, "--reason", "-m", help="why they are not the same"),
                 db: Optional[str] = _DB, user: Optional[str] = _USER) -> None:
    """Record that two actors or events are not the same: the pair is no longer proposed as a duplicate
    (reversible with 'ctrack review undo DECISION')."""
    (e1, a_id), (e2, b_id) = _ref(first), _ref(second)
    if e1 is not e2:
        fail(ValueError(f"{first} and {second} are records of different types"))
    engine = open_kb(db)
    try:
        with session_scope(engine) as s:
            d = dedupe.not_same(s, _user(user), e1, a_id, b_id, reason=reason)
    except CtrackError as exc:
        fail(exc)
    console.print(f"{escape(d.summary)} Decision {d.id}; 'ctrack review undo {d.id}' takes it back.", highlight=False)


@app.command("history")
def history_cmd(ref: str = typer.Argument(..., help="TYPE:ID of a record (actor:12, event:3, rec:7, …)"),
                db: Optional[str] = _DB, as_json: bool = typer.Option(False, "--json", help="print JSON")) -> None:
    """Show the audit trail of a record: who changed what, when, before and after, and why."""
    entity, row_id = _ref(ref)
    engine = open_kb(db)
    try:
        with session_scope(engine) as s:
            lines = audit.history(s, entity, row_id)
    except CtrackError as exc:
        fail(exc)
    if as_json:
        print_json([line.to_json() for line in lines])
        return
    table = Table(title=f"History of {ref} ({plural(len(lines), 'entry')})", title_justify="left", header_style="bold")
    for col in ("When", "Who", "Action", "Record", "Before", "After", "Comment"):
        table.add_column(col, overflow="fold")
    for line in lines:
        before, after = _changes(line.before, line.after)
        table.add_row(f"{line.at:%Y-%m-%d %H:%M}", escape(line.user), line.action, line.entity,
                      escape(before), escape(after), escape(line.comment or ""))
    console.print(table)


def _fmt(value: object, limit: int = 60) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _changes(before: dict | None, after: dict | None) -> tuple[str, str]:
    """Before/after columns: only the keys that differ, or the non-empty values of a one-sided entry."""
    if before and after:
        keys = [k for k in dict.fromkeys([*before, *after]) if before.get(k) != after.get(k)]
        return ("\n".join(f"{k}: {_fmt(before.get(k))}" for k in keys if k in before),
                "\n".join(f"{k}: {_fmt(after.get(k))}" for k in keys if k in after))
    side = before or after or {}
    text = "\n".join(f"{k}: {_fmt(v)}" for k, v in side.items() if v not in (None, [], {}))
    return (text, "") if before else ("", text)

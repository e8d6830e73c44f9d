"""``ctrack ingest PATH…``: read, extract and store documents in the knowledge base.

Pipeline per file: :func:`ctrack.ingest.read` → :func:`ctrack.extract.extract`
→ :func:`ctrack.store.repo.save_document`, each document stored in its own
transaction. A file that cannot be read, extracted or stored is reported by
name with the reason and skipped; the batch goes on, and the exit code is 1
when any file failed.

Reading and extraction (:mod:`ctrack.pipeline`) go in batches through
:func:`ctrack.extract.extract_many` (one ``nlp.pipe`` per batch). With
``--workers N`` (N > 1) the batches run in N worker processes, each building
the extractor once, and this process stores the results in input order as
they come, with a bounded number of batches in flight. With ``--scheduler
tcp://HOST:8786`` (a running Dask cluster, possibly of other machines) or
``--dask-local N`` (N local Dask worker processes) the batches run as Dask
tasks instead (:mod:`ctrack.cluster`: the files' bytes are sent, each worker
builds the extractor once, Dask retries failed tasks) and this process
stores the results the same way. The three options are exclusive.

Every run is written to the audit log as an import under ``--user``
(default ``$CTRACK_USER`` or the login name): the import is opened before
the first document (:func:`ctrack.track.audit.start_ingest`), each stored
document gets its own entry in the transaction that stores it
(:func:`ctrack.track.audit.record_document_import`), so that even a run
ended by ``kill -9`` leaves a log that matches the knowledge base, and the
run's totals (ids stored, files failed, number already stored) close it.
SIGTERM is handled like Ctrl-C: the document being stored is rolled back
and the totals are written.

Several ingests may run at once on one knowledge base
(:func:`ctrack.store.repo.save_document` stores one document at a time and
claims each by its sha256): a file that another run is storing, or stored
while this one was reading it, is reported as ``skipped`` with that reason,
not as failed. A store that fails on a lock or unique-key race is retried.
"""
from __future__ import annotations

import hashlib
import signal
import time
from collections import Counter
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table
from sqlalchemy.exc import IntegrityError, OperationalError, SQLAlchemyError

from ctrack.cli.app import DB_OPTION_HELP, app, console, err
from ctrack.cli.kb import EXIT_INPUT, EXIT_STORE, fail, open_kb, print_json
from ctrack.errors import ClusterError, CtrackError, IngestError
from ctrack.ingest.language import extracted
from ctrack.pipeline import Outcome, error_outcome, outcomes as read_and_extract
from ctrack.store import repo
from ctrack.store.db import session_scope, write_lock
from ctrack.wording import plural


@dataclass
class Summary:
    """Totals of one ingest run."""

    new: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    failed: list[dict] = field(default_factory=list)
    skipped: list[dict] = field(default_factory=list)
    document_ids: list[int] = field(default_factory=list)
    #: language (ISO 639-1) -> new documents in it
    languages: dict[str, int] = field(default_factory=dict)
    #: new documents stored but not extracted, their language not read by extraction
    not_extracted: list[dict] = field(default_factory=list)


def collect_files(paths: list[Path]) -> tuple[list[str], list[Outcome]]:
    """The files to ingest under ``paths`` (each once) and an error outcome for each missing path."""
    from ctrack.ingest import iter_files

    files: list[str] = []
    seen: set[Path] = set()
    missing: list[Outcome] = []
    for p in paths:
        try:
            for f in iter_files([p]):
                key = f.resolve()
                if key not in seen:
                    seen.add(key)
                    files.append(str(f))
        except IngestError as exc:
            missing.append(error_outcome(str(p), exc))
    return files, missing


@app.command("ingest")
def ingest_cmd(
    paths: list[Path] = typer.Argument(..., help="files and folders to ingest (txt, html, pdf, docx, eml)"),
    db: Optional[str] = typer.Option(None, "--db", help=DB_OPTION_HELP),
    workers: int = typer.Option(1, "--workers", "-w", min=1, help="processes for reading and extraction"),
    as_json: bool = typer.Option(False, "--json", help="print the summary as JSON"),
    user: Optional[str] = typer.Option(None, "--user",
                                       help="who imports (audit log; default: $CTRACK_USER or the login name)"),
    scheduler: Optional[str] = typer.Option(
        None, "--scheduler", help="read and extract on the Dask cluster of this scheduler (tcp://HOST:8786); "
        "this process stores"),
    dask_local: Optional[int] = typer.Option(
        None, "--dask-local", min=1, help="read and extract on a Dask cluster of N local worker processes"),
) -> None:
    """Read, extract and store documents; report bad files and go on. The run is logged as an import."""
    if sum((workers > 1, scheduler is not None, dask_local is not None)) > 1:
        fail(ValueError("--workers, --scheduler and --dask-local are exclusive: choose one"))
    engine = open_kb(db)
    who = _who(user)
    with ExitStack() as stack:
        client = None
        if scheduler is not None or dask_local is not None:
            from ctrack.cluster import connect

            try:  # before the import is logged: a cluster that cannot be used stores nothing
                client = stack.enter_context(connect(scheduler, dask_local))
            except ClusterError as exc:
                fail(exc, EXIT_STORE)
        transfer_id = _start_import(engine, paths, who)
        summary = Summary()
        interrupted = False
        with _sigterm_as_interrupt():
            try:
                files, failed = collect_files(paths)
                for o in failed:
                    _report_failure(o, summary)
                files = _skip_stored(engine, files, summary, quiet=as_json)
                show_bar = console.is_terminal and not as_json and len(files) > 1
                progress = Progress(TextColumn("[progress.description]{task.description}"), BarColumn(),
                                    MofNCompleteColumn(), TimeRemainingColumn(), console=console, transient=True,
                                    disable=not show_bar)
                with progress:
                    if client is not None:  # batches as the cluster finishes them (Dask's as_completed)
                        from ctrack.cluster import outcomes as on_cluster

                        extracting = progress.add_task("extracted on the cluster", total=len(files))
                        outcomes = on_cluster(files, client,
                                              on_extracted=lambda n: progress.advance(extracting, n))
                    else:
                        outcomes = read_and_extract(files, workers)
                    task = progress.add_task("ingesting", total=len(files))
                    for outcome in outcomes:
                        _store(engine, outcome, summary, quiet=as_json, printer=progress.console,
                               who=who, transfer_id=transfer_id)
                        progress.advance(task)
            except KeyboardInterrupt:
                interrupted = True
                raise
            finally:
                closed = _finish_import(engine, transfer_id, summary, interrupted)
    with session_scope(engine) as s:
        kb = repo.counts(s)
        kb_languages = repo.documents_by_language(s)
    if as_json:
        print_json({"documents": {"new": len(summary.new), "unchanged": len(summary.unchanged),
                                  "skipped": len(summary.skipped), "failed": len(summary.failed)},
                    "new": summary.new, "unchanged": summary.unchanged, "skipped": summary.skipped,
                    "failed": summary.failed, "languages": summary.languages,
                    "not_extracted": summary.not_extracted, "document_ids": summary.document_ids,
                    "transfer": transfer_id, "knowledge_base": kb, "knowledge_base_languages": kb_languages})
    else:
        table = Table(title="Ingest summary", title_justify="left", show_header=False)
        table.add_column(style="bold")
        table.add_column(justify="right")
        table.add_row("documents new", str(len(summary.new)))
        table.add_row("documents unchanged", str(len(summary.unchanged)))
        if summary.skipped:
            table.add_row("documents skipped (another ingest)", str(len(summary.skipped)))
        table.add_row("documents failed", str(len(summary.failed)), style="red" if summary.failed else None)
        if summary.languages:
            table.add_row("new documents by language", language_list(summary.languages))
        if summary.not_extracted:
            table.add_row("stored, not extracted (language)",
                          f"{len(summary.not_extracted)}: "
                          + language_list(Counter(d["language"] for d in summary.not_extracted)),
                          style="yellow")
        table.add_row("actors in the knowledge base", str(kb.actors))
        table.add_row("events in the knowledge base", str(kb.events))
        table.add_row("documents in the knowledge base", str(kb.documents))
        if set(kb_languages) - {"en"}:
            table.add_row("… by language", language_list(kb_languages))
        table.add_row("audit log", f"transfer:{transfer_id}")
        console.print(table)
    if not closed:
        raise typer.Exit(EXIT_STORE)
    if summary.failed:
        raise typer.Exit(EXIT_INPUT)


def language_list(counts: dict[str, int]) -> str:
    """``{"en": 20, "fr": 1}`` -> "en 20, fr 1" (most documents first; English names in brackets for others)."""
    from ctrack.ingest.language import language_name

    return ", ".join(f"{lang} {n}" + ("" if lang == "en" else f" ({language_name(lang)})")
                     for lang, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))


@contextmanager
def _sigterm_as_interrupt():
    """While the block runs, SIGTERM raises KeyboardInterrupt, as Ctrl-C does (so ``finally`` blocks log the
    run). Only in the main thread, where Python lets a handler be set; the old handler comes back after."""
    def interrupt(signum, _frame):
        raise KeyboardInterrupt(f"signal {signum}")

    try:
        previous = signal.signal(signal.SIGTERM, interrupt)
    except ValueError:  # not the main thread
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _who(user: str | None) -> str:
    from ctrack.track import audit

    return (user or audit.default_user())[:120]


def _logged_write(engine, write):
    """Run ``write(session)`` in one transaction that holds the knowledge base's write lock from its start
    (:func:`ctrack.store.db.write_lock`); returns what ``write`` returns.

    Another ingest may commit between a deferred transaction's first read and its first write; SQLite then
    refuses the write at once ("database is locked", without waiting for the busy timeout: the reader's
    snapshot is stale). Taking the lock first makes SQLite wait instead; a write that still loses (the busy
    timeout passed) is tried again up to :data:`STORE_ATTEMPTS` times, as :func:`_save_logged` does.
    Raises the last :class:`sqlalchemy.exc.OperationalError` when every attempt failed.
    """
    for attempt in range(1, STORE_ATTEMPTS + 1):
        try:
            with session_scope(engine) as s:
                write_lock(s)
                return write(s)
        except OperationalError:
            if attempt == STORE_ATTEMPTS:
                raise
            time.sleep(0.05 * attempt)
    raise AssertionError("unreachable")


def _start_import(engine, paths: list[Path], who: str) -> int:
    """Open the run's import in the audit log (committed now); returns its transfer id. Exits 2 when it
    cannot be written: nothing is stored without a log."""
    from ctrack.track import audit

    try:
        return _logged_write(engine, lambda s: audit.start_ingest(s, who, path=", ".join(str(p) for p in paths)).id)
    except SQLAlchemyError as exc:
        err.print(f"[bold red]error[/] cannot write the import to the audit log: {exc}", highlight=False)
        raise typer.Exit(EXIT_STORE) from exc


def _finish_import(engine, transfer_id: int, summary: Summary, interrupted: bool) -> bool:
    """Write the run's totals to its import (:func:`ctrack.track.audit.finish_ingest`); False (after saying
    why) when that fails. Files skipped because another run stored them count as unchanged."""
    from ctrack.track import audit

    try:
        _logged_write(engine, lambda s: audit.finish_ingest(
            s, transfer_id, document_ids=list(summary.document_ids),
            failed=[(f["path"], f"[{f['code']}] {f['error']}") for f in summary.failed],
            unchanged=len(summary.unchanged) + len(summary.skipped),
            comment="interrupted" if interrupted else None))
        return True
    except SQLAlchemyError as exc:
        err.print(f"[bold red]error[/] cannot write the import to the audit log: {exc}", highlight=False)
        return False


def _skip_stored(engine, files: list[str], summary: Summary, quiet: bool) -> list[str]:
    """Files whose bytes are not stored yet; the others count as unchanged without being read again."""
    from ctrack.ingest.limits import read_file_bytes

    digests: dict[str, str] = {}
    for f in files:
        try:  # regular files under the size cap only: a FIFO or /dev/zero is not read here
            digests[f] = hashlib.sha256(read_file_bytes(f)).hexdigest()
        except IngestError:
            pass  # read() reports it with its reason
    with session_scope(engine) as s:
        stored = repo.stored_hashes(s, digests.values())
    todo = []
    for f in files:
        if digests.get(f) in stored:
            summary.unchanged.append(f)
            if not quiet:
                console.print(f"[dim]unchanged[/] {f}", highlight=False)
        else:
            todo.append(f)
    return todo


def _report_failure(outcome: Outcome, summary: Summary) -> None:
    summary.failed.append({"path": outcome.path, "code": outcome.code, "error": outcome.error})
    err.print(f"[bold red]failed[/] {outcome.path}: [{outcome.code}] {outcome.error}", highlight=False)


#: How many times a document is stored again after losing a race with another writer (lock timeout, unique key).
STORE_ATTEMPTS = 4


def _save_logged(engine, outcome: Outcome, who: str, transfer_id: int):
    """Store one document and its audit entry in one transaction; returns the :class:`SaveResult`.

    A lost race with another writer (SQLite "database is locked" after the
    busy timeout, a unique key taken meanwhile) rolls back and tries again,
    up to :data:`STORE_ATTEMPTS` times; the new attempt re-reads the
    knowledge base and merges into what the other writer stored.
    """
    from ctrack.track import audit

    for attempt in range(1, STORE_ATTEMPTS + 1):
        try:
            with session_scope(engine) as s:
                result = repo.save_document(s, outcome.document, outcome.record)
                if result.status == "new":
                    audit.record_document_import(s, who, transfer_id, result.document_id, path=outcome.path,
                                                 sha256=outcome.document.sha256, doc_key=result.doc_key)
                return result
        except (IntegrityError, OperationalError):
            if attempt == STORE_ATTEMPTS:
                raise
            time.sleep(0.05 * attempt)
    raise AssertionError("unreachable")


def _store(engine, outcome: Outcome, summary: Summary, quiet: bool, printer, who: str, transfer_id: int) -> None:
    if outcome.error is not None or outcome.document is None or outcome.record is None:
        _report_failure(outcome, summary)
        return
    try:
        result = _save_logged(engine, outcome, who, transfer_id)
    except (CtrackError, SQLAlchemyError) as exc:
        reason = f"{type(exc).__name__}: {getattr(exc, 'orig', None) or exc}".splitlines()[0]
        _report_failure(error_outcome(outcome.path, exc) if isinstance(exc, CtrackError) else
                        Outcome(outcome.path, error=f"cannot store: {reason}", code="E010"), summary)
        return
    if result.status == "busy":
        summary.skipped.append({"path": outcome.path, "reason": "another ingest is storing the same file"})
        line = f"[yellow]skipped[/] {outcome.path}: another ingest is storing the same file"
    elif result.status == "unchanged" and result.document_id not in summary.document_ids:
        # not stored when this run began (see _skip_stored): another run stored it while this one read it
        summary.skipped.append({"path": outcome.path, "reason": "another ingest stored the same file meanwhile",
                                "document_id": result.document_id})
        line = f"[yellow]skipped[/] {outcome.path}: another ingest stored the same file meanwhile"
    elif result.status == "unchanged":
        summary.unchanged.append(outcome.path)
        line = f"[dim]unchanged[/] {outcome.path}"
    else:
        summary.new.append(outcome.path)
        summary.document_ids.append(result.document_id)
        lang = outcome.document.language
        summary.languages[lang] = summary.languages.get(lang, 0) + 1
        if not extracted(lang):
            summary.not_extracted.append({"path": outcome.path, "language": lang})
            line = (f"[green]new[/] {outcome.path}: language {lang}; stored and searchable, "
                    "not extracted (extraction reads English)")
        else:
            line = (f"[green]new[/] {outcome.path}: {plural(result.actors_created, 'new actor')}, "
                    f"{result.actors_merged} merged; {plural(result.events_created, 'new event')}, "
                    f"{result.events_merged} merged"
                    + (f"; {plural(result.conflicts, 'conflict')}" if result.conflicts else ""))
    if not quiet:
        printer.print(line, highlight=False)

"""The append-only audit log: who changed what, when, from which value to which, and why.

Every change the review and tracking workflow makes goes through
:func:`record`; every import and export through :func:`open_transfer` / :func:`close_transfer`,
which names the records it touched. Entries are never updated or deleted
(the ORM and database triggers refuse, see
:class:`ctrack.store.track_models.DbAuditEntry`). :func:`history` gathers
what happened to one record: its own entries, the merge/split decisions it
took part in, its field corrections and the imports/exports that touched it.

References on the command line are ``TYPE:ID`` (``actor:12``, ``event:3``,
``rec:7``); :func:`parse_ref` reads them.
"""
from __future__ import annotations

import datetime as dt
import getpass
import os
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from ctrack.errors import CtrackError
from ctrack.store import track_repo as repo
from ctrack.store.track_models import Action, DbAuditEntry, DbTransfer, Entity

#: Short names accepted in ``TYPE:ID`` references, besides the entity values themselves.
ALIASES = {
    "role": Entity.EVENT_ROLE, "title": Entity.PERSON_TITLE, "rec": Entity.RECOMMENDATION,
    "recommendation": Entity.RECOMMENDATION, "doc": Entity.DOCUMENT, "act": Entity.ACTIVITY,
}


class BadReference(CtrackError):
    """A ``TYPE:ID`` reference that cannot be read."""

    code = "E030"


def default_user() -> str:
    """The user the audit log records when ``--user`` is not given: ``$CTRACK_USER``, else the OS login, else "unknown"."""
    env = os.environ.get("CTRACK_USER")
    if env:
        return env
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no login name (container without passwd entry)
        return "unknown"


def parse_ref(text: str, default: Entity | None = None) -> tuple[Entity, int]:
    """``"actor:12"`` → ``(Entity.ACTOR, 12)``; a bare number needs ``default``. Raises :class:`BadReference`."""
    raw = text.strip()
    kind, sep, num = raw.partition(":")
    if not sep:
        kind, num = "", raw
    if not num.strip().isdigit():
        raise BadReference(f"bad reference {text!r}: expected TYPE:ID, e.g. actor:12, event:3, rec:7")
    if not kind:
        if default is None:
            raise BadReference(f"bad reference {text!r}: say which kind of record, e.g. actor:{num} or event:{num}")
        return default, int(num)
    key = kind.strip().lower()
    entity = ALIASES.get(key)
    if entity is None:
        try:
            entity = Entity(key)
        except ValueError:
            names = ", ".join(sorted({e.value for e in Entity} | set(ALIASES)))
            raise BadReference(f"bad reference {text!r}: unknown record type {kind!r} (known: {names})") from None
    return entity, int(num)


def ref(entity: Entity, row_id: int | None) -> str:
    """The ``TYPE:ID`` text of a record."""
    return f"{entity.value}:{row_id}"


def record(session: Session, user: str, action: Action, entity: Entity, entity_id: int | None, *,
           before: dict[str, Any] | None = None, after: dict[str, Any] | None = None, comment: str | None = None,
           transfer_id: int | None = None, decision_id: int | None = None) -> DbAuditEntry:
    """Append one entry to the audit log and return it. ``before``/``after`` are JSON-safe dicts."""
    return repo.add_audit(session, user=user, action=action, entity=entity, entity_id=entity_id, before=before,
                          after=after, comment=comment, transfer_id=transfer_id, decision_id=decision_id)


def open_transfer(session: Session, user: str, direction: Action, *, path: str, format: str) -> DbTransfer:
    """Start the log row of an import or export (``direction`` ``Action.IMPORT``/``Action.EXPORT``); returns it.

    Records created by the import can then name it (``transfer_id``);
    :func:`close_transfer` fills in the counts and writes the audit entry.
    """
    return repo.add_transfer(session, DbTransfer(direction=direction, path=path, format=format, user=user))


def close_transfer(session: Session, transfer: DbTransfer, *, rows: int, record_ids: list[int], loaded: int = 0,
                   skipped: int = 0, errors: list[tuple[int, str]] | None = None,
                   comment: str | None = None) -> DbAuditEntry:
    """Finish an import/export log row and append its audit entry, which lists the records it touched.

    ``after`` of the entry: path, format, row counts, ``records`` (ids) and
    ``errors`` (``[line, reason]`` of rejected rows). Returns the entry.
    """
    bad = [list(e) for e in (errors or [])]
    transfer.rows, transfer.loaded, transfer.skipped = rows, loaded, skipped
    transfer.errors, transfer.record_ids = bad, list(record_ids)
    session.flush()
    return record(session, transfer.user, transfer.direction, Entity.TRANSFER, transfer.id,
                  transfer_id=transfer.id, comment=comment,
                  after={"path": transfer.path, "format": transfer.format, "rows": rows, "loaded": loaded,
                         "skipped": skipped, "records": list(record_ids), "errors": bad})


def record_ingest(session: Session, user: str, *, path: str, document_ids: list[int],
                  failed: list[tuple[str, str]] | None = None, unchanged: int = 0) -> DbAuditEntry:
    """Log an ingest of documents as an import (format ``docs``) with the ids of the documents it stored.

    ``failed`` lists ``(file, reason)`` of the files that could not be read;
    ``unchanged`` counts files already stored. Returns the audit entry.
    """
    transfer = open_transfer(session, user, Action.IMPORT, path=path, format="docs")
    bad = [(0, f"{name}: {reason}") for name, reason in (failed or [])]
    return close_transfer(session, transfer, rows=len(document_ids) + unchanged + len(bad), record_ids=document_ids,
                          loaded=len(document_ids), skipped=unchanged, errors=bad)


def start_ingest(session: Session, user: str, *, path: str) -> DbTransfer:
    """Open the import (format ``docs``) of an ingest run before it stores anything; returns its transfer row.

    Commit it at once: each document then gets its own audit entry in the
    transaction that stores it (:func:`record_document_import`), so a run
    ended by anything, ``kill -9`` included, leaves a log that matches the
    knowledge base. :func:`finish_ingest` writes the run's totals.
    """
    return open_transfer(session, user, Action.IMPORT, path=path, format="docs")


def record_document_import(session: Session, user: str, transfer_id: int, document_id: int, *, path: str,
                           sha256: str, doc_key: str) -> DbAuditEntry:
    """The audit entry of one stored document (``import`` of ``document:ID`` under the run's transfer).

    Call it in the transaction that stores the document, so that the two are
    committed (or lost) together.
    """
    return record(session, user, Action.IMPORT, Entity.DOCUMENT, document_id, transfer_id=transfer_id,
                  after={"path": path, "sha256": sha256, "doc_key": doc_key})


def finish_ingest(session: Session, transfer_id: int, *, document_ids: list[int],
                  failed: list[tuple[str, str]] | None = None, unchanged: int = 0,
                  comment: str | None = None) -> DbAuditEntry:
    """Close the import opened by :func:`start_ingest` with the run's totals, as :func:`record_ingest` logs them."""
    transfer = session.get(DbTransfer, transfer_id)
    bad = [(0, f"{name}: {reason}") for name, reason in (failed or [])]
    return close_transfer(session, transfer, rows=len(document_ids) + unchanged + len(bad), record_ids=document_ids,
                          loaded=len(document_ids), skipped=unchanged, errors=bad, comment=comment)


def record_report(session: Session, user: str, *, path: str, event_ids: list[int],
                  recommendation_ids: list[int], scope: str) -> DbAuditEntry:
    """Log a written briefing as an export (format ``html``): the events and recommendations it shows."""
    transfer = open_transfer(session, user, Action.EXPORT, path=path, format="html")
    entry = close_transfer(session, transfer, rows=len(event_ids), record_ids=event_ids, loaded=len(event_ids),
                           comment=f"briefing: {scope}; recommendations {recommendation_ids}")
    return entry


@dataclass
class HistoryLine:
    """One line of a record's history: when, who, what (``action``), the record, before/after and the comment."""

    at: dt.datetime
    user: str
    action: str
    entity: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    comment: str | None
    entry_id: int | None = None

    def to_json(self) -> dict[str, Any]:
        """A JSON-safe dict of the line."""
        return {"at": self.at.isoformat(), "user": self.user, "action": self.action, "entity": self.entity,
                "before": self.before, "after": self.after, "comment": self.comment, "entry": self.entry_id}


def history(session: Session, entity: Entity, entity_id: int) -> list[HistoryLine]:
    """Everything the audit log knows about one record, oldest first.

    Its own entries; the entries of the merge/split decisions it took part
    in (so the record merged away shows the merge too); and, for a
    recommendation, the imports and exports that touched it. Raises
    :class:`ctrack.errors.NotFound` when the record does not exist and the
    log has nothing about it.
    """
    entries = {e.id: e for e in repo.audit_entries(session, entity, entity_id)}
    if entity in (Entity.ACTOR, Entity.EVENT):
        decisions = [d.id for d in repo.decisions_for(session, entity, entity_id)]
        entries.update({e.id: e for e in repo.entries_of_decisions(session, decisions)})
    if entity is Entity.RECOMMENDATION:
        for t in repo.transfers_touching(session, entity_id):
            entries.update({e.id: e for e in repo.audit_entries(session, Entity.TRANSFER, t.id)})
    if not entries:
        repo.get(session, entity, entity_id)  # raises NotFound for an unknown record
    return [HistoryLine(at=e.at, user=e.user, action=e.action.value, entity=ref(e.entity_type, e.entity_id),
                        before=e.before, after=e.after, comment=e.comment, entry_id=e.id)
            for e in sorted(entries.values(), key=lambda e: (e.at, e.id))]

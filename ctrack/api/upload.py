"""Ingest of uploaded files: the same pipeline as ``ctrack ingest``, one file at a time.

:func:`ingest_upload` runs :func:`ctrack.ingest.read` on the bytes (written
under their own file name in a private temporary folder, since the reader
goes by the suffix and the document id is the file stem), then
:func:`ctrack.extract.extract`, then :func:`ctrack.store.repo.save_document`
and :func:`ctrack.store.search.index_document`, in one transaction per file.
A file that cannot be read is reported with its error code and message and
nothing is stored for it; the other files of a batch go on.
"""
from __future__ import annotations

import logging
import tempfile
from pathlib import Path
from typing import Literal

from pydantic import BaseModel
from sqlalchemy import Engine

from ctrack.errors import CtrackError, IngestError
from ctrack.safety import safe_filename
from ctrack.store import repo, search
from ctrack.store.db import session_scope

log = logging.getLogger(__name__)


class UploadResult(BaseModel):
    """What happened to one uploaded file.

    ``status``: ``new`` (stored), ``unchanged`` (the same bytes were stored
    before), ``busy`` (another upload or ingest is storing the same bytes right
    now; send it again later) or ``failed`` (``code`` and ``error`` say why;
    nothing stored).
    ``events``/``actors``: events and actors of the record, created or merged.
    """

    filename: str
    status: Literal["new", "unchanged", "busy", "failed"]
    document_id: int | None = None
    doc_key: str | None = None
    title: str | None = None
    events: int = 0
    actors: int = 0
    code: str | None = None
    error: str | None = None


def ingest_upload(engine: Engine, filename: str, data: bytes, user: str | None = None) -> UploadResult:
    """Read, extract and store one uploaded file; never raises for bad input.

    ``filename`` is the name the browser or client gave, made safe by
    :func:`ctrack.safety.safe_filename` (folders, control characters and
    leading dots dropped, at most 255 bytes); ``data`` the file's bytes; ``user`` who uploaded it (kept in
    the document's ``path`` as ``upload:<user>/<file name>``). Returns an
    :class:`UploadResult`.
    """
    name = safe_filename(filename, default="")
    if not name:
        return UploadResult(filename=filename or "", status="failed", code=IngestError.code,
                            error="the file has no name")
    try:
        from ctrack import ingest
        from ctrack.pipeline import extract_document

        with tempfile.TemporaryDirectory(prefix="ctrack-upload-") as folder:
            path = Path(folder) / name
            path.write_bytes(data)
            document = ingest.read(path)
        document = document.model_copy(update={"path": f"upload:{user + '/' if user else ''}{name}"})
        record = extract_document(document)  # English only through the extractor; others stored as they are
        with session_scope(engine) as session:
            saved = repo.save_document(session, document, record)
            if saved.status == "new":
                search.index_document(session, saved.document_id)
    except CtrackError as exc:
        return UploadResult(filename=name, status="failed", code=exc.code,
                            error=getattr(exc, "message", str(exc)))
    except Exception as exc:  # a bug must not stop the batch; it is logged with its traceback
        log.exception("upload of %s failed", name)
        return UploadResult(filename=name, status="failed", code="E999", error=f"internal error: {exc}")
    return UploadResult(
        filename=name, status=saved.status, document_id=saved.document_id, doc_key=saved.doc_key,
        title=document.title, events=saved.events_created + saved.events_merged,
        actors=saved.actors_created + saved.actors_merged)


__all__ = ["UploadResult", "ingest_upload"]

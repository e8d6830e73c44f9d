"""``/api/v1/documents``: list, get (text with every mention's offsets), upload (the ingest pipeline)."""
from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Depends, File, HTTPException, Query, Request, UploadFile
from sqlalchemy.orm import Session

from ctrack.api.deps import Principal, analyst, get_db, viewer
from ctrack.api.paging import Page, PageParams, page_params
from ctrack.api.upload import UploadResult, ingest_upload
from ctrack.service import documents as service
from ctrack.track import audit
from ctrack.store.db import session_scope
from ctrack.store.web_repo import DocumentDetail, DocumentSummary

router = APIRouter(tags=["documents"])

@router.get("/documents", response_model=Page[DocumentSummary], summary="List documents")
def list_documents(
    q: str | None = Query(None, description="part of the title or file name"),
    since: dt.date | None = Query(None, description="published on or after (YYYY-MM-DD)"),
    until: dt.date | None = Query(None, description="published on or before (YYYY-MM-DD)"),
    sort: str | None = Query(None, description=f"one of {', '.join(service.SORTS)}; '-' first for descending"),
    page: PageParams = Depends(page_params),
    db: Session = Depends(get_db), _: Principal = Depends(viewer),
):
    """Stored documents, in the order they were ingested unless ``sort`` says otherwise; filtered, counted
    and paged in the database (``after``: keyset paging with ``next_cursor``)."""
    return service.list_documents(db, q=q, since=since, until=until, sort=sort, page=page)


@router.get("/documents/{document_id}", response_model=DocumentDetail, summary="Get a document")
def get_document(document_id: int, db: Session = Depends(get_db), _: Principal = Depends(viewer)):
    """A document with its text, every mention (character offsets into ``text`` and what each supports)
    and the events it reports."""
    return service.get_document(db, document_id)


@router.post("/documents", response_model=list[UploadResult], summary="Upload documents (ingest)")
def upload_documents(request: Request, files: list[UploadFile] = File(..., description=".txt, .html, .pdf, .docx"),
                     who: Principal = Depends(analyst)):
    """Ingest the uploaded files like ``ctrack ingest``: each is read, extracted and stored in its own
    transaction; a file that fails is reported (``status: failed`` with ``code`` and ``error``) and the
    others go on. The upload is written to the audit log as an import under the account's name, with
    the documents it stored and the files that failed. Needs the analyst role."""
    settings = request.app.state.settings
    results = []
    for upload in files:
        data = upload.file.read(settings.max_upload_bytes + 1)
        if len(data) > settings.max_upload_bytes:
            results.append(UploadResult(filename=upload.filename or "", status="failed", code="E001",
                                        error=f"larger than {settings.max_upload_bytes} bytes"))
            continue
        results.append(ingest_upload(request.app.state.engine, upload.filename or "", data, user=who.name))
    if not results:
        raise HTTPException(422, "no file uploaded")
    with session_scope(request.app.state.engine) as session:
        audit.record_ingest(
            session, who.name, path="upload:" + ", ".join(r.filename for r in results),
            document_ids=[r.document_id for r in results if r.status == "new"],
            failed=[(r.filename, f"[{r.code}] {r.error}") for r in results if r.status == "failed"],
            unchanged=sum(1 for r in results if r.status == "unchanged"))
    return results

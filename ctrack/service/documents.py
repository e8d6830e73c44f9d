"""Documents: the filtered, paged document list (``/api/v1/documents``, ``/documents``) and one document
with its text and every mention (``/api/v1/documents/{id}``, ``/documents/{id}``)."""
from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from ctrack.errors import BadQuery
from ctrack.service.paging import Page, PageParams, check_page, parse_sort
from ctrack.store import web_repo
from ctrack.store.web_repo import DocumentDetail, DocumentSummary

#: Sort keys of the document list (default: id, the order of ingest).
SORTS = web_repo.DOCUMENT_SORTS


def list_documents(db: Session, q: str | None = None, since: dt.date | None = None, until: dt.date | None = None,
                   sort: str | None = None, page: PageParams | None = None) -> Page[DocumentSummary]:
    """One page of the stored documents, in the order they were ingested unless ``sort`` says otherwise.

    ``q`` is part of the title or file name; ``since``/``until`` bound the
    stated publication day. Filtered, sorted, counted and paged in SQL
    (keyset with ``page.after``). Raises :class:`BadQuery` for an unknown sort key or a bad cursor.
    """
    page = check_page(page)
    key, descending = parse_sort(sort, list(SORTS))
    try:
        rows, total, cursor = web_repo.page_documents(db, q=q, since=since, until=until, sort=key,
                                                      descending=descending, limit=page.limit, offset=page.offset,
                                                      after=page.after)
    except ValueError as exc:
        raise BadQuery(str(exc)) from None
    return Page[DocumentSummary](items=rows, total=total, limit=page.limit, offset=page.offset, next_cursor=cursor)


def get_document(db: Session, document_id: int) -> DocumentDetail:
    """A document with its text, every mention and the events it reports. Raises :class:`NotFound`."""
    return web_repo.get_document(db, document_id)


__all__ = ["SORTS", "list_documents", "get_document"]

"""E-mail reader (``.eml``): the message body as a document, each attachment as a document of its own.

Parsed with the standard library (:mod:`email`, ``policy.default``: RFC 5322
with MIME, encoded words and transfer encodings decoded). The body is the
``text/plain`` part, or failing that the ``text/html`` part read like a web
page; its title is the Subject and its publication date the Date header.
Attachments (parts with a file name, inline or not) in a format ingest reads
are returned as ``(file name, bytes)`` for :func:`ctrack.ingest.read_all`,
which reads each with its own reader and records the message as its
provenance (sender, date, subject); attachments in other formats (images,
spreadsheets) are listed in :attr:`Message.skipped`.
"""
from __future__ import annotations

import datetime as dt
import email
import email.policy
import email.utils
from dataclasses import dataclass, field
from pathlib import Path

from ctrack.errors import IngestError
from ctrack.ingest.base import Extracted
from ctrack.ingest.clean import paragraphs_to_text
from ctrack.ingest.limits import MAX_ZIP_MEMBERS

#: Most attachments read from one message (more is refused: a mail bomb).
MAX_ATTACHMENTS = 100


@dataclass
class Message:
    """A parsed e-mail: its body as :class:`Extracted`, its provenance, and its attachments."""

    body: Extracted
    provenance: dict[str, str]
    attachments: list[tuple[str, bytes]] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


def _date(value: str | None) -> dt.date | None:
    if not value:
        return None
    try:
        parsed = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    return parsed.date() if parsed else None


def read_message(path: Path, data: bytes, suffixes: tuple[str, ...]) -> Message:
    """Parse the bytes of an ``.eml`` file; ``suffixes`` are the attachment types to return.

    Raises :class:`IngestError` when the bytes are not an e-mail (no header
    at all) or hold more than :data:`MAX_ATTACHMENTS` attachments.
    """
    msg = email.message_from_bytes(data, policy=email.policy.default)
    if not msg.keys():
        raise IngestError("not an e-mail message (no headers); save the message as .eml", path=str(path))
    subject = " ".join(str(msg.get("Subject", "") or "").split())
    sender = str(msg.get("From", "") or "")
    date = _date(msg.get("Date"))
    provenance = {"message": str(path), "from": sender, "date": date.isoformat() if date else "",
                  "subject": subject}
    attachments: list[tuple[str, bytes]] = []
    skipped: list[str] = []
    for part in msg.walk():
        if part.is_multipart():
            continue
        name = part.get_filename()
        if not name:
            continue
        if len(attachments) + len(skipped) >= min(MAX_ATTACHMENTS, MAX_ZIP_MEMBERS):
            raise IngestError(f"e-mail with more than {MAX_ATTACHMENTS} attachments; refused", path=str(path))
        name = Path(name.replace("\\", "/")).name or "attachment"
        if Path(name).suffix.lower() in suffixes:
            attachments.append((name, part.get_payload(decode=True) or b""))
        else:
            skipped.append(name)
    text = ""
    body = msg.get_body(preferencelist=("plain", "html"))
    if body is not None:
        content = body.get_content()
        if body.get_content_subtype() == "html":
            from ctrack.ingest.html import read_html

            text = read_html(path, content.encode("utf-8")).text
        else:
            from ctrack.ingest.clean import normalize, unwrap

            text = unwrap(normalize(content))
    paragraphs = [subject] if subject else []
    if text.strip():
        paragraphs.append(text)
    extracted = Extracted(text=paragraphs_to_text(paragraphs), title=subject or None, published=date)
    return Message(body=extracted, provenance=provenance, attachments=attachments, skipped=skipped)

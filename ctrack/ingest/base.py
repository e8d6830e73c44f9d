"""What a format reader returns: :class:`Extracted`."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass
class Extracted:
    """The output of one format reader, before :func:`ctrack.ingest.read` adds file facts.

    ``text`` is already normalized (:func:`ctrack.ingest.clean.normalize`).
    ``title`` and ``published`` are set when the format carries them in
    markup (HTML); otherwise :func:`ctrack.ingest.read` finds them in the
    text with :mod:`ctrack.ingest.metadata`. ``language`` is what the
    markup says (HTML ``lang``, an ISO 639-1 code) or None; the text decides
    (:mod:`ctrack.ingest.language`). ``ocr_confidence`` is set when the text
    came from OCR: tesseract's mean word confidence, 0-100.
    """

    text: str
    title: str | None = None
    published: dt.date | None = None
    language: str | None = None
    ocr_confidence: float | None = None

"""Errors with codes, in the manner of spaCy's ``Errors``.

Every error ctrack raises for bad input derives from :class:`CtrackError` and
carries a short stable code (``E001`` …) so that scripts and tests can tell
the problems apart without parsing messages.
"""
from __future__ import annotations


class CtrackError(Exception):
    """Base class. ``code`` is a stable identifier, ``path`` the file concerned (or None)."""

    code = "E000"

    def __init__(self, message: str, path: str | None = None):
        self.path = path
        prefix = f"{path}: " if path else ""
        super().__init__(f"[{self.code}] {prefix}{message}")
        self.message = message


class IngestError(CtrackError):
    """A file that cannot be read as a document (binary, empty, corrupt, bad encoding, unknown format)."""

    code = "E001"


class UnsupportedFormat(IngestError):
    """A file whose extension ingest does not read."""

    code = "E002"


class EmptyDocument(IngestError):
    """A file that holds no text once read."""

    code = "E003"


class InputLimitExceeded(IngestError):
    """A file over one of ingest's limits (size, zip members or unpacked size, HTML nesting); see ctrack.ingest.limits."""

    code = "E004"


class OcrUnavailable(IngestError):
    """A scanned PDF that needs OCR on a machine without Debian's tesseract-ocr."""

    code = "E005"


class StoreError(CtrackError):
    """A database problem (bad URL, migration failure, constraint)."""

    code = "E010"


class NotFound(CtrackError):
    """A name, acronym, ISO3 code or id that matches nothing stored."""

    code = "E011"


class BadQuery(CtrackError):
    """A filter, sort key, date or page a read operation cannot use (an unknown sort key, a bad date,
    a page cursor that does not belong to the listing)."""

    code = "E012"


class BadRecord(CtrackError):
    """A record to store whose fields do not parse: a recommendation with an unknown field, state or status,
    or a bad date (the message lists every bad field as "field: reason")."""

    code = "E013"


class ImportRowError(CtrackError):
    """A row of an imported CSV/XLSX that cannot be loaded."""

    code = "E020"


class TrainingError(CtrackError):
    """The annotated corpora or the scorer cannot be read for training or cross-validation."""

    code = "E033"


class ClusterError(CtrackError):
    """The Dask cluster of ``ctrack ingest --scheduler/--dask-local`` cannot be used: the scheduler cannot be
    reached, has no worker, or a worker cannot build the extractor (ctrack or its model missing there)."""

    code = "E040"


class NoReviewedFacts(TrainingError):
    """``ctrack train --with-reviewed`` on a knowledge base where no event or role has been confirmed,
    corrected or rejected (or only on documents already in the annotated corpora)."""

    code = "E032"

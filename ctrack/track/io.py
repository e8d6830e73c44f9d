"""Import and export of recommendations as CSV or XLSX (openpyxl).

Columns (issue 4), in this order: ``state`` (name or ISO3), ``text``,
``themes``, ``resolutions``, ``pillars``, ``priority``, ``ta_needed``,
``ta_description``, ``lead_institutions``, ``partners``, ``due_date``,
``status``, ``source``; list cells are separated by ";". The extra fields
``issued_on`` and ``source_event_id`` are read when a column has that name
or is mapped to it. ``--map COLUMN=FIELD`` reads a file whose headers differ
("Country=state"). A column that maps to no field is ignored and reported.

:func:`import_file` checks every row first: a row that cannot be loaded is
reported with its line number (the line of the CSV file, the row of the
sheet) and the reasons; a row equal to a stored recommendation (same state
and text) is skipped. A dry run loads nothing; a real run loads the good
rows in one transaction and logs the import (with the ids it created) in
the audit log. :func:`export_file` writes the same columns and logs the
export with the ids it wrote.

Exported cells that begin with ``=``, ``+``, ``-``, ``@``, tab or CR get a
single quote in front (:func:`ctrack.safety.neutralise_cell`, the OWASP
CSV-injection rule), so no spreadsheet runs them as formulas; the import
takes that quote off again (:func:`ctrack.safety.restore_cell`), so an
exported file imports unchanged.
"""
from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from ctrack.errors import CtrackError, ImportRowError
from ctrack.safety import neutralise_row, restore_cell
from ctrack.store import track_repo as repo
from ctrack.store.track_models import Action, DbRecommendation, TermScheme
from ctrack.track import audit, fields, recommendations
from ctrack.track.recommendations import COLUMNS, PARSERS
from ctrack.track.vocabulary import vocabulary

FORMATS = {".csv": "csv", ".xlsx": "xlsx"}


class TransferError(CtrackError):
    """A file that cannot be imported or exported as a whole (missing, unreadable, unknown format, no required column)."""

    code = "E021"


def parse_map(items: Sequence[str]) -> dict[str, str]:
    """``["Country=state", "Recommendation=text"]`` → ``{"country": "state", "recommendation": "text"}`` (columns case-insensitive).

    Raises :class:`TransferError` for an item without "=" or an unknown field.
    """
    out = {}
    for item in items:
        column, sep, target = item.partition("=")
        if not sep or not column.strip() or not target.strip():
            raise TransferError(f"bad --map {item!r}: expected COLUMN=FIELD")
        target = target.strip().lower()
        if target not in PARSERS:
            raise TransferError(f"bad --map {item!r}: unknown field {target!r} (fields: {', '.join(PARSERS)})")
        out[column.strip().casefold()] = target
    return out


def file_format(path: Path) -> str:
    """"csv" or "xlsx" from the file's extension. Raises :class:`TransferError` for another one."""
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise TransferError(f"unsupported file type {path.suffix or '(none)'!r}: use .csv or .xlsx", path=str(path))
    return fmt


#: Delimiters a CSV may use: spreadsheets save with ";" where "," is the decimal mark, and tab-separated text.
DELIMITERS = (",", ";", "\t")


def sniff_delimiter(first_line: str) -> str:
    """The delimiter of a CSV file from its header line: the one of :data:`DELIMITERS` that occurs most
    often outside double quotes (a comma on a tie or when none occurs). Headers are short column names,
    so they hold no stray delimiter, which makes this steadier than guessing from data rows."""
    counts = dict.fromkeys(DELIMITERS, 0)
    quoted = False
    for ch in first_line:
        if ch == '"':
            quoted = not quoted
        elif not quoted and ch in counts:
            counts[ch] += 1
    best = max(DELIMITERS, key=lambda d: (counts[d], d == ","))
    return best if counts[best] else ","


def _csv_rows(path: Path) -> Iterator[tuple[int, list[Any]]]:
    start = 1
    try:
        with path.open(newline="", encoding="utf-8-sig") as fh:
            delimiter = sniff_delimiter(fh.readline())
            fh.seek(0)
            if fh.read(1) != "\ufeff":  # utf-8-sig drops the BOM on the first read only
                fh.seek(0)
            reader = csv.reader(fh, delimiter=delimiter, strict=True)
            for row in reader:
                yield start, row
                start = reader.line_num + 1
    except UnicodeDecodeError as exc:
        raise TransferError(f"not UTF-8 text ({exc.reason} at byte {exc.start}); save the CSV as UTF-8",
                            path=str(path)) from None
    except csv.Error as exc:
        if "unexpected end of data" in str(exc):
            raise TransferError(f"line {start}: unclosed quote: the quoted cell that begins on line {start} is never "
                                "closed (a \" is missing; the rest of the file was read into that cell)",
                                path=str(path)) from None
        raise TransferError(f"line {start}: unreadable CSV: {exc} (a quote inside a quoted cell is written \"\")",
                            path=str(path)) from None


def _xlsx_rows(path: Path) -> Iterator[tuple[int, list[Any]]]:
    from zipfile import BadZipFile

    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    from ctrack.errors import IngestError, InputLimitExceeded
    from ctrack.ingest.limits import check_zip

    try:  # member count and unpacked size before openpyxl unpacks anything (zip bombs)
        check_zip(path, str(path), "XLSX")
    except InputLimitExceeded as exc:
        raise TransferError(exc.message, path=str(path)) from None
    except IngestError:
        pass  # not a zip archive at all: openpyxl says so below
    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (BadZipFile, InvalidFileException, KeyError, OSError) as exc:
        raise TransferError(f"unreadable XLSX workbook: {exc}", path=str(path)) from None
    try:
        ws = wb.worksheets[0]
        for number, row in enumerate(ws.iter_rows(values_only=True), start=1):
            yield number, list(row)
    finally:
        wb.close()


def read_rows(path: Path) -> Iterator[tuple[int, list[Any]]]:
    """``(line number, cells)`` of every row of a CSV or the first sheet of an XLSX, header included.

    Raises :class:`TransferError` for a missing or unreadable file.
    """
    if not path.is_file():
        raise TransferError("no such file", path=str(path))
    fmt = file_format(path)
    return _csv_rows(path) if fmt == "csv" else _xlsx_rows(path)


@dataclass
class ImportReport:
    """What an import did or would do.

    ``rows``: data rows read (blank rows not counted); ``loaded``: ids created
    (empty on a dry run); ``would_load``: good rows; ``skipped``: ``(line,
    id)`` of rows already stored; ``errors``: one :class:`ImportRowError` per
    bad row (``.line``, ``.reason``); ``ignored_columns``: headers that map
    to no field; ``transfer_id``: the import log row (None on a dry run);
    ``warnings``: ``(line, message)`` about values kept as given (a resolution
    number ctrack's vocabulary does not list yet).
    """

    path: str
    dry_run: bool
    rows: int = 0
    would_load: int = 0
    loaded: list[int] = field(default_factory=list)
    skipped: list[tuple[int, int]] = field(default_factory=list)
    errors: list[ImportRowError] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    transfer_id: int | None = None
    warnings: list[tuple[int, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when no row was bad."""
        return not self.errors

    def to_json(self) -> dict[str, Any]:
        """A JSON-safe summary."""
        return {"path": self.path, "dry_run": self.dry_run, "rows": self.rows, "would_load": self.would_load,
                "loaded": self.loaded, "skipped": [list(s) for s in self.skipped],
                "errors": [{"line": e.line, "reason": e.reason} for e in self.errors],
                "ignored_columns": self.ignored_columns, "transfer": self.transfer_id,
                "warnings": [{"line": line, "message": m} for line, m in self.warnings]}


def _row_error(path: Path, line: int, reason: str) -> ImportRowError:
    err = ImportRowError(f"line {line}: {reason}", path=str(path))
    err.line, err.reason = line, reason
    return err


def _header(path: Path, cells: list[Any], mapping: dict[str, str]) -> tuple[dict[int, str], list[str]]:
    columns: dict[int, str] = {}
    ignored = []
    for index, cell in enumerate(cells):
        name = "" if cell is None else str(cell).strip()
        if not name:
            continue
        target = mapping.get(name.casefold()) or (name.lower() if name.lower() in PARSERS else None)
        if target is None:
            ignored.append(name)
        elif target in columns.values():
            raise TransferError(f"two columns give the field {target!r}", path=str(path))
        else:
            columns[index] = target
    missing = [f for f in recommendations.REQUIRED if f not in columns.values()]
    if missing:
        raise TransferError(f"no column for {', '.join(missing)} (columns: {', '.join(map(str, cells))}; "
                            "use --map COLUMN=FIELD)", path=str(path))
    return columns, ignored


def import_file(session: Session, path: str | Path, *, user: str, dry_run: bool = False,
                mapping: dict[str, str] | None = None, on: dt.date | None = None) -> ImportReport:
    """Import recommendations from a CSV or XLSX file; returns an :class:`ImportReport`.

    ``mapping``: column (case-insensitive) → field, from :func:`parse_map`.
    ``on``: the day the file's statuses hold from (default today; a row's
    ``issued_on`` wins). Bad rows are reported, never loaded; the good rows
    are loaded unless ``dry_run``. Raises :class:`TransferError` when the
    file as a whole cannot be read.
    """
    path = Path(path)
    report = ImportReport(path=str(path), dry_run=dry_run)
    rows = read_rows(path)
    header = next(rows, None)
    if header is None:
        raise TransferError("empty file: no header row", path=str(path))
    columns, report.ignored_columns = _header(path, header[1], mapping or {})
    good: list[tuple[int, recommendations.RecInput]] = []
    seen: dict[tuple[str | None, str], int] = {}
    for line, cells in rows:
        if all(fields.blank(c) for c in cells):
            continue
        report.rows += 1
        values = {name: restore_cell(cells[i]) if i < len(cells) else None for i, name in columns.items()}
        try:
            data = recommendations.parse_input(values)
        except ValueError as exc:
            report.errors.append(_row_error(path, line, str(exc)))
            continue
        for code in data.resolutions:
            if vocabulary().get(TermScheme.RESOLUTION, code) is None:
                known = ", ".join(t.code for t in vocabulary().all(TermScheme.RESOLUTION))
                report.warnings.append((line, f"resolution {code} is not in ctrack's list ({known}); kept as given"))
        key = (data.state, " ".join(data.text.split()).casefold())
        if key in seen:
            report.errors.append(_row_error(path, line, f"same state and text as line {seen[key]}"))
            continue
        seen[key] = line
        stored = repo.recommendations_with_text(session, data.state, data.text)
        if stored:
            report.skipped.append((line, stored[0].id))
            continue
        if data.source_event_id is not None:
            try:
                repo.event(session, data.source_event_id)
            except CtrackError:
                report.errors.append(_row_error(path, line, f"source_event_id: no event {data.source_event_id}"))
                continue
        good.append((line, data))
    report.would_load = len(good)
    if dry_run:
        return report
    transfer = audit.open_transfer(session, user, Action.IMPORT, path=str(path.resolve()), format=file_format(path))
    report.transfer_id = transfer.id
    for line, data in good:
        rec = recommendations.create(session, data, user=user, on=on, transfer_id=transfer.id,
                                     comment=f"imported from {path.name}, line {line}")
        report.loaded.append(rec.id)
    audit.close_transfer(session, transfer, rows=report.rows, record_ids=report.loaded, loaded=len(report.loaded),
                         skipped=len(report.skipped), errors=[(e.line, e.reason) for e in report.errors])
    return report


def row_values(rec: DbRecommendation) -> list[str]:
    """The export cells of a recommendation, in :data:`COLUMNS` order (lists joined with "; ")."""
    v = recommendations.view(rec)
    out = []
    for name in COLUMNS:
        value = v[name]
        if isinstance(value, list):
            out.append(f"{fields.LIST_SEP} ".join(value))
        elif isinstance(value, bool):
            out.append("yes" if value else "no")
        else:
            out.append("" if value is None else str(value))
    return out


def export_file(session: Session, path: str | Path, recs: Sequence[DbRecommendation], *, user: str) -> int:
    """Write ``recs`` to a CSV or XLSX file with :data:`COLUMNS`; log the export. Returns the number of rows.

    Raises :class:`TransferError` for an unsupported extension or a file that cannot be written.
    """
    path = Path(path)
    fmt = file_format(path)
    rows = [neutralise_row(row_values(r)) for r in recs]  # no cell is exported as a live formula
    try:
        if fmt == "csv":
            with path.open("w", newline="", encoding="utf-8") as fh:
                writer = csv.writer(fh)
                writer.writerow(COLUMNS)
                writer.writerows(rows)
        else:
            import openpyxl

            wb = openpyxl.Workbook()
            ws = wb.active
            ws.title = "recommendations"
            ws.append(list(COLUMNS))
            for row in rows:
                ws.append(row)
            wb.save(path)
    except OSError as exc:
        raise TransferError(f"cannot write: {exc.strerror or exc}", path=str(path)) from None
    transfer = audit.open_transfer(session, user, Action.EXPORT, path=str(path.resolve()), format=fmt)
    audit.close_transfer(session, transfer, rows=len(rows), record_ids=[r.id for r in recs], loaded=len(rows))
    return len(rows)


__all__ = ["COLUMNS", "ImportReport", "TransferError", "parse_map", "import_file", "export_file", "read_rows"]

"""Plain-text reader (``.txt``): decode, repair, re-flow hard-wrapped lines.

Encoding rules: UTF-8 (a BOM is stripped); UTF-16 or UTF-32 when the file
starts with the matching byte-order mark. Anything else that is not valid
UTF-8 is rejected rather than guessed, with the offset of the first bad byte,
so that an analyst can re-save the file; a file with NUL bytes (and no UTF-16/32
BOM) or mostly control characters is rejected as binary.
"""
from __future__ import annotations

import codecs
import re
from pathlib import Path

from ctrack.errors import IngestError
from ctrack.ingest.base import Extracted
from ctrack.ingest.clean import normalize, unwrap

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")


def decode_text(data: bytes, path: str) -> str:
    """Decode the bytes of a text file (rules in the module docstring).

    Returns the decoded string (BOM removed). Raises :class:`IngestError`
    "binary file, not text" for NUL bytes or control characters in more than
    5% of the characters, and "not valid UTF-8 (byte 0x.. at offset N); save
    the file as UTF-8" for undecodable bytes; ``path`` is named in the error.
    """
    for bom, codec in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(codec)
            except UnicodeDecodeError as exc:
                raise IngestError(
                    f"not valid {codec.upper().replace('-SIG', '')} after its byte-order mark "
                    f"(offset {exc.start}); save the file as UTF-8",
                    path=path,
                ) from exc
    if b"\x00" in data:
        raise IngestError("binary file, not text", path=path)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise IngestError(
            f"not valid UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start}); save the file as UTF-8",
            path=path,
        ) from exc
    if text and len(_CONTROL.findall(text)) > 0.05 * len(text):
        raise IngestError("binary file, not text", path=path)
    return text


def read_txt(path: Path, data: bytes) -> Extracted:
    """Read a plain-text file's bytes into :class:`Extracted` (text only; title/date come from the text).

    Raises :class:`IngestError` for binary or undecodable files (see
    :func:`decode_text`).
    """
    text = normalize(decode_text(data, str(path)))
    return Extracted(text=unwrap(text))

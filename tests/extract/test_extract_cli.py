"""``ctrack extract`` on real documents: JSON records for the scorer, and ``--explain``."""
from __future__ import annotations

import json

from typer.testing import CliRunner

from extract_fixtures import DEV_DOCS, load_scorer
from ctrack.cli import app


def test_extract_writes_one_scorable_record_per_document(tmp_path):
    out = tmp_path / "pred"
    result = CliRunner().invoke(app, ["extract", str(DEV_DOCS / "seed-000.txt"), str(DEV_DOCS / "dev-013.pdf"),
                                      "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == ["dev-013.json", "seed-000.json"]
    score = load_scorer()
    record = score.load_record(out / "seed-000.json")
    assert record["document"]["id"] == "seed-000"
    assert any(e["type"] == "conference" and e["start"] == "2018-05-03" for e in record["events"])


def test_extract_prints_json_without_out():
    result = CliRunner().invoke(app, ["extract", str(DEV_DOCS / "dev-004.txt")])
    assert result.exit_code == 0, result.output
    record = json.loads(result.stdout)
    assert {a["name"] for a in record["actors"]} >= {"Caribbean Community", "Safiya Ali"}


def test_explain_shows_span_and_rule_for_each_fact():
    result = CliRunner().invoke(app, ["extract", str(DEV_DOCS / "seed-000.txt"), "--explain"])
    assert result.exit_code == 0, result.output
    text = result.stdout
    # a role with the text span and rule that produced it
    funder = next(line for line in text.splitlines() if line.strip().startswith("funder"))
    assert "Qatar" in funder and "gazetteer: 'State of Qatar' @" in funder
    assert "trigger:conference" in text
    assert "date: '3-4 May 2018'" in text


def test_extract_reports_a_bad_file_and_goes_on(tmp_path):
    bad = tmp_path / "broken.pdf"
    bad.write_bytes(b"%PDF-1.4 not really")
    out = tmp_path / "pred"
    result = CliRunner().invoke(app, ["extract", str(bad), str(DEV_DOCS / "dev-002.txt"), "--out", str(out)])
    assert result.exit_code == 1
    assert "broken.pdf" in result.stderr
    assert (out / "dev-002.json").exists()

"""``ctrack extract`` on real documents: JSON records for the scorer, and ``--explain``."""
from __future__ import annotations

import re

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
    # a role with the text span, the rule that proposed it and the role model's probability
    funder = next(line for line in text.splitlines() if line.strip().startswith("funder"))
    assert "Qatar" in funder and "(rules: funder): 'State of Qatar' @" in funder
    assert re.search(r"Qatar p=0\.\d\d", funder)
    assert "trigger:conference" in text
    assert "date: '3-4 May 2018'" in text



def test_explain_legend_names_each_rule_and_model_behind_the_facts():
    """The legend said what @N and p are but not which rule or model each fact came from: it now lists every
    rule and decision model the record uses, with what it does."""
    from ctrack.cli.extract import RULES, legend, rule_name

    result = CliRunner().invoke(app, ["extract", str(DEV_DOCS / "seed-000.txt"), "--explain"])
    assert result.exit_code == 0, result.output
    head = result.stdout.split("\n┏", 1)[0]  # the legend, above the first table
    for name in ("gazetteer", "trigger", "date", "role:verify", "event p"):
        assert re.search(rf"^\s+{re.escape(name)}\s+\S", head, re.M), (name, head)
    assert RULES["role:verify"] in head and "(not described)" not in head
    assert rule_name("role:model p=0.57 (rules: organizer,speaker)") == "role:model"
    assert rule_name("trigger:assessment_visit") == "trigger" and rule_name("date:relative") == "date:relative"
    data = {"actors": [{"mentions": [{"rule": "gazetteer"}, {"rule": "brand-new-rule"}]}],
            "events": [{"evidence": [{"rule": "type:model meeting->visit p=0.81"}], "confidence": None,
                        "roles": [{"evidence": None}]}]}
    assert legend(data) == [("gazetteer", RULES["gazetteer"]), ("type:model", RULES["type:model"]),
                            ("brand-new-rule", "(not described)"), ("inherited", legend(data)[-1][1])]


def test_every_rule_of_the_dev_corpus_is_described_in_the_legend(dev_records):
    """A rule or model added to extraction without a line in ``RULES`` would show as "(not described)"."""
    from ctrack.cli.extract import legend

    missing = {name for r in dev_records.values() for name, meaning in legend(r.to_json(explain=True))
               if meaning == "(not described)"}
    assert not missing

def test_extract_reports_a_bad_file_and_goes_on(tmp_path):
    bad = tmp_path / "broken.pdf"
    bad.write_bytes(b"%PDF-1.4 not really")
    out = tmp_path / "pred"
    result = CliRunner().invoke(app, ["extract", str(bad), str(DEV_DOCS / "dev-002.txt"), "--out", str(out)])
    assert result.exit_code == 1
    assert "broken.pdf" in result.stderr
    assert (out / "dev-002.json").exists()


def test_extract_writes_every_good_record_when_one_document_fails_extraction(tmp_path, monkeypatch):
    """Finding 3 of issue 13: one document that breaks extraction (there, spaCy's E088 on a text over
    max_length) made ``ctrack extract`` write no record at all. Here the failure is injected into the
    extractor for one document; the others' records must still be written and the run must say so."""
    from ctrack.extract import Extractor

    real = Extractor.candidates

    def breaking(self, document, doc):
        if document.id == "poison":
            raise ValueError("[E088] Text of length 1000001 exceeds maximum of 1000000")
        return real(self, document, doc)

    monkeypatch.setattr(Extractor, "candidates", breaking)
    poison = tmp_path / "poison.txt"
    poison.write_text((DEV_DOCS / "dev-004.txt").read_text(encoding="utf-8"), encoding="utf-8")
    out = tmp_path / "pred"
    result = CliRunner().invoke(app, ["extract", str(DEV_DOCS / "seed-000.txt"), str(poison),
                                      str(DEV_DOCS / "dev-002.txt"), "--out", str(out)])
    assert result.exit_code == 1
    assert sorted(p.name for p in out.iterdir()) == ["dev-002.json", "seed-000.json"]
    assert "poison.txt" in result.stderr and "E088" in result.stderr
    assert "wrote 2 records" in result.stderr and "1 file failed" in result.stderr

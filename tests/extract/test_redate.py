"""Reconsidering the dates the rules gave (issue 8, "redate" in ``ctrack.extract.decide``).

The rules date an event from the nearest date of its trigger's sentence, and a sentence-initial date belongs to
every trigger of the sentence. When the sentence opens with the date of a *saying* and the event's own date sits in
a relative clause ("On 5 March 2024 the minister said that the workshop, held in Nairobi on 26 February 2024, …"),
or the date belongs to an earlier event of a series told in the same sentence, the rules' date is wrong. Every date
mention near a dated event is a redate candidate; the learned redate model decides whether one of them replaces the
rules' date. The fixture below is written for this test (not taken from the corpora)."""
from __future__ import annotations

import math

import pytest

from ctrack.extract import get_extractor
from ctrack.extract.decide import REDATE_MARGIN, REDATE_MIN, LinearModel, Models
from ctrack.ingest import read

SAYING = """Kenya trains border officers on terrorist travel

Published: 8 March 2024

On 5 March 2024 the Minister of Interior of Kenya told Parliament that the workshop on terrorist travel, held in Nairobi on 26 February 2024 by the United Nations Office of Counter-Terrorism (UNOCT), had trained 30 border officers.
"""


@pytest.fixture()
def saying(tmp_path):
    path = tmp_path / "saying.txt"
    path.write_text(SAYING, encoding="utf-8")
    ex = get_extractor()
    doc = read(path)
    return ex, ex.candidates(doc, ex.parse(doc.text))


def _prefers(features: tuple[str, ...], p_with: float, p_without: float) -> LinearModel:
    """A redate model that gives ``p_with`` to candidates with all ``features``, ``p_without`` to those with none
    (the log-odds are shared evenly between the features)."""
    def logit(p):
        return math.log(p / (1 - p))
    b = logit(p_without) / 2
    w = (logit(p_with) - logit(p_without)) / 2 / len(features)
    return LinearModel({f: n for n, f in enumerate(features)}, [[-w] * len(features), [w] * len(features)], [-b, b], ["0", "1"])


def test_every_date_near_a_dated_event_is_a_redate_candidate(saying):
    _, cands = saying
    d = cands.decisions
    work = [i for i, e in enumerate(d.events) if e.type.value == "workshop"]
    assert len(work) == 1
    # the rules take the sentence-initial date (the saying's) for the workshop
    assert d.events[work[0]].start == "2024-03-05"
    mine = {c.date.start_iso: c.features for c in d.redates if c.event == work[0]}
    assert {"2024-03-05", "2024-02-26"} <= set(mine)
    assert mine["2024-03-05"].get("rule_date") == 1.0 and mine["2024-03-05"].get("rule_mention") == 1.0
    assert mine["2024-02-26"].get("rule_other") == 1.0
    # syntax: "26 February 2024" hangs from "held", in the clause of the trigger; the saying's date from "told"
    assert any(k.startswith("dpath=") for k in mine["2024-02-26"])
    # an undated event has date candidates, never redate candidates
    assert all(d.events[c.event].start for c in d.redates)


def test_the_model_moves_the_date_only_when_it_beats_the_rules_date(saying):
    ex, cands = saying
    # a model that believes another date of the trigger's sentence (not the publication line's): the workshop moves to
    # 26 February, with the evidence naming the model
    other_here = ("rule_other", "sdist=0")
    rec = ex.decide(cands, Models(redate=_prefers(other_here, 0.9, 0.1)))
    work = [e for e in rec.events if e.type.value == "workshop"]
    assert [e.start for e in work] == ["2024-02-26"]
    assert work[0].status.value == "held"
    assert any(s.rule.startswith("date:redate") and s.text == "26 February 2024" for s in work[0].evidence)
    # under the margin: the rules' date stands (and deciding again starts from the rules' state)
    p = REDATE_MIN + REDATE_MARGIN / 4
    rec = ex.decide(cands, Models(redate=_prefers(other_here, p, p - REDATE_MARGIN / 2)))
    assert [e.start for e in rec.events if e.type.value == "workshop"] == ["2024-03-05"]
    # a model that trusts the rules' date keeps it
    rec = ex.decide(cands, Models(redate=_prefers(("rule_date",), 0.95, 0.05)))
    assert [e.start for e in rec.events if e.type.value == "workshop"] == ["2024-03-05"]

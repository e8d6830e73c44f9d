"""Event proposals (issue 8): a chronology told in one sentence — "met in Astana on 8 June 2016 … met again in
Geneva in July 2017 and in Vienna in February 2018, and … held a further meeting in Almaty on 27 October 2020" —
which the rules' coreference folds into one meeting. Every (trigger, date) pair whose date no event of that type
holds is proposed; the proposal model decides which become events (``ctrack.extract.decide``)."""
from __future__ import annotations

import pytest

from ctrack.extract import get_extractor
from ctrack.extract.decide import LinearModel, Models, shipped_models
from ctrack.ingest import read

CHRONOLOGY = """Kazakhstan and UNOCT: ten years of cooperation

Published: 10 January 2023

The Joint Working Group of Kazakhstan and the United Nations Office of Counter-Terrorism (UNOCT) first met in Astana on 8 June 2016. The working group met again in Geneva in July 2017 and in Vienna in February 2018, and its members held a further meeting in Almaty on 27 October 2020.
"""

#: the same facts with one meeting per sentence: nothing to propose, the rules already make each meeting
SEPARATE = """Kazakhstan and UNOCT: ten years of cooperation

Published: 10 January 2023

The Joint Working Group of Kazakhstan and the United Nations Office of Counter-Terrorism (UNOCT) first met in Astana on 8 June 2016.
"""


@pytest.fixture()
def chronology(tmp_path):
    path = tmp_path / "chronology.txt"
    path.write_text(CHRONOLOGY, encoding="utf-8")
    ex = get_extractor()
    doc = read(path)
    return ex, ex.candidates(doc, ex.parse(doc.text))


def _always(p: float) -> LinearModel:
    """A proposal model that gives every proposal probability ``p`` (bias only)."""
    import math

    w = math.log(p / (1 - p)) / 2
    return LinearModel({"bias": 0}, [[-w], [w]], [0.0, 0.0], ["0", "1"])


def test_each_unheld_date_of_a_trigger_sentence_is_proposed_once(chronology):
    _, cands = chronology
    props = {(p.draft.type.value, p.draft.start): p for p in cands.decisions.proposals}
    assert set(props) == {("meeting", "2017-07"), ("meeting", "2018-02"), ("meeting", "2020-10-27")}
    # the venue is the place nearest the trigger; the date mention is the evidence
    assert props[("meeting", "2020-10-27")].draft.city == "Almaty"
    assert props[("meeting", "2017-07")].date.text == "July 2017"
    # the rules' own event (8 June 2016) is never proposed again
    assert all(p.draft.start != "2016-06-08" for p in cands.decisions.proposals)


def test_proposals_become_events_only_when_the_model_accepts_them(chronology):
    ex, cands = chronology
    base = shipped_models()
    accept = Models(date=base.date, type=base.type, event=base.event, role=base.role, proposal=_always(0.9))
    rec = ex.decide(cands, accept)
    meetings = sorted((e.start, e.city) for e in rec.events if e.type.value == "meeting")
    assert meetings == [("2016-06-08", "Astana"), ("2017-07", "Geneva"), ("2018-02", "Vienna"),
                        ("2020-10-27", "Almaty")]
    new = [e for e in rec.events if e.start == "2020-10-27"][0]
    assert new.confidence == pytest.approx(0.9)
    assert any(s.rule.startswith("proposal:model") and s.text == "27 October 2020" for s in new.evidence)
    # deciding again with a model that refuses them leaves the rules' single meeting (decisions start from the rules)
    refuse = Models(date=base.date, type=base.type, event=base.event, role=base.role, proposal=_always(0.05))
    rec = ex.decide(cands, refuse)
    assert sorted(e.start for e in rec.events if e.type.value == "meeting") == ["2016-06-08"]


def test_shipped_model_separates_the_meetings_of_a_chronology(tmp_path):
    path = tmp_path / "chronology.txt"
    path.write_text(CHRONOLOGY, encoding="utf-8")
    from ctrack.extract import extract

    rec = extract(read(path))
    starts = {e.start for e in rec.events if e.type.value == "meeting"}
    assert {"2016-06-08", "2017-07"} <= starts
    assert len(starts) >= 3


def test_a_text_with_one_meeting_has_nothing_to_propose(tmp_path):
    path = tmp_path / "one.txt"
    path.write_text(SEPARATE, encoding="utf-8")
    ex = get_extractor()
    doc = read(path)
    assert ex.candidates(doc, ex.parse(doc.text)).decisions.proposals == []


@pytest.mark.parametrize("name", ["tra-002.txt", "tra-013.txt"])
def test_deciding_again_gives_the_same_record(name):
    """Training and cross-validation decide one document's candidates many times; each decision starts from the
    rules' state, evidence spans included (they used to pile up: a 'date:model' or 'type:model' span per decision).
    The two documents of the training corpus are ones where the date and the type model decide something."""
    from pathlib import Path

    path = Path(__file__).resolve().parents[2].parent / "shared" / "corpus" / "train" / "docs" / name
    ex = get_extractor()
    doc = read(path)
    cands = ex.candidates(doc, ex.parse(doc.text))
    def decided():
        rec = ex.decide(cands)
        return rec.to_json(), [[(s.rule, s.start, s.end) for s in e.evidence] for e in rec.events]

    first = decided()
    assert any(r.startswith(("date:model", "type:model")) for spans in first[1] for r, _, _ in spans)
    for _ in range(3):
        again = decided()
    assert again == first


#: a parse candidate ("a call was placed … on 5 July 2017") before the trigger phrase of the same type and date ("met
#: again in Geneva on 5 July 2017"); the rules fold "met again" into the first meeting
CALL_THEN_MEETING = """Kazakhstan and UNOCT: ten years of cooperation

Published: 10 January 2023

The Joint Working Group of Kazakhstan and the United Nations Office of Counter-Terrorism (UNOCT) first met in Astana on 8 June 2016. In Geneva, a call was placed to the office on 5 July 2017. The working group met again in Geneva on 5 July 2017.
"""


def test_a_parse_candidate_does_not_hold_the_date_of_a_later_trigger_phrase(tmp_path):
    """Phrase proposals are made for the whole document before the parse's: the earlier "call" (a parse candidate the
    model refuses) used to take the (meeting, 5 July 2017) slot, so the phrase "met again … on 5 July 2017" was never
    proposed and the second meeting was lost."""
    path = tmp_path / "call.txt"
    path.write_text(CALL_THEN_MEETING, encoding="utf-8")
    ex = get_extractor()
    doc = read(path)
    cands = ex.candidates(doc, ex.parse(doc.text))
    props = [(p.draft.type.value, p.draft.start, p.trigger.text, p.trigger.token is None) for p in cands.decisions.proposals]
    assert props == [("meeting", "2017-07-05", "met", True)]
    base = shipped_models()
    accept = Models(date=base.date, type=base.type, event=base.event, role=base.role, proposal=_always(0.9),
                    parse_proposal=_always(0.9))
    meetings = sorted((e.start, e.city, e.country) for e in ex.decide(cands, accept).events if e.type.value == "meeting")
    assert meetings == [("2016-06-08", "Astana", "KAZ"), ("2017-07-05", "Geneva", "CHE")]

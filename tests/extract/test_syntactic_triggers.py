"""Events told by words that are no trigger phrase (issue 8: about a quarter of the events missed under grouped
cross-validation had no trigger of their type near their date): "held an open debate", "held a hearing", "was the
venue of a gathering", "held a special session". The parse proposes them as candidates
(:func:`ctrack.extract.events.syntactic_triggers`, lemmas in ``cues.json`` "event_lemmas"); the proposal model of
:mod:`ctrack.extract.decide` decides which become events."""
from __future__ import annotations

import pytest

from ctrack.extract import get_extractor
from ctrack.extract.decide import LinearModel, Models, shipped_models
from ctrack.ingest import read

UNLISTED = """Counter-terrorism cooperation: three weeks of work

Published: 20 May 2021

The Security Council held an open debate on countering the financing of terrorism in New York on 12 May 2021.
The National Assembly of Kenya held a hearing on terrorist financing in Nairobi on 4 May 2021.
Tashkent was the venue of a regional gathering of prosecutors on 28 April 2021.
The Parliamentary Assembly held a special session in Vienna on 20 April 2021.
"""


@pytest.fixture(scope="module")
def unlisted(tmp_path_factory):
    path = tmp_path_factory.mktemp("unlisted") / "unlisted.txt"
    path.write_text(UNLISTED, encoding="utf-8")
    ex = get_extractor()
    doc = read(path)
    return ex, ex.candidates(doc, ex.parse(doc.text))


def _proposals(cands):
    return {(p.draft.type.value, p.draft.start): p for p in cands.decisions.proposals}


def test_the_parse_proposes_events_of_words_no_trigger_phrase_lists(unlisted):
    _, cands = unlisted
    props = _proposals(cands)
    debate, hearing = props[("conference", "2021-05-12")], props[("briefing", "2021-05-04")]
    assert (debate.trigger.text, debate.draft.city, debate.draft.country) == ("debate", "New York", "USA")
    assert (hearing.trigger.text, hearing.draft.city, hearing.draft.country) == ("hearing", "Nairobi", "KEN")
    assert props[("conference", "2021-04-28")].trigger.text == "gathering"
    # "session" may be a conference or a workshop: both are proposed, the model decides
    assert {t for t, d in props if d == "2021-04-20"} == {"conference", "workshop"}
    assert props[("conference", "2021-04-20")].draft.city == "Vienna"
    # the syntax the model decides from: the word, its modifier, the verb that governs it, the date hanging from it
    f = debate.features
    assert {"syntactic", "syn_lemma=debate", "syn_mod=open", "syn_head=hold", "syn_pos=NOUN"} <= set(f)
    assert debate.draft.evidence[0].rule == "syntax-trigger:conference"
    # never a word of an actor's name ("National Assembly") nor a field label ("Published:")
    assert all(p.trigger.text not in ("Assembly", "Published") for p in cands.decisions.proposals)


def _model(weights: dict[str, float]) -> LinearModel:
    """A binary proposal model whose class-1 score is the sum of ``weights`` over the features present."""
    names = sorted(weights)
    return LinearModel({n: i for i, n in enumerate(names)}, [[0.0] * len(names), [weights[n] for n in names]],
                       [0.0, 0.0], ["0", "1"])


def test_the_model_decides_and_a_date_mention_makes_one_event(unlisted):
    ex, cands = unlisted
    base = shipped_models()
    # parse candidates accepted (p 0.88), a workshop "session" less so (p 0.27: above PROPOSAL_MIN, below the conference)
    accept = Models(date=base.date, type=base.type, event=base.event, role=base.role, proposal=base.proposal,
                    parse_proposal=_model({"syntactic": 2.0, "syn_tl=workshop|session": -3.0}))
    rec = ex.decide(cands, accept)
    got = sorted((e.type.value, e.start, e.city) for e in rec.events)
    assert ("conference", "2021-05-12", "New York") in got
    assert ("briefing", "2021-05-04", "Nairobi") in got
    assert ("conference", "2021-04-20", "Vienna") in got
    assert [s for _t, s, _c in got].count("2021-04-20") == 1  # one event per date mention: the more probable type
    debate = next(e for e in rec.events if e.start == "2021-05-12")
    assert debate.confidence == pytest.approx(0.881, abs=0.001)
    assert any(s.rule.startswith("proposal:model") and s.text == "12 May 2021" for s in debate.evidence)
    # a model that refuses parse candidates leaves none of them (the rules found no event here)
    refuse = Models(date=base.date, type=base.type, event=base.event, role=base.role, proposal=base.proposal,
                    parse_proposal=_model({"syntactic": -4.0}))
    assert ex.decide(cands, refuse).events == []

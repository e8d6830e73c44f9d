"""A series told once over several places (issue 8, "series and tours"): "national workshops … were held in
Kyrgyzstan, Tajikistan and Mongolia in October 2023" is three workshops, one per country, but the rules'
coreference makes at most one event of the sentence (a plural trigger without a number makes none). The parse
proposes one event per venue (:func:`ctrack.extract.events.venue_list`, ``ctrack.extract.decide._place_splits``);
the proposal model decides which become events. Places after other prepositions ("officials *from* A, B and C")
are participants' origins, not venues, and propose nothing."""
from __future__ import annotations

import pytest

from ctrack.extract import get_extractor
from ctrack.extract.decide import LinearModel, Models, shipped_models
from ctrack.extract.events import find_triggers, venue_list
from ctrack.ingest import read

SERIES = """Border management: a year of national workshops

Published: 15 December 2023

Under the regional border management project, national workshops on detecting forged travel documents were held in Kyrgyzstan, Tajikistan and Mongolia in October 2023. The project also organized a regional conference in Almaty on 5 December 2023, which brought together officials from Kazakhstan, Uzbekistan and Turkmenistan.

The same team will run table-top exercises in Bishkek, Kyrgyzstan, and in Dushanbe in March 2024.
"""


@pytest.fixture(scope="module")
def series(tmp_path_factory):
    path = tmp_path_factory.mktemp("series") / "series.txt"
    path.write_text(SERIES, encoding="utf-8")
    ex = get_extractor()
    doc = read(path)
    return ex, ex.candidates(doc, ex.parse(doc.text))


def _always(p: float) -> LinearModel:
    """A proposal model that gives every proposal probability ``p`` (bias only)."""
    import math

    w = math.log(p / (1 - p)) / 2
    return LinearModel({"bias": 0}, [[-w], [w]], [0.0, 0.0], ["0", "1"])


def _venues(cands, word: str) -> list[tuple]:
    ctx = cands.decisions.ctx
    out = []
    for sent in ctx.sentences:
        for t in find_triggers(ctx, sent):
            if t.text == word:
                out.append([(city, iso3) for city, iso3, _s, _e in venue_list(ctx, t)])
    return out


def test_venues_of_a_series_come_from_the_parse_one_per_country(series):
    _, cands = series
    # the headline's "workshops" names no place; the body's names three countries after "held in"
    assert _venues(cands, "workshops") == [[], [(None, "KGZ"), (None, "TJK"), (None, "MNG")]]
    # a city and its country are one venue; a second "in" coordinated with the first adds its city
    assert _venues(cands, "table-top exercises") == [[("Bishkek", "KGZ"), ("Dushanbe", "TJK")]]
    # "officials from Kazakhstan, Uzbekistan and Turkmenistan": origins of participants, not venues
    assert _venues(cands, "regional conference") == [[]]


def test_each_venue_is_proposed_with_its_date(series):
    _, cands = series
    splits = {(p.draft.type.value, p.draft.start, p.draft.city, p.place) for p in cands.decisions.proposals if p.place}
    assert splits == {("workshop", "2023-10", None, "KGZ"), ("workshop", "2023-10", None, "TJK"),
                      ("workshop", "2023-10", None, "MNG"), ("workshop", "2024-03", "Bishkek", "KGZ"),
                      ("workshop", "2024-03", "Dushanbe", "TJK")}
    prop = next(p for p in cands.decisions.proposals if p.place == "TJK" and p.draft.start == "2023-10")
    assert {"place_split", "split_n=3", "split_state", "split_date=sentence", "split_plural"} <= set(prop.features)
    assert [s.text for s in prop.draft.evidence if s.rule == "venue:split"] == ["Tajikistan"]
    assert prop.draft.status.value == "held"
    later = next(p for p in cands.decisions.proposals if p.place == "TJK" and p.draft.start == "2024-03")
    assert later.draft.status.value == "planned"  # after the publication date


def test_the_model_decides_which_venues_become_events(series):
    ex, cands = series
    base = shipped_models()
    accept = Models(date=base.date, type=base.type, event=base.event, role=base.role, proposal=_always(0.9), split=_always(0.9))
    rec = ex.decide(cands, accept)
    workshops = sorted((e.start, e.city, e.country) for e in rec.events if e.type.value == "workshop")
    # one event per venue, never two for one venue and date (the proposal of the date itself already holds one)
    assert workshops == [("2023-10", None, "KGZ"), ("2023-10", None, "MNG"), ("2023-10", None, "TJK"),
                         ("2024-03", "Bishkek", "KGZ"), ("2024-03", "Dushanbe", "TJK")]
    tjk = next(e for e in rec.events if e.country == "TJK" and e.start == "2023-10")
    assert tjk.confidence == pytest.approx(0.9)
    assert any(s.rule == "venue:split" and s.text == "Tajikistan" for s in tjk.evidence)
    # the conference is one event in Almaty: its participants' states are no venues
    assert [(e.start, e.country) for e in rec.events if e.type.value == "conference"] == [("2023-12-05", "KAZ")]
    # the split model decides the venues: refusing them leaves the proposal of each date, one event per date
    mixed = Models(date=base.date, type=base.type, event=base.event, role=base.role, proposal=_always(0.9), split=_always(0.05))
    rec = ex.decide(cands, mixed)
    workshops = [(e.start, e.country) for e in rec.events if e.type.value == "workshop"]
    assert sorted(s for s, _c in workshops) == ["2023-10", "2024-03"]
    refuse = Models(date=base.date, type=base.type, event=base.event, role=base.role, proposal=_always(0.05), split=_always(0.05))
    rec = ex.decide(cands, refuse)
    assert [e for e in rec.events if e.type.value == "workshop"] == []

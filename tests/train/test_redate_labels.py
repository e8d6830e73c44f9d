"""Labels of the redate model (``ctrack.train.redate_labels``) from a gold record, on a fixture written for it.

The rules date the workshop from the sentence-initial date of a saying (5 March); the gold record dates it
26 February. The event is then unmatched, so the candidate whose date starts the open gold workshop is the
positive example and the rules' own date a negative one; when the rules' date is right (the event matched),
the rules' date is the positive example.
"""
from __future__ import annotations

from ctrack.train import Annotated, prepare, redate_labels

TEXT = """Kenya trains border officers on terrorist travel

Published: 8 March 2024

On 5 March 2024 the Minister of Interior of Kenya told Parliament that the workshop on terrorist travel, held in Nairobi on 26 February 2024 by the United Nations Office of Counter-Terrorism (UNOCT), had trained 30 border officers.
"""


def _gold(start: str) -> dict:
    return {"schema": "ctrack.extraction/1",
            "document": {"id": "saying", "title": None, "published": "2024-03-08", "language": "en"},
            "actors": [{"id": "a1", "kind": "un_entity", "name": "United Nations Office of Counter-Terrorism",
                        "acronym": "UNOCT", "iso3": None, "title": None, "affiliation": None}],
            "events": [{"id": "e1", "type": "workshop", "name": None, "start": start, "end": start, "city": "Nairobi",
                        "country": "KEN", "status": "held", "roles": [{"actor": "a1", "role": "organizer"}],
                        "delegations": None, "part_of": None}]}


def _labels(tmp_path, start: str) -> dict[str, int | None]:
    path = tmp_path / "saying.txt"
    path.write_text(TEXT, encoding="utf-8")
    prep = prepare([Annotated(path, _gold(start), "fixture")])[0]
    cands = prep.cands.decisions
    return {c.date.start_iso: y for c, y in zip(cands.redates, redate_labels(prep))
            if cands.events[c.event].type.value == "workshop"}


def test_the_gold_date_is_the_positive_example_when_the_rules_date_is_wrong(tmp_path):
    labels = _labels(tmp_path, "2024-02-26")
    assert labels["2024-02-26"] == 1
    assert labels["2024-03-05"] == 0


def test_the_rules_date_is_the_positive_example_when_it_is_right(tmp_path):
    labels = _labels(tmp_path, "2024-03-05")
    assert labels["2024-03-05"] == 1
    assert labels["2024-02-26"] == 0

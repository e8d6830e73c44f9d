"""Event names end on a complete noun phrase (a new user's trial found "Review of the" and "Strategy").

The rules build a name from the words around a trigger and could cut it at a determiner or a preposition, or
down to a bare generic head noun. The fixture is written for the class: a review of a strategy named in full,
the adoption of "the Strategy" told in passing, a mission to a state named with a coordination, and a plan
launched "for" something that is no name.
"""
from __future__ import annotations

import re

import pytest

from ctrack.extract import extract
from ctrack.extract.context import DocContext, Sentence
from ctrack.extract.events import EventDraft, complete_name
from ctrack.ingest import read
from ctrack.schema import EventType

CUT_NAMES = """Counter-Terrorism Week closes in New York

Published: 30 June 2024

The week included the eighth Review of the United Nations Global Counter-Terrorism Strategy, held in New York on 26-27 June 2024. Speakers recalled the adoption of the Strategy by the General Assembly in 2006. A workshop of the OSCE Mission to Bosnia and Herzegovina on border security took place in Sarajevo on 20 June 2024.
"""

DANGLING = re.compile(r"\b(?:the|a|an|of|for|on|to|in|at|by|with|and|or)$", re.I)


@pytest.fixture(scope="module")
def record(tmp_path_factory):
    path = tmp_path_factory.mktemp("names") / "cut-names.txt"
    path.write_text(CUT_NAMES, encoding="utf-8")
    return extract(read(path))


def test_a_name_cut_at_a_determiner_runs_to_the_end_of_its_noun_phrase(record):
    names = [e.name for e in record.events if e.name]
    assert "Review of the United Nations Global Counter-Terrorism Strategy" in names
    assert any(n.endswith("Mission to Bosnia and Herzegovina") for n in names), names
    assert not [n for n in names if DANGLING.search(n)], names


def test_a_bare_generic_head_noun_is_no_name(record):
    launch = next(e for e in record.events if e.type is EventType.LAUNCH)
    assert launch.start == "2006" and launch.name is None
    assert "Strategy" not in [e.name for e in record.events]


def test_without_a_parse_a_dangling_name_takes_the_capitalized_words_that_follow_or_loses_its_dangling_words():
    text = "The Joint Action Plan for the implementation was adopted by the OSCE Mission to Skopje."
    ctx = DocContext(text=text, published=None, sentences=[Sentence(index=0, start=0, end=len(text), text=text)])
    ev = EventDraft(type=EventType.LAUNCH, first=4, sentence=0)
    assert complete_name(ctx, ev, "Joint Action Plan for") == "Joint Action Plan"
    assert complete_name(ctx, ev, "OSCE Mission to") == "OSCE Mission to Skopje"
    assert complete_name(ctx, ev, "Plan") is None and complete_name(ctx, ev, "CTED") == "CTED"
    assert complete_name(ctx, ev, "Review of the,") is None  # cut to a generic head noun: the type says it

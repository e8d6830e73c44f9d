"""Every example of ctrack/data/cues.json: each trigger and role cue matches what it must and nothing it must not."""
from __future__ import annotations

import re

import pytest

from ctrack.extract.events import _TRIGGER_RES
from ctrack.extract.lexicon import cue_examples
from ctrack.schema import EventType, RoleType

EXAMPLES = cue_examples()


@pytest.mark.parametrize("side", ["role_after", "role_before"])
def test_role_cues(side):
    bad = []
    for pattern, role, match, no_match in EXAMPLES[side]:
        RoleType(role)
        rx = re.compile(rf"(?<![\w\-]){pattern}(?![\w\-])", re.I)
        assert match, f"{side} cue {pattern!r} has no example"
        bad += [f"{pattern!r} should match {m!r}" for m in match if not rx.search(m)]
        bad += [f"{pattern!r} should not match {n!r}" for n in no_match if rx.search(n)]
    assert not bad, "\n".join(bad)


def test_event_triggers():
    bad = []
    assert set(EXAMPLES["event_triggers"]) == {t.value for t in EventType}
    for etype, ex in EXAMPLES["event_triggers"].items():
        rx = _TRIGGER_RES[EventType(etype)]
        bad += [f"{etype} should match {m!r}" for m in ex["match"] if not rx.search(m)]
        bad += [f"{etype} should not match {n!r}" for n in ex["no_match"] if rx.search(n)]
    assert not bad, "\n".join(bad)


def test_role_words():
    """Each role-word example: the parse links a word of its role to the actor mention (cues.json "role_words")."""
    from ctrack.extract import get_extractor
    from ctrack.extract.decide import role_word_features
    from ctrack.extract.lexicon import ROLE_WORDS

    nlp = get_extractor().nlp
    assert len(ROLE_WORDS) > 50
    bad = []
    for role, sentence, actor in EXAMPLES["role_words"]:
        RoleType(role)
        doc = nlp(sentence)
        start = sentence.index(actor)
        span = doc.char_span(start, start + len(actor), alignment_mode="expand")
        got = role_word_features(span.root)
        if f"rw_any={role}" not in got:
            bad.append(f"{role}: {sentence!r} gives {sorted(got)} for {actor!r}")
    assert not bad, "\n".join(bad)


def test_event_lemmas():
    """Each event-lemma example (cues.json "event_lemmas"): the parse makes the word a syntactic trigger candidate of
    its type, or, for a "no_match" pair, does not (a trigger phrase holds it already, or it is no event word)."""
    from ctrack.extract import get_extractor
    from ctrack.extract.context import DocContext, split_sentences
    from ctrack.extract.events import syntactic_triggers
    from ctrack.extract.lexicon import EVENT_LEMMAS

    nlp = get_extractor().nlp
    assert {t for ts in EVENT_LEMMAS.values() for t in ts} == set(EventType)
    examples = EXAMPLES["event_lemmas"]
    assert any(must for *_, must in examples) and any(not must for *_, must in examples)
    bad = []
    for etype, sentence, word, must in examples:
        EventType(etype)
        doc = nlp(sentence)
        ctx = DocContext(text=sentence, published=None, sentences=split_sentences(sentence, doc), doc=doc)
        got = {(t.type.value, t.text) for s in ctx.sentences for t in syntactic_triggers(ctx, s)}
        if ((etype, word) in got) != must:
            bad.append(f"{etype}: {word!r} {'not ' if must else ''}a candidate in {sentence!r} (candidates: {sorted(got)})")
    assert not bad, "\n".join(bad)


def test_venue_words():
    """Each venue-word example (cues.json "venue_words"): the place subject of the venue word is the venue of the
    event its trigger word tells ("Tashkent was the venue of a meeting"), or, for a "no_match" pair, no venue is read
    from the clause."""
    from ctrack.extract import get_extractor
    from ctrack.extract.context import DocContext, split_sentences
    from ctrack.extract.events import Trigger, venue_subject

    nlp = get_extractor().nlp
    examples = EXAMPLES["venue_words"]
    assert any(place for *_, place in examples) and any(place is None for *_, place in examples)
    bad = []
    for sentence, word, place in examples:
        doc = nlp(sentence)
        ctx = DocContext(text=sentence, published=None, sentences=split_sentences(sentence, doc), doc=doc)
        s = sentence.index(word)
        trig = Trigger(EventType.MEETING, s, s + len(word), word, False, ctx.sentence_at(s))
        got = venue_subject(ctx, trig)
        name = None if got is None else (got[0] or got[1])
        want = place
        if place is not None and got is not None and got[0] is None:
            from ctrack.gazetteer import get_gazetteer
            want = get_gazetteer().lookup_state(place).iso3
        if name != want:
            bad.append(f"{word!r} in {sentence!r}: venue {name!r}, expected {want!r}")
    assert not bad, "\n".join(bad)

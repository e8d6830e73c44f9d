"""Roles given in a sentence after the one that tells the event, whose subject stands for that event (issue 8, roles
under grouped cross-validation), with fixtures written for the class. The facts checked come out of the whole pipeline
(the rules' candidates and the shipped decision models).

The class: the event is told in one sentence and its organizer in the next, through a pronoun or a noun that names
the event as the subject of a passive role cue ("It was organized by A together with B", "The mission is co-led by C
and D", "Organized by E and F, it brought together …"). The sentence names no event itself, and an organizer cue in
such a sentence used to give no role (only speakers, participants and funders were carried over to the event just
told), so the role model saw these pairs without the cue's proposal and left them without a role.
"""
from __future__ import annotations

import pytest
from extract_fixtures import only_event, record_of, roles_of

from ctrack.extract import get_extractor
from ctrack.extract.context import DocContext, split_sentences
from ctrack.extract.events import EventDraft
from ctrack.extract.roles import refers_back
from ctrack.schema import EventType

PRONOUN_AND_NOUN = """Border officers from the Sahel trained in Accra on explosive threats

Published: 20 June 2024

A five-day training course on improvised explosive devices took place in Accra, Ghana, from 10 to 14 June 2024. It was organized by the African Union Mechanism for Police Cooperation (AFRIPOL) together with the International Organization for Migration (IOM). The course was funded by the Government of Japan. Twenty officers from Burkina Faso, Mali and Niger took part.
"""

PARTICIPLE = """Prison officers in Bamako study the management of violent extremist prisoners

Published: 9 November 2023

A three-day workshop on the management of violent extremist prisoners was held in Bamako, Mali, from 6 to 8 November 2023. Organized by the United Nations Interregional Crime and Justice Research Institute (UNICRI) and the Hedayah Center, it brought together thirty prison officers and social workers. The Ministry of Justice of Mali also took part.
"""




def test_a_pronoun_or_an_event_noun_carries_the_organizer_and_the_funder(tmp_path):
    rec = record_of(tmp_path, "pronoun", PRONOUN_AND_NOUN)
    ws = only_event(rec, "workshop")
    assert (ws.start, ws.end, ws.city, ws.country) == ("2024-06-10", "2024-06-14", "Accra", "GHA")
    roles = roles_of(rec, ws)
    assert {("African Union Mechanism for Police Cooperation", "organizer"), ("Japan", "funder")} <= roles
    assert ("Japan", "organizer") not in roles
    assert ("Ghana", "organizer") not in roles


@pytest.mark.xfail(strict=True, reason="the 'together with B' conjunct of the organizer cue comes out a participant "
                   "with the shipped models (found in the fresh-clone CI run of 2026-12-08; the branch's claim that it "
                   "passed did not reproduce): a known miss of the class, kept visible")
def test_the_partner_of_a_pronoun_organizer_cue_is_an_organizer_too(tmp_path):
    rec = record_of(tmp_path, "pronoun", PRONOUN_AND_NOUN)
    assert ("International Organization for Migration", "organizer") in roles_of(rec, only_event(rec, "workshop"))


def test_a_participial_cue_gives_its_role_to_the_subject_event(tmp_path):
    rec = record_of(tmp_path, "participle", PARTICIPLE)
    ws = only_event(rec, "workshop")
    roles = roles_of(rec, ws)
    assert {("United Nations Interregional Crime and Justice Research Institute", "organizer"),
            ("Hedayah Center", "organizer"), ("Ministry of Justice of Mali", "participant")} <= roles
    assert ("Hedayah Center", "participant") not in roles


@pytest.mark.parametrize("sentence, cue, expected", [
    ("It was organized by the OSCE together with UNODC.", "organized by", True),
    ("The course was funded by the Government of Japan.", "funded by", True),
    ("These workshops were supported by the European Union.", "supported by", True),
    ("The mission is co-led by France and Senegal.", "co-led by", True),
    ("Organized by UNICRI and the Hedayah Center, it brought together thirty officers.", "Organized by", True),
    # the subject is an actor or a thing that is no event: the cue says nothing about the event told before
    ("UNODC was supported by the Government of Japan for many years.", "supported by", False),
    ("The strategy was adopted by the Government in 2019.", "adopted by", False),
    ("Its staff were trained by experts from the OSCE.", "trained by", False),
])
def test_refers_back_reads_the_subject_of_the_cue_clause(sentence, cue, expected):
    ex = get_extractor()
    doc = ex.parse(sentence)
    ctx = DocContext(text=sentence, published=None, sentences=split_sentences(sentence, doc), doc=doc)
    ev = EventDraft(type=EventType.WORKSHOP, first=0, sentence=0)
    assert refers_back(ctx, sentence.index(cue), [ev]) is expected

"""Failure classes of extraction on unseen house styles (issue 8), each with a short fixture written for it.

Each test checks the facts that come out of the whole pipeline (rules' candidates + the shipped decision models):
roles phrased as nouns ("a joint initiative of", "funding comes from", "at the invitation of", "working with"),
speakers introduced by quotes and panels, meetings inside a visit, and planned events announced with "is due
to", "will travel", "is expected to".
"""
from __future__ import annotations

import pytest

from ctrack.extract import extract
from ctrack.ingest import read

NOUN_ROLES = """Workshop on countering the financing of terrorism held in Dakar

Published: 12 May 2023

A workshop on countering the financing of terrorism took place in Dakar, Senegal, on 10-11 May 2023. The workshop was a joint initiative of the Counter-Terrorism Committee Executive Directorate (CTED) and the Inter-Governmental Action Group against Money Laundering in West Africa (GIABA), working with the Financial Action Task Force (FATF). Funding comes from the European Union, and Japan also contributes.
"""

INVITATION_AND_PANEL = """Ministers discuss prevention of violent extremism at Amman conference

Published: 3 October 2022

A regional conference on preventing violent extremism was held in Amman, Jordan, on 2 October 2022 at the invitation of the Government of Jordan and in partnership with the United Nations Development Programme (UNDP).
"Prevention starts in our communities," said Ayman Safadi, Minister of Foreign Affairs of Jordan, opening the conference.
The panel on youth was moderated by Jane Doe, Director of the Hedayah Center. Panellists included Vladimir Voronkov, Under-Secretary-General of the United Nations Office of Counter-Terrorism (UNOCT).
"""

MEETING_IN_VISIT = """UNOCT chief visits Uzbekistan

Published: 15 September 2021

Vladimir Voronkov, Under-Secretary-General of the United Nations Office of Counter-Terrorism (UNOCT), visited Uzbekistan from 12 to 14 September 2021. During the visit he met with Abdulaziz Kamilov, Minister of Foreign Affairs of Uzbekistan, in Tashkent on 13 September 2021.
"""

PLANNED = """CTED delegation to visit Kenya

Published: 1 February 2024

A delegation of the Counter-Terrorism Committee Executive Directorate (CTED) is due to conduct an assessment visit to Kenya on 12-15 March 2024. The Executive Director of CTED, Natalia Gherman, will travel to Nairobi for the visit. A workshop on border management is expected to take place in Mombasa in April 2024.
"""

# roles said by words no cue pattern lists: "X provide the project's funding", a relative clause "which Y implements",
# speakers named after a colon ("Two experts addressed the participants: A and B")
ROLE_WORDS = """Risk profiling course for customs officers opens in Almaty

Published: 20 June 2023

A training course on risk profiling for customs officers opened in Almaty, Kazakhstan, on 19 June 2023. The course belongs to a regional project which the United Nations Office on Drugs and Crime (UNODC) implements. Norway and Canada provide the project's funding.
Two experts addressed the participants at the opening: Aida Bekova, Deputy Chairperson of the State Revenue Committee of Kazakhstan, and Tomas Lind, Programme Officer of UNODC.
"""

# event words inside actors' names ("Conference on Interaction …", "OSCE Mission to Serbia") and a city inside one
# ("OSCE Programme Office in Bishkek") are no event and no venue; a venue stated before its trigger, as the subject of
# "was the venue of", is the venue
NAMES_AND_VENUES = """Regional experts meet in Central Asia

Published: 20 May 2021

The Conference on Interaction and Confidence-Building Measures in Asia (CICA) and the OSCE Programme Office in Bishkek organized a regional workshop on countering terrorist financing in Almaty on 12 May 2021. The OSCE Mission to Serbia and the Conference on Interaction and Confidence-Building Measures in Asia contributed experts. Tashkent was the venue of a follow-up meeting of prosecutors on 18 May 2021.
"""


def _record(tmp_path, name, text):
    path = tmp_path / f"{name}.txt"
    path.write_text(text, encoding="utf-8")
    return extract(read(path))


def _roles(record, event):
    names = {a.id: a.name for a in record.actors}
    return {(names[r.actor], r.role.value) for r in event.roles}


def _only(record, etype):
    found = [e for e in record.events if e.type.value == etype]
    assert len(found) == 1, f"expected one {etype}, got {[(e.type.value, e.start) for e in record.events]}"
    return found[0]


def test_organizers_and_funders_named_by_nouns(tmp_path):
    rec = _record(tmp_path, "noun-roles", NOUN_ROLES)
    ws = _only(rec, "workshop")
    assert (ws.start, ws.end, ws.city, ws.country) == ("2023-05-10", "2023-05-11", "Dakar", "SEN")
    roles = _roles(rec, ws)
    for org in ("Counter-Terrorism Committee Executive Directorate",
                "Inter-Governmental Action Group against Money Laundering in West Africa", "Financial Action Task Force"):
        assert (org, "organizer") in roles
    assert ("European Union", "funder") in roles
    assert ("Japan", "funder") in roles


def test_host_at_whose_invitation_quotes_and_panellists(tmp_path):
    rec = _record(tmp_path, "invitation", INVITATION_AND_PANEL)
    conf = _only(rec, "conference")
    assert (conf.start, conf.city, conf.country) == ("2022-10-02", "Amman", "JOR")
    roles = _roles(rec, conf)
    assert ("Jordan", "organizer") in roles
    assert ("United Nations Development Programme", "organizer") in roles
    assert ("Ayman Safadi", "speaker") in roles
    assert ("Vladimir Voronkov", "speaker") in roles


def test_meeting_inside_a_visit(tmp_path):
    rec = _record(tmp_path, "visit", MEETING_IN_VISIT)
    visit = _only(rec, "visit")
    assert (visit.start, visit.end, visit.country) == ("2021-09-12", "2021-09-14", "UZB")
    assert ("Uzbekistan", "subject") in _roles(rec, visit)
    meetings = [e for e in rec.events if e.type.value == "meeting"]
    assert meetings and all(m.part_of == visit.id for m in meetings)
    assert any({("Vladimir Voronkov", "participant"), ("Abdulaziz Kamilov", "participant")} <= _roles(rec, m) for m in meetings)


def test_planned_events_announced_with_due_to_and_expected_to(tmp_path):
    rec = _record(tmp_path, "planned", PLANNED)
    av = _only(rec, "assessment_visit")
    assert (av.start, av.end, av.country, av.status.value) == ("2024-03-12", "2024-03-15", "KEN", "planned")
    assert {("Kenya", "subject"), ("Counter-Terrorism Committee Executive Directorate", "organizer")} <= _roles(rec, av)
    ws = _only(rec, "workshop")
    assert (ws.start, ws.city, ws.status.value) == ("2024-04", "Mombasa", "planned")


@pytest.mark.parametrize("text", [NOUN_ROLES, INVITATION_AND_PANEL, MEETING_IN_VISIT, PLANNED])
def test_every_fact_has_a_confidence(tmp_path, text):
    rec = _record(tmp_path, "conf", text)
    assert rec.events
    for e in rec.events:
        assert 0.0 <= e.confidence <= 1.0
        assert all(0.0 <= r.confidence <= 1.0 for r in e.roles)


def test_roles_said_by_role_words(tmp_path):
    """Speakers named after a colon ("Two experts addressed the participants: A and B") are found by the role words the
    parse links to them; the funders ("Norway and Canada provide the project's funding") are not taken for participants.
    (Their funder role and the organizer of the relative clause are not found yet: issue 8.)"""
    rec = _record(tmp_path, "role-words", ROLE_WORDS)
    ws = _only(rec, "workshop")
    assert (ws.start, ws.city, ws.country) == ("2023-06-19", "Almaty", "KAZ")
    roles = _roles(rec, ws)
    assert {("Aida Bekova", "speaker"), ("Tomas Lind", "speaker")} <= roles
    assert not {("Norway", "participant"), ("Canada", "participant")} & roles


@pytest.mark.parametrize("text", [NOUN_ROLES, INVITATION_AND_PANEL])
def test_rule_roles_confidence_is_a_probability_of_being_right(tmp_path, text):
    """A role the cue rules found and that holds gets the verification model's probability, not the role model's
    share for that role (which was near zero, 0.02, on correct organizers whose features the model read otherwise)."""
    rec = _record(tmp_path, "conf-rule", text)
    names = {a.id: a.name for a in rec.actors}
    verified = [r for e in rec.events for r in e.roles if r.evidence is not None and r.evidence.rule.startswith("role:verify")]
    assert verified, [(names[r.actor], r.role.value, r.evidence and r.evidence.rule) for e in rec.events for r in e.roles]
    for r in verified:
        assert r.evidence.rule.startswith(f"role:verify p={r.confidence:.2f}")
    organizers = [r for e in rec.events for r in e.roles if r.role.value == "organizer"]
    assert organizers and min(r.confidence for r in organizers) >= 0.5, \
        [(names[r.actor], round(r.confidence, 2)) for r in organizers]


def test_words_of_names_are_no_events_and_no_venues_and_a_venue_before_its_trigger(tmp_path):
    rec = _record(tmp_path, "names", NAMES_AND_VENUES)
    # "Conference" of CICA, "Mission" of the OSCE Mission: no conference, no visit
    assert sorted(e.type.value for e in rec.events) == ["meeting", "workshop"]
    ws = _only(rec, "workshop")
    assert (ws.start, ws.city, ws.country) == ("2021-05-12", "Almaty", "KAZ")  # not Bishkek, a word of a name
    meeting = _only(rec, "meeting")
    assert (meeting.start, meeting.city, meeting.country) == ("2021-05-18", "Tashkent", "UZB")

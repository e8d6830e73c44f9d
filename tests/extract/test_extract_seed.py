"""The seed document's record (``../shared/seeds/``), the project's canonical input."""
from __future__ import annotations

import pytest

from ctrack.schema import ActorKind, EventStatus, EventType, RoleType


@pytest.fixture(scope="module")
def seed(dev_records):
    return dev_records["seed-000"]


def _actor(record, name):
    return next(a for a in record.actors if a.name == name)


def _roles(event, record):
    names = {a.id: a.name for a in record.actors}
    return {(names[r.actor], r.role) for r in event.roles}


def test_conference_in_dushanbe_with_organizers_and_funder(seed):
    conf = next(e for e in seed.events if e.type is EventType.CONFERENCE)
    assert (conf.start, conf.end) == ("2018-05-03", "2018-05-04")
    assert (conf.city, conf.country) == ("Dushanbe", "TJK")
    assert conf.status is EventStatus.HELD
    assert conf.delegations == 47
    roles = _roles(conf, seed)
    for org in ("Tajikistan", "Organization for Security and Co-operation in Europe", "European Union"):
        assert (org, RoleType.ORGANIZER) in roles
    assert ("Qatar", RoleType.FUNDER) in roles
    assert ("Michèle Coninsx", RoleType.SPEAKER) in roles


def test_coninsx_is_executive_director_of_cted(seed):
    coninsx = _actor(seed, "Michèle Coninsx")
    assert coninsx.kind is ActorKind.PERSON
    assert coninsx.title == "Executive Director"
    cted = next(a for a in seed.actors if a.id == coninsx.affiliation)
    assert cted.acronym == "CTED"


def test_open_briefing_in_new_york_is_planned(seed):
    brief = next(e for e in seed.events if e.type is EventType.BRIEFING)
    assert brief.start == "2018-07-02"
    assert (brief.city, brief.country) == ("New York", "USA")
    assert brief.status is EventStatus.PLANNED
    assert ("Counter-Terrorism Committee", RoleType.ORGANIZER) in _roles(brief, seed)


def test_central_asian_states_expanded_for_assessment_visits(seed):
    visits = [e for e in seed.events if e.type is EventType.ASSESSMENT_VISIT]
    assert sorted(v.country for v in visits) == ["KAZ", "KGZ", "TJK", "TKM", "UZB"]
    for v in visits:
        assert ("Counter-Terrorism Committee Executive Directorate", RoleType.ORGANIZER) in _roles(v, seed)


def test_side_meetings_point_to_the_conference(seed):
    conf = next(e for e in seed.events if e.type is EventType.CONFERENCE)
    meetings = [e for e in seed.events if e.type is EventType.MEETING]
    assert len(meetings) >= 5
    assert all(m.part_of == conf.id for m in meetings)
    assert all(m.start == "2018-05" for m in meetings)


def test_government_of_tajikistan_is_the_member_state(seed):
    names = {a.name for a in seed.actors}
    assert "Tajikistan" in names
    assert not any("Government" in n for n in names)


def test_honorifics_are_not_part_of_names(seed):
    alimov = _actor(seed, "Rashid Alimov")
    assert alimov.title == "Secretary-General"

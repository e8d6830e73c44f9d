"""The scores behind proposed duplicates (:mod:`ctrack.resolve.similar`): the resolver's rules, graded."""
from __future__ import annotations

from ctrack.resolve.events import EventFacts
from ctrack.resolve.similar import ActorFacts, actor_similarity, event_similarity, org_similarity, person_similarity
from ctrack.schema import ActorKind, EventType, RoleType


def person(i, name, **kw):
    return ActorFacts(id=i, kind=ActorKind.PERSON, name=name, **kw)


def org(i, name, kind=ActorKind.UN_ENTITY, **kw):
    return ActorFacts(id=i, kind=kind, name=name, **kw)


def test_persons_are_scored_by_the_name_rules_and_their_affiliation():
    assert person_similarity(person(1, "Michèle Coninsx"), person(2, "Ms. Michele CONINSX")).score == 100
    assert person_similarity(person(1, "M. Coninsx"), person(2, "Michèle Coninsx")).score == 90
    assert person_similarity(person(1, "Voronkov"), person(2, "Vladimir Voronkov")).score == 80
    near = person_similarity(person(1, "Maria Smith"), person(2, "Mario Smith"))
    assert 75 < near.score < 80 and "same surname" in near.reasons[0]
    far = person_similarity(person(1, "Maria Smith"), person(2, "John Smith"))
    assert far.score < 60 < near.score
    assert person_similarity(person(1, "Kamilov"), person(2, "Komilov")) is None  # no shared surname
    same_body = person_similarity(person(1, "Maria Smith", affiliation_id=7), person(2, "Mario Smith", affiliation_id=7))
    other_body = person_similarity(person(1, "Maria Smith", affiliation_id=7), person(2, "Mario Smith", affiliation_id=8))
    assert other_body.score < near.score < same_body.score


def test_a_title_stored_as_an_alias_does_not_make_two_persons_one():
    a = person(1, "Hardeep Singh Puri", aliases=("Chairman",))
    b = person(2, "Amr Abdellatif Aboulatta", aliases=("Chairman",))
    assert person_similarity(a, b) is None


def test_organizations_gazetteer_acronym_initials_and_names():
    unoct = org(1, "Office of Counter-Terrorism", acronym="UNOCT")
    assert org_similarity(org(2, "United Nations Office of Counter-Terrorism"), unoct).score == 100
    same_acronym = org_similarity(org(1, "Fusion Cell", acronym="NFC", kind=ActorKind.OTHER_ORG),
                                  org(2, "National Fusion Centre", acronym="NFC", kind=ActorKind.OTHER_ORG))
    assert same_acronym.score == 90 and "same acronym" in same_acronym.reasons[0]
    initials = org_similarity(org(1, "Anti-Terrorism Centre", acronym="ATCX", kind=ActorKind.OTHER_ORG),
                              org(2, "Anti Terrorism Coordination Xenter", kind=ActorKind.OTHER_ORG))
    assert initials.score == 85
    names = org_similarity(org(1, "Ministry of Interior", kind=ActorKind.GOVERNMENT_BODY, iso3="TJK"),
                           org(2, "Ministry of the Interior", kind=ActorKind.GOVERNMENT_BODY, iso3="TJK"))
    assert names.score > 80
    # never proposed: bodies of two states, two gazetteer entries, different numbers, names far apart
    assert org_similarity(org(1, "Ministry of Interior", kind=ActorKind.GOVERNMENT_BODY, iso3="TJK"),
                          org(2, "Ministry of the Interior", kind=ActorKind.GOVERNMENT_BODY, iso3="KAZ")) is None
    assert org_similarity(org(1, "Counter-Terrorism Committee"),
                          org(2, "Counter-Terrorism Committee Executive Directorate")) is None
    assert org_similarity(org(1, "1267 Committee"), org(2, "1373 Committee")) is None
    assert org_similarity(org(1, "Fusion Cell", kind=ActorKind.OTHER_ORG),
                          org(2, "Border Police", kind=ActorKind.OTHER_ORG)) is None
    assert actor_similarity(person(1, "Smith"), org(2, "Smith", kind=ActorKind.OTHER_ORG)) is None


def event(i, start, country="TJK", name=None, roles=(), city=None, type=EventType.CONFERENCE):
    return EventFacts(id=i, type=type, start=start, country=country, name=name, city=city,
                      roles=frozenset((a, RoleType.PARTICIPANT) for a in roles))


def test_events_weigh_dates_place_actors_and_name():
    one = event(1, "2018-05-03", name="High-Level Conference on Counter-Terrorism", roles=(1, 2), city="Dushanbe")
    best = event_similarity(one, event(2, "2018-05-03", name="High-level conference on counter terrorism",
                                       roles=(1, 2), city="Dushanbe"))
    assert best.score == 100
    apart = event_similarity(one, event(3, "2018-05", name="high-level conference on counter terrorism", roles=(5,)))
    assert apart.score == 70 and "no shared actor" in apart.reasons
    later = event_similarity(one, event(4, "2018-05-29", name="High-Level Conference on Counter-Terrorism", roles=(5,)))
    assert later.score < apart.score and any("different days" in r for r in later.reasons)
    assert event_similarity(one, event(5, "2018-05-03", country="KAZ", roles=(1, 2))) is None
    # common actors do not count as shared; a number in the name tells events apart
    assert "1 shared actor: 1" in event_similarity(one, event(6, "2018-05-03", roles=(1,))).reasons
    assert not any("shared actor:" in r for r in event_similarity(one, event(6, "2018-05-03", roles=(1,)),
                                                                    common={1}).reasons)
    seventh = event_similarity(event(7, "2018-05", name="7th meeting"), event(8, "2018-05", name="8th meeting"))
    assert "names carry different numbers" in seventh.reasons
    # two events one document reports are less likely one
    alone = event_similarity(one, event(9, "2018-05-03", roles=(1, 2)), documents=({1}, {1}))
    apart_docs = event_similarity(one, event(9, "2018-05-03", roles=(1, 2)), documents=({1}, {2}))
    assert alone.score == apart_docs.score - 20

"""Canonical keys, "Government of X" = X, and organization/person matching against known actors."""
from __future__ import annotations

import pytest

from ctrack.resolve.actors import (
    ActorCandidate, canonical_key, is_fuller_name, lookup_keys, match_actor, normalize, normalize_actor,
)
from ctrack.schema import Actor, ActorKind


def actor(name, kind=ActorKind.UN_ENTITY, **kw):
    return Actor(id="x", kind=kind, name=name, **kw)


def cand(id, name, kind=ActorKind.UN_ENTITY, acronym=None, iso3=None, aliases=()):
    a = actor(name, kind, acronym=acronym, iso3=iso3)
    forms = (name, *( [acronym] if acronym else []), *aliases)
    return ActorCandidate(id=id, kind=kind, key=canonical_key(normalize_actor(a)), name=name, acronym=acronym,
                          iso3=iso3, aliases=tuple(forms), normalized=frozenset(normalize(f) for f in forms))


@pytest.mark.parametrize("a, key", [
    (actor("Tajikistan", ActorKind.MEMBER_STATE, iso3="TJK"), "state:TJK"),
    (actor("the Republic of Tajikistan", ActorKind.MEMBER_STATE), "state:TJK"),
    (actor("Government of Tajikistan", ActorKind.GOVERNMENT_BODY), "state:TJK"),
    (actor("Tajik authorities", ActorKind.OTHER_ORG), "state:TJK"),
    (actor("Counter-Terrorism Committee Executive Directorate", acronym="CTED"), "org:cted"),
    (actor("CTED"), "org:cted"),
    (actor("UN Office of Counter-Terrorism"), "org:unoct"),
    (actor("Regional Anti-Terrorist Structure", ActorKind.REGIONAL_ORG, acronym="RATS"), "org:sco-rats"),
    (actor("Northern Counter-Extremism Forum", ActorKind.REGIONAL_ORG, acronym="NCEF"), "org:ncef"),
    (actor("Zeta Quantum Exchange", ActorKind.OTHER_ORG), "org:zetaquantumexchange"),
    (actor("National Police", ActorKind.GOVERNMENT_BODY, iso3="COL"), "org:nationalpolice@COL"),
    (actor("Ms. Michèle Coninsx", ActorKind.PERSON), "person:michele coninsx"),
])
def test_canonical_keys(a, key):
    assert canonical_key(normalize_actor(a)) == key


def test_government_of_x_becomes_the_state():
    a = normalize_actor(actor("the Government of the Republic of Tajikistan", ActorKind.GOVERNMENT_BODY))
    assert (a.kind, a.iso3, a.name) == (ActorKind.MEMBER_STATE, "TJK", "Tajikistan")
    assert "the Government of the Republic of Tajikistan" in a.aliases
    ministry = actor("Ministry of Foreign Affairs of Tajikistan", ActorKind.GOVERNMENT_BODY, iso3="TJK")
    assert normalize_actor(ministry) is ministry


def test_org_matches_by_acronym_name_and_alias():
    known = [cand(1, "Zeta Quantum Exchange", ActorKind.OTHER_ORG, acronym="ZQX"),
             cand(2, "Other Body", ActorKind.OTHER_ORG)]
    new = normalize_actor(actor("ZQX", ActorKind.OTHER_ORG))
    assert match_actor(new, canonical_key(new), known).actor_id == 1
    new = normalize_actor(actor("zeta quantum exchange", ActorKind.REGIONAL_ORG))
    m = match_actor(new, canonical_key(new), known)
    assert (m.actor_id, m.rule) == (1, "name")
    new = normalize_actor(actor("Zeta Quantum Exchange Ltd", ActorKind.OTHER_ORG, acronym="ZQX"))
    assert match_actor(new, canonical_key(new), known).rule in ("acronym", "canonical_key")


def test_groups_and_states_of_government_bodies_keep_actors_apart():
    known = [cand(1, "National Police", ActorKind.GOVERNMENT_BODY, iso3="COL")]
    new = normalize_actor(actor("National Police", ActorKind.GOVERNMENT_BODY, iso3="ESP"))
    assert match_actor(new, canonical_key(new), known) is None
    person = normalize_actor(actor("National Police", ActorKind.PERSON))
    assert match_actor(person, canonical_key(person), known) is None


def test_lookup_keys_and_fuller_names():
    assert lookup_keys(actor("UN Office of Counter-Terrorism", acronym="UNOCT")) == {
        "unitednationsofficeofcounterterrorism", "unoct"}
    assert is_fuller_name(actor("Vladimir Voronkov", ActorKind.PERSON), "Voronkov", None)
    assert not is_fuller_name(actor("Voronkov", ActorKind.PERSON), "Vladimir Voronkov", None)
    assert is_fuller_name(actor("Zeta Quantum Exchange", ActorKind.OTHER_ORG), "ZQX", "ZQX")

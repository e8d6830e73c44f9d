"""Every state and organization of the dev gold resolves to the gold's canonical name, acronym and kind."""
import json
from pathlib import Path

import pytest

from ctrack.gazetteer import get_gazetteer, normalize_name
from ctrack.schema import ActorKind

GOLD = Path(__file__).resolve().parents[2] / ".." / "shared" / "corpus" / "dev" / "gold"

# Bodies the extractor builds from patterns ("Ministry of Foreign Affairs of X",
# "United Nations Resident Coordinator in X", "National Police of X") or that
# are single facilities: the gazetteer does not list them.
PATTERN_BUILT = {
    "United Nations Resident Coordinator in Tajikistan", "United Nations Country Team in Iraq",
    "Ministry of Foreign Affairs of Morocco", "Ministry of Foreign Affairs of Tajikistan",
    "Royal Moroccan Institute of Police", "National Police of Spain", "National Police of Colombia",
    "Brazilian School of Intelligence", "Financial Intelligence Unit of the Kingdom of Morocco",
    "Brussels International Airport",
}


def _gold_actors():
    files = sorted(GOLD.glob("*.json"))
    assert len(files) >= 17, f"dev gold not found under {GOLD}"
    seen = {}
    for f in files:
        for a in json.loads(f.read_text(encoding="utf-8"))["actors"]:
            if a["kind"] != "person":
                seen[(a["kind"], a["name"], a.get("acronym"), a.get("iso3"))] = f.name
    return sorted(seen)


GOLD_ACTORS = _gold_actors()
GOLD_STATES = [a for a in GOLD_ACTORS if a[0] == "member_state"]
GOLD_ORGS = [a for a in GOLD_ACTORS if a[0] != "member_state" and a[1] not in PATTERN_BUILT]


def test_gold_has_what_the_tests_cover():
    assert len(GOLD_STATES) >= 25
    assert len(GOLD_ORGS) >= 25


@pytest.mark.parametrize("kind,name,acronym,iso3", GOLD_STATES)
def test_gold_state_resolves(kind, name, acronym, iso3):
    gaz = get_gazetteer()
    st = gaz.lookup_state(name)
    assert st is not None and st.iso3 == iso3
    assert st.name == name  # the canonical name is the gold's
    assert gaz.lookup_state(iso3).iso3 == iso3
    assert gaz.state(iso3).name == name


@pytest.mark.parametrize("kind,name,acronym,iso3", GOLD_ORGS)
def test_gold_org_resolves(kind, name, acronym, iso3):
    gaz = get_gazetteer()
    org = gaz.lookup_org(name)
    assert org is not None, name
    assert org.name == name
    assert org.kind is ActorKind(kind)
    if acronym:
        assert org.acronym == acronym
        assert gaz.lookup_org(acronym) is org
    if iso3:
        assert org.iso3 == iso3
    assert gaz.organization(org.key) is org


def test_pattern_built_bodies_are_really_in_the_gold():
    names = {a[1] for a in GOLD_ACTORS}
    assert PATTERN_BUILT <= names


def test_gold_event_cities_resolve():
    gaz = get_gazetteer()
    pairs = set()
    for f in sorted(GOLD.glob("*.json")):
        for e in json.loads(f.read_text(encoding="utf-8"))["events"]:
            if e.get("city"):
                pairs.add((e["city"], e["country"]))
    assert ("Bali", "IDN") in pairs and ("Georgetown", "GUY") in pairs
    for city, country in sorted(pairs):
        c = gaz.lookup_city(city)
        assert c is not None and (c.name, c.iso3) == (city, country)


def test_normalize_name_agrees_with_the_scorer():
    import importlib.util

    path = GOLD.parent.parent.parent / "eval" / "score.py"
    spec = importlib.util.spec_from_file_location("score", path)
    score = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(score)
    samples = [a[1] for a in GOLD_ACTORS] + [a[2] for a in GOLD_ACTORS if a[2]] + [
        "U.N. Office", "the UN's Office of Counter-Terrorism", "Co-operation & Development", "Michèle Coninsx",
        "Organisation for Security and Co-operation in Europe", "Centre", "programmes", "Defence", "Labour",
        "Øresund Straße", "  The   Hague ", "Secretary General", "Türkiye", "Côte d’Ivoire", "UN-Women", "", None]
    for s in samples:
        assert normalize_name(s) == score.normalize(s), s

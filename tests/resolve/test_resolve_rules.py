"""Pure resolve rules: person names, dates at text precision, event matching and field merging."""
from __future__ import annotations

from dataclasses import replace

import pytest

from ctrack.resolve import dates
from ctrack.resolve.events import EventFacts, common_actor_ids, diff_fields, match_event
from ctrack.resolve.names import FUZZY_THRESHOLD, match_person, person_key, person_tokens
from ctrack.schema import EventStatus, EventType, RoleType

P, S, O = RoleType.PARTICIPANT, RoleType.SUBJECT, RoleType.ORGANIZER


@pytest.mark.parametrize("name, tokens", [
    ("H.E. Mr. Jean-Paul Laborde", ("jean", "paul", "laborde")),
    ("Michèle CONINSX", ("michele", "coninsx")),
    ("Ambassador Ihab Fawzi", ("ihab", "fawzi")),
    ("He Yafei", ("he", "yafei")),
])
def test_person_tokens_fold_and_drop_honorifics(name, tokens):
    assert person_tokens(name) == tokens


def test_person_key_ignores_accents_and_honorifics():
    assert person_key("Ms. Michèle Coninsx") == person_key("Michele Coninsx") == "person:michele coninsx"


KNOWN = [(1, ["Vladimir Voronkov"]), (2, ["Michèle Coninsx"]), (3, ["Magdy Abdel Ghaffar"]),
         (4, ["Ahmed el-Tayeb"])]


@pytest.mark.parametrize("name, expected, rule", [
    ("Voronkov", 1, "surname_only"),
    ("Mr. Voronkov", 1, "surname_only"),
    ("Abdel Ghaffar", 3, "surname_only"),
    ("Ahmed al-Tayeb", 4, "fuzzy_name"),
    ("Vladimir I. Voronkov", 1, "fuzzy_name"),
    ("M. Coninsx", 2, "initials"),
    ("Michele Coninsx", 2, "same_name"),
])
def test_person_matches(name, expected, rule):
    m = match_person(name, KNOWN)
    assert m is not None and (m.candidate_id, m.rule) == (expected, rule)


@pytest.mark.parametrize("name", ["John Smith", "Mario Coninsx", "Sergey Voronkov-Petrov"])
def test_person_non_matches(name):
    assert match_person(name, KNOWN) is None


def test_surname_only_needs_a_unique_person():
    assert match_person("Smith", [(1, ["John Smith"]), (2, ["Mary Smith"])]) is None
    assert match_person("Smith", [(1, ["John Smith"])]).candidate_id == 1


def test_fuzzy_threshold_separates_variants_from_different_people():
    assert FUZZY_THRESHOLD == 92
    assert match_person("Maria Smith", [(1, ["Mario Smith"])]) is None  # 90.9
    assert match_person("Sergei Lavrov", [(1, ["Sergey Lavrov"])]).rule == "fuzzy_name"  # 92.3


@pytest.mark.parametrize("a, b, expected", [
    (("2018-05-03", "2018-05-04"), ("2018-05", None), True),
    (("2018-05-03", None), ("2018-05-10", None), False),
    (("2018-05-30", "2018-06-02"), ("2018-06", "2018-06"), True),
    (("2018", None), ("2018-11-01", None), True),
    (("2018-05", None), (None, None), False),
])
def test_date_overlap_at_coarser_precision(a, b, expected):
    assert dates.overlaps(*a, *b) is expected


def test_date_helpers():
    assert dates.precision("2018-05") == 2
    assert dates.parse("2018-02-30") is None
    assert dates.refines("2018-05", "2018-05-03") and not dates.refines("2018-05-03", "2018-05")
    assert dates.to_bound("2018", upper=True).isoformat() == "2018-12-31"
    assert sorted(["2018-05-03", None, "2018-05", "2017"], key=dates.sort_key) == ["2017", "2018-05", "2018-05-03", None]
    with pytest.raises(ValueError):
        dates.to_bound("May 2018", upper=False)


def ev(id, type=EventType.MEETING, start="2018-05-03", end=None, country="TJK", roles=(), name=None, affs=None):
    return EventFacts(id=id, type=type, start=start, end=end, country=country, name=name,
                      roles=frozenset(roles), affiliations=affs or {})


def test_same_meeting_reported_twice_matches():
    old = ev(1, roles=[(10, P), (20, P)])
    new = ev(None, start="2018-05", roles=[(10, P), (20, P)])
    assert match_event(new, [old]).event_id == 1


def test_two_meetings_same_day_different_counterparts_do_not_match():
    cted, kaz, uzb = 10, 20, 30
    old = ev(1, roles=[(cted, P), (kaz, P)])
    new = ev(None, roles=[(cted, P), (uzb, P)])
    assert match_event(new, [old]) is None


def test_person_counts_as_their_affiliation():
    coninsx, cted, tjk = 11, 10, 20
    old = ev(1, roles=[(cted, P), (tjk, P)])
    new = ev(None, roles=[(coninsx, P), (tjk, P)], affs={coninsx: cted})
    assert match_event(new, [old]).event_id == 1


def test_event_rules_type_country_dates_common_and_exclusions():
    old = ev(1, type=EventType.CONFERENCE, roles=[(10, O), (20, P)])
    assert match_event(ev(None, type=EventType.WORKSHOP, roles=[(10, O)]), [old]) is None
    assert match_event(ev(None, type=EventType.CONFERENCE, country="KAZ", roles=[(10, O)]), [old]) is None
    assert match_event(ev(None, type=EventType.CONFERENCE, country=None, roles=[(10, O)]), [old]).event_id == 1
    assert match_event(ev(None, type=EventType.CONFERENCE, start="2018-06", roles=[(10, O)]), [old]) is None
    assert match_event(ev(None, type=EventType.CONFERENCE, roles=[(10, O)]), [old], common={10}) is None
    assert match_event(ev(None, type=EventType.CONFERENCE, roles=[(10, O)]), [old], exclude={1}) is None
    assert match_event(ev(None, type=EventType.CONFERENCE, roles=[(30, O)]), [old]) is None


def test_visits_with_different_subjects_do_not_match():
    old = ev(1, type=EventType.ASSESSMENT_VISIT, start="2018", roles=[(10, O), (20, S)])
    new = ev(None, type=EventType.ASSESSMENT_VISIT, start="2018", country=None, roles=[(10, O), (30, S)])
    assert match_event(new, [old]) is None


def test_undated_events_match_only_by_name_and_a_sign_of_their_own():
    old = ev(1, type=EventType.LAUNCH, start=None, country=None, roles=[(10, O), (20, P)], name="Joint Plan of Action")
    # the same name and one shared party: not enough without a date (a name cut short, a body's series)
    assert match_event(ev(None, type=EventType.LAUNCH, start=None, country=None, roles=[(10, O)],
                          name="joint plan of action"), [old]) is None
    # the same name and two shared sides, or the same venue country on both: one event
    assert match_event(ev(None, type=EventType.LAUNCH, start=None, country=None, roles=[(10, O), (20, P)],
                          name="joint plan of action"), [old]).event_id == 1
    in_tjk = ev(2, type=EventType.LAUNCH, start=None, roles=[(10, O)], name="Joint Plan of Action")
    assert match_event(ev(None, type=EventType.LAUNCH, start=None, roles=[(10, O)], name="Joint Plan of Action"),
                       [in_tjk]).event_id == 2
    assert match_event(ev(None, type=EventType.LAUNCH, start=None, country=None, roles=[(10, O)]), [old]) is None
    assert match_event(ev(None, type=EventType.LAUNCH, start="2018", country=None, roles=[(10, O)],
                          name="Joint Plan of Action"), [old]) is None


def test_common_actors_need_share_and_minimum():
    assert common_actor_ids({1: 9, 2: 3}, total_events=20) == {1}
    assert common_actor_ids({1: 5}, total_events=6) == set()  # small knowledge base: nothing is common


def test_diff_fields_fill_refine_conflict_keep():
    existing = {"name": None, "start": "2018-05", "end": "2018-05", "city": "Dushanbe", "country": "TJK",
                "status": EventStatus.PLANNED, "delegations": None}
    incoming = {"name": "Dushanbe Conference", "start": "2018-05-03", "end": "2018-05-04", "city": "Almaty",
                "country": "TJK", "status": EventStatus.HELD, "delegations": 47}
    got = {c.field: c.action for c in diff_fields(existing, incoming)}
    assert got == {"name": "fill", "start": "refine", "end": "refine", "city": "conflict", "status": "refine",
                   "delegations": "fill"}
    # coarser date and planned after held change nothing
    assert diff_fields({"start": "2018-05-03", "status": EventStatus.HELD},
                       {"start": "2018-05", "status": EventStatus.PLANNED}) == []
    # a reviewed row is never changed: everything different is a conflict
    assert {c.action for c in diff_fields(existing, incoming, reviewed=True)} == {"conflict"}


def test_date_fit_at_precision():
    from ctrack.resolve.events import date_fit
    d = lambda start, end=None, name=None: ev(None, start=start, end=end, name=name)  # noqa: E731
    assert date_fit(d("2018-03-06", "2018-03-07"), d("2018-03")) == "pinned"
    assert date_fit(d("2018"), d("2018")) == "same" and date_fit(d("2018-03"), d("2018-03")) == "pinned"
    assert date_fit(d("2018"), d("2018-03-06")) == "loose"  # a year holds every visit of that year
    assert date_fit(d("2017", "2020"), d("2019-06-12")) == "loose"
    assert date_fit(d("2018-04"), d("2018-03-06")) is None
    assert date_fit(d(None, name="Plan"), d(None, name="plan")) == "same"
    assert date_fit(d(None), d("2018")) is None


def test_a_loose_date_needs_a_sign_of_its_own_and_the_place_is_not_a_shared_participant():
    kgz, cted, unoct, ctc, mfa = 20, 10, 11, 12, 21
    old = ev(1, type=EventType.VISIT, start="2018-10-29", end="2018-11-01", country="KGZ",
             roles=[(cted, O), (kgz, S), (mfa, P)], affs={mfa: kgz})
    old = replace(old, states={kgz: "KGZ"})
    # a 2018 visit with no venue, sharing CTED only: the year says nothing
    assert match_event(ev(None, type=EventType.VISIT, start="2018", country=None, roles=[(cted, O), (ctc, O)]),
                       [old]) is None
    # the same, stating the state visited: one visit
    assert match_event(ev(None, type=EventType.VISIT, start="2018", country="KGZ", roles=[(cted, O), (kgz, S)]),
                       [old]).event_id == 1
    # same days, sharing only Kyrgyzstan (the place): no evidence
    assert match_event(EventFacts(id=None, type=EventType.VISIT, start="2018-10-30", country="KGZ",
                                  roles=frozenset({(unoct, O), (kgz, S)}), states={kgz: "KGZ"}), [old]) is None


def test_incompatible_organizers_make_two_events_and_compatible_types_one():
    from ctrack.resolve.events import compatible_types, distinct_events, specific_type, types_compatible
    cted, unoct, kgz, mfa = 10, 11, 20, 21
    a = ev(1, type=EventType.ASSESSMENT_VISIT, roles=[(cted, O), (kgz, S), (mfa, P)])
    b = ev(None, type=EventType.VISIT, roles=[(unoct, O), (kgz, S), (mfa, P)])
    assert distinct_events(a, b) and match_event(b, [a]) is None
    joint = ev(None, type=EventType.VISIT, roles=[(unoct, O), (cted, P), (kgz, S), (mfa, P)])
    assert not distinct_events(a, joint) and match_event(joint, [a]).event_id == 1
    assert types_compatible(EventType.VISIT, EventType.ASSESSMENT_VISIT)
    assert not types_compatible(EventType.VISIT, EventType.MEETING)
    assert compatible_types(EventType.VISIT) == (EventType.VISIT, EventType.ASSESSMENT_VISIT)
    assert specific_type(EventType.VISIT, EventType.ASSESSMENT_VISIT) is EventType.ASSESSMENT_VISIT
    # a host state co-organizing is the place, not an incompatible organizer
    c = ev(1, type=EventType.CONFERENCE, country="UZB", roles=[(30, O), (cted, P)])
    c = replace(c, states={30: "UZB"})
    d = ev(None, type=EventType.CONFERENCE, country="UZB", roles=[(unoct, O), (cted, RoleType.SPEAKER)])
    assert not distinct_events(c, d)

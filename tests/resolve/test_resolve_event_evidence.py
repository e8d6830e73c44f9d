"""Events are merged across documents only on real evidence, and one document's event told twice is one event.

Each test stores two (or three) small documents as extraction records, written here in the manner of the
releases the resolver reads, and checks which events come out. The classes are those a new user found on the
corpora: an incidental "travelled to Iraq" read as a visit and merged into a visit to Iraq on a shared
person; an Under-Secretary-General's visit merged into CTED's assessment visit of the same state because
both name the state; one release giving "assessment visit" and "visit" for one visit; a workshop whose
document gave no venue merged into a programme of workshops spanning years elsewhere.
"""
from __future__ import annotations


from sqlalchemy import select

from ctrack.schema import EventType, RoleType
from ctrack.store import repo
from ctrack.store.db import session_scope
from ctrack.store.models import DbDocument, DbEvent, DbEventSource, DbMergeDecision
from ctrack.store.testing import store_record as save

O, P, S, SP, F = RoleType.ORGANIZER, RoleType.PARTICIPANT, RoleType.SUBJECT, RoleType.SPEAKER, RoleType.FUNDER

CTC = {"id": "ctc", "kind": "un_entity", "name": "Counter-Terrorism Committee", "acronym": "CTC"}
CTED = {"id": "cted", "kind": "un_entity", "name": "Counter-Terrorism Committee Executive Directorate",
        "acronym": "CTED"}
UNOCT = {"id": "unoct", "kind": "un_entity", "name": "United Nations Office of Counter-Terrorism",
         "acronym": "UNOCT"}
UNCCT = {"id": "uncct", "kind": "un_entity", "name": "United Nations Counter-Terrorism Centre", "acronym": "UNCCT",
         "affiliation": "unoct"}
ASG = {"id": "asg", "kind": "person", "name": "Helga Brandvold", "title": "Executive Director", "affiliation": "cted"}
USG = {"id": "usg", "kind": "person", "name": "Tomas Ekwueme", "title": "Under-Secretary-General",
       "affiliation": "unoct"}
IRQ = {"id": "IRQ", "kind": "member_state", "name": "Iraq", "iso3": "IRQ"}
KGZ = {"id": "KGZ", "kind": "member_state", "name": "Kyrgyzstan", "iso3": "KGZ"}
MNG = {"id": "MNG", "kind": "member_state", "name": "Mongolia", "iso3": "MNG"}
QAT = {"id": "QAT", "kind": "member_state", "name": "Qatar", "iso3": "QAT"}
KGZ_MFA = {"id": "mfa", "kind": "government_body", "name": "Ministry of Foreign Affairs of Kyrgyzstan",
           "iso3": "KGZ", "affiliation": "KGZ"}
NCTC = {"id": "nctc", "kind": "government_body", "name": "National Counter Terrorism Centre", "iso3": "KEN"}


def roles(*pairs: tuple[str, RoleType]) -> list[dict]:
    return [{"actor": a, "role": r.value} for a, r in pairs]


def event_of(s, doc_key: str, local_id: str) -> int:
    return s.scalar(select(DbEventSource.event_id).join(DbDocument, DbDocument.id == DbEventSource.document_id)
                    .where(DbDocument.doc_key == doc_key, DbEventSource.local_id == local_id))


IRAQ_VISIT = {"id": "v", "type": "visit", "name": "Two-day visit to Iraq", "start": "2018-03-06", "end": "2018-03-07",
              "country": "IRQ", "status": "held", "roles": roles(("usg", O), ("asg", O), ("IRQ", S))}


def test_an_incidental_travel_in_a_year_is_not_merged_into_a_visit_on_a_shared_person(engine):
    # "BAGHDAD - Mr. Ekwueme and Ms. Brandvold completed a two-day visit to Iraq yesterday."
    save(engine, "iraq-visit", "2018-03-08", [CTED, UNOCT, ASG, USG, IRQ], [IRAQ_VISIT])
    # A briefing two years on: "Ms. Brandvold recalled that by early 2018 more than 200 fighters from the
    # region had travelled to Iraq" - read as a 2018 visit, no venue, the CTC and the speaker as organizers.
    second = save(engine, "briefing-2020", "2020-12-15", [CTC, CTED, ASG], [
        {"id": "t", "type": "visit", "start": "2018", "status": "held", "roles": roles(("ctc", O), ("asg", O))}])
    assert (second.events_created, second.events_merged) == (1, 0)
    with session_scope(engine) as s:
        assert event_of(s, "iraq-visit", "v") != event_of(s, "briefing-2020", "t")
    # A report that does say where: "In 2018 Ms. Brandvold visited Iraq" - a year, but the same state visited
    # and the same visitor: the same visit.
    third = save(engine, "annual-report", "2019-01-20", [CTED, ASG, IRQ], [
        {"id": "y", "type": "visit", "start": "2018", "country": "IRQ", "status": "held",
         "roles": roles(("asg", O), ("IRQ", S))}])
    assert (third.events_created, third.events_merged) == (0, 1)
    with session_scope(engine) as s:
        assert event_of(s, "annual-report", "y") == event_of(s, "iraq-visit", "v")
        assert len(repo.list_events(s, type=EventType.VISIT)) == 2


def test_visits_to_one_state_by_different_visitors_stay_apart(engine):
    # CTED's release: assessment visit to Kyrgyzstan, 29 October - 1 November 2018, talks with the ministry.
    save(engine, "cted-kgz", "2018-11-02", [CTED, ASG, KGZ, KGZ_MFA], [
        {"id": "a", "type": "assessment_visit", "start": "2018-10-29", "end": "2018-11-01", "country": "KGZ",
         "status": "held", "roles": roles(("cted", O), ("asg", O), ("KGZ", S), ("mfa", P))}])
    # The ministry's release a year later: "the Minister recalled the Under-Secretary-General's visit to Bishkek
    # in 2018" - the same state and ministry, another visitor.
    later = save(engine, "kgz-mfa", "2019-07-16", [UNOCT, USG, KGZ, KGZ_MFA], [
        {"id": "u", "type": "visit", "start": "2018", "city": "Bishkek", "country": "KGZ", "status": "held",
         "roles": roles(("unoct", O), ("usg", O), ("KGZ", S), ("mfa", P))}])
    assert (later.events_created, later.events_merged) == (1, 0)
    # UNOCT's own release, dated to the day inside CTED's visit: UNOCT's visit of 2018 (same visitor, same
    # state), not CTED's.
    same_days = save(engine, "unoct-kgz", "2018-11-02", [UNOCT, KGZ], [
        {"id": "w", "type": "visit", "start": "2018-10-30", "country": "KGZ", "status": "held",
         "roles": roles(("unoct", O), ("KGZ", S))}])
    assert (same_days.events_created, same_days.events_merged) == (0, 1)
    with session_scope(engine) as s:
        assert event_of(s, "cted-kgz", "a") != event_of(s, "kgz-mfa", "u") == event_of(s, "unoct-kgz", "w")
        assert len(repo.list_events(s)) == 2


def test_two_reports_sharing_only_the_place_stay_apart(engine):
    save(engine, "kgz-a", "2019-05-10", [UNOCT, KGZ], [
        {"id": "c", "type": "conference", "start": "2019-05-09", "country": "KGZ", "status": "held",
         "roles": roles(("unoct", O), ("KGZ", P))}])
    other = save(engine, "kgz-b", "2019-05-10", [CTC, KGZ], [
        {"id": "c", "type": "conference", "start": "2019-05-09", "country": "KGZ", "status": "held",
         "roles": roles(("ctc", P), ("KGZ", P))}])
    assert (other.events_created, other.events_merged) == (1, 0)


def test_an_assessment_visit_told_twice_in_one_release_is_one_event_and_a_later_visit_report_joins_it(engine):
    visit_roles = roles(("cted", O), ("asg", O), ("KGZ", S))
    first = save(engine, "cted-kgz", "2018-11-02", [CTED, ASG, KGZ], [
        {"id": "e1", "type": "assessment_visit", "start": "2018-10-29", "end": "2018-11-01", "country": "KGZ",
         "status": "held", "roles": visit_roles},
        {"id": "e2", "type": "visit", "start": "2018-10-29", "end": "2018-11-01", "city": "Bishkek",
         "country": "KGZ", "status": "held", "roles": visit_roles}])
    assert (first.events_created, first.events_merged) == (1, 1)
    with session_scope(engine) as s:
        (ev,) = repo.list_events(s)
        assert (ev.type, ev.city) == (EventType.ASSESSMENT_VISIT, "Bishkek")  # the visit's city filled in
        assert event_of(s, "cted-kgz", "e1") == ev.id
        rules = set(s.scalars(select(DbMergeDecision.rule).where(DbMergeDecision.local_id == "e2")))
        assert rules == {"same_event_in_document", "fill_city"}
    # a mission bulletin: "CTED's visit to Kyrgyzstan in October 2018" - a visit, month precision
    later = save(engine, "bulletin", "2018-12-01", [CTED, KGZ], [
        {"id": "b", "type": "visit", "start": "2018-10", "country": "KGZ", "status": "held",
         "roles": roles(("cted", O), ("KGZ", S))}])
    assert (later.events_created, later.events_merged) == (0, 1)
    with session_scope(engine) as s:
        (ev,) = repo.list_events(s)
        assert ev.type is EventType.ASSESSMENT_VISIT and len(ev.sources) == 2


def test_a_stored_visit_becomes_an_assessment_visit_when_a_report_says_so(engine):
    save(engine, "news", "2018-11-02", [CTED, KGZ], [
        {"id": "v", "type": "visit", "start": "2018-10-29", "country": "KGZ", "status": "held",
         "roles": roles(("cted", O), ("KGZ", S))}])
    result = save(engine, "cted", "2018-11-03", [CTED, ASG, KGZ], [
        {"id": "a", "type": "assessment_visit", "start": "2018-10-29", "end": "2018-11-01", "country": "KGZ",
         "status": "held", "roles": roles(("cted", O), ("asg", O), ("KGZ", S))}])
    assert result.events_merged == 1
    with session_scope(engine) as s:
        (ev,) = repo.list_events(s)
        assert ev.type is EventType.ASSESSMENT_VISIT


def test_a_workshop_and_its_sub_session_are_one_event_and_a_programme_over_years_elsewhere_is_another(engine):
    # A programme: "UNOCT and Mongolia run workshops in Ulaanbaatar from 2017 to 2020."
    save(engine, "mng-programme", "2020-12-01", [UNOCT, MNG], [
        {"id": "p", "type": "workshop", "start": "2017", "end": "2020", "city": "Ulaanbaatar", "country": "MNG",
         "status": "held", "roles": roles(("unoct", O), ("MNG", O))}])
    # "Nairobi, 14 June 2019 - forty commanders finished a three-day workshop today ... organized by UNCCT of
    # UNOCT with the NCTC, funded by Qatar. A table-top exercise was part of it." The venue was not read; the
    # exercise came out as a workshop of its own, part of the first, with nothing of its own.
    nairobi = save(engine, "nairobi", "2019-06-14", [UNOCT, UNCCT, NCTC, QAT], [
        {"id": "w", "type": "workshop", "name": "Three-day workshop", "start": "2019-06-12", "end": "2019-06-14",
         "status": "held", "roles": roles(("uncct", O), ("unoct", O), ("nctc", O), ("QAT", F))},
        {"id": "x", "type": "workshop", "start": "2019-06", "status": "held", "part_of": "w",
         "roles": roles(("nctc", O))}])
    assert (nairobi.events_created, nairobi.events_merged) == (1, 1)
    with session_scope(engine) as s:
        workshops = repo.list_events(s, type=EventType.WORKSHOP)
        assert len(workshops) == 2
        assert event_of(s, "nairobi", "w") != event_of(s, "mng-programme", "p")
        mine = s.get(DbEvent, event_of(s, "nairobi", "w"))
        assert (mine.city, mine.country, mine.start) == (None, None, "2019-06-12")


def test_a_planned_follow_up_in_one_document_is_not_folded_into_the_event(engine):
    result = save(engine, "workshop", "2019-06-14", [UNOCT, NCTC], [
        {"id": "w", "type": "workshop", "start": "2019-06-12", "end": "2019-06-14", "status": "held",
         "roles": roles(("unoct", O), ("nctc", O))},
        {"id": "f", "type": "workshop", "start": "2019-06", "status": "planned", "roles": roles(("unoct", O))}])
    assert (result.events_created, result.events_merged) == (2, 0)


def test_one_visit_told_by_two_releases_at_different_precisions_still_merges(engine):
    save(engine, "unoct", "2018-03-08", [UNOCT, USG, IRQ], [
        {"id": "v", "type": "visit", "start": "2018-03-06", "end": "2018-03-07", "country": "IRQ", "status": "held",
         "roles": roles(("usg", O), ("IRQ", S))}])
    result = save(engine, "mission", "2018-04-01", [UNOCT, IRQ], [
        {"id": "v", "type": "visit", "start": "2018-03", "status": "held", "roles": roles(("unoct", O), ("IRQ", S))}])
    assert (result.events_created, result.events_merged) == (0, 1)


def test_one_document_telling_two_events_of_one_year_or_a_series_and_its_first_session_keeps_them(engine):
    # "In 2011 the Committee held two special meetings with the Council of Europe" - year only, same parties:
    # nothing says they are one. "Ten trainings start on 26 March; IOM runs the first on 26 March" - the
    # series and its first session, no venue, no part_of link: two events; the first session told twice
    # (the same roles) is one.
    result = save(engine, "annual", "2012-01-10", [CTC, UNOCT, QAT], [
        {"id": "m1", "type": "conference", "start": "2011", "status": "held", "roles": roles(("ctc", O), ("QAT", P))},
        {"id": "m2", "type": "conference", "start": "2011", "status": "held", "roles": roles(("ctc", O), ("QAT", P))},
        {"id": "series", "type": "workshop", "start": "2012-03-26", "status": "planned",
         "roles": roles(("unoct", O), ("QAT", F), ("ctc", P))},
        {"id": "first", "type": "workshop", "start": "2012-03-26", "status": "planned", "roles": roles(("unoct", O))},
        {"id": "again", "type": "workshop", "start": "2012-03-26", "status": "planned", "roles": roles(("unoct", O))}])
    assert (result.events_created, result.events_merged) == (4, 1)
    with session_scope(engine) as s:
        assert event_of(s, "annual", "m1") != event_of(s, "annual", "m2")
        assert event_of(s, "annual", "series") != event_of(s, "annual", "first")
        assert event_of(s, "annual", "again") is None  # folded: its facts are in the merge decision
        folded = s.scalar(select(DbMergeDecision).where(DbMergeDecision.local_id == "again",
                                                        DbMergeDecision.rule == "same_event_in_document"))
        assert folded.target_id == event_of(s, "annual", "first") and folded.detail["kept"] == "first"


def test_a_tour_and_its_legs_in_one_document_stay_apart(engine):
    # "The Secretary-General toured East Africa, 13-17 November 2023: Kenya, then Somalia; in Nairobi he also
    # visited the port of Mombasa on 14 November."
    sg = {"id": "sg", "kind": "person", "name": "Amara Okafor", "title": "Secretary-General"}
    ken, som = {"id": "KEN", "kind": "member_state", "name": "Kenya", "iso3": "KEN"}, \
        {"id": "SOM", "kind": "member_state", "name": "Somalia", "iso3": "SOM"}
    result = save(engine, "tour", "2023-11-18", [sg, ken, som], [
        {"id": "tour", "type": "visit", "start": "2023-11-13", "end": "2023-11-17", "status": "held",
         "roles": roles(("sg", O), ("KEN", S), ("SOM", S))},
        {"id": "ken", "type": "visit", "start": "2023-11", "country": "KEN", "status": "held", "part_of": "tour",
         "roles": roles(("sg", O), ("KEN", S))},
        {"id": "port", "type": "visit", "start": "2023-11-14", "city": "Mombasa", "country": "KEN", "status": "held",
         "part_of": "ken", "roles": roles(("sg", O), ("KEN", S))}])
    assert (result.events_created, result.events_merged) == (3, 0)


OSCE = {"id": "osce", "kind": "regional_org", "name": "Organization for Security and Co-operation in Europe",
        "acronym": "OSCE"}
SRB_MOI = {"id": "srb-moi", "kind": "government_body", "name": "Ministry of Interior of Serbia", "iso3": "SRB"}
MKD_MOI = {"id": "mkd-moi", "kind": "government_body", "name": "Ministry of Interior of North Macedonia",
           "iso3": "MKD"}


def test_two_undated_visits_with_one_cut_name_and_one_shared_body_stay_apart_and_a_true_duplicate_merges(engine):
    # Two releases of different years, neither dating its visit, both read as "OSCE Mission to" (the name cut at
    # the preposition): "A delegation of the OSCE Mission to Serbia visited the Ministry of Interior" and
    # "... of the OSCE Mission to Skopje visited the Ministry of Interior". Undated, the same cut name and the
    # OSCE in both: nothing else says they are one visit.
    save(engine, "osce-srb", "2019-04-02", [OSCE, SRB_MOI], [
        {"id": "v", "type": "visit", "name": "OSCE Mission to", "status": "held",
         "roles": roles(("osce", O), ("srb-moi", P))}])
    second = save(engine, "osce-mkd", "2021-09-14", [OSCE, MKD_MOI], [
        {"id": "v", "type": "visit", "name": "OSCE Mission to", "status": "held",
         "roles": roles(("osce", O), ("mkd-moi", P))}])
    assert (second.events_created, second.events_merged) == (1, 0)
    with session_scope(engine) as s:
        assert event_of(s, "osce-srb", "v") != event_of(s, "osce-mkd", "v")
    # One launch told by two releases, both undated: the same name, the same venue state, the ministry and
    # UNOCT in both (two sides): one event.
    launch = {"id": "l", "type": "launch", "name": "National Counter-Terrorism Strategy of Kyrgyzstan",
              "country": "KGZ", "status": "held", "roles": roles(("mfa", O), ("unoct", P))}
    save(engine, "kgz-launch", "2020-02-11", [KGZ, KGZ_MFA, UNOCT], [launch])
    again = save(engine, "unoct-kgz-launch", "2020-02-13", [KGZ, KGZ_MFA, UNOCT], [launch])
    assert (again.events_created, again.events_merged) == (0, 1)
    with session_scope(engine) as s:
        assert event_of(s, "kgz-launch", "l") == event_of(s, "unoct-kgz-launch", "l")

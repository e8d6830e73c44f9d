"""One event told by several documents is one event; different meetings on one day stay apart.

Extends ``tests/store/test_store_repo.py`` (same actors, same day; conflicts on name and city) with
gold-style records as two house styles would give them: persons standing for their organization or state,
a surname-only mention, a date at month precision and no venue country in the second report, and a third
report that must find the right one of two same-day meetings.
"""
from __future__ import annotations


from sqlalchemy import select

from ctrack.schema import EventType, RoleType
from ctrack.store import repo
from ctrack.store.db import session_scope
from ctrack.store.models import DbDocument, DbEventSource
from ctrack.store.testing import store_record as save

CTC = {"id": "ctc", "kind": "un_entity", "name": "Counter-Terrorism Committee", "acronym": "CTC"}
CTED = {"id": "cted", "kind": "un_entity", "name": "Counter-Terrorism Committee Executive Directorate",
        "acronym": "CTED"}
UNOCT = {"id": "unoct", "kind": "un_entity", "name": "United Nations Office of Counter-Terrorism",
         "acronym": "UNOCT"}
CONINSX = {"id": "coninsx", "kind": "person", "name": "Michèle Coninsx", "title": "Executive Director",
           "affiliation": "cted"}
VORONKOV = {"id": "voronkov", "kind": "person", "name": "Vladimir Voronkov", "title": "Under-Secretary-General",
            "affiliation": "unoct"}
TJK = {"id": "TJK", "kind": "member_state", "name": "Tajikistan", "iso3": "TJK"}
KGZ = {"id": "KGZ", "kind": "member_state", "name": "Kyrgyzstan", "iso3": "KGZ"}
AFG = {"id": "AFG", "kind": "member_state", "name": "Afghanistan", "iso3": "AFG"}
IND = {"id": "IND", "kind": "member_state", "name": "India", "iso3": "IND"}


def role(actor: str, r: RoleType) -> dict:
    return {"actor": actor, "role": r.value}


def event_of(s, doc_key: str, local_id: str) -> int:
    return s.scalar(select(DbEventSource.event_id).join(DbDocument, DbDocument.id == DbEventSource.document_id)
                    .where(DbDocument.doc_key == doc_key, DbEventSource.local_id == local_id))


def test_one_briefing_told_by_a_un_release_and_a_mission_bulletin_is_one_event(engine):
    # UN press release: "Ms. Michèle Coninsx, Executive Director of CTED, briefed the open briefing of the
    # Counter-Terrorism Committee on 12 March 2019 in New York on the Committee's visit to Tajikistan."
    save(engine, "un-release", "2019-03-13", [CTC, CTED, CONINSX, TJK], [{
        "id": "briefing", "type": "briefing", "name": "Open briefing on Central Asia", "start": "2019-03-12",
        "city": "New York", "country": "USA", "status": "held",
        "roles": [role("ctc", RoleType.ORGANIZER), role("coninsx", RoleType.SPEAKER),
                  role("TJK", RoleType.SUBJECT)]}])
    # Mission bulletin, weeks later: "In March, the Committee's open briefing heard Ms. Coninsx; the
    # Permanent Representative of Tajikistan took part." — the CTC by acronym, the person by surname,
    # the month only, no venue country.
    result = save(engine, "mission-bulletin", "2019-04-02", [
        {"id": "c", "kind": "un_entity", "name": "CTC"},
        {"id": "p", "kind": "person", "name": "Ms. Coninsx"},
        {"id": "t", "kind": "member_state", "name": "the Republic of Tajikistan"}], [{
            "id": "b", "type": "briefing", "start": "2019-03", "status": "held",
            "roles": [role("c", RoleType.ORGANIZER), role("p", RoleType.SPEAKER),
                      role("t", RoleType.PARTICIPANT)]}])
    assert (result.events_created, result.events_merged) == (0, 1)
    assert (result.actors_created, result.actors_merged) == (0, 3)
    with session_scope(engine) as s:
        (ev,) = repo.list_events(s, type=EventType.BRIEFING)
        assert [src.doc_key for src in ev.sources] == ["un-release", "mission-bulletin"]
        # the finer date and the venue stay; the second report's new role is added; nothing conflicts
        assert (ev.start, ev.city, ev.country) == ("2019-03-12", "New York", "USA")
        assert {(r.actor.short, r.role) for r in ev.roles} == {
            ("CTC", RoleType.ORGANIZER), ("Michèle Coninsx", RoleType.SPEAKER), ("Tajikistan", RoleType.SUBJECT),
            ("Tajikistan", RoleType.PARTICIPANT)}
        assert not ev.conflicts


def test_same_day_meetings_with_different_counterparts_stay_apart_and_a_third_report_finds_its_own(engine):
    # Two ministries' bulletins: Mr. Voronkov met each foreign minister in New York on 25 September 2019.
    def meeting(minister: dict, state: dict) -> list[dict]:
        return [{"id": "m", "type": "meeting", "start": "2019-09-25", "city": "New York", "country": "USA",
                 "status": "held", "roles": [role("voronkov", RoleType.PARTICIPANT),
                                             role(minister["id"], RoleType.PARTICIPANT),
                                             role(state["id"], RoleType.PARTICIPANT)]}]

    muhriddin = {"id": "fm", "kind": "person", "name": "Sirojiddin Muhriddin",
                 "title": "Minister of Foreign Affairs", "affiliation": "TJK"}
    aidarbekov = {"id": "fm", "kind": "person", "name": "Chingiz Aidarbekov",
                  "title": "Minister of Foreign Affairs", "affiliation": "KGZ"}
    save(engine, "tjk-mfa", "2019-09-26", [UNOCT, VORONKOV, TJK, muhriddin], meeting(muhriddin, TJK))
    save(engine, "kgz-mfa", "2019-09-26", [UNOCT, VORONKOV, KGZ, aidarbekov], meeting(aidarbekov, KGZ))
    # UNOCT's own release a day later names only the office and the state for the Tajik meeting
    third = save(engine, "unoct-news", "2019-09-27", [UNOCT, TJK], [
        {"id": "m", "type": "meeting", "start": "2019-09-25", "status": "held",
         "roles": [role("unoct", RoleType.PARTICIPANT), role("TJK", RoleType.PARTICIPANT)]}])
    assert (third.events_created, third.events_merged) == (0, 1)
    with session_scope(engine) as s:
        meetings = repo.list_events(s, type=EventType.MEETING)
        assert len(meetings) == 2
        tjk, kgz = event_of(s, "tjk-mfa", "m"), event_of(s, "kgz-mfa", "m")
        assert tjk != kgz and event_of(s, "unoct-news", "m") == tjk
        assert len(repo.list_actors(s, kind="person")) == 3  # Voronkov once, two ministers


def test_one_document_telling_two_bilateral_meetings_keeps_them_apart_and_later_reports_join_each(engine):
    # "Ms. Coninsx met separately with officials of Afghanistan and India on 4 May 2018 in Dushanbe."
    def talks(*states: str) -> list[dict]:
        return [{"id": f"m-{s}", "type": "meeting", "start": "2018-05-04", "city": "Dushanbe", "country": "TJK",
                 "status": "held", "roles": [role("coninsx", RoleType.PARTICIPANT), role(s, RoleType.PARTICIPANT)]}
                for s in states]

    first = save(engine, "cted-news", "2018-05-07", [CTED, CONINSX, AFG, IND], talks("AFG", "IND"))
    assert (first.events_created, first.events_merged) == (2, 0)
    # a report of the same day that names CTED (not the person) and both counterparts again
    second = save(engine, "osce-news", "2018-05-08", [CTED, AFG, IND], [
        {**e, "roles": [role("cted", RoleType.PARTICIPANT), *e["roles"][1:]]} for e in talks("IND", "AFG")])
    assert (second.events_created, second.events_merged) == (0, 2)
    with session_scope(engine) as s:
        assert len(repo.list_events(s, type=EventType.MEETING)) == 2
        assert event_of(s, "osce-news", "m-AFG") == event_of(s, "cted-news", "m-AFG")
        assert event_of(s, "osce-news", "m-IND") == event_of(s, "cted-news", "m-IND")
        assert event_of(s, "cted-news", "m-AFG") != event_of(s, "cted-news", "m-IND")

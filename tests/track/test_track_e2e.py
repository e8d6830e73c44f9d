"""End to end (issue 4): import recommendations for two states, tie one to a workshop from an ingested
document, change statuses on given dates, and check the statistics and overdue lists on given days."""
from __future__ import annotations

import datetime as dt

import pytest
from track_helpers import run, run_json, write_csv

from ctrack.extract import extract
from ctrack.ingest import read
from ctrack.schema import EventType
from ctrack.store import repo
from ctrack.store.db import session_scope
from ctrack.store.testing import DEV_DOCS
from ctrack.store.track_models import Action, Entity
from ctrack.track import audit, recommendations
from ctrack.track.io import COLUMNS


@pytest.fixture(scope="module")
def workshop_doc():
    """dev-015 (the CT TECH workshop in Tashkent) read and extracted by the real pipeline."""
    doc = read(DEV_DOCS / "dev-015.txt")
    return doc, extract(doc)


ROWS = [
    # state, text, themes, resolutions, pillars, priority, ta_needed, ta_description, lead, partners, due, status, source
    ["Uzbekistan", "Develop national policies and operational responses against the terrorist use of new technologies",
     "ICT", "2178 (2014);S/RES/2396 (2017)", "II;IV", "high", "yes", "Awareness-raising on CT TECH knowledge products",
     "Ministry of Internal Affairs", "UNOCT;INTERPOL", "2024-06-30", "not_started", "CTED assessment visit"],
    ["UZB", "Criminalize the financing of terrorism for any purpose, even without a link to a specific act",
     "counter-financing of terrorism", "2462", "II", "high", "yes", "Legislative drafting support",
     "Ministry of Justice", "UNODC", "2023-12-31", "not_started", "CTED assessment visit"],
    ["Kazakhstan", "Strengthen border management with advance passenger information and passenger name records",
     "border_management;ftf", "2396", "II", "medium", "yes", "API/PNR system", "Border Service",
     "UNOCT;IOM", "2023-03-31", "in_progress", "CTED follow-up visit"],
    ["KAZ", "Ensure that counter-terrorism investigations respect human rights and the rule of law",
     "human rights and rule of law", "1373", "IV", "low", "no", "", "Prosecutor General's Office", "OHCHR",
     "2025-12-31", "not_started", "Committee decision"],
]


def test_recommendations_for_two_states_followed_up_through_a_workshop(engine, db_url, tmp_path, workshop_doc):
    doc, record = workshop_doc
    with session_scope(engine) as s:
        repo.save_document(s, doc, record)
        workshops = repo.list_events(s, type=EventType.WORKSHOP)
    tashkent = next(e for e in workshops if e.country == "UZB")

    # 1. import: four recommendations, two states, statuses as of 15 January 2023
    csv_path = write_csv(tmp_path / "recs.csv", list(COLUMNS), ROWS)
    out = run("recs", "import", str(csv_path), "--as-of", "2023-01-15", db=db_url)
    assert "loaded 4" in out.output
    listed = run_json("recs", "list", db=db_url)
    ids = {r["text"][:20]: r["id"] for r in listed}
    tech, cft, border, rights = (ids[row[1][:20]] for row in ROWS)
    assert {r["state"] for r in listed} == {"UZB", "KAZ"}
    first = next(r for r in listed if r["id"] == tech)
    assert first["themes"] == ["ict"] and first["resolutions"] == ["2178", "2396"] and first["pillars"] == ["II", "IV"]
    assert first["partners"] == ["UNOCT", "INTERPOL"] and first["ta_needed"] is True

    # 2. the workshop of the ingested document is the activity serving the first recommendation
    run("recs", "activity", "add", "--title", "CT TECH regional awareness-raising workshop, Tashkent",
        "--kind", "workshop", "--responsible", "UNOCT", "--partner", "INTERPOL", "--event", str(tashkent.id),
        "--rec", str(tech), db=db_url)
    run("recs", "activity", "progress", "1", "100", "--date", "2023-09-27", "--note", "held with 28 officials",
        db=db_url)

    # 3. statuses on given dates
    run("recs", "status", str(border), "implemented", "--date", "2023-02-20", db=db_url)
    run("recs", "status", str(cft), "in_progress", "--date", "2023-06-01", db=db_url)
    run("recs", "status", str(tech), "in_progress", "--date", "2023-09-27", db=db_url)
    run("recs", "status", str(rights), "superseded", "--date", "2024-01-10", "-m", "replaced by a new plan", db=db_url)
    run("recs", "status", str(tech), "partially_implemented", "--date", "2024-03-01", db=db_url)

    # 4. statistics on 31 January 2024
    stats = run_json("recs", "stats", "--on", "2024-01-31", db=db_url)
    assert stats["totals"] == {"total": 4, "open": 2, "ta_needed": 2, "overdue": 1, "implemented": 1}
    assert stats["by_status"] == {"not_started": 0, "in_progress": 2, "partially_implemented": 0,
                                  "implemented": 1, "superseded": 1}
    by_state = {r["state"]: r for r in stats["by_state"]}
    assert by_state["UZB"] | {"label": None} == {"state": "UZB", "label": None, "total": 2, "open": 2,
                                                 "ta_needed": 2, "overdue": 1, "implemented": 0}
    assert (by_state["KAZ"]["open"], by_state["KAZ"]["implemented"]) == (0, 1)
    assert [r["region"] for r in stats["by_region"]] == ["Central Asia"]
    by_theme = {r["theme"]: r for r in stats["by_theme"]}
    assert (by_theme["cft"]["open"], by_theme["cft"]["overdue"]) == (1, 1)
    assert by_theme["border_management"]["implemented"] == 1 and by_theme["human_rights"]["open"] == 0
    by_partner = {r["partner"]: r for r in stats["by_partner"]}
    assert (by_partner["UNOCT"]["total"], by_partner["UNOCT"]["open"]) == (2, 1)
    assert [(i["kind"], i["id"], i["days_late"]) for i in stats["overdue"]] == [("recommendation", cft, 31)]
    rate = {p["on"]: p for p in stats["implementation_rate"]}
    assert rate["2023-03-31"]["implemented"] == 1 and rate["2023-03-31"]["total"] == 4
    assert rate["2024-01-31"]["total"] == 3 and rate["2024-01-31"]["rate"] == pytest.approx(1 / 3, abs=1e-3)

    # 5. overdue lists on other days
    assert run_json("recs", "list", "--overdue", "--on", "2023-04-15", db=db_url) == []
    late = run_json("recs", "list", "--overdue", "--on", "2024-07-01", db=db_url)
    assert {r["id"] for r in late} == {tech, cft}
    assert [r["id"] for r in run_json("recs", "list", "--state", "KAZ", "--status", "implemented", db=db_url)] == [border]
    assert [r["id"] for r in run_json("recs", "list", "--theme", "ICT", db=db_url)] == [tech]

    # 6. progress is read from the activity, which is the workshop event
    shown = run_json("recs", "show", str(tech), "--on", "2023-10-01", db=db_url)
    assert shown["progress"]["percent"] == 100 and shown["progress"]["activities"][0]["event_id"] == tashkent.id
    assert [h["status"] for h in shown["history"]] == ["not_started", "in_progress", "partially_implemented"]
    with session_scope(engine) as s:
        assert recommendations.progress(s, tech, dt.date(2023, 9, 1))["percent"] == 0
        section = recommendations.recommendations_section(s, country="UZB", on=dt.date(2024, 1, 31))
        assert {r["id"] for r in section["ta_needs"]} == {tech, cft}
        assert next(r for r in section["open"] if r["id"] == tech)["activities"][0]["event_id"] == tashkent.id
        # 7. the audit log holds the import, each status change and the link, with who did it
        actions = [line.action for line in audit.history(s, Entity.RECOMMENDATION, tech)]
        assert actions.count(Action.STATUS.value) == 2 and Action.LINK.value in actions
        assert Action.CREATE.value in actions and Action.IMPORT.value in actions
        assert {line.user for line in audit.history(s, Entity.RECOMMENDATION, tech)} == {"analyst"}

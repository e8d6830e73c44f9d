"""Fact sheets (issue 9's two-column tables, concept notes): an event's facts given as "Label: value" lines."""
from __future__ import annotations

from ctrack.extract import extract
from ctrack.ingest import read

SHEET = """Regional workshop on border security and management

Concept note

Event: Regional workshop on border security and management in Central Asia
Date: 14-16 November 2023
Venue: Almaty, Kazakhstan
Organizers: Organization for Security and Co-operation in Europe (OSCE); United Nations Office of Counter-Terrorism (UNOCT)
Funding: Government of Japan
Moderator: Jane Smith
Participants: Kazakhstan; Kyrgyzstan; Tajikistan; Turkmenistan; Uzbekistan

The workshop will bring together border officials to share good practices.
"""


def _extract(tmp_path, text):
    path = tmp_path / "sheet.txt"
    path.write_text(text, encoding="utf-8")
    return extract(read(path))


def test_labelled_lines_give_the_event_its_date_venue_and_roles(tmp_path):
    rec = _extract(tmp_path, SHEET)
    ws = next(e for e in rec.events if e.type.value == "workshop")
    assert (ws.start, ws.end, ws.city, ws.country) == ("2023-11-14", "2023-11-16", "Almaty", "KAZ")
    roles = {(rec.actor(r.actor).name, r.role.value) for r in ws.roles}
    assert {("Organization for Security and Co-operation in Europe", "organizer"),
            ("United Nations Office of Counter-Terrorism", "organizer"), ("Japan", "funder"),
            ("Jane Smith", "chair"), ("Tajikistan", "participant"), ("Uzbekistan", "participant")} <= roles


def test_a_lone_date_line_is_no_fact_sheet(tmp_path):
    text = ("CTED visits Tajikistan\nDate: 5 March 2018\n\n"
            "A delegation of the Counter-Terrorism Committee Executive Directorate (CTED) visited Tajikistan in February 2018.\n")
    rec = _extract(tmp_path, text)
    visit = next(e for e in rec.events if e.type.value in ("visit", "assessment_visit"))
    assert visit.start == "2018-02"

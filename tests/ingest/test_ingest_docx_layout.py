"""DOCX layouts (issue 9): floating text boxes, two-column tables, headers/footers, footnotes.

Each fixture is generated here (:func:`ingest_fixtures.build_docx`) and each
test checks the facts that extraction gets from the text, not only the text.
"""
from __future__ import annotations

import pytest
from ingest_fixtures import build_docx, docx_paragraph as P, docx_table as T

from ctrack.extract import extract
from ctrack.ingest import read


@pytest.fixture(scope="module")
def boxed(tmp_path_factory):
    """The dates, venue and leader of the visit sit only in a floating text box (DrawingML + VML fallback)."""
    path = tmp_path_factory.mktemp("docx") / "boxed.docx"
    path.write_bytes(build_docx([
        P("PRESS RELEASE"),
        P("CTED concludes assessment visit to Kazakhstan"),
        P("On behalf of the Counter-Terrorism Committee, a delegation of the Counter-Terrorism Committee Executive "
          "Directorate (CTED) conducted an assessment visit to Kazakhstan.",
          box=["The visit took place in Astana from 14 to 16 May 2019.",
               "The delegation was led by Assistant Secretary-General Michèle Coninsx, Executive Director of CTED."]),
        P("The delegation met officials of the Ministry of Foreign Affairs.", footnote=1),
    ], header="UNITED NATIONS ANNUAL REVIEW 2021", footer="Page 1 of 1",
        footnotes={1: "See Security Council resolution 2396 (2017)."}))
    return read(path)


def test_text_box_read_once_where_it_is_anchored(boxed):
    text = boxed.text
    assert text.count("The visit took place in Astana from 14 to 16 May 2019.") == 1, "DrawingML and VML twin read once"
    assert text.index("conducted an assessment visit to Kazakhstan.") < text.index("The visit took place") \
        < text.index("The delegation met officials")


def test_headers_and_footers_kept_apart_footnotes_after_the_body(boxed):
    assert "ANNUAL REVIEW" not in boxed.text and "Page 1 of 1" not in boxed.text
    assert boxed.text.rstrip().endswith("See Security Council resolution 2396 (2017).")
    assert boxed.title == "CTED concludes assessment visit to Kazakhstan"


def test_facts_from_a_text_box(boxed):
    record = extract(boxed)
    visit = next(e for e in record.events if e.type.value == "assessment_visit")
    assert (visit.start, visit.end, visit.city, visit.country) == ("2019-05-14", "2019-05-16", "Astana", "KAZ")
    roles = {(record.actor(r.actor).name, r.role.value) for r in visit.roles}
    assert ("Michèle Coninsx", "organizer") in roles
    assert ("Kazakhstan", "subject") in roles
    assert ("Counter-Terrorism Committee Executive Directorate", "organizer") in roles
    coninsx = next(a for a in record.actors if a.name == "Michèle Coninsx")
    assert coninsx.title and "Executive Director" in coninsx.title


@pytest.fixture(scope="module")
def tabled(tmp_path_factory):
    """A note whose facts are in a two-column table: a label column and a value column (one value a ';' list)."""
    path = tmp_path_factory.mktemp("docx") / "tabled.docx"
    path.write_bytes(build_docx([
        P("UNOCT and Japan support financial intelligence units in Central Asia"),
        P("Tashkent, 6 June 2019"),
        T([[["When and where"], ["From 3 to 5 June 2019, the United Nations Office of Counter-Terrorism (UNOCT) held a "
                                 "regional workshop on countering the financing of terrorism in Tashkent, Uzbekistan."]],
           [["Funding"], ["The workshop was funded by the Government of Japan."]],
           [["Participants"], ["Kazakhstan; Kyrgyzstan; Tajikistan"]],
           [["Speakers:"], ["Vladimir Voronkov", "Jehangir Khan"]]]),
    ]))
    return read(path)


def test_table_rows_read_as_label_and_value(tabled):
    lines = tabled.text.split("\n\n")
    assert "Participants: Kazakhstan; Kyrgyzstan; Tajikistan" in lines, "a ';' list in a cell stays a list"
    assert "Speakers: Vladimir Voronkov; Jehangir Khan" in lines, "short paragraphs of a cell become a list"
    assert any(ln.startswith("When and where: From 3 to 5 June 2019, the United Nations") for ln in lines)


def test_facts_from_a_table(tabled):
    record = extract(tabled)
    assert tabled.published.isoformat() == "2019-06-06"
    ws = next(e for e in record.events if e.type.value == "workshop" and e.start)
    assert (ws.start, ws.end, ws.city, ws.country) == ("2019-06-03", "2019-06-05", "Tashkent", "UZB")
    roles = {(record.actor(r.actor).name, r.role.value) for r in ws.roles}
    assert ("Japan", "funder") in roles
    assert ("United Nations Office of Counter-Terrorism", "organizer") in roles

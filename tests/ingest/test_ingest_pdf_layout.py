"""PDF layouts (issue 9): columns drawn row by row, running headers and page numbers, hyphenation, soft hyphens.

Fixtures are generated with :func:`ingest_fixtures.build_pdf`; each test checks the facts extraction gets.
"""
from __future__ import annotations

from ctrack.extract import extract
from ctrack.ingest import read

LEFT = ["CTED visits Tajikistan", "", "Dushanbe, 12 May 2019 - A delegation", "of the Counter-Terrorism Committee",
        "Executive Directorate (CTED) visited", "Tajikistan from 8 to 10 May 2019 on",
        "behalf of the Committee. It was led by", "Assistant Secretary-General Michele",
        "Coninsx, Executive Director of CTED."]
RIGHT = ["OSCE workshop in Bishkek", "", "Bishkek, 20 June 2019 - The OSCE held a", "national workshop on countering the",
         "financing of terrorism in Bishkek from", "17 to 19 June 2019. It was funded by",
         "the Government of Germany and opened", "by Ambassador Pierre von Hagen, Head of",
         "the OSCE Programme Office."]


def _row_by_row() -> list[tuple[float, float, float, str]]:
    """Two stories side by side, the content stream drawing each row left then right (so pypdf fused them)."""
    lines, y = [], 720
    for i, (left, right) in enumerate(zip(LEFT, RIGHT)):
        size = 14 if i == 0 else 10
        if left:
            lines.append((72, y, size, left))
        if right:
            lines.append((320, y, size, right))
        y -= 20 if i == 0 else 13
    return lines


def test_two_columns_drawn_row_by_row_are_read_column_by_column(make_pdf):
    doc = read(make_pdf("columns.pdf", [_row_by_row()]))
    paragraphs = doc.text.split("\n\n")
    assert paragraphs[0] == "CTED visits Tajikistan"
    assert paragraphs[1].startswith("Dushanbe, 12 May 2019 - A delegation of the Counter-Terrorism Committee "
                                    "Executive Directorate (CTED) visited Tajikistan from 8 to 10 May 2019")
    assert paragraphs[1].endswith("Coninsx, Executive Director of CTED.")
    assert paragraphs[2] == "OSCE workshop in Bishkek"
    assert "Bishkek" not in paragraphs[1] and "Tajikistan" not in paragraphs[3]


def test_facts_of_two_columns_stay_apart(make_pdf):
    record = extract(read(make_pdf("columns.pdf", [_row_by_row()])))
    visit = next(e for e in record.events if e.country == "TJK")
    assert (visit.type.value, visit.start, visit.end) == ("assessment_visit", "2019-05-08", "2019-05-10")
    assert visit.city != "Bishkek"
    assert ("Counter-Terrorism Committee Executive Directorate", "organizer") in {
        (record.actor(r.actor).name, r.role.value) for r in visit.roles}
    ws = next((e for e in record.events if e.type.value == "workshop"
               and (e.start, e.end, e.city, e.country) == ("2019-06-17", "2019-06-19", "Bishkek", "KGZ")), None)
    assert ws is not None, [(e.type.value, e.start, e.end, e.city) for e in record.events]
    assert ("Organization for Security and Co-operation in Europe", "organizer") in {
        (record.actor(r.actor).name, r.role.value) for r in ws.roles}
    assert not any(e.country == "TJK" and e.city == "Bishkek" for e in record.events)


def test_a_table_of_short_cells_is_not_taken_for_columns(make_pdf):
    rows = [("Date", "3 June 2019"), ("Venue", "Tashkent"), ("Organizer", "UNOCT"), ("Funder", "Japan"),
            ("Speaker", "Vladimir Voronkov")]
    lines = [(72, 720, 14, "Workshop fact sheet")]
    lines += [(x, 690 - 14 * i, 10, t) for i, row in enumerate(rows) for x, t in zip((72, 320), row)]
    doc = read(make_pdf("facts.pdf", [lines]))
    assert "Date 3 June 2019" in doc.text.replace("\n", " ")


def test_running_headers_page_numbers_hyphenation_and_soft_hyphens(make_pdf):
    def page(no: int, body: list[str]):
        lines = [(72, 760, 8, "UNITED NATIONS - OFFICE OF COUNTER-TERRORISM"),
                 (300, 40, 8, f"Page {no} of 2")]
        return lines + [(72, 700 - 14 * i, 11, t) for i, t in enumerate(body)]

    p1 = ["UNOCT and CTED brief Member States", "",
          "New York, 3 March 2020 - The United Nations Office of Counter-",
          "Terrorism (UNOCT) and the Counter-Terrorism Committee Executive",
          "Directorate held a joint open briefing for Member States on 2 March",
          "2020 at United Nations Headquarters in New York. A delegation of Kyr-",
          "gyzstan took part."]
    p2 = ["The briefing was chaired by Vladimir Voronkov, Under-Secretary-Gen\xad",
          "eral of UNOCT, and covered the return of foreign terrorist fighters."]
    doc = read(make_pdf("brief.pdf", [page(1, p1), page(2, p2)]))
    assert "UNITED NATIONS - OFFICE" not in doc.text and "Page 1" not in doc.text
    assert "United Nations Office of Counter-Terrorism (UNOCT)" in doc.text, "a real hyphen at a line end is kept"
    assert "A delegation of Kyrgyzstan took part." in doc.text, "typesetting hyphenation is joined"
    assert "Under-Secretary-General of UNOCT" in doc.text, "a soft hyphen at a line end joins the word"
    record = extract(doc)
    briefing = next(e for e in record.events if e.type.value == "briefing")
    assert (briefing.start, briefing.city, briefing.country) == ("2020-03-02", "New York", "USA")
    assert {"KGZ"} <= {a.iso3 for a in record.actors if a.kind.value == "member_state"}
    voronkov = next(a for a in record.actors if a.name == "Vladimir Voronkov")
    assert voronkov.title and "Under-Secretary-General" in voronkov.title

"""PDF re-flow on PDFs the test writes: paragraphs from line gaps and font sizes, hyphens, page furniture."""
from __future__ import annotations

import datetime as dt

from ctrack.ingest import read


def para(y0: float, lines: list[str], *, size: float = 11, x: float = 72, pitch: float = 14):
    """Lines of one paragraph from the top line's baseline ``y0`` down, ``pitch`` points apart."""
    return [(x, y0 - i * pitch, size, t) for i, t in enumerate(lines)]


def bulletin(make_pdf):
    page1 = (
        [(72, 770, 8, "OSCE Bulletin - Central Asia")]
        + para(740, ["OSCE and UNODC train prosecutors in", "Bishkek on countering terrorist financing"], size=16, pitch=20)
        + para(690, ["Date: 12 March 2021"])
        + para(660, [
            "The OSCE Programme Office in Bishkek and the United Nations Office on",
            "Drugs and Crime organized a three-day training course for prosecu-",
            "tors and investigators on the counter-terrorism financing regime and",
            "on inter-agency cooperation.",
        ])
        + para(590, [
            "Twenty participants took part. The course covered the counter-",
            "terrorism legislation of the country and the work of the financial",
            "intelligence unit, which presented two recent cases.",
        ])
        + [(300, 40, 9, "1")]
    )
    page2 = (
        [(72, 770, 8, "OSCE Bulletin - Central Asia")]
        + para(740, [
            "The trainers came from the Asia-",
            "Pacific region and from Europe, and the next course will be held",
            "in Osh later in the year.",
        ])
        + [(300, 40, 9, "2")]
    )
    return make_pdf("bulletin.pdf", [page1, page2])


def test_title_date_and_paragraphs(make_pdf):
    doc = read(bulletin(make_pdf))
    assert doc.title == "OSCE and UNODC train prosecutors in Bishkek on countering terrorist financing"
    assert doc.published == dt.date(2021, 3, 12)
    assert doc.text.split("\n\n") == [
        "OSCE and UNODC train prosecutors in Bishkek on countering terrorist financing",
        "Date: 12 March 2021",
        "The OSCE Programme Office in Bishkek and the United Nations Office on Drugs and Crime organized a "
        "three-day training course for prosecutors and investigators on the counter-terrorism financing "
        "regime and on inter-agency cooperation.",
        "Twenty participants took part. The course covered the counter-terrorism legislation of the country "
        "and the work of the financial intelligence unit, which presented two recent cases.",
        "The trainers came from the Asia-Pacific region and from Europe, and the next course will be held "
        "in Osh later in the year.",
    ]


def test_running_header_and_page_numbers_dropped(make_pdf):
    text = read(bulletin(make_pdf)).text
    assert "OSCE Bulletin" not in text
    assert "\n1\n" not in text and not text.endswith("2")


def test_paragraph_continues_across_pages(make_pdf):
    page1 = para(700, ["Heading"], size=18) + para(660, [
        "The Counter-Terrorism Committee heard a briefing on the threat posed by",
        "foreign terrorist fighters, and members asked about the",
    ])
    page2 = para(740, ["return of their families and about prosecution."]) + para(715, ["A second paragraph starts here."])
    doc = read(make_pdf("two-pages.pdf", [page1, page2]))
    assert doc.text.split("\n\n")[1] == (
        "The Counter-Terrorism Committee heard a briefing on the threat posed by foreign terrorist "
        "fighters, and members asked about the return of their families and about prosecution."
    )
    assert doc.text.endswith("\n\nA second paragraph starts here.")


def test_indented_paragraphs_without_gaps(make_pdf):
    lines = para(700, ["Annual report"], size=18) + [
        (90, 660, 11, "The first paragraph begins with an indent and goes on for a"),
        (72, 646, 11, "second line that ends the first paragraph properly."),
        (90, 632, 11, "The second paragraph also begins with an indent and it runs"),
        (72, 618, 11, "on to a second line before it ends."),
    ]
    doc = read(make_pdf("indented.pdf", [lines]))
    assert doc.text.split("\n\n")[1:] == [
        "The first paragraph begins with an indent and goes on for a second line that ends the first paragraph properly.",
        "The second paragraph also begins with an indent and it runs on to a second line before it ends.",
    ]


def test_long_first_paragraph_gives_first_line_as_title(make_pdf):
    body = ["The Counter-Terrorism Committee Executive Directorate carried out a visit to the country"] * 6
    body[-1] = "and the visit ended on Friday."
    doc = read(make_pdf("no-title.pdf", [para(700, body)]))
    assert doc.title == "The Counter-Terrorism Committee Executive Directorate carried out a visit to the country"

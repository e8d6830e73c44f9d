"""Publication dates in the house styles of news agencies, ministries, embassies, the UN and the OSCE.

A document's ``published`` is the date it states as its own: a labelled
line, a bare date line in the head, a dateline, a footer "Published:" line
or a sign-off. Never a "Last updated" line, a copyright year, a caption or a
date of an event in the body.
"""
from __future__ import annotations

import datetime as dt

import pytest

from ctrack.ingest import read
from ctrack.ingest.metadata import dateline_date, find_published, find_title, labelled_date, parse_date

BODY = ("The Organization for Security and Co-operation in Europe held a regional conference on countering "
        "the financing of terrorism that brought together experts from the region and beyond on Tuesday.")
D = dt.date

STATED = {
    # labelled lines
    "date-label": (f"Title here\nDate: 5 March 2018\n\n{BODY}", D(2018, 3, 5)),
    "posted-on-numeric": (f"Title here\nPosted on 12/03/2021\n\n{BODY}", D(2021, 3, 12)),
    "posted-numeric-month-first-unambiguous": (f"Title here\nPosted on 03/25/2021\n\n{BODY}", D(2021, 3, 25)),
    "published-with-time": (f"Title here\nPublished: 12 March 2021 10:30 CET\n\n{BODY}", D(2021, 3, 12)),
    "issued-by": (f"Title here\nIssued on 3 February 2020 by the Press Office\n\n{BODY}", D(2020, 2, 3)),
    "release-date": (f"Title here\nRelease date: 2021-03-12\n\n{BODY}", D(2021, 3, 12)),
    "footer-published": (f"Title here\n\n{BODY}\n\nPublished: 14 March 2021", D(2021, 3, 14)),
    # bare date lines in the head
    "date-pipe-press-release": (f"12 March 2021 | Press release\n\nTitle here\n\n{BODY}", D(2021, 3, 12)),
    "press-release-comma-date": (f"Title here\nPress release, 2 May 2019\n\n{BODY}", D(2019, 5, 2)),
    "month-day-year": (f"Title here\nMar 12, 2021\n\n{BODY}", D(2021, 3, 12)),
    "full-month-day-year": (f"Title here\nSeptember 3rd, 2020\n\n{BODY}", D(2020, 9, 3)),
    "iso-date": (f"Title here\n2021-03-12\n\n{BODY}", D(2021, 3, 12)),
    "iso-timestamp": (f"Title here\n2021-03-12T09:15:00Z\n\n{BODY}", D(2021, 3, 12)),
    "weekday": (f"Title here\nMonday, 12 April 2021\n\n{BODY}", D(2021, 4, 12)),
    "dotted-european": (f"Title here\n12.03.2021\n\n{BODY}", D(2021, 3, 12)),
    "place-and-date-line": (f"Brussels, 12/03/2021\n\nTitle here\n\n{BODY}", D(2021, 3, 12)),
    "ministry-letterhead": (f"Ministry of Foreign Affairs\nPress release No. 45\n12.03.2021\n\nTitle here\n\n{BODY}",
                            D(2021, 3, 12)),
    # datelines
    "dateline-caps": (f"Title here\n\nCAIRO, 5 March 2018 – {BODY}", D(2018, 3, 5)),
    "dateline-city-country": (f"Title here\n\nDUSHANBE, Tajikistan, 5 March 2018 - {BODY}", D(2018, 3, 5)),
    "dateline-agency-then-date": (f"Title here\n\nASTANA (Kazinform) – 12 March 2021 – {BODY}", D(2021, 3, 12)),
    "dateline-date-then-agency": (f"Title here\n\nALMATY, March 12, 2021 (AKIpress) — {BODY}", D(2021, 3, 12)),
    "dateline-mixed-case": (f"Title here\n\nVienna, 9 July 2020 – {BODY}", D(2020, 7, 9)),
    "dateline-date-only": (f"Title here\n\n12 March 2021 — {BODY}", D(2021, 3, 12)),
    "dateline-after-caption": (f"Title here\n\nPhoto: Participants of the meeting. (UNOCT)\n\n"
                               f"NEW YORK, 4 May 2020 – {BODY}", D(2020, 5, 4)),
    # sign-off under a statement
    "sign-off": (f"Title here\n\n{BODY}\n\nDushanbe, 12 March 2021", D(2021, 3, 12)),
    "sign-off-ordinal": (f"Title here\n\n{BODY}\n\nVienna, 9th of March 2021", D(2021, 3, 9)),
}

NOT_STATED = {
    "last-updated": f"Title here\n\n{BODY}\n\nLast updated: 10 October 2013",
    "updated-in-head": f"Title here\nUpdated 4 April 2021\n\n{BODY}",
    "copyright": f"Title here\n\n{BODY}\n\n© 2021 OSCE. All rights reserved.",
    "copyright-word": f"Title here\n\n{BODY}\n\nCopyright 12 March 2021 Example Agency",
    "dateline-without-year": f"Title here\n\nNEW YORK, 12 March – {BODY}",
    "event-date-prefix": f"Title here\n\nOn 5 March 2021 – a day after the attack – {BODY}",
    "event-date-in-body": f"Title here\n\n{BODY} The meeting took place on 5 March 2021.\n\nIt went on until 6 March 2021.",
    "date-range-label": f"Title here\nDate: 12-14 March 2021\n\n{BODY}",
    "month-only": f"Title here\nMarch 2021\n\n{BODY}",
    "caption": f"Title here\nPhoto: 12 March 2021 – Dushanbe\n\n{BODY}",
    "caption-with-credit": f"Title here\n\nPhoto / UNOCT: Monday 23 May 2022 - Rabat, Morocco.\n\n{BODY}",
    "sentence-in-head": f"Title here\nThe visit took place on 5 March 2021\n\n{BODY}",
    "two-dates-in-line": f"Title here\n5 March 2021 - 7 March 2021\n\n{BODY}",
    "nothing": f"Title here\n\n{BODY}",
}


@pytest.mark.parametrize("name", STATED, ids=str)
def test_stated_date_found(name):
    text, expected = STATED[name]
    assert find_published(text) == expected
    assert find_title(text) == "Title here"


@pytest.mark.parametrize("name", NOT_STATED, ids=str)
def test_no_publication_date(name):
    assert find_published(NOT_STATED[name]) is None


@pytest.mark.parametrize("name", ["date-label", "dateline-caps", "sign-off", "last-updated"], ids=str)
def test_through_read(tmp_path, name):
    text, expected = STATED[name] if name in STATED else (NOT_STATED[name], None)
    path = tmp_path / f"{name}.txt"
    path.write_text(text, encoding="utf-8")
    doc = read(path)
    assert doc.published == expected
    assert doc.title == "Title here"


def test_file_mtime_is_never_used(tmp_path):
    path = tmp_path / "undated.txt"
    path.write_text(NOT_STATED["nothing"])
    assert read(path).published is None


@pytest.mark.parametrize(
    "text,expected",
    [
        ("5 March 2018", D(2018, 3, 5)),
        ("Mar 12, 2021", D(2021, 3, 12)),
        ("12/03/2021", D(2021, 3, 12)),  # day first: the UN/OSCE/European convention
        ("03/25/2021", D(2021, 3, 25)),  # month first when the day cannot be a month
        ("2021-03-12T23:30:00-05:00", D(2021, 3, 12)),  # the date as written, no time-zone shift
        ("Tuesday 9th of March, 2021", D(2021, 3, 9)),
        ("March 2021", None),
        ("5 March", None),
        ("not a date", None),
    ],
)
def test_parse_date(text, expected):
    assert parse_date(text) == expected


def test_labelled_and_dateline_helpers():
    assert labelled_date("Date: 15 October 2019") == D(2019, 10, 15)
    assert labelled_date("Last updated: 15 October 2019") is None
    assert labelled_date("The date was 15 October 2019") is None
    assert dateline_date(f"GENEVA, 1 June 2022 — {BODY}") == D(2022, 6, 1)
    assert dateline_date(f"From 10 to 12 September 2024 – {BODY}") is None

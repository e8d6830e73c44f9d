"""All-numeric dates follow the document's own evidence (issue 9): DD.MM or MM.DD for the whole document."""
from __future__ import annotations

from ctrack.extract import extract
from ctrack.extract.dates import find_dates, numeric_date_order
from ctrack.ingest import read


def test_order_from_the_document():
    assert numeric_date_order("Signed on 13.04.2019; the visit was on 05.06.2019.") == "DMY"
    assert numeric_date_order("Posted 04/13/2019. The visit was on 05/06/2019.") == "MDY"
    assert numeric_date_order("The visit was on 05.06.2019.") == "DMY", "no evidence: day first"
    assert numeric_date_order("13.04.2019 and 04.13.2019") == "DMY", "evidence both ways: day first"


def test_find_dates_applies_the_order_to_every_numeric_date():
    dmy = find_dates("Signed on 13.04.2019. The visit took place on 05.06.2019.")
    assert [d.start_iso for d in dmy] == ["2019-04-13", "2019-06-05"]
    mdy = find_dates("Posted 04/13/2019. The visit took place on 05/06/2019.")
    assert [d.start_iso for d in mdy] == ["2019-04-13", "2019-05-06"]


def _doc(tmp_path, name, date_line, when):
    path = tmp_path / name
    path.write_text(f"Deputy Minister meets OSCE delegation\n\n{date_line}\n\n"
                    f"On {when}, Deputy Minister of Foreign Affairs of Tajikistan Sodiq Imomi met a delegation "
                    "of the Organization for Security and Co-operation in Europe (OSCE) in Dushanbe.\n",
                    encoding="utf-8")
    return read(path)


def test_month_first_ministry_page(tmp_path):
    doc = _doc(tmp_path, "mfa.txt", "04.13.2019", "04.12.2019")
    assert doc.published.isoformat() == "2019-04-13", "the page's own 04.13.2019 settles month first"
    meeting = next(e for e in extract(doc).events if e.type.value == "meeting")
    assert (meeting.start, meeting.city, meeting.country) == ("2019-04-12", "Dushanbe", "TJK")


def test_day_first_ministry_page(tmp_path):
    doc = _doc(tmp_path, "mfa.txt", "13.04.2019", "12.04.2019")
    assert doc.published.isoformat() == "2019-04-13"
    meeting = next(e for e in extract(doc).events if e.type.value == "meeting")
    assert meeting.start == "2019-04-12"

"""find_dates, duration_days and parse_date on every form the extractor meets."""
import datetime as dt
from pathlib import Path

import pytest

from ctrack.extract.dates import DateMention, duration_days, find_dates, parse_date

PUB = dt.date(2018, 3, 5)  # a Monday
DEV = Path(__file__).resolve().parents[2] / ".." / "shared" / "corpus" / "dev" / "docs"


def one(text, published=PUB):
    found = find_dates(text, published)
    assert len(found) == 1, found
    d = found[0]
    assert text[d.start:d.end] == d.text
    return d.text, d.start_iso, d.end_iso, d.precision


@pytest.mark.parametrize("text,span,start,end,precision", [
    ("On 3-4 May 2018, the conference", "3-4 May 2018", "2018-05-03", "2018-05-04", "day"),
    ("3–4 May 2018", "3–4 May 2018", "2018-05-03", "2018-05-04", "day"),
    ("held 30 April – 2 May 2019 in", "30 April – 2 May 2019", "2019-04-30", "2019-05-02", "day"),
    ("held 30 April to 2 May 2019 in", "30 April to 2 May 2019", "2019-04-30", "2019-05-02", "day"),
    ("from 19 October to 30 November 2021", "19 October to 30 November 2021", "2021-10-19", "2021-11-30", "day"),
    ("took place between 19 October and 30 November 2021.", "19 October and 30 November 2021", "2021-10-19",
     "2021-11-30", "day"),
    ("From 10 to 12 September 2024, the", "10 to 12 September 2024", "2024-09-10", "2024-09-12", "day"),
    ("from 31 May to 3 June 2022 and", "31 May to 3 June 2022", "2022-05-31", "2022-06-03", "day"),
    ("30 December 2018 – 2 January 2019", "30 December 2018 – 2 January 2019", "2018-12-30", "2019-01-02", "day"),
    ("30 December – 2 January 2019", "30 December – 2 January 2019", "2018-12-30", "2019-01-02", "day"),
    ("June 15 – July 2, 2017", "June 15 – July 2, 2017", "2017-06-15", "2017-07-02", "day"),
    ("on May 3-4, 2018 in", "May 3-4, 2018", "2018-05-03", "2018-05-04", "day"),
    ("in January-February 2009, as", "January-February 2009", "2009-01", "2009-02", "month"),
    ("from January to March 2009", "January to March 2009", "2009-01", "2009-03", "month"),
    ("December 2021 – January 2022", "December 2021 – January 2022", "2021-12", "2022-01", "month"),
    ("in September 2015.", "September 2015", "2015-09", "2015-09", "month"),
    ("in June of 2016", "June of 2016", "2016-06", "2016-06", "month"),
    ("in 2011: the first", "2011", "2011", "2011", "year"),
    ("was created on June 15, 2017, when", "June 15, 2017", "2017-06-15", "2017-06-15", "day"),
    ("On Monday, 9 April 2012, the Chairman", "Monday, 9 April 2012", "2012-04-09", "2012-04-09", "day"),
    ("met on 8 October 2013 to", "8 October 2013", "2013-10-08", "2013-10-08", "day"),
    ("held on 14 December 2020, Assistant", "14 December 2020", "2020-12-14", "2020-12-14", "day"),
    ("on the 3rd of May 2018", "3rd of May 2018", "2018-05-03", "2018-05-03", "day"),
    ("on 2018-05-03 at", "2018-05-03", "2018-05-03", "2018-05-03", "day"),
    ("on 03.05.2018 at", "03.05.2018", "2018-05-03", "2018-05-03", "day"),
    ("NEW YORK, MAY 3, 2018 –", "MAY 3, 2018", "2018-05-03", "2018-05-03", "day"),
    ("on Sept. 12, 2019", "Sept. 12, 2019", "2019-09-12", "2019-09-12", "day"),
    ("Last updated: 10 October 2013", "10 October 2013", "2013-10-10", "2013-10-10", "day"),
    ("adopted by consensus in 2006 a", "2006", "2006", "2006", "year"),
    ("in Somalia since 2009. The", "2009", "2009", "2009", "year"),
    ("CTED, set up in 2004, supports", "2004", "2004", "2004", "year"),
    ("by early 2018 more than 200 FTFs", "early 2018", "2018", "2018", "year"),
    ("by the end of 2019", "end of 2019", "2019", "2019", "year"),
    ("in mid-2016", "mid-2016", "2016", "2016", "year"),
    ("from 2018 to 2020", "2018 to 2020", "2018", "2020", "year"),
    ("the 2018-2020 plan", "2018-2020", "2018", "2020", "year"),
])
def test_absolute_dates(text, span, start, end, precision):
    assert one(text) == (span, start, end, precision)
    assert one(text, None) == (span, start, end, precision)  # no year missing: publication date irrelevant


@pytest.mark.parametrize("text,span,iso,precision", [
    ("a meeting in New York on July 5 with", "July 5", "2018-07-05", "day"),
    ("in Tashkent on 27 September, in", "27 September", "2018-09-27", "day"),
    ("will be convened in October in Sarajevo", "October", "2018-10", "month"),
    ("has convened in New York in June.", "June", "2018-06", "month"),
    ("from 23 May until 10 June. The", "23 May until 10 June", "2018-05-23", "day"),
    ("on 3 and 4 May", "3 and 4 May", "2018-05-03", "day"),
])
def test_dates_without_year_take_the_publication_year(text, span, iso, precision):
    got = one(text)
    assert got[0] == span and got[1] == iso and got[3] == precision
    assert one(text, None) == (span, None, None, precision)  # SCHEMA.md: without a publication date, null


@pytest.mark.parametrize("text,span,start,end,precision", [
    ("ended today in Bali", "today", "2018-03-05", "2018-03-05", "day"),
    ("yesterday completed", "yesterday", "2018-03-04", "2018-03-04", "day"),
    ("will open tomorrow", "tomorrow", "2018-03-06", "2018-03-06", "day"),
    ("was launched on Wednesday, is", "Wednesday", "2018-02-28", "2018-02-28", "day"),
    ("held on Monday", "Monday", "2018-03-05", "2018-03-05", "day"),  # the publication day itself
    ("will meet next Wednesday", "next Wednesday", "2018-03-07", "2018-03-07", "day"),
    ("met last Monday", "last Monday", "2018-02-26", "2018-02-26", "day"),
    ("visited last week", "last week", "2018-02-26", "2018-03-04", "day"),
    ("met last month", "last month", "2018-02", "2018-02", "month"),
    ("will meet next month", "next month", "2018-04", "2018-04", "month"),
    ("signed earlier this month", "earlier this month", "2018-03", "2018-03", "month"),
    ("attacks last year, which", "last year", "2017", "2017", "year"),
    ("later this year", "later this year", "2018", "2018", "year"),
    ("two years ago", "two years ago", "2016", "2016", "year"),
    ("In the last three years, CTED has", "last three years", "2015", "2018", "year"),
])
def test_relative_dates(text, span, start, end, precision):
    d = find_dates(text, PUB)
    assert len(d) == 1 and d[0].relative
    assert (d[0].text, d[0].start_iso, d[0].end_iso, d[0].precision) == (span, start, end, precision)
    nopub = find_dates(text, None)
    assert len(nopub) == 1 and nopub[0].relative and nopub[0].start_iso is None and nopub[0].end_iso is None


def test_relative_dates_of_the_dev_corpus():
    # NOTES.md: dev-007 "yesterday" -> 2018-03-07; dev-012 "Wednesday" -> 2022-03-09 (published that Wednesday)
    assert find_dates("(CTED), yesterday completed", dt.date(2018, 3, 8))[0].start_iso == "2018-03-07"
    assert find_dates("launched on Wednesday, is", dt.date(2022, 3, 9))[0].start_iso == "2022-03-09"
    assert find_dates("the year turned", PUB) == []


@pytest.mark.parametrize("text", [
    "implementation of resolution 1373 (2001) and",
    "Security Council resolutions 2178 (2014) and 2396 (2017) and",
    "Security Council resolution 1963 (2010) marked an important",
    "resolutions 1963 (2010) and 2129 (2013)",
    "General Assembly resolution A/RES/60/288 of",
    "in resolution 71/291,",
    "resolution 2178 of 2014",
    "see S/2016/501 for",
    "a total of 2000 participants",
    "in 2000 cases",
    "US$ 2018 million",
    "7,108 attacks",
    "the 2030 Agenda",
    "47 Member States",
    "we may ask in may",
])
def test_numbers_that_are_not_dates(text):
    assert find_dates(text, PUB) == []


def test_several_dates_in_text_order_without_overlap():
    text = ("On 3-4 May 2018, the conference met. The Joint Plan was launched on 30 April 2018 in Ashgabat; "
            "the open briefing in New York on 2 July 2018 follows resolution 1373 (2001), adopted in 2001.")
    found = find_dates(text, None)
    assert [d.text for d in found] == ["3-4 May 2018", "30 April 2018", "2 July 2018", "2001"]
    assert all(a.end <= b.start for a, b in zip(found, found[1:]))
    assert all(isinstance(d, DateMention) and text[d.start:d.end] == d.text for d in found)
    # two dates joined by "and" are not a range unless "between" says so
    assert [d.text for d in find_dates("on 3 May and 5 June 2018", PUB)] == ["3 May", "5 June 2018"]


def test_invalid_calendar_days_are_dropped():
    # no such day: only the month the text gives survives
    assert [(d.text, d.start_iso, d.precision) for d in find_dates("on 31 June 2018", PUB)] == [
        ("June 2018", "2018-06", "month")]
    assert [d.precision for d in find_dates("on 30 February 2019", PUB)] == ["month"]
    assert find_dates("on 31 June", PUB) == []
    assert find_dates("", PUB) == [] and find_dates("no dates here", PUB) == []


def test_dev_corpus_dates():
    text = (DEV / "seed-000.txt").read_text(encoding="utf-8")
    got = [(d.text, d.start_iso, d.end_iso) for d in find_dates(text, None)]
    assert got == [("3-4 May 2018", "2018-05-03", "2018-05-04"), ("last three years", None, None),
                   ("30 April 2018", "2018-04-30", "2018-04-30"), ("2 July 2018", "2018-07-02", "2018-07-02")]
    text = (DEV / "dev-003.txt").read_text(encoding="utf-8")
    assert [(d.text, d.start_iso) for d in find_dates(text, None)] == [
        ("Monday, 9 April 2012", "2012-04-09"), ("2004", "2004"), ("2011", "2011")]


@pytest.mark.parametrize("text,days", [
    ("concluded today a three-day visit to Egypt", 3), ("a two-day meeting", 2), ("the 3-day course", 3),
    ("for five days", 5), ("a two-week course", 14), ("a week-long training", 7), ("a one-day event", 1),
    ("ten days of talks", 10), ("no duration here", None), ("", None),
])
def test_duration_days(text, days):
    assert duration_days(text) == days


@pytest.mark.parametrize("text,expected", [
    ("5 March 2018", ("2018-03-05", "day")), ("Date: 13 September 2024", ("2024-09-13", "day")),
    ("2018-03-05T10:00:00Z", ("2018-03-05", "day")), ("Mon, 05 Mar 2018 10:00:00 GMT", ("2018-03-05", "day")),
    ("March 2018", ("2018-03", "month")), ("garbage", None), ("", None), (None, None),
])
def test_parse_date(text, expected):
    assert parse_date(text) == expected


def test_a_400_word_text_gives_the_same_dates_every_call():
    # speed is the benchmarks' business (bench/extract_speed.py times the whole extraction, dates included);
    # here: a long text is handled whole and repeated calls share no state
    text = " ".join((DEV / "seed-000.txt").read_text(encoding="utf-8").split()[:400])
    assert len(text.split()) == 400
    first = [(d.text, d.start_iso) for d in find_dates(text, PUB)]
    assert first
    for _ in range(3):
        assert [(d.text, d.start_iso) for d in find_dates(text, PUB)] == first


def test_last_and_next_month_are_resolved_against_publication():
    from ctrack.extract.dates import find_dates

    pub = dt.date(2014, 5, 15)
    got = {d.text: d.start_iso for d in find_dates("held last September; next September; this June", pub)}
    assert got == {"last September": "2013-09", "next September": "2014-09", "this June": "2014-06"}


def test_a_weekday_after_will_is_the_coming_one():
    from ctrack.extract.dates import find_dates

    pub = dt.date(2019, 10, 8)  # a Tuesday
    got = [d.start_iso for d in find_dates("The visit began on Sunday and will end on Thursday.", pub)]
    assert got == ["2019-10-06", "2019-10-10"]


def test_year_less_dates_take_the_year_of_their_month_heading_when_nothing_is_published():
    from ctrack.extract.dates import find_dates

    text = ("Chronology of the Council\n\nJuly 2022\nOn 7 July, the Council held a briefing.\n\n"
            "August 2021\nOn 17 August, the Council adopted a statement on the briefing it held on 8 July.\n")
    got = {d.text: d.start_iso for d in find_dates(text, None)}
    assert got == {"July 2022": "2022-07", "7 July": "2022-07-07", "August 2021": "2021-08",
                   "17 August": "2021-08-17", "8 July": "2021-07-08"}
    # no heading: a year-less date without a publication date stays unresolved (SCHEMA.md)
    assert [d.start_iso for d in find_dates("On 7 July, the Council held a briefing.", None)] == [None]

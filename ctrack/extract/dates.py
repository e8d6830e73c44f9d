"""Date mentions in running text, at the precision the text gives.

:func:`find_dates` finds absolute dates ("3-4 May 2018", "June 15, 2017",
"January-February 2009", "in 2011"), dates without a year ("27 September",
"in October") and relative dates ("today", "on Wednesday", "last year"), and
resolves them to ISO 8601 strings at day, month or year precision:

- SCHEMA.md ("Conventions for hard cases"): dates at the text's precision; a
  date without a year takes the year of the stated publication date, and
  without one it stays null; relative dates are resolved against the
  publication date only.
- All-numeric dates ("05.06.2019", "05/06/2019") follow the document's own
  evidence (:func:`numeric_date_order`): a "13.04.2019" anywhere in it
  settles day first for all of them, a "04/13/2019" month first.
- A year in parentheses after a number is a resolution's year, not an event
  ("resolution 1373 (2001)"), and document symbols ("A/RES/60/288", "71/291")
  are no dates; a bare year counts only after a temporal word ("in 2006",
  "since 2004", "by early 2018").

Candidates are found with compiled regular expressions and turned into dates
with the calendar (month names, day validity); dateparser parses the free
forms :func:`parse_date` is given (HTML metadata, "Date:" lines) that the
patterns do not cover. Nothing here imports spaCy or dateparser at import
time; the patterns run only on windows of text around date anchors, so a
400-word press release takes about 0.4 ms.
"""
from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass

__all__ = ["DateMention", "find_dates", "duration_days", "parse_date", "numeric_date_order"]


@dataclass
class DateMention:
    """One date expression found in a text.

    ``start``/``end``: character offsets into the text (end exclusive);
    ``text``: the matched text; ``start_iso``/``end_iso``: ISO 8601 at the
    text's precision ("2018-05-03", "2018-05", "2018"), equal for a single
    date, None when unresolvable (no year and no publication date; a
    relative date without publication date); ``relative``: resolved against
    the publication date ("today", "last year", a weekday); ``precision``:
    "day" | "month" | "year".
    """

    start: int
    end: int
    text: str
    start_iso: str | None
    end_iso: str | None
    relative: bool
    precision: str


# --------------------------------------------------------------------------
# Vocabulary
# --------------------------------------------------------------------------
_MONTHS = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4, "apr": 4,
    "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8, "september": 9,
    "sept": 9, "sep": 9, "october": 10, "oct": 10, "november": 11, "nov": 11, "december": 12, "dec": 12,
}
_FULL_MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
_ABBR_MONTHS = "Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec"
_WEEKDAYS = {"monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5, "sunday": 6}
_NUMBER_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
                 "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
                 "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20,
                 "thirty": 30, "a": 1, "an": 1, "single": 1}

# Month names: capitalized or all capitals ("MAY"); abbreviations only with a
# day or year beside them (they are in every pattern but the bare-month one).
_M = rf"(?:(?:{_FULL_MONTHS})|(?:{_ABBR_MONTHS})\.?|(?:{_FULL_MONTHS.upper()}))"
_MF = rf"(?:{_FULL_MONTHS})"
_D = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?"
_Y = r"(?:1[89]\d\d|20\d\d)"
_DASH = r"[-\u2010\u2011\u2012\u2013\u2014\u2212]"
_TO = rf"(?:\s*{_DASH}\s*|\s+(?:to|until|till|through|thru|and)\s+)"
_WD = r"(?:(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|Mon|Tue|Tues|Wed|Thu|Thur|Thurs|Fri|Sat|Sun)\.?,?\s+(?:the\s+)?)"
_OF = r"(?:\s+of)?"
_NUM = r"(?:\d{1,2}|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|a|an)"

_PATTERNS: list[tuple[str, re.Pattern]] = [(name, re.compile(rx)) for name, rx in [
    # "30 April – 2 May 2019", "31 May to 3 June 2022", "30 December 2018 - 2 January 2019"
    ("dmy_dmy", rf"\b{_WD}?(?P<d1>{_D}){_OF}\s+(?P<m1>{_M})(?:,?\s+(?P<y1>{_Y}))?{_TO}{_WD}?(?P<d2>{_D}){_OF}\s+(?P<m2>{_M})(?:,?\s+(?P<y2>{_Y}))?\b"),
    # "3-4 May 2018", "From 10 to 12 September 2024", "3 and 4 May"
    ("dd_my", rf"\b(?P<d1>{_D}){_TO}(?P<d2>{_D}){_OF}\s+(?P<m1>{_M})(?:,?\s+(?P<y1>{_Y}))?\b"),
    # "June 15 – July 2, 2017"
    ("md_md_y", rf"\b{_WD}?(?P<m1>{_M})\s+(?P<d1>{_D}){_TO}(?P<m2>{_M})\s+(?P<d2>{_D})(?:,?\s+(?P<y1>{_Y}))?\b"),
    # "May 3-4, 2018"
    ("m_dd_y", rf"\b(?P<m1>{_M})\s+(?P<d1>{_D}){_TO}(?P<d2>{_D})(?:,?\s+(?P<y1>{_Y}))?\b"),
    # "Monday, 9 April 2012", "3rd of May 2018", "27 September"
    ("dmy", rf"\b{_WD}?(?P<d1>{_D}){_OF}\s+(?P<m1>{_M})(?:,?\s+(?P<y1>{_Y}))?\b"),
    # "June 15, 2017", "July 5", "Monday, June 15, 2017"
    ("mdy", rf"\b{_WD}?(?P<m1>{_M})\s+(?P<d1>{_D})(?!\d)(?:,?\s+(?P<y1>{_Y}))?\b(?!\s*{_DASH}?\s*\d)"),
    # "January-February 2009", "December 2021 – January 2022", "from January to March 2009"
    ("my_my", rf"\b(?P<m1>{_M})(?:\s+(?:of\s+)?(?P<y1>{_Y}))?{_TO}(?P<m2>{_M})(?:\s+of)?,?\s+(?P<y2>{_Y})\b"),
    # "September 2015", "June of 2016", "early 2018" is a year (below)
    ("my", rf"\b(?P<m1>{_M})(?:\s+of)?,?\s+(?P<y1>{_Y})\b"),
    # ISO "2018-05-03", European "03.05.2018"
    ("iso", rf"\b(?P<y1>{_Y})-(?P<mo1>0[1-9]|1[0-2])-(?P<d1>0[1-9]|[12]\d|3[01])\b"),
    ("dotted", rf"\b(?P<d1>0?[1-9]|[12]\d|3[01])(?P<sep>[./])(?P<mo1>0?[1-9]|[12]\d|3[01])(?P=sep)(?P<y1>{_Y})\b"),
    # "in October", "during June", "early March", "by the end of May"
    ("month", rf"(?i:\b(?:in|during|since|until|till|by|from|through|throughout|before|after|early|mid|late|"
              rf"end\s+of|beginning\s+of|start\s+of|middle\s+of|month\s+of|of)\s+(?:the\s+)?(?:mid-)?)(?P<m1>{_MF})\b"
              rf"(?!\s*(?:\d|{_DASH}))"),
    # "2018-2020", "from 2018 to 2020", "between 2018 and 2020"
    ("yy", rf"\b(?P<y1>{_Y}){_TO}(?P<y2>{_Y})\b(?!\s*\))"),
    # "in 2011", "since 2004", "by early 2018", "the end of 2019"
    ("year", rf"(?i:\b(?:in|since|by|from|until|till|through|during|before|after|year|"
             rf"early|mid|late|end\s+of|beginning\s+of|start\s+of|spring|summer|autumn|fall|winter|"
             rf"first\s+half\s+of|second\s+half\s+of)\s+(?:the\s+)?(?:(?:early|late|mid)[\s\-]+)?)"
             rf"(?P<y1>{_Y})\b(?![\-/.]\d|\s*%|\s*\))"),
    # relative
    ("today", r"(?i:\b(?:today|tonight|this\s+(?:morning|afternoon|evening))\b)"),
    ("yesterday", r"(?i:\byesterday\b)"),
    ("tomorrow", r"(?i:\btomorrow\b)"),
    ("weekday", r"\b(?:(?P<q>[Ll]ast|[Nn]ext|[Tt]his|[Cc]oming|[Pp]ast)\s+)?(?P<wd>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b"),
    # "last September", "next September", "this June": a month relative to the publication date
    ("rel_month", rf"\b(?P<q>[Ll]ast|[Nn]ext|[Tt]his|[Cc]oming|[Pp]ast)\s+(?P<m1>{_MF})\b(?!\s*(?:\d|{_DASH}))"),
    ("rel_unit", r"(?i:\b(?P<q>last|next|this|past|coming|earlier\s+this|later\s+this)\s+(?P<unit>week|month|year)\b)"),
    ("ago", rf"(?i:\b(?P<n>{_NUM})\s+(?P<unit>day|week|month|year)s?\s+ago\b)"),
    ("last_n", rf"(?i:\b(?:in|over|during)\s+the\s+(?P<q>last|past|previous)\s+(?P<n>{_NUM})\s+(?P<unit>month|year)s\b)"),
]]

# Text that is never a date: a number with a year in parentheses (a Security
# Council resolution and its year: "1373 (2001)", "resolutions 1963 (2010)
# and 2129 (2013)"), resolution numbers, document symbols and amounts.
_MASKS = re.compile(
    r"\b\d{1,4}\s*\(\s*(?:1[89]|20)\d\d\s*\)"                       # 1373 (2001)
    r"|\b[Rr]esolutions?\s+(?:[A-Z]+/(?:RES/)?)?\d+(?:/\d+)*(?:\s*\(\s*\d{4}\s*\)|\s+of\s+(?:1[89]|20)\d\d\b)?"  # resolution 2178
    r"|\b[A-Z]{1,6}(?:/[A-Za-z0-9.\-]+)+"                            # A/RES/60/288, S/2016/501
    r"|(?<![\d/])\b(?!\d{1,2}/\d{1,2}/(?:1[89]|20)\d\d\b)\d{1,4}/\d{1,4}(?:/\d+)*\b"  # 71/291 (not 04/13/2019)
    r"|(?:US\s?\$|\$|€|£|USD|EUR|CHF)\s?\d[\d,.]*(?:\s*(?:million|billion))?"   # amounts
    r"|\b\d{1,3}(?:,\d{3})+\b"                                       # 2,018 people
    r"|\b(?:1[89]|20)\d\d\s+(?:people|persons|participants|officials|officers|members|victims|fighters|"
    r"cases|individuals|delegates|experts|staff|dollars|euros|km|kilometres|kilometers|tonnes|kg|hours)\b"
)

_PRIORITY = {name: i for i, (name, _) in enumerate(_PATTERNS)}


# --------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------
def _month(text: str | None) -> int | None:
    if not text:
        return None
    return _MONTHS.get(text.rstrip(".").lower())


def _day(text: str | None) -> int | None:
    return int(re.match(r"\d+", text).group(0)) if text else None


def _num(text: str) -> int:
    return int(text) if text.isdigit() else _NUMBER_WORDS[text.lower()]


def _valid(y: int, m: int, d: int) -> bool:
    try:
        dt.date(y, m, d)
        return True
    except ValueError:
        return False


def _iso(y: int | None, m: int | None = None, d: int | None = None) -> str | None:
    if y is None:
        return None
    if m is None:
        return f"{y:04d}"
    if d is None:
        return f"{y:04d}-{m:02d}"
    return f"{y:04d}-{m:02d}-{d:02d}"


def _week_start(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def _add_months(y: int, m: int, n: int) -> tuple[int, int]:
    k = y * 12 + (m - 1) + n
    return k // 12, k % 12 + 1


# --------------------------------------------------------------------------
# Resolution of one candidate
# --------------------------------------------------------------------------
def _resolve(name: str, m: re.Match, text: str, published: dt.date | None) -> tuple | None:
    """(start_iso, end_iso, relative, precision) for a candidate match, or None to drop it."""
    g = m.groupdict()
    pub_year = published.year if published else None
    if name in ("dmy_dmy", "dd_my", "md_md_y", "m_dd_y"):
        if " and " in m.group(0) and name != "dd_my" and not _between(text, m.start()):
            return None  # "on 3 May and 5 June 2018": two dates, not a range
        m1 = _month(g.get("m1"))
        m2 = _month(g.get("m2")) or m1
        d1, d2 = _day(g["d1"]), _day(g["d2"])
        if name == "dmy_dmy":  # each side may carry its year
            y1 = int(g["y1"]) if g.get("y1") else None
            y2 = int(g["y2"]) if g.get("y2") else y1
        else:  # one year, at the end, for both sides
            y1, y2 = None, int(g["y1"]) if g.get("y1") else None
        if y2 is None:
            y2 = pub_year
        if y1 is None and y2 is not None:
            y1 = y2 - 1 if (m1, d1) > (m2, d2) else y2  # "30 December - 2 January 2019"
        if y1 is None or y2 is None:
            return (None, None, False, "day") if _valid(2000, m1, d1) and _valid(2000, m2, d2) else None
        if not (_valid(y1, m1, d1) and _valid(y2, m2, d2)) or (y1, m1, d1) >= (y2, m2, d2):
            return None
        return _iso(y1, m1, d1), _iso(y2, m2, d2), False, "day"
    if name in ("dmy", "mdy", "iso", "dotted"):
        mo = _month(g.get("m1")) or (int(g["mo1"]) if g.get("mo1") else None)
        d = _day(g["d1"])
        if name == "dotted" and numeric_date_order(text) == "MDY":
            d, mo = mo, d
        y = int(g["y1"]) if g.get("y1") else pub_year
        if y is None:
            return (None, None, False, "day") if _valid(2000, mo, d) else None
        if not _valid(y, mo, d):
            return None
        iso = _iso(y, mo, d)
        return iso, iso, False, "day"
    if name == "my_my":
        if " and " in m.group(0) and not _between(text, m.start()):
            return None
        m1, m2 = _month(g["m1"]), _month(g["m2"])
        y2 = int(g["y2"])
        y1 = int(g["y1"]) if g.get("y1") else (y2 - 1 if m1 > m2 else y2)
        if (y1, m1) > (y2, m2):
            return None
        return _iso(y1, m1), _iso(y2, m2), False, "month"
    if name == "my":
        iso = _iso(int(g["y1"]), _month(g["m1"]))
        return iso, iso, False, "month"
    if name == "month":
        iso = _iso(pub_year, _month(g["m1"])) if pub_year else None
        return iso, iso, False, "month"
    if name == "yy":
        if " and " in m.group(0) and not _between(text, m.start()):
            return None
        y1, y2 = int(g["y1"]), int(g["y2"])
        if y1 >= y2:
            return None
        return _iso(y1), _iso(y2), False, "year"
    if name == "year":
        iso = _iso(int(g["y1"]))
        return iso, iso, False, "year"
    if name == "rel_month":
        if published is None:
            return None, None, True, "month"
        mo, q = _month(g["m1"]), g["q"].lower()
        y = published.year
        if q in ("last", "past"):
            y = y if mo < published.month else y - 1   # the latest such month before publication
        elif q in ("next", "coming"):
            y = y if mo > published.month else y + 1   # the first such month after publication
        iso = _iso(y, mo)
        return iso, iso, True, "month"
    if name == "weekday" and not g.get("q") and re.search(r"\b(?:will|shall|to be|is scheduled|are scheduled|is planned)\b[^.;]{0,40}$",
                                                          text[max(0, m.start() - 60):m.start()]):
        g = dict(g, q="next")  # "the visit … will end on Thursday": the coming Thursday
    return _resolve_relative(name, g, published)


def _resolve_relative(name: str, g: dict, published: dt.date | None) -> tuple:
    precision = {"today": "day", "yesterday": "day", "tomorrow": "day", "weekday": "day"}.get(name)
    if name in ("rel_unit", "ago", "last_n"):
        precision = {"week": "day", "day": "day", "month": "month", "year": "year"}[g["unit"].lower()]
    if published is None:
        return None, None, True, precision
    p = published
    if name in ("today", "yesterday", "tomorrow"):
        day = p + dt.timedelta(days={"today": 0, "yesterday": -1, "tomorrow": 1}[name])
        return day.isoformat(), day.isoformat(), True, "day"
    if name == "weekday":
        target = _WEEKDAYS[g["wd"].lower()]
        q = (g.get("q") or "").lower()
        back = (p.weekday() - target) % 7
        if q in ("next", "coming"):
            day = p + dt.timedelta(days=(target - p.weekday()) % 7 or 7)
        elif q in ("last", "past"):
            day = p - dt.timedelta(days=back or 7)
        else:  # "on Wednesday", "this Wednesday": the most recent one on or before publication
            day = p - dt.timedelta(days=back)
        return day.isoformat(), day.isoformat(), True, "day"
    unit = g["unit"].lower()
    if name == "rel_unit":
        q = " ".join(g["q"].lower().split())
        shift = {"last": -1, "past": -1, "previous": -1, "next": 1, "coming": 1}.get(q, 0)
        if unit == "week":
            start = _week_start(p) + dt.timedelta(weeks=shift)
            return start.isoformat(), (start + dt.timedelta(days=6)).isoformat(), True, "day"
        if unit == "month":
            y, mo = _add_months(p.year, p.month, shift)
            return _iso(y, mo), _iso(y, mo), True, "month"
        return _iso(p.year + shift), _iso(p.year + shift), True, "year"
    n = _num(g["n"])
    if name == "ago":
        if unit in ("day", "week"):
            day = p - dt.timedelta(days=n * (7 if unit == "week" else 1))
            return day.isoformat(), day.isoformat(), True, "day"
        if unit == "month":
            y, mo = _add_months(p.year, p.month, -n)
            return _iso(y, mo), _iso(y, mo), True, "month"
        return _iso(p.year - n), _iso(p.year - n), True, "year"
    # last_n: "in the last three years" -> (year - 3 .. year)
    if unit == "month":
        y, mo = _add_months(p.year, p.month, -n)
        return _iso(y, mo), _iso(p.year, p.month), True, "month"
    return _iso(p.year - n), _iso(p.year), True, "year"


def _between(text: str, start: int) -> bool:
    """True when 'between' directly precedes position ``start`` ("between 19 October and ...")."""
    return bool(re.search(r"(?i)\bbetween\s+(?:the\s+)?$", text[max(0, start - 16):start]))


# --------------------------------------------------------------------------
# Public API
# --------------------------------------------------------------------------
def find_dates(text: str, published: dt.date | None = None) -> list[DateMention]:
    """All date mentions in ``text``, in text order, not overlapping.

    ``published`` is the document's stated publication date (or None): it
    gives the year of dates written without one and anchors relative dates.
    Where candidates overlap, the longest wins ("3-4 May 2018" over "4 May
    2018"). Spans start at the date itself, not at "on"/"in"/"from".
    Examples (published 2018-03-05): "3-4 May 2018" -> 2018-05-03..2018-05-04
    (day); "January-February 2009" -> 2009-01..2009-02 (month); "in 2011" ->
    2011 (year); "yesterday" -> 2018-03-04 (relative); "27 September" ->
    2018-09-27; "resolution 1373 (2001)" -> nothing.
    """
    if not text:
        return []
    cands = []
    for lo, hi in _windows(text):
        masked = [mm.span() for mm in _MASKS.finditer(text, lo, hi)]
        for name, rx in _PATTERNS:
            for m in rx.finditer(text, lo, hi):
                s, e = m.span()
                if name in ("month", "year"):
                    s = _extend_qualifier(text, m, m.start("m1" if name == "month" else "y1"))
                elif name == "last_n":
                    s = m.start("q")
                if masked and any(ms < e and s < me for ms, me in masked):
                    continue
                if not _capitalized_month(m):
                    continue
                res = _resolve(name, m, text, published)
                if res is not None:
                    cands.append((s, e, name, res, m))
    cands.sort(key=lambda c: (-(c[1] - c[0]), _PRIORITY[c[2]], c[0]))
    taken: list[tuple[int, int]] = []
    out = []
    for s, e, name, res, m in cands:
        if any(ts < e and s < te for ts, te in taken):
            continue
        taken.append((s, e))
        out.append((DateMention(s, e, text[s:e], res[0], res[1], res[2], res[3]), name, m))
    out.sort(key=lambda x: x[0].start)
    if published is None:
        return _years_from_headings(text, out)
    return [d for d, _, _ in out]


def _years_from_headings(text: str, found: list[tuple[DateMention, str, re.Match]]) -> list[DateMention]:
    """Without a publication date, a date written without its year takes the year of the month or year heading
    above it, when the text has such headings: a line that is only a date ("July 2022", "2015"), as chronologies
    and meeting minutes are laid out. Other year-less dates stay unresolved (SCHEMA.md)."""
    out, heading = [], None
    for d, name, m in found:
        line_start = text.rfind("\n", 0, d.start) + 1
        line_end = text.find("\n", d.end)
        line = text[line_start:len(text) if line_end < 0 else line_end]
        if d.start_iso and not d.relative and d.precision in ("month", "year") and line.strip() == d.text.strip():
            heading = int(d.start_iso[:4])
        elif d.start_iso is None and not d.relative and heading is not None:
            res = _resolve(name, m, text, dt.date(heading, 12, 31))
            if res is not None and res[0] is not None:
                d = DateMention(d.start, d.end, d.text, res[0], res[1], res[2], res[3])
        out.append(d)
    return out


# Where a date can be: month and weekday names, years, numeric dates and the
# words of relative dates. find_dates runs its patterns only on the text around
# these anchors (about a fifth of a press release), which makes it 5x faster.
_ANCHOR = re.compile(
    rf"\b(?:{_FULL_MONTHS}|{_ABBR_MONTHS}|{_FULL_MONTHS.upper()}|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b"
    r"|\b(?:1[89]|20)\d\d\b|\b\d{1,2}[./]\d{1,2}[./]\d{4}\b")
_REL_ANCHOR = re.compile(r"\b(?:today|tonight|yesterday|tomorrow|weeks?|months?|years?|ago|morning|afternoon|evening)\b")
_WINDOW = 48


def _windows(text: str) -> list[tuple[int, int]]:
    """Merged [lo, hi) windows of text around date anchors, cut at whitespace."""
    spans = [m.span() for m in _ANCHOR.finditer(text)]
    spans += [m.span() for m in _REL_ANCHOR.finditer(text.lower())]
    if not spans:
        return []
    spans.sort()
    n = len(text)
    out: list[list[int]] = []
    for a, b in spans:
        lo, hi = max(0, a - _WINDOW), min(n, b + _WINDOW)
        if out and lo <= out[-1][1]:
            out[-1][1] = max(out[-1][1], hi)
        else:
            out.append([lo, hi])
    res = []
    for lo, hi in out:
        while lo > 0 and not text[lo - 1].isspace():
            lo -= 1
        while hi < n and not text[hi].isspace():
            hi += 1
        res.append((lo, hi))
    return res


def _extend_qualifier(text: str, m: re.Match, s: int) -> int:
    """Start a bare month/year span at "early"/"mid-"/"late"/"the end of" when the match has one."""
    q = re.search(r"(?i)\b(?:(?:the\s+)?(?:end|beginning|start|middle|first\s+half|second\s+half)\s+of\s+(?:the\s+)?|"
                  r"early\s+|late\s+|mid[\s\-]+)+$", text[m.start():s])
    return m.start() + q.start() if q else s


def _capitalized_month(m: re.Match) -> bool:
    """Month names must be capitalized ("in may" is a verb, not May)."""
    for g in ("m1", "m2"):
        try:
            v = m.group(g)
        except IndexError:
            continue
        if v and not v[0].isupper():
            return False
    return True


_DURATION = re.compile(
    r"(?i)\b(?P<n>\d{1,2}|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|"
    r"fifteen|twenty|thirty|a|single)[\s\-](?P<unit>day|week)(?:s?\b|-long\b)")


def duration_days(text: str) -> int | None:
    """Length in days of the first duration phrase in ``text``, or None.

    "a three-day visit" -> 3, "two-day" -> 2, "3-day" -> 3, "for five days"
    -> 5, "a two-week course" -> 14, "a week-long" -> 7. Used to derive a
    visit's start from its end ("concluded today a three-day visit").
    """
    if not text:
        return None
    m = _DURATION.search(text)
    if m:
        n = _num(m.group("n"))
        return n * (7 if m.group("unit").lower() == "week" else 1)
    if re.search(r"(?i)\bweek[\s\-]long\b", text):
        return 7
    return None


_NUMERIC = re.compile(r"\b(\d{1,2})([./])(\d{1,2})\2((?:1[89]|20)\d\d)\b")


@functools.lru_cache(maxsize=64)
def numeric_date_order(text: str) -> str:
    """"DMY" or "MDY": how the all-numeric dates of ``text`` (a whole document) are written.

    The document's own evidence decides (issue 9): a date whose first field
    cannot be a month ("13.04.2019") settles day first, one whose second
    field cannot be a month ("04/13/2019") settles month first, for every
    numeric date of the document. With no evidence, or evidence both ways,
    day first (the form of UN and most ministries' documents).
    """
    dmy = mdy = False
    for m in _NUMERIC.finditer(text):
        a, b = int(m.group(1)), int(m.group(3))
        if a > 12 >= b >= 1:
            dmy = True
        elif b > 12 >= a >= 1:
            mdy = True
    return "MDY" if mdy and not dmy else "DMY"


@functools.lru_cache(maxsize=4096)
def parse_date(text: str | None) -> tuple[str, str] | None:
    """(ISO date, precision) of one date written on its own, or None.

    For metadata and "Date:" lines: "5 March 2018" -> ("2018-03-05", "day"),
    "2018-03-05T10:00:00Z" -> ("2018-03-05", "day"), "Mon, 05 Mar 2018
    10:00:00 GMT" -> ("2018-03-05", "day"), "March 2018" -> ("2018-03",
    "month"). The patterns of :func:`find_dates` are tried first; other forms
    go to dateparser (English, day-first, no relative dates, no guessed year).
    """
    if not text or not text.strip():
        return None
    s = text.strip()
    found = [d for d in find_dates(s, None) if not d.relative and d.start_iso]
    if found and re.fullmatch(r"[\w\s]{0,24}:?\s*", s[:found[0].start]):  # "Date: 5 March 2018"
        d = found[0]
        return d.start_iso, d.precision
    iso = re.match(r"^\s*(\d{4}-\d{2}-\d{2})(?:[T ][\d:.]+(?:Z|[+\-]\d{2}:?\d{2})?)?\s*$", s)
    if iso and _valid(*map(int, iso.group(1).split("-"))):
        return iso.group(1), "day"
    import dateparser

    data = dateparser.DateDataParser(
        languages=["en"],
        settings={"DATE_ORDER": "DMY", "PREFER_DAY_OF_MONTH": "first", "RETURN_TIME_AS_PERIOD": False,
                  "REQUIRE_PARTS": ["year"], "PARSERS": ["timestamp", "custom-formats", "absolute-time"]},
    ).get_date_data(s)
    if data is None or data.date_obj is None:
        return None
    d = data.date_obj.date()
    period = data.period if data.period in ("day", "month", "year") else "day"
    return {"day": (d.isoformat(), "day"), "month": (d.isoformat()[:7], "month"),
            "year": (d.isoformat()[:4], "year")}[period]

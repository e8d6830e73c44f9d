"""An event told twice, once in a headline and once in the body (issue 11, "two identical events"): the rules
leave the headline's event ("UNODC training course in Almaty") undated, the date model then gives it the body's
range, and the record held two workshops of the same days and place, the headline's one with no roles or with the
roles of the story before it. Once the models have decided, events of the same type, the same start and end day
and no differing venue are one (``ctrack.extract.decide._without_repeats``); the one whose date the rules read
stays, with its roles. Two stories each, in this project's own words."""
from __future__ import annotations

import pytest

from ctrack.extract import extract
from ctrack.ingest import read

MONGOLIA_ALMATY = """UNOCT mission to Mongolia

Ulaanbaatar, 3 March 2021 - A team of the United Nations Office of Counter-Terrorism (UNOCT) visited Mongolia from 1 to 2 March 2021. It was led by Under-Secretary-General Vladimir Voronkov.

UNODC training course in Almaty

Almaty, 14 October 2021 - The United Nations Office on Drugs and Crime held a training course on terrorist financing investigations in Almaty from 11 to 13 October 2021. It was funded by the Government of Japan and opened by Ambassador Lena Borg, Head of the UNODC Regional Office.
"""

GEORGIA_TASHKENT = """CTED visits Georgia

Tbilisi, 20 September 2020 - A delegation of the Counter-Terrorism Committee Executive Directorate (CTED) visited Georgia from 14 to 16 September 2020. It was led by Assistant Secretary-General Michele Coninsx.

OSCE seminar in Tashkent

Tashkent, 5 April 2022 - The OSCE held a national seminar on preventing violent extremism in Tashkent from 2 to 4 April 2022. It was funded by the Government of Norway and opened by Ambassador John Smith, Head of the OSCE Project Co-ordinator.
"""


@pytest.mark.parametrize("text, kind, days, place, roles", [
    (MONGOLIA_ALMATY, "workshop", ("2021-10-11", "2021-10-13"), ("Almaty", "KAZ"),
     {("United Nations Office on Drugs and Crime", "organizer"), ("Japan", "funder")}),
    (GEORGIA_TASHKENT, "workshop", ("2022-04-02", "2022-04-04"), ("Tashkent", "UZB"),
     {("Organization for Security and Co-operation in Europe", "organizer"), ("Norway", "funder")}),
])
def test_an_event_told_in_the_headline_and_the_body_is_one_event(tmp_path, text, kind, days, place, roles):
    path = tmp_path / "story.txt"
    path.write_text(text, encoding="utf-8")
    record = extract(read(path))
    same = [e for e in record.events if e.type.value == kind and (e.start, e.end) == days]
    assert len(same) == 1, [(e.type.value, e.start, e.end, e.city) for e in record.events]
    assert (same[0].city, same[0].country) == place
    assert roles <= {(record.actor(r.actor).name, r.role.value) for r in same[0].roles}
    visit = next(e for e in record.events if e.type.value == "visit")  # the first story's event stays its own
    assert visit.start < days[0]


def test_events_of_the_same_days_at_different_venues_stay_apart(tmp_path):
    text = ("Workshops in Almaty and Bishkek\n\nAlmaty, 14 October 2021 - The OSCE held a workshop on border security in "
            "Almaty from 11 to 13 October 2021. On the same days, from 11 to 13 October 2021, UNODC held a workshop on "
            "prison management in Bishkek.\n")
    path = tmp_path / "two.txt"
    path.write_text(text, encoding="utf-8")
    record = extract(read(path))
    cities = sorted(e.city for e in record.events if e.type.value == "workshop" and e.start == "2021-10-11")
    assert cities == ["Almaty", "Bishkek"]

"""Cluttered web pages (issue 9): a story in an <aside> beside a long consent dialog, "Read also" teasers and
tag lists inside the article, listing pages. Fixtures are written here; tests check the extracted facts."""
from __future__ import annotations

import pytest

from ctrack.errors import IngestError
from ctrack.extract import extract
from ctrack.ingest import read

COOKIE = " ".join(["We and our 143 partners use cookies and similar technologies to store and access information "
                   "on your device, to personalise content and advertising, to measure audience and to improve our "
                   "services. You can accept all cookies, refuse them or choose which purposes you consent to."] * 6)

ASIDE_PAGE = f"""<!DOCTYPE html><html lang="en"><head><title>OSCE trains border officers | Regional Monitor</title></head>
<body><header class="top"><a href="/">Regional Monitor</a></header>
<div class="layout">
<div id="consent-modal" class="modal"><h2>Your privacy choices</h2><p>{COOKIE}</p><p>{COOKIE}</p>
<ul><li>Strictly necessary</li><li>Performance</li><li>Targeting</li></ul><button>Accept all</button></div>
<aside class="story">
<h1>OSCE trains border officers in Dushanbe</h1>
<p>Dushanbe, 21 October 2019</p>
<p>From 15 to 18 October 2019, the OSCE Programme Office in Dushanbe held a training course on detecting foreign
terrorist fighters for border officers of Tajikistan.</p>
<p>The course was funded by the Government of Norway.</p>
</aside></div>
<footer>© 2019 Regional Monitor</footer></body></html>"""

TEASERS_PAGE = """<!DOCTYPE html><html lang="en"><head><title>CTED visits Kenya</title></head>
<body><main><article>
<h1>CTED concludes assessment visit to Kenya</h1>
<p>New York, 6 March 2020</p>
<p>From 2 to 5 March 2020, the Counter-Terrorism Committee Executive Directorate (CTED) conducted an assessment
visit to Kenya on behalf of the Counter-Terrorism Committee.</p>
<div class="box"><h3>Read also</h3>
<div><h4>OSCE conference in Vienna</h4><p>Vienna, 3 February 2020 - The OSCE held a conference on terrorist
financing in Vienna on 3 February 2020.</p></div>
<div><h4>UNODC workshop in Abuja</h4><p>Abuja, 12 December 2019 - UNODC held a workshop in Abuja, Nigeria, from 10 to
12 December 2019.</p></div>
</div>
<p>The delegation met officials of the Ministry of Interior in Nairobi.</p>
<p><strong>See also:</strong> <a href="/d">Security Council briefing in New York on 20 January 2020</a></p>
<h4>Tags</h4><ul class="tag-list"><li><a href="/t/kenya">Kenya</a></li><li><a href="/t/cted">CTED</a></li>
<li><a href="/t/mali">Mali</a></li></ul>
</article></main></body></html>"""


def test_story_in_an_aside_beside_a_long_consent_dialog(tmp_path):
    path = tmp_path / "aside.html"
    path.write_text(ASIDE_PAGE, encoding="utf-8")
    doc = read(path)
    assert "cookies" not in doc.text and "Accept all" not in doc.text
    assert doc.title == "OSCE trains border officers in Dushanbe"
    assert doc.published.isoformat() == "2019-10-21"
    record = extract(doc)
    ev = next(e for e in record.events if e.start)
    assert (ev.type.value, ev.start, ev.end, ev.city, ev.country) == (
        "workshop", "2019-10-15", "2019-10-18", "Dushanbe", "TJK")
    roles = {(record.actor(r.actor).name, r.role.value) for r in ev.roles}
    assert ("Norway", "funder") in roles


def test_read_also_teasers_and_tags_are_dropped(tmp_path):
    path = tmp_path / "teasers.html"
    path.write_text(TEASERS_PAGE, encoding="utf-8")
    doc = read(path)
    for gone in ("Read also", "Vienna", "Abuja", "See also", "Security Council briefing", "Tags"):
        assert gone not in doc.text, gone
    assert "The delegation met officials of the Ministry of Interior in Nairobi." in doc.text
    record = extract(doc)
    assert {e.country for e in record.events} == {"KEN"}, "no event from a teaser"
    assert not any(e.type.value in ("conference", "briefing") for e in record.events)
    visit = next(e for e in record.events if e.type.value == "assessment_visit")
    assert (visit.start, visit.end) == ("2020-03-02", "2020-03-05")
    roles = {(record.actor(r.actor).name, r.role.value) for r in visit.roles}
    assert ("Counter-Terrorism Committee Executive Directorate", "organizer") in roles
    assert ("Kenya", "subject") in roles


def test_listing_page_is_refused_with_a_clear_message(tmp_path):
    stories = "".join(
        f"<article><h2>Story {i}</h2><p>{'On 3 May 2019 the OSCE held a workshop on border security. ' * 4}</p>"
        "</article>" for i in range(4))
    path = tmp_path / "news.html"
    path.write_text(f"<html><body><main>{stories}</main></body></html>")
    with pytest.raises(IngestError) as info:
        read(path)
    assert "a listing page with 4 articles" in str(info.value) and str(path) in str(info.value)


def test_one_article_with_short_related_article_teasers_is_not_a_listing(tmp_path):
    teasers = "".join(f"<article><h3>Other story {i}</h3><p>Short teaser.</p></article>" for i in range(4))
    path = tmp_path / "story.html"
    path.write_text(f"<html><body><main><article><h1>CTED visits Kenya</h1><p>{'CTED visited Kenya. ' * 20}</p>"
                    f"</article><section class='related'>{teasers}</section></main></body></html>")
    assert read(path).title == "CTED visits Kenya"


def test_read_also_heading_takes_its_teasers_not_the_story_after_them(tmp_path):
    path = tmp_path / "inline.html"
    path.write_text("<html><body><article><h1>CTED concludes assessment visit to Kenya</h1>"
                    "<p>From 2 to 5 March 2020, the Counter-Terrorism Committee Executive Directorate (CTED) conducted "
                    "an assessment visit to Kenya on behalf of the Counter-Terrorism Committee.</p>"
                    "<h3>Read also</h3><ul><li><a href='/a'>OSCE conference in Vienna, 3 February 2020</a></li>"
                    "<li><a href='/b'>UNODC workshop in Abuja</a></li></ul>"
                    "<p>The delegation met officials in Nairobi.</p></article></body></html>")
    text = read(path).text
    assert "Vienna" not in text and "Read also" not in text
    assert text.endswith("The delegation met officials in Nairobi.")

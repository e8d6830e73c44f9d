"""HTML: furniture stays out, the title opens the text, dates come only from publication markup."""
from __future__ import annotations

import datetime as dt

import pytest

from ctrack.errors import EmptyDocument
from ctrack.ingest import read

P1 = ("The OSCE Programme Office in Astana and the Government of Kazakhstan held a national workshop on "
      "countering violent extremism and radicalization that lead to terrorism, with forty participants.")
P2 = ("Trainers from the United Nations Office on Drugs and Crime (UNODC) presented good practices on the "
      "rehabilitation of returnees and on the role of civil society in prevention.")
FURNITURE = (
    '<div class="cookie-consent"><p>We use cookies to improve your experience. By continuing you accept them.</p>'
    "<button>OK</button></div>"
    '<header class="site-header"><a href="/">Steppe Security Review</a></header>'
    '<nav><ul><li><a href="/">Home</a></li><li><a href="/news">News</a></li><li><a href="/about">About</a></li></ul></nav>'
    '<div class="breadcrumbs"><a href="/">Home</a> / <a href="/news">News</a></div>'
)
SIDEBAR = ('<aside class="sidebar"><h3>Most read</h3><ul><li><a href="#">Grain prices rise again</a> '
           '<time datetime="2021-05-01">1 May 2021</time></li></ul></aside>')
FOOTER = '<footer><p>Last updated: 3 June 2021</p><p>&copy; 2021 Steppe Security Review</p></footer>'
NOISE = ["cookies", "Most read", "Home", "Last updated", "Steppe Security Review", "Grain prices", "About"]


def page(head: str, article: str, *, before_body: str = "") -> str:
    return (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">{head}</head><body>{before_body}'
            f"{FURNITURE}<main><article>{article}</article>{SIDEBAR}</main>{FOOTER}</body></html>")


BODY = f"<p>{P1}</p><p>{P2}</p>"
TITLE = "OSCE workshop in Astana on preventing violent extremism"
CASES = {
    "og-title-with-site-suffix": (
        f'<title>{TITLE} | Steppe Security Review</title><meta property="og:title" content="{TITLE} | Steppe Security Review">'
        f'<meta property="og:site_name" content="Steppe Security Review">',
        f'<h2 class="entry-title">{TITLE}</h2>{BODY}', None),
    "labelled-date-in-meta-div": (
        f"<title>{TITLE} - Steppe Security Review</title>",
        f'<h1>{TITLE}</h1><div class="meta">Published: 12 March 2021</div>{BODY}', dt.date(2021, 3, 12)),
    "json-ld-date-published": (
        '<title>x</title><script type="application/ld+json">{"@context":"https://schema.org","@graph":['
        f'{{"@type":"NewsArticle","headline":"{TITLE}","datePublished":"2021-03-12T08:00:00+05:00",'
        '"dateModified":"2021-04-01"}]}</script>',
        f"<h1>{TITLE}</h1>{BODY}", dt.date(2021, 3, 12)),
    "meta-published-time-keeps-local-date": (
        f'<title>{TITLE}</title><meta property="article:published_time" content="2021-03-12T23:30:00-05:00">',
        f"<h1>{TITLE}</h1>{BODY}", dt.date(2021, 3, 12)),
    "microdata-date-published": (
        f"<title>{TITLE}</title>",
        f'<h1>{TITLE}</h1><span itemprop="datePublished" content="2020-11-02">2 Nov 2020</span>{BODY}',
        dt.date(2020, 11, 2)),
    "time-in-byline": (
        f"<title>{TITLE}</title>",
        f'<h1>{TITLE}</h1><p class="byline">By Staff · <time datetime="2019-07-04">4 July 2019</time></p>{BODY}',
        dt.date(2019, 7, 4)),
    "dateline-in-first-paragraph": (
        f"<title>{TITLE}</title>", f"<h1>{TITLE}</h1><p>ASTANA, 12 March 2021 – {P1}</p><p>{P2}</p>",
        dt.date(2021, 3, 12)),
    "sidebar-dates-only": (f"<title>{TITLE}</title>", f"<h1>{TITLE}</h1>{BODY}", None),
    "modified-meta-only": (
        f'<title>{TITLE}</title><meta property="article:modified_time" content="2021-03-20">',
        f"<h1>{TITLE}</h1>{BODY}", None),
    "last-updated-time": (
        f"<title>{TITLE}</title>",
        f'<h1>{TITLE}</h1><p class="updated">Last updated <time datetime="2021-03-20">20 March 2021</time></p>{BODY}',
        None),
    "event-date-in-body-time": (
        f"<title>{TITLE}</title>",
        f'<h1>{TITLE}</h1><p>The workshop held on <time datetime="2021-03-10">10 March 2021</time> '
        f"gathered officials from several ministries and agencies of the country. {P1}</p><p>{P2}</p>",
        None),
    "logo-in-h1": (
        f"<title>{TITLE} | Steppe Security Review</title>",
        f'<h2 class="post-title">{TITLE}</h2>{BODY}', None),
}


@pytest.mark.parametrize("name", CASES, ids=str)
def test_html_page(tmp_path, name):
    head, article, published = CASES[name]
    before = '<h1 class="logo">Steppe Security Review</h1>' if name == "logo-in-h1" else ""
    path = tmp_path / f"{name}.html"
    path.write_text(page(head, article, before_body=before), encoding="utf-8")
    doc = read(path)
    assert doc.title == TITLE
    assert doc.published == published
    paragraphs = doc.text.split("\n\n")
    assert paragraphs[0] == TITLE
    assert P2 in paragraphs[-1]
    assert any(P1 in p for p in paragraphs)
    for noise in NOISE:
        assert noise not in doc.text, noise


def test_short_page_without_furniture(tmp_path):
    path = tmp_path / "short.html"
    path.write_text("<html><head><title>CTC briefing</title></head><body><nav><a href='/'>Home</a>"
                    "<a href='/n'>News</a></nav><article><h1>CTC briefing held</h1>"
                    "<p>The CTC met today in New York.</p></article><footer>Contact us</footer></body></html>")
    doc = read(path)
    assert doc.text == "CTC briefing held\n\nThe CTC met today in New York."


def test_page_without_article_text(tmp_path):
    path = tmp_path / "menu-only.htm"
    path.write_text("<html><head><title>Site name | Home</title></head><body><nav><a href='/'>Home</a></nav>"
                    "<footer>Contact us</footer></body></html>")
    with pytest.raises(EmptyDocument):
        read(path)


def test_charset_and_entities(tmp_path):
    path = tmp_path / "latin.html"
    html = (f'<html><head><meta charset="iso-8859-1"><title>Réunion à Genève</title></head><body><article>'
            f"<h1>Réunion à Genève</h1><p>{P1} Caf&eacute; &amp; d&eacute;l&eacute;gation.</p><p>{P2}</p>"
            "</article></body></html>")
    path.write_bytes(html.encode("iso-8859-1"))
    doc = read(path)
    assert doc.title == "Réunion à Genève"
    assert "Café & délégation." in doc.text


def test_language_from_the_text_not_the_html_lang(tmp_path):
    """A site template's lang="fr-FR" over an English article: the text decides (issue 9)."""
    path = tmp_path / "fr.html"
    path.write_text(f'<html lang="fr-FR"><head><title>{TITLE}</title></head><body><article><h1>{TITLE}</h1>'
                    f"{BODY}</article></body></html>")
    assert read(path).language == "en"


MINISTRY_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>Deputy Minister receives OSCE delegation - Ministry of Foreign Affairs of the Republic of Tajikistan</title></head>
<body>
<div class="top-bar"><ul class="lang-switch"><li><a href="/tj">Тоҷикӣ</a></li><li><a href="/ru">Русский</a></li></ul>
<a href="/sitemap">Sitemap</a></div>
<div id="header"><div class="site-title">Ministry of Foreign Affairs of the Republic of Tajikistan</div></div>
<div class="mega-menu"><ul><li><a href="/ministry">Ministry</a></li><li><a href="/policy">Foreign policy</a></li>
<li><a href="/press">Press service</a></li></ul></div>
<div class="container"><div class="col-md-8 content-area"><div class="news-item">
<h2 class="news-title">Deputy Minister receives OSCE delegation</h2>
<div class="news-date">14.05.2021 10:32</div>
<div class="news-text">
<p>Deputy Minister of Foreign Affairs of the Republic of Tajikistan Sodiq Imomi received a delegation of the
Organization for Security and Co-operation in Europe led by the Head of the OSCE Programme Office in Dushanbe.</p>
<p>The sides discussed joint projects on countering terrorism and violent extremism, border security and
management, and the preparations for a regional conference planned for 20 October 2021.</p>
</div>
<div class="social-share"><a href="#">Facebook</a> <a href="#">Print version</a></div></div>
<div class="related-news"><h3>Related news</h3>
<div class="item"><a href="/n/1">Minister meets Ambassador of Japan</a><span class="date">13.05.2021</span></div></div>
</div><div class="col-md-4"><div class="widget"><h3>Useful links</h3><ul><li><a href="#">Government</a></li></ul></div></div></div>
<div id="footer"><p>Address: 33 Sheroz Street, Dushanbe</p><p>&copy; 2006-2021 Ministry of Foreign Affairs</p></div>
</body></html>"""


def test_ministry_page_date_between_headline_and_body(tmp_path):
    """A template date line (no <time>, no label) under the headline, which trafilatura drops."""
    path = tmp_path / "mfa.html"
    path.write_text(MINISTRY_PAGE, encoding="utf-8")
    doc = read(path)
    assert doc.title == "Deputy Minister receives OSCE delegation"
    assert doc.published == dt.date(2021, 5, 14)
    assert len(doc.text.split("\n\n")) == 3
    for noise in ["Sitemap", "Русский", "Press service", "Related news", "Japan", "Facebook", "Sheroz", "©", "Useful"]:
        assert noise not in doc.text, noise

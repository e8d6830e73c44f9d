"""The web pages: sign-in, every page for a viewer, forms checked for CSRF and role, cookies set safely."""
from __future__ import annotations

import re

import pytest

from ctrack.store.track_models import Entity

PAGES = ["/", "/search?q=coninsx", "/actors", "/actors?kind=member_state", "/events", "/events?country=TJK",
         "/timeline", "/network?persons=1", "/states", "/states/TJK", "/documents", "/upload", "/review", "/recs"]


@pytest.fixture
def web(api):
    """The API fixture: the same app serves the pages."""
    return api


def login(web, name: str, password: str = "correct horse battery") -> str | None:
    """Sign in through the form; returns the session's CSRF token (None when refused)."""
    page = web.client.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    r = web.client.post("/login", data={"name": name, "password": password, "csrf_token": token, "next": "/events"},
                        follow_redirects=False)
    assert r.status_code == 303
    if "error" in r.headers["location"]:
        return None
    assert r.headers["location"] == "/events"
    return re.search(r'<meta name="csrf-token" content="([^"]+)"', web.client.get("/").text).group(1)


def test_anonymous_visitors_go_to_the_login_page(web):
    r = web.client.get("/states/TJK", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/login?next=/states/TJK"
    assert "Sign in" in web.client.get("/login").text


def test_login_sets_a_safe_session_cookie(web):
    assert login(web, "viewer", "wrong password") is None
    page = web.client.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    r = web.client.post("/login", data={"name": "viewer", "password": "correct horse battery", "csrf_token": token},
                        follow_redirects=False)
    cookie = r.headers["set-cookie"].lower()
    assert "ctrack_session=" in cookie and "httponly" in cookie and "samesite=lax" in cookie
    assert "secure" not in cookie.split("ctrack_login_csrf")[0]
    web.client.cookies.clear()
    token = re.search(r'name="csrf_token" value="([^"]+)"', web.client.get("/login").text).group(1)
    behind_tls = web.client.post("/login", headers={"X-Forwarded-Proto": "https"}, follow_redirects=False,
                                 data={"name": "viewer", "password": "correct horse battery", "csrf_token": token})
    assert "; secure" in behind_tls.headers["set-cookie"].lower().split("ctrack_login_csrf")[0]


def test_login_form_without_csrf_is_refused(web):
    web.client.get("/login")
    r = web.client.post("/login", data={"name": "viewer", "password": "correct horse battery"},
                        follow_redirects=False)
    assert r.status_code == 403
    assert "ctrack_session" not in r.headers.get("set-cookie", "")


def test_every_page_renders_for_a_viewer(web):
    assert login(web, "viewer")
    for path in PAGES:
        r = web.client.get(path)
        assert r.status_code == 200, (path, r.status_code, r.text[:500])
        assert "<nav>" in r.text and "viewer" in r.text
    assert web.client.get("/admin/users").status_code == 403
    assert web.client.get("/events/424242").status_code == 404


def test_pages_show_the_seed_facts(web):
    assert login(web, "viewer")
    state = web.client.get("/states/TJK").text
    assert "Dushanbe" in state and "2018-05-03" in state and "conference" in state
    assert web.client.get("/states/tajikistan", follow_redirects=False).headers["location"] == "/states/TJK"
    # the event's link text is its name ("High-level international conference on …") or, unnamed, its type
    conf = re.search(r'href="/events/(\d+)">[^<]*[Cc]onference', state).group(1)
    event = web.client.get(f"/events/{conf}").text
    assert 'title="funder: Qatar"' in event and "<mark" in event
    search = web.client.get("/search?q=Coninsx").text
    assert '<mark class="hit">Coninsx</mark>' in search
    actor = re.search(r'href="/actors/(\d+)">Michèle Coninsx', search).group(1)
    page = web.client.get(f"/actors/{actor}").text
    assert "Executive Director" in page and "Dated titles" in page and "seed-000" in page


def test_forms_need_csrf_and_the_right_role(web):
    csrf = login(web, "viewer")
    data = {"csrf_token": csrf, "back": "/review"}
    assert web.client.post("/review/actor/1/confirm", data=data, follow_redirects=False).status_code == 403
    web.client.cookies.clear()
    csrf = login(web, "analyst")
    no_token = web.client.post("/review/actor/1/confirm", data={"back": "/review"}, follow_redirects=False)
    assert no_token.status_code == 403
    wrong = web.client.post("/review/actor/1/confirm", data={"csrf_token": "x" * 43}, follow_redirects=False)
    assert wrong.status_code == 403
    ok = web.client.post("/review/actor/1/confirm", data={"csrf_token": csrf, "back": "/review#item-0"},
                         follow_redirects=False)
    # back to the page, which names the decision (its audit entry) to show it with an Undo
    assert ok.status_code == 303 and re.fullmatch(r"/review\?done=\d+#item-0", ok.headers["location"])
    from ctrack.store.db import session_scope
    from ctrack.track import audit

    with session_scope(web.app.state.engine) as s:
        last = audit.history(s, Entity.ACTOR, 1)[-1]
    assert last.user == "analyst" and last.action == "confirm"
    assert web.client.post("/logout", data={}, follow_redirects=False).status_code == 403
    assert web.client.post("/logout", data={"csrf_token": csrf}, follow_redirects=False).status_code == 303
    assert web.client.get("/review", follow_redirects=False).status_code == 303


def test_admin_manages_accounts_from_the_page(web):
    csrf = login(web, "admin")
    assert "analyst" in web.client.get("/admin/users").text
    r = web.client.post("/admin/users", data={"csrf_token": csrf, "name": "field-officer", "role": "analyst",
                                              "password": "longenough1"}, follow_redirects=False)
    assert r.status_code == 303
    r = web.client.post("/admin/users/field-officer", data={"csrf_token": csrf, "role": "viewer", "active": "0"},
                        follow_redirects=False)
    assert r.status_code == 303
    page = web.client.get("/admin/users").text
    assert "field-officer" in page
    assert web.client.post("/admin/users", data={"name": "x", "role": "viewer", "password": "longenough1"},
                           follow_redirects=False).status_code == 403


def test_every_page_module_is_mounted_by_routes_mount(web):
    """The review and duplicates pages are added like every other page, by ``routes.mount`` (the app
    included the duplicates router itself before, and the review one through ``mount``)."""
    from fastapi import FastAPI

    from ctrack.web import routes

    bare = FastAPI()
    routes.mount(bare)
    for endpoint, params, path in (("events_page", {}, "/events"), ("review_page", {}, "/review"),
                                   ("bulk_page", {}, "/review/bulk"), ("dedupe_page", {}, "/dedupe"),
                                   ("decision_page", {"decision_id": 3}, "/dedupe/decisions/3")):
        assert bare.url_path_for(endpoint, **params) == path
    assert web.get("/dedupe").status_code == 200


def test_an_actor_page_says_when_its_counts_cover_only_its_latest_events(web, monkeypatch):
    from ctrack.service import actors

    assert login(web, "viewer")
    search = web.client.get("/search?q=Coninsx").text
    actor = re.search(r'href="/actors/(\d+)">Michèle Coninsx', search).group(1)
    assert 'id="counted-over"' not in web.client.get(f"/actors/{actor}").text  # every event counted
    monkeypatch.setattr(actors, "ACTOR_PAGE_EVENTS", 1)
    page = web.client.get(f"/actors/{actor}").text
    note = re.search(r'id="counted-over">([^<]+)<', page)
    assert note and re.search(r"latest 1 of \d+ events", note.group(1))


def _engagement_rows(html: str, section: str) -> list[tuple[str, int]]:
    """(ISO3, engagements) of each state row of the overview's "Member states engaged" table (``section``
    "home") or of the /states table ("states"), in page order."""
    if section == "home":
        html = html.split("<h2>Member states engaged</h2>", 1)[1].split("</table>", 1)[0]
        return [(iso, int(n)) for iso, n in re.findall(
            r'href="/states/([A-Z]{3})">.*?</td>\s*<td class="num">.*?(\d+)</td>', html, re.S)]
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return [(iso, int(n)) for iso, n in re.findall(
        r'<td>([A-Z]{3})</td><td class="num">(\d+)</td>', body)]


def test_overview_and_member_states_count_engagements_alike(web):
    """The overview's "Member states engaged" and /states count by one rule (events held in the state or where
    the state, its bodies or its people hold a role), state it, and agree state by state and in order. A state
    engaged through a ministry and as the venue (Kyrgyzstan here) counted only the state actor's own roles on
    the overview before."""
    import datetime as dt

    from ctrack.schema import Record
    from ctrack.store import repo
    from ctrack.store.db import session_scope
    from ctrack.store.testing import make_document

    record = Record.model_validate({
        "schema": "ctrack.extraction/1",
        "document": {"id": "kgz-news", "title": "kgz-news", "published": "2019-05-10", "language": "en"},
        "actors": [{"id": "mfa", "kind": "government_body", "name": "Ministry of Foreign Affairs of Kyrgyzstan",
                    "iso3": "KGZ"},
                   {"id": "KGZ", "kind": "member_state", "name": "Kyrgyzstan", "iso3": "KGZ"},
                   {"id": "osce", "kind": "regional_org", "name": "OSCE", "acronym": "OSCE"}],
        "events": [{"id": "w", "type": "workshop", "start": "2019-05-08", "city": "Bishkek", "country": "KGZ",
                    "status": "held", "roles": [{"actor": "osce", "role": "organizer"}]},
                   {"id": "m", "type": "meeting", "start": "2019-05-09", "status": "held",
                    "roles": [{"actor": "mfa", "role": "participant"}, {"actor": "osce", "role": "participant"}]},
                   {"id": "c", "type": "conference", "start": "2019-05-01", "country": "AUT", "status": "held",
                    "roles": [{"actor": "KGZ", "role": "participant"}, {"actor": "osce", "role": "organizer"}]}]})
    assert login(web, "viewer")
    seed = dict(_engagement_rows(web.client.get("/states").text, "states")).get("KGZ", 0)
    with session_scope(web.app.state.engine) as s:
        repo.save_document(s, make_document("kgz-news", "text of kgz-news", dt.date(2019, 5, 10)), record)
    home, states = web.client.get("/").text, web.client.get("/states").text
    overview = _engagement_rows(home, "home")
    listed = _engagement_rows(states, "states")
    assert overview and overview == [row for row in listed if row[1]][:len(overview)]
    # three more: held in Bishkek, its ministry's meeting, its own role in Vienna (the state's own roles: one)
    assert dict(overview)["KGZ"] == dict(listed)["KGZ"] == seed + 3
    assert 'id="engagement-rule"' in home and 'id="engagement-rule"' in states
    assert "one of its government bodies" in home and "one of its government bodies" in states


def test_overview_counts_the_member_states_engaged_and_says_how_many_are_only_named(web):
    """A new user read "129 member states" on the overview where the knowledge base held 129 states merely
    named in documents: the tile counts the states with an engagement (those /states lists with one) and says
    how many are named; /states explains its "Documents" column. Here a document names Norway and Chile in
    passing (no role, no venue)."""
    import datetime as dt

    from ctrack.schema import Record
    from ctrack.store import repo
    from ctrack.store.db import session_scope
    from ctrack.store.testing import make_document

    record = Record.model_validate({
        "schema": "ctrack.extraction/1",
        "document": {"id": "in-passing", "title": "in-passing", "published": "2019-05-10", "language": "en"},
        "actors": [{"id": "NOR", "kind": "member_state", "name": "Norway", "iso3": "NOR"},
                   {"id": "CHL", "kind": "member_state", "name": "Chile", "iso3": "CHL"}],
        "events": []})
    with session_scope(web.app.state.engine) as s:
        repo.save_document(s, make_document("in-passing", "Norway and Chile were named.", dt.date(2019, 5, 10)),
                           record)
    assert login(web, "viewer")
    home, states = web.client.get("/").text, web.client.get("/states").text
    listed = _engagement_rows(states, "states")
    engaged = [iso for iso, n in listed if n]
    assert {"NOR", "CHL"} <= {iso for iso, _ in listed} and "NOR" not in engaged and engaged
    tile = re.search(r'<div class="tile" id="states-tile"[^>]*><b>(\d+)</b><span>(.*?)</span></div>', home, re.S)
    assert tile and int(tile.group(1)) == len(engaged)
    assert "member states engaged" in tile.group(2) and f"of {len(listed)} named in documents" in tile.group(2)
    assert f"({len(engaged)} engaged, {len(listed)} named)" in states
    assert ">Documents naming it</th>" in states and 'id="documents-rule"' in states

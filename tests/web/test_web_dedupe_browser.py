"""The duplicates screen in a real browser (Playwright, Debian's Chromium, against ``ctrack serve``): merge
two actors on the compare page, see the confirmation, undo it, and find both actors back and every step in
the audit log. Reuses the ``server`` fixture of ``test_web_browser.py``; skipped as it is without Chromium or
the ``playwright`` package. Screenshots go to ``tmp_path`` or ``$CTRACK_SCREENSHOTS``."""
from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from test_web_browser import server  # noqa: F401  (the fixture)

from ctrack.web.testing import CHROMIUM, signed_in_page

sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")
pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Chromium not installed (apt-get install chromium)")


def test_merge_two_actors_on_the_compare_page_and_undo_it(server, tmp_path):
    from ctrack.service.testing import save_lookalikes
    from ctrack.store.db import open_store

    engine = open_store(f"sqlite:///{tmp_path / 'kb.sqlite3'}")  # the database the server runs on
    save_lookalikes(engine)
    engine.dispose()
    shots = Path(os.environ.get("CTRACK_SCREENSHOTS") or tmp_path / "screenshots")
    shots.mkdir(parents=True, exist_ok=True)
    with sync_api.sync_playwright() as p:
        browser, page = signed_in_page(p, server, "/dedupe")
        sync_api.expect(page.locator(".pagehead .meta")).to_contain_text("3 pairs of actors and events")
        page.screenshot(path=str(shots / "dedupe.png"), full_page=True)

        row = page.locator("#candidates tr", has_text="Maria Smith")
        a_ref, b_ref = row.get_attribute("data-pair").split()
        a_id, b_id = int(a_ref.split(":")[1]), int(b_ref.split(":")[1])
        row.get_by_role("link", name="Compare").click()
        page.wait_for_url(re.compile(rf".*/dedupe/actor/{a_id}/{b_id}$"))
        sync_api.expect(page.locator("#side-a h2")).to_contain_text("Maria Smith")
        sync_api.expect(page.locator("#side-b h2")).to_contain_text("Mario Smith")
        sync_api.expect(page.locator("#side-a .passage").first).to_contain_text("Maria Smith of the Ministry")
        page.screenshot(path=str(shots / "dedupe-compare.png"), full_page=True)

        page.click("#merge-keep-a")
        confirmation = page.locator("#confirmation")
        sync_api.expect(confirmation).to_contain_text(f"Merged actor {b_id} “Mario Smith” into actor {a_id} “Maria Smith”")
        page.screenshot(path=str(shots / "dedupe-merged.png"))
        api = page.request
        assert api.get(f"{server}/api/v1/actors/{b_id}").json()["review_state"] == "rejected"
        assert "Mario Smith" in api.get(f"{server}/api/v1/actors/{a_id}").json()["aliases"]

        confirmation.get_by_role("button", name="Undo").click()
        sync_api.expect(page.locator("#confirmation")).to_contain_text("both records are back")
        page.screenshot(path=str(shots / "dedupe-undone.png"))
        kept, other = (api.get(f"{server}/api/v1/actors/{i}").json() for i in (a_id, b_id))
        assert (kept["review_state"], other["review_state"]) == ("proposed", "proposed")
        assert "Mario Smith" not in kept["aliases"] and other["name"] == "Mario Smith"
        for actor_id in (a_id, b_id):
            steps = [(h["action"], h["user"]) for h in api.get(f"{server}/api/v1/history/actor/{actor_id}").json()["items"]]
            # a record's history holds the decision's entries on both records: merged, merged away, undone twice
            assert steps[-4:] == [("merge", "amina")] * 2 + [("undo", "amina")] * 2, steps
        page.goto(server + "/dedupe?kind=actor")
        sync_api.expect(page.locator("#candidates tr", has_text="Maria Smith")).to_have_count(1)
        browser.close()

"""The web app in a real browser: Playwright drives Debian's Chromium against ``ctrack serve``.

Signs in, uploads the seed document, finds the Dushanbe conference on the
Tajikistan page, confirms a fact in the review queue with the keyboard, and
searches for "Coninsx". Screenshots of the main pages go to ``tmp_path``, or
to the folder named by ``$CTRACK_SCREENSHOTS`` (``CTRACK_SCREENSHOTS=docs/screenshots``
refreshes the ones kept in the repository).

Skipped when Chromium (``apt-get install chromium``) or the ``playwright``
package is missing; Playwright's own browser download is never used.
"""
from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from ctrack.web.testing import CHROMIUM, PASSWORD, SEED
from ctrack.web.testing import CHROMIUM_ARGS as ARGS

sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")
pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Chromium not installed (apt-get install chromium)")


def _ctrack(*args: str, stdin: str | None = None, db: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", "from ctrack.cli import main; main()", *args, "--db", db],
                          input=stdin, capture_output=True, text=True, timeout=120, check=True)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def server(tmp_path):
    """``ctrack serve`` on a free port over a new SQLite database with an analyst account; yields the base URL."""
    db = f"sqlite:///{tmp_path / 'kb.sqlite3'}"
    _ctrack("user", "add", "amina", "--role", "analyst", stdin=PASSWORD + "\n", db=db)
    port = _free_port()
    log = open(tmp_path / "serve.log", "w")
    proc = subprocess.Popen([sys.executable, "-c", "from ctrack.cli import main; main()", "serve", "--host",
                             "127.0.0.1", "--port", str(port), "--db", db], stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                urllib.request.urlopen(base + "/login", timeout=2)
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("ctrack serve did not start:\n" + (tmp_path / "serve.log").read_text())
                time.sleep(0.2)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


def test_analyst_session_in_chromium(server, tmp_path):
    shots = Path(os.environ.get("CTRACK_SCREENSHOTS") or tmp_path / "screenshots")
    shots.mkdir(parents=True, exist_ok=True)
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        page.set_default_timeout(60_000)

        page.goto(server + "/states/TJK")
        assert page.url.startswith(server + "/login")
        page.screenshot(path=str(shots / "login.png"))
        page.fill("#name", "amina")
        page.fill("#password", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(server + "/states/TJK")

        page.goto(server + "/upload")
        page.set_input_files("#files", str(SEED))
        page.click("#send")
        result = page.locator("#results tbody tr").first
        sync_api.expect(result.locator(".status-new")).to_have_text("new", timeout=120_000)
        assert "Tajikistan" in result.inner_text()
        page.screenshot(path=str(shots / "upload.png"))

        page.goto(server + "/states/TJK")
        row = page.locator("table.data tr", has_text="2018-05-03").filter(has_text="conference").first
        sync_api.expect(row).to_contain_text("Dushanbe")
        page.screenshot(path=str(shots / "member-state.png"), full_page=True)
        row.locator("a", has_text="conference").first.click()
        sync_api.expect(page.locator("mark[title='funder: Qatar']").first).to_be_visible()
        page.screenshot(path=str(shots / "event.png"))

        page.goto(server + "/review")
        count = int(re.search(r"(\d+) facts", page.locator(".pagehead .meta").inner_text()).group(1))
        first = page.locator("#queue li[data-ref]").first
        ref = first.get_attribute("data-ref")
        sync_api.expect(first).to_have_class(re.compile("current"))
        page.screenshot(path=str(shots / "review.png"))
        page.keyboard.press("c")
        page.wait_for_load_state("load")
        sync_api.expect(page.locator(".pagehead .meta")).to_contain_text(f"{count - 1} facts")
        assert page.locator(f"#queue li[data-ref='{ref}']").count() == 0
        history = page.request.get(server + f"/api/v1/history/{ref.replace(':', '/')}").json()["items"]
        assert history[-1]["user"] == "amina" and history[-1]["action"] == "confirm"

        page.fill(".topbar input[type=search]", "Coninsx")
        page.keyboard.press("Enter")
        page.wait_for_url(re.compile(r".*/search\?q=Coninsx"))
        hit = page.locator(".hits li", has_text="Michèle Coninsx").first
        sync_api.expect(hit.locator("mark.hit").first).to_have_text("Coninsx")
        page.screenshot(path=str(shots / "search.png"))
        hit.locator("a.title").click()
        sync_api.expect(page.locator("h1")).to_contain_text("Michèle Coninsx")
        page.screenshot(path=str(shots / "actor.png"))

        csrf = page.locator('meta[name="csrf-token"]').get_attribute("content")
        for state, text, due in (("TJK", "Criminalize the financing of terrorism in line with resolution 1373 (2001)",
                                  "2019-06-30"),
                                 ("KGZ", "Strengthen border management at the southern border", "2030-12-31")):
            made = page.request.post(server + "/api/v1/recs", headers={"X-CSRF-Token": csrf}, data={
                "state": state, "text": text, "due_date": due, "issued_on": "2018-05-04", "ta_needed": True,
                "ta_description": "legislative drafting assistance", "partners": ["UNODC", "OSCE"],
                "themes": ["counter-financing of terrorism" if state == "TJK" else "border management"]})
            assert made.status == 201, made.text()
        page.goto(server + "/recs")
        sync_api.expect(page.locator("table.data").first).to_contain_text("Criminalize the financing")
        sync_api.expect(page.locator("table.data").first).to_contain_text("overdue")
        for name, path in (("overview", "/"), ("timeline", "/timeline"), ("network", "/network?persons=1"),
                           ("events", "/events"), ("recommendations", "/recs"), ("document", "/documents/1")):
            page.goto(server + path)
            assert page.locator("h1").count() == 1, path
            page.screenshot(path=str(shots / f"{name}.png"))
        browser.close()

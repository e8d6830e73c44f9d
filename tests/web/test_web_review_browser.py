"""The review pages in a real browser (Playwright on Debian's Chromium against ``ctrack serve``, the
``server`` fixture of ``test_web_browser.py``): a typed correction confirmed on screen and undone, a bulk
confirm of a filtered set (count first, one audit entry per fact, undone as a whole), and a review done with
the keyboard alone. Each step is checked in the knowledge base (through the API) and in the audit log.
"""
from __future__ import annotations

import re

import pytest
from test_web_browser import _ctrack, server, sync_api  # noqa: F401

from ctrack.web.testing import SEED, signed_in_page


@pytest.fixture
def kb(server, tmp_path):
    """The server's knowledge base with the seed document ingested; yields the base URL."""
    _ctrack("ingest", str(SEED), db=f"sqlite:///{tmp_path / 'kb.sqlite3'}")
    return server


@pytest.fixture
def browser_page(kb):
    with sync_api.sync_playwright() as p:
        browser, page = signed_in_page(p, kb, "/review")
        yield page
        browser.close()


def _api(page, base, path):
    r = page.request.get(base + "/api/v1" + path)
    assert r.ok, r.text()
    return r.json()


def _history(page, base, ref):
    return _api(page, base, "/history/" + ref.replace(":", "/"))["items"]


def _field(page, base, ref, name):
    return next(f["current"] for f in _api(page, base, f"/review/{ref.replace(':', '/')}/fields") if f["name"] == name)


def _states(page, base, refs):
    out = {}
    for state in ("proposed", "confirmed", "corrected", "rejected"):
        for item in _api(page, base, f"/review/queue?state={state}&limit=500")["items"]:
            if item["ref"] in refs:
                out[item["ref"]] = state
    return [out.get(r) for r in refs]


def test_correct_a_field_see_what_changed_and_undo_it(kb, browser_page):
    page, base = browser_page, kb
    page.goto(base + "/review?kind=event")
    card = page.locator("#queue li[data-ref]").first
    ref = card.get_attribute("data-ref")
    old_type = _field(page, base, ref, "type")
    below = page.locator("#queue li[data-ref]").nth(1)
    next_ref = below.get_attribute("data-ref")
    card.locator("[data-action=edit]").click()
    field = card.locator("select[name=field]")
    # the fact's own fields, each with its current value; no placeholder that looks like a value
    assert f"type (now: {old_type})" in field.inner_text()
    assert card.locator("input[placeholder]").count() == 0
    field.select_option("type")
    typed = card.locator("select[name=value__type]")
    sync_api.expect(typed).to_be_visible()
    assert typed.input_value() == old_type  # a select of event types, on the current one
    assert card.locator("input[name=value__start]").is_hidden()
    new_type = "briefing" if old_type != "briefing" else "meeting"
    typed.select_option(new_type)
    y_before = page.locator(f"#queue li[data-ref='{next_ref}']").bounding_box()["y"]
    card.locator("button", has_text="Save correction").click()
    page.wait_for_url(re.compile(r".*done=\d+.*"))
    status = page.locator("#status")
    sync_api.expect(status).to_contain_text(f"Corrected {ref.split(':')[0].replace('_', ' ')} {ref.split(':')[1]}: "
                                            f"type {old_type} → {new_type}")
    done = page.locator("#done-card")
    sync_api.expect(done).to_contain_text(f"{old_type} → {new_type}")
    # the decided card stays in place, so the next card has not moved up under the pointer
    y_after = page.locator(f"#queue li[data-ref='{next_ref}']").bounding_box()["y"]
    assert abs(y_after - y_before) <= 2, (y_before, y_after)
    assert _field(page, base, ref, "type") == new_type
    assert [h["action"] for h in _history(page, base, ref)] == ["correct"]
    assert _history(page, base, ref)[-1]["before"]["type"] == old_type
    status.locator("button", has_text="Undo").click()
    page.wait_for_url(re.compile(r".*undone=\d+.*"))
    sync_api.expect(page.locator("#status")).to_contain_text(f"Undone: correct of")
    sync_api.expect(page.locator("#status")).to_contain_text(f"type back to {old_type}")
    assert _field(page, base, ref, "type") == old_type
    history = _history(page, base, ref)
    assert [h["action"] for h in history] == ["correct", "undo"] and history[-1]["user"] == "amina"
    assert _states(page, base, [ref]) == ["proposed"]
    # a bad value is refused with the reason, nothing is written
    card = page.locator(f"#queue li[data-ref='{ref}']")
    card.locator("[data-action=edit]").click()
    card.locator("select[name=field]").select_option("start")
    card.locator("input[name=value__start]").fill("")
    card.locator("input[name=value__start]").evaluate("e => { e.removeAttribute('pattern'); e.value = 'soon'; }")
    card.locator("button", has_text="Save correction").click()
    page.wait_for_url(re.compile(r".*error=.*"))
    sync_api.expect(page.locator("#status")).to_contain_text("not an ISO date")
    assert [h["action"] for h in _history(page, base, ref)] == ["correct", "undo"]


def test_bulk_confirm_of_a_filtered_set_counts_first_and_undoes_as_a_whole(kb, browser_page):
    page, base = browser_page, kb
    filters = "kind=event_role&max_confidence=0.9"  # the seed: several roles under 0.9
    listed = _api(page, base, f"/review/queue?{filters}&limit=500")
    count, refs = listed["total"], [i["ref"] for i in listed["items"]]
    assert count > 1
    page.goto(base + f"/review?{filters}")
    page.locator("a", has_text=f"Confirm all {count}").click()
    heading = page.locator("h1")
    sync_api.expect(heading).to_have_text(f"Confirm {count} facts matching kind event role, confidence 0 to 0.9?")
    assert _states(page, base, refs) == ["proposed"] * count  # counting changed nothing
    page.locator("#bulk-go").click()
    page.wait_for_url(re.compile(r".*batch=\w+.*"))
    sync_api.expect(page.locator("#status")).to_contain_text(f"Confirmed {count} facts")
    sync_api.expect(page.locator(".pagehead .meta")).to_contain_text("0 facts proposed")
    assert _states(page, base, refs) == ["confirmed"] * count
    entries = [_history(page, base, r) for r in refs]
    assert all([h["action"] for h in e] == ["confirm"] for e in entries)  # one audit entry per fact
    assert len({e[0]["after"]["batch"] for e in entries}) == 1
    page.locator("#status button", has_text=f"Undo all {count}").click()
    page.wait_for_load_state("load")
    sync_api.expect(page.locator("#status")).to_contain_text(f"Undone: the bulk confirm of {count} facts")
    assert page.locator("#status .flash-error").count() == 0  # a success, not shown as an error
    assert _states(page, base, refs) == ["proposed"] * count
    assert all([h["action"] for h in _history(page, base, r)] == ["confirm", "undo"] for r in refs)


def test_keyboard_only_review(kb, browser_page):
    page, base = browser_page, kb
    page.goto(base + "/review?kind=event_role")
    items = page.locator("#queue li[data-ref]")
    refs = [items.nth(i).get_attribute("data-ref") for i in range(4)]
    sync_api.expect(page.locator(".keys")).to_contain_text("confirm")
    # typing in a filter box does not decide anything
    page.locator("input[name=actor]").focus()
    page.keyboard.type("cx")
    page.keyboard.press("Escape")
    assert _states(page, base, refs[:1]) == ["proposed"]
    with page.expect_navigation():  # the next page's load: its key handler is set up (its URL may equal the last)
        page.keyboard.press("c")  # confirm the first
    page.wait_for_url(re.compile(r".*done=\d+.*"))
    sync_api.expect(page.locator("#status")).to_contain_text(f"Confirmed event role {refs[0].split(':')[1]}")
    sync_api.expect(page.locator("#queue li.current")).to_have_attribute("data-ref", refs[1])
    page.keyboard.press("j")  # skip the second
    sync_api.expect(page.locator("#queue li.current")).to_have_attribute("data-ref", refs[2])
    with page.expect_navigation():
        page.keyboard.press("x")  # reject the third
    page.wait_for_url(re.compile(r".*done=\d+.*"))
    sync_api.expect(page.locator("#status")).to_contain_text(f"Rejected event role {refs[2].split(':')[1]}")
    page.keyboard.press("k")  # back to the second, correct its role
    sync_api.expect(page.locator("#queue li.current")).to_have_attribute("data-ref", refs[1])
    page.keyboard.press("e")
    sync_api.expect(page.locator("#queue li.current select[name=field]")).to_be_focused()
    page.keyboard.press("c")  # typing in the form: no decision
    page.keyboard.press("ArrowDown")  # the first field: role
    old = _field(page, base, refs[1], "role")
    page.keyboard.press("Tab")
    page.keyboard.press("ArrowDown" if old != "participant" else "ArrowUp")
    new = page.locator("#queue li.current select[name=value__role]").input_value()
    assert new != old
    page.keyboard.press("Tab")  # why
    page.keyboard.press("Tab")  # save
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r".*done=\d+.*"))
    sync_api.expect(page.locator("#status")).to_contain_text(f"role {old} → {new}")
    assert _field(page, base, refs[1], "role") == new
    page.keyboard.press("u")  # undo the correction
    page.wait_for_url(re.compile(r".*undone=\d+.*"))
    sync_api.expect(page.locator("#status")).to_contain_text("Undone")
    assert _field(page, base, refs[1], "role") == old
    assert _states(page, base, refs[:3]) == ["confirmed", "proposed", "rejected"]
    assert [h["action"] for h in _history(page, base, refs[1])] == ["correct", "undo"]
    assert [h["action"] for h in _history(page, base, refs[3])] == []

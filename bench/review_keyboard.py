#!/usr/bin/env python3
"""Clearing the review queue of a 10-document batch in the web app with the keyboard alone (issue 11).

    PYTHONPATH=. .venv/bin/python bench/review_keyboard.py [--documents 10] [--reject-below 0.1]

Ingests the first ``--documents`` dev documents (``../shared/corpus/dev/docs``, dev-001 … in name order:
txt, docx, html) into a SQLite knowledge base in a temporary folder with ``ctrack ingest``, adds an analyst
account, starts ``ctrack serve`` on a free loopback port, and drives Debian's Chromium through Playwright
as a new reviewer would: sign in, open ``/review`` (briefing facts first, least certain first) and, for
every card in turn, press one key: ``x`` (reject) when the extractor gave it a confidence below
``--reject-below`` (the stand-in for the facts a reviewer doubts), ``c`` (confirm) otherwise; once, on the
first event card, correct its type instead with the keyboard (``e``, arrows to the field, Tab, arrows to
the value, Tab, Tab, Enter). It counts every key pressed, the seconds from the first key to an empty queue
(the machine's time: page answers and reloads, not a person's reading time) and the facts cleared, then
checks the audit log: one confirm, reject or correct per fact and nothing left proposed.

Prints the machine's load average before and after, since the two cores are shared. Needs
``/usr/bin/chromium`` and the ``playwright`` package (its own browser download is never used).
"""
from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
DEV_DOCS = ROOT / ".." / "shared" / "corpus" / "dev" / "docs"

from ctrack.web.testing import CHROMIUM, PASSWORD, signed_in_page  # noqa: E402  (after the path is set)


def _ctrack(*args: str, db: str, stdin: str | None = None) -> str:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-c", "from ctrack.cli import main; main()", *args, "--db", db],
                          input=stdin, capture_output=True, text=True, env=env, check=True)
    return done.stdout


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _serve(db: str, log: Path) -> tuple[subprocess.Popen, str]:
    port = _free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-c", "from ctrack.cli import main; main()", "serve", "--host",
                             "127.0.0.1", "--port", str(port), "--db", db], env=env,
                            stdout=log.open("w"), stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while True:
        try:
            urllib.request.urlopen(base + "/login", timeout=2)
            return proc, base
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                raise SystemExit("ctrack serve did not start:\n" + log.read_text())
            time.sleep(0.2)


def review(base: str, reject_below: float) -> dict:
    """Clear the queue at ``base`` with the keyboard; returns the counts, keys and seconds."""
    from playwright.sync_api import sync_playwright

    decided = {"confirm": 0, "reject": 0, "correct": 0}
    with sync_playwright() as p:
        browser, page = signed_in_page(p, base, "/review")
        total = int(page.locator(".pagehead .meta").inner_text().split()[0])
        corrected = False
        pressed = 0

        def press(key: str, navigates: bool = False) -> None:
            nonlocal pressed
            pressed += 1
            if navigates:
                with page.expect_navigation():
                    page.keyboard.press(key)
            else:
                page.keyboard.press(key)

        t0 = time.perf_counter()
        while True:
            current = page.locator("#queue li.current")
            if current.count() == 0:
                break
            text = current.locator(".confidence").inner_text()
            ref = current.get_attribute("data-ref")
            if not corrected and ref.startswith("event:"):
                press("e")
                field = current.locator("select[name=field]")
                while field.input_value() != "type":
                    press("ArrowDown")
                press("Tab")
                before = current.locator("select[name=value__type]").input_value()
                press("ArrowDown")  # the next event type
                if current.locator("select[name=value__type]").input_value() == before:
                    press("ArrowUp")  # the last type: the one before it
                press("Tab")  # why (optional)
                press("Tab")  # save
                press("Enter", navigates=True)
                corrected = True
                decided["correct"] += 1
                continue
            confidence = float(text.split()[1]) if text.startswith("confidence") else None
            if confidence is not None and confidence < reject_below:
                press("x", navigates=True)
                decided["reject"] += 1
            else:
                press("c", navigates=True)
                decided["confirm"] += 1
        seconds = time.perf_counter() - t0
        left = int(page.locator(".pagehead .meta").inner_text().split()[0])
        browser.close()
    return {"total": total, "left": left, "keys": pressed, "seconds": seconds, **decided}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=10)
    parser.add_argument("--reject-below", type=float, default=0.1,
                        help="reject the cards the extractor scored below this confidence (default 0.1)")
    args = parser.parse_args()
    if not Path(CHROMIUM).exists():
        raise SystemExit("needs Chromium: apt-get install chromium")
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())} ({os.cpu_count()} cores)")
    docs = sorted(p for p in DEV_DOCS.iterdir() if p.name.startswith("dev-"))[:args.documents]
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "batch"
        folder.mkdir()
        for d in docs:
            (folder / d.name).write_bytes(d.read_bytes())
        db = f"sqlite:///{Path(tmp) / 'kb.sqlite3'}"
        t = time.perf_counter()
        _ctrack("ingest", str(folder), db=db)
        print(f"ingested {len(docs)} documents ({', '.join(d.name for d in docs)}) in {time.perf_counter() - t:.1f} s")
        _ctrack("user", "add", "amina", "--role", "analyst", db=db, stdin=PASSWORD + "\n")
        proc, base = _serve(db, Path(tmp) / "serve.log")
        try:
            r = review(base, args.reject_below)
        finally:
            proc.terminate()
            proc.wait(timeout=30)
        from ctrack.store import track_repo
        from ctrack.store.db import open_store, session_scope
        from ctrack.store.track_models import Action

        engine = open_store(db)
        with session_scope(engine) as s:
            logged = {a.value: len(track_repo.audit_entries(s, action=a))
                      for a in (Action.CONFIRM, Action.REJECT, Action.CORRECT)}
        engine.dispose()
    cleared = r["total"] - r["left"]
    print(f"facts in the queue: {r['total']}; cleared with the keyboard alone: {cleared} "
          f"({r['confirm']} confirmed, {r['reject']} rejected below confidence {args.reject_below}, "
          f"{r['correct']} corrected); left: {r['left']}")
    print(f"keystrokes: {r['keys']} ({r['keys'] / max(cleared, 1):.2f} per fact); "
          f"seconds: {r['seconds']:.1f} ({r['seconds'] / max(cleared, 1):.2f} s per fact, machine time)")
    print(f"audit log: {logged['confirm']} confirm, {logged['reject']} reject, {logged['correct']} correct entries")
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    if r["left"] or logged != {"confirm": r["confirm"], "reject": r["reject"], "correct": r["correct"]}:
        raise SystemExit("the queue was not cleared as counted")


if __name__ == "__main__":
    main()

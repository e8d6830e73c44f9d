#!/usr/bin/env python3
"""Archive scale: p50/p95/p99 of the requests analysts make, on a knowledge base of N events (issue 12).

    .venv/bin/python bench/kb_scale.py --events N --backend sqlite|postgresql [--json]
        [--url URL] [--samples 40] [--seed 12] [--out FILE.json] [--growth-from SMALLER.json] [--reuse DIR]

Builds a knowledge base of ``--events`` events with the distributions of
the issue: the UN's ~195 states, 5,000 organizations (UN entities, regional
and other organizations, government bodies of a state), 50,000 persons
(each acting for a state or an organization), 3–8 roles per event (1–2
states, 1–3 organizations, 1–4 persons), popularity following a Zipf law
(a few states, bodies and persons are in very many events), dates from 2005
to 2025 (80 % to the day, 15 % to the month, 5 % to the year, 3 % undated,
a third lasting several days), one source document per event.

The rows are written by a bulk path (SQLAlchemy Core ``executemany`` into
the store's own tables, after the Alembic migrations) that produces what
:func:`ctrack.store.repo.save_document` stores for such documents: actors
with canonical keys and normalized aliases (:mod:`ctrack.resolve.actors`),
a person's dated title, actor and event sources with their facts, roles,
the event's evidence span, the day columns (:func:`ctrack.store.models.event_days`, ``span_days``, ``span_tier``)
and the search entries (title, text, folded text, as :mod:`ctrack.store.search`
indexes them). Left out, because no read below touches them: an actor
mention for every name (one evidence span per event is kept), and the
resolve log (``merge_decisions``).

Then it serves the whole site (:func:`ctrack.web.app.create_app`, in
process through Starlette's test client, with a Bearer token for the API and
a signed-in session for the pages) and times ``--samples`` requests of each
kind, on varied arguments (persons, organizations and states drawn by
popularity, so the busiest ones come up): ``timeline_person``,
``timeline_org`` (first page of ``/api/v1/actors/{id}/timeline``), ``show``
(``/api/v1/show?name=``), ``events_country_range`` (a state's events over two
years, first page), ``events_by_date`` (a month), ``event_detail``,
``search`` (a surname), ``list_deep_page`` (events, actors and documents at
90 % of the list through the keyset cursor, the review queue at offset 5,000),
``state_page`` (``/states/{iso3}``), ``briefing``
(``/api/v1/reports/briefing?country=``), ``overview`` (``/``) and
``network_state`` (``/api/v1/network?country=``).

``--backend postgresql`` uses ``--url`` (or ``$CTRACK_BENCH_PG_URL``), else
starts a throwaway server (:func:`ctrack.store.pgserver.start_throwaway_postgres`,
as the tests do) and stops it at the end. ``--json`` prints
``{"events": N, "backend": …, "requests": {NAME: {"p50_ms", "p95_ms", "p99_ms"}}}``
(plus ``build_s``); ``--growth-from`` reads such a file of a smaller run and
prints each request's p95 growth. ``--reuse DIR`` keeps the knowledge base
in DIR (the SQLite file, or the PostgreSQL server's data folder) and, when
DIR already holds one of this size and seed, measures it again without
building (newer migrations are applied first). Not a test: it only prints.
"""
from __future__ import annotations

import argparse
import contextlib
import itertools
import datetime as dt
import json
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import Engine  # noqa: E402

from ctrack.gazetteer import get_gazetteer  # noqa: E402
from ctrack.resolve.actors import canonical_key, normalize, surface_forms  # noqa: E402
from ctrack.schema import Actor, ActorKind, DocFormat, EventStatus, EventType, RoleType  # noqa: E402
from ctrack.store import aggregates  # noqa: E402
from ctrack.store import search as search_index  # noqa: E402
from ctrack.store.bulk import insert_rows  # noqa: E402
from ctrack.store.db import open_store  # noqa: E402
from ctrack.store.models import (  # noqa: E402
    DbActor, DbActorSource, DbAlias, DbDocument, DbEvent, DbEventRole, DbEventSource, DbMention, DbTitle, event_days,
    span_days, span_tier, surname_key,
)
from ctrack.store.web_models import DbSearchEntry, SearchKind  # noqa: E402

N_ORGS = 5_000
N_PERSONS = 50_000
CHUNK = 5_000
REQUESTS = ("timeline_person", "timeline_org", "show", "events_country_range", "events_by_date", "event_detail",
            "search", "list_deep_page", "state_page", "briefing", "overview", "network_state")
FIRST = ["Amina", "Omar", "Li", "Maria", "Ivan", "Fatima", "John", "Aigerim", "Kwame", "Sofia", "Ahmed", "Elena",
         "Rustam", "Nadia", "Pedro", "Yuki", "Hassan", "Grace", "Timur", "Leila"]
LAST = ["Karimov", "Haddad", "Okafor", "Petrova", "Santos", "Nguyen", "Rahimi", "Mensah", "Schmidt", "Tanaka",
        "Aliyev", "Bouzid", "Kowalski", "Mwangi", "Ortega", "Sato", "Nazarov", "Diallo", "Ibrahim", "Novak"]
ORG_WORDS = ["Counter-Terrorism", "Security", "Border", "Justice", "Financial Intelligence", "Prevention",
             "Cooperation", "Rule of Law", "Cyber", "Maritime", "Aviation", "Youth", "Human Rights", "Customs"]
ORG_HEADS = ["Office", "Centre", "Commission", "Network", "Programme", "Forum", "Agency", "Unit", "Council"]
T0 = dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)


def zipf_weights(n: int, s: float = 1.1) -> list[float]:
    """Cumulative Zipf popularity of ``n`` items (rank r has weight 1/r^s), for ``random.choices(cum_weights=…)``."""
    return list(itertools.accumulate(1.0 / (r ** s) for r in range(1, n + 1)))


class Builder:
    """Generates the knowledge base in memory, chunk by chunk, and writes it with Core inserts."""

    def __init__(self, engine: Engine, n_events: int, seed: int):
        self.engine = engine
        self.n = n_events
        self.rng = random.Random(seed)
        self.states = [st for st in get_gazetteer().states()]
        self.actors: list[dict] = []          # id, kind, name, acronym, iso3, affiliation_id
        self.state_ids: list[int] = []
        self.org_ids: list[int] = []
        self.person_ids: list[int] = []

    def _insert(self, conn, table, rows: list[dict]) -> None:
        """Insert ``rows`` (dicts keyed by column name) as an ORM insert would store them, by the store's bulk
        path (:func:`ctrack.store.bulk.insert_rows`: ``COPY`` on PostgreSQL, ``executemany`` on SQLite;
        SQLAlchemy's per-row parameter handling took most of the build time at a million events)."""
        insert_rows(conn, table, rows)

    def _actor_rows(self) -> None:
        rng = self.rng
        next_id = 1
        for st in self.states:
            self.actors.append({"id": next_id, "kind": ActorKind.MEMBER_STATE, "name": st.name, "acronym": None,
                                "iso3": st.iso3, "affiliation_id": None})
            self.state_ids.append(next_id)
            next_id += 1
        org_kinds = [ActorKind.UN_ENTITY, ActorKind.REGIONAL_ORG, ActorKind.OTHER_ORG, ActorKind.GOVERNMENT_BODY]
        for i in range(N_ORGS):
            kind = rng.choices(org_kinds, weights=[1, 1, 2, 4])[0]
            words = rng.sample(ORG_WORDS, 2)
            name = f"{words[0]} {rng.choice(ORG_HEADS)} for {words[1]} No. {i + 1}"
            state = rng.choice(self.states) if kind is ActorKind.GOVERNMENT_BODY else None
            self.actors.append({"id": next_id, "kind": kind, "name": name, "acronym": f"O{i + 1}X",
                                "iso3": state.iso3 if state else None,
                                "affiliation_id": self.state_ids[self.states.index(state)] if state else None})
            self.org_ids.append(next_id)
            next_id += 1
        for i in range(N_PERSONS):
            name = f"{FIRST[i % len(FIRST)]} {LAST[(i // len(FIRST)) % len(LAST)]}-{i + 1}"
            aff = rng.choice(self.state_ids) if rng.random() < 0.6 else rng.choice(self.org_ids)
            self.actors.append({"id": next_id, "kind": ActorKind.PERSON, "name": name, "acronym": None, "iso3": None,
                                "affiliation_id": aff})
            self.person_ids.append(next_id)
            next_id += 1

    def _date(self) -> tuple[str | None, str | None]:
        rng = self.rng
        if rng.random() < 0.03:
            return None, None
        day = dt.date(2005, 1, 1) + dt.timedelta(days=rng.randrange(21 * 365))
        p = rng.random()
        if p < 0.80:
            start = day.isoformat()
            end = (day + dt.timedelta(days=rng.randint(1, 3))).isoformat() if rng.random() < 0.33 else None
        elif p < 0.95:
            start, end = day.isoformat()[:7], None
        else:
            start, end = day.isoformat()[:4], None
        return start, end

    def plan(self) -> dict:
        """The actors and their popularity, without writing (what the requests draw their arguments from;
        the same for the same seed, so a knowledge base kept by ``--reuse`` is measured with it)."""
        self._actor_rows()
        by_id = {a["id"]: a for a in self.actors}
        return {"by_id": by_id, "weights": (zipf_weights(len(self.state_ids)), zipf_weights(len(self.org_ids)),
                                            zipf_weights(len(self.person_ids), 0.9))}

    def build(self) -> dict:
        """Write everything; returns what the requests draw their arguments from. The search change triggers
        are off while the bulk rows go in (the search entries are written here); :func:`finish` puts them back."""
        with self.engine.begin() as conn:
            search_index.drop_triggers(conn)
            aggregates.drop_triggers(conn)  # recounted once at the end (finish), not row by row
        self._actor_rows()
        by_id = {a["id"]: a for a in self.actors}
        with self.engine.begin() as conn:
            rows, aliases, titles = [], [], []
            for a in self.actors:
                actor = Actor(id="a", kind=a["kind"], name=a["name"], acronym=a["acronym"], iso3=a["iso3"])
                rows.append({**a, "canonical_key": canonical_key(actor)[:400], "title": None,
                             "review_state": "proposed", "created_at": T0, "updated_at": T0})
                for form in surface_forms(actor):
                    aliases.append({"actor_id": a["id"], "alias": form, "normalized": normalize(form)[:400],
                                    "surname_key": surname_key(form), "document_id": None})
            for r in rows:
                if r["kind"] is ActorKind.PERSON:
                    r["title"] = "Minister" if by_id[r["affiliation_id"]]["kind"] is ActorKind.MEMBER_STATE else "Director"
            # affiliations point at earlier ids only, so one pass in id order keeps the foreign keys
            self._insert(conn, DbActor.__table__, rows)
            self._insert(conn, DbAlias.__table__, aliases)
        weights_s = zipf_weights(len(self.state_ids))
        weights_o = zipf_weights(len(self.org_ids))
        weights_p = zipf_weights(len(self.person_ids), 0.9)
        rng = self.rng
        types = list(EventType)
        roles_people = [RoleType.SPEAKER, RoleType.PARTICIPANT, RoleType.CHAIR]
        roles_org = [RoleType.ORGANIZER, RoleType.FUNDER, RoleType.SUPPORTER, RoleType.PARTICIPANT]
        first_title: set[int] = set()
        event_id = role_id = 0
        for lo in range(0, self.n, CHUNK):
            hi = min(self.n, lo + CHUNK)
            docs, events, esrc, roles, asrc, mentions, entries, titles = [], [], [], [], [], [], [], []
            for i in range(lo, hi):
                event_id += 1
                n_roles = rng.randint(3, 8)
                n_states = rng.randint(1, min(2, n_roles - 2))
                n_orgs = rng.randint(1, min(3, n_roles - n_states - 1))
                n_people = n_roles - n_states - n_orgs
                parties: list[tuple[int, RoleType]] = []
                seen: set[int] = set()
                for pool, w, k, choices in ((self.state_ids, weights_s, n_states, [RoleType.SUBJECT, RoleType.PARTICIPANT]),
                                            (self.org_ids, weights_o, n_orgs, roles_org),
                                            (self.person_ids, weights_p, n_people, roles_people)):
                    while k:
                        aid = rng.choices(pool, cum_weights=w)[0]
                        if aid in seen:
                            continue
                        seen.add(aid)
                        parties.append((aid, rng.choice(choices)))
                        k -= 1
                start, end = self._date()
                etype = rng.choice(types)
                venue_state = by_id[parties[0][0]]["iso3"] if rng.random() < 0.7 else rng.choice(self.states).iso3
                city = None
                status = EventStatus.PLANNED if start and start > "2024-06" and rng.random() < 0.5 else EventStatus.HELD
                names = [by_id[a]["name"] for a, _ in parties]
                ename = f"{etype.value.replace('_', ' ').title()} on {ORG_WORDS[i % len(ORG_WORDS)]} {i + 1}"
                body = (f"{ename}. {names[0]} and {', '.join(names[1:])} took part"
                        + (f", from {start}" if start else "") + f", in {venue_state}.")
                doc_id = event_id
                docs.append({"id": doc_id, "doc_key": f"kb-{i + 1:07d}", "path": f"/archive/kb-{i + 1:07d}.txt",
                             "format": DocFormat.TXT, "sha256": f"{i + 1:064x}", "size": len(body.encode()),
                             "title": ename, "published": None, "language": "en", "text": body, "ingested_at": T0})
                d0, d1 = event_days(start, end)
                events.append({"id": event_id, "type": etype, "name": ename, "start": start, "end": end,
                               "start_day": d0, "end_day": d1, "span_days": span_days(d0, d1),
                               "span_tier": span_tier(span_days(d0, d1)), "city": city,
                               "country": venue_state,
                               "status": status, "delegations": None, "part_of_id": None,
                               "review_state": "proposed", "created_at": T0, "updated_at": T0})
                esrc.append({"event_id": event_id, "document_id": doc_id, "local_id": "e1", "facts": {
                    "id": "e1", "type": etype.value, "name": ename, "start": start, "end": end, "city": city,
                    "country": venue_state, "status": status.value, "delegations": None, "part_of": None,
                    "roles": [{"actor": f"a{k}", "role": r.value, "actor_id": a, "key": None}
                              for k, (a, r) in enumerate(parties)]}})
                mentions.append({"document_id": doc_id, "start": 0, "end": len(ename), "text": ename,
                                 "rule": "bench", "event_id": event_id})
                role_text = []
                for k, (aid, role) in enumerate(parties):
                    role_id += 1
                    a = by_id[aid]
                    roles.append({"id": role_id, "event_id": event_id, "actor_id": aid, "role": role,
                                  "document_id": doc_id, "review_state": "proposed"})
                    asrc.append({"actor_id": aid, "document_id": doc_id, "local_id": f"a{k}", "facts": {
                        "id": f"a{k}", "kind": a["kind"].value, "name": a["name"], "acronym": a["acronym"],
                        "iso3": a["iso3"], "title": None, "affiliation": None, "aliases": []}})
                    acr = f" ({a['acronym']})" if a["acronym"] else ""
                    role_text.append(f"{a['name']}{acr} — {role.value}")
                    if a["kind"] is ActorKind.PERSON and aid not in first_title:
                        first_title.add(aid)
                        titles.append({"person_id": aid, "title": "Minister", "affiliation_id": a["affiliation_id"],
                                       "document_id": doc_id, "as_of": start, "review_state": "proposed"})
                kind = etype.value.replace("_", " ")
                parts = [kind, search_index._country_name(venue_state), venue_state, start or "", status.value,
                         *role_text]
                ebody = " · ".join(p for p in parts if p)
                entries.append({"kind": SearchKind.EVENT, "ref_id": event_id, "title": ename, "body": ebody,
                                "folded": search_index.fold(ebody), "indexed_at": T0 + dt.timedelta(seconds=1)})
                entries.append({"kind": SearchKind.DOCUMENT, "ref_id": doc_id, "title": ename, "body": body,
                                "folded": search_index.fold(body), "indexed_at": T0 + dt.timedelta(seconds=1)})
            with self.engine.begin() as conn:
                self._insert(conn, DbDocument.__table__, docs)
                self._insert(conn, DbEvent.__table__, events)
                self._insert(conn, DbEventSource.__table__, esrc)
                self._insert(conn, DbEventRole.__table__, roles)
                self._insert(conn, DbActorSource.__table__, asrc)
                self._insert(conn, DbMention.__table__, mentions)
                self._insert(conn, DbTitle.__table__, titles)
                self._insert(conn, DbSearchEntry.__table__, entries)
            print(f"  … {hi:,} events", file=sys.stderr, flush=True)
        with self.engine.begin() as conn:  # actors' search entries, as _index_actor writes them
            entries = []
            for a in self.actors:
                title = a["name"] + (f" ({a['acronym']})" if a["acronym"] else "")
                parts = [a["kind"].value.replace("_", " "), a["acronym"] or "", a["iso3"] or "",
                         search_index._country_name(a["iso3"]) if a["iso3"] else "",
                         by_id[a["affiliation_id"]]["name"] if a["affiliation_id"] else "", a["name"]]
                body = " · ".join(p for p in dict.fromkeys(parts) if p)
                entries.append({"kind": SearchKind.ACTOR, "ref_id": a["id"], "title": title, "body": body,
                                "folded": search_index.fold(body), "indexed_at": T0 + dt.timedelta(seconds=1)})
            self._insert(conn, DbSearchEntry.__table__, entries)
        return {"by_id": by_id, "weights": (weights_s, weights_o, weights_p)}


def finish(engine: Engine) -> None:
    """Build the search backend over the bulk entries, put the search and aggregate triggers back (the
    aggregates counted from the bulk rows) and refresh the planner's statistics."""
    from sqlalchemy.orm import Session

    with Session(engine) as s:
        search_index.ensure_index(s)  # SQLite: search_fts, filled from search_entries; PostgreSQL: the GIN index
        search_index.ensure_triggers(s)  # as open_store does; its one comparison finds every entry current
        aggregates.ensure(s)  # as open_store does: triggers back, every aggregate counted from the bulk rows
        s.commit()
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            conn.exec_driver_sql("ANALYZE")
        else:
            # the bulk rows carry their ids: move each id sequence past them, as inserts by the ORM would have
            for model in (DbActor, DbAlias, DbDocument, DbEvent, DbEventSource, DbEventRole, DbActorSource,
                          DbMention, DbTitle, DbSearchEntry):
                if "id" not in model.__table__.c or model.__table__.c.id.autoincrement is False:
                    continue
                table = model.__table__.name
                conn.exec_driver_sql(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                     f"(SELECT COALESCE(MAX(id), 0) + 1 FROM {table}), false)")
            conn.commit()
            conn.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql("VACUUM ANALYZE")
        conn.commit()


def percentiles(samples: list[float]) -> dict[str, float]:
    """p50, p95 and p99 in milliseconds of ``samples`` (seconds), by linear interpolation."""
    qs = statistics.quantiles(samples, n=100, method="inclusive")
    return {"p50_ms": round(qs[49] * 1000, 1), "p95_ms": round(qs[94] * 1000, 1), "p99_ms": round(qs[98] * 1000, 1)}


@contextlib.contextmanager
def serve(url: str, info: dict, seed: int) -> Iterator[dict[str, Callable[[], Callable[[], None]]]]:
    """Serve the site over ``url`` in process and yield the request makers: for each name of
    :data:`REQUESTS`, a function that draws the next request's arguments (``random.Random(seed + 1)``) and
    returns the call that makes it (asserting a 200). Signs in a new account (Bearer token and session)."""
    from fastapi.testclient import TestClient

    from ctrack.store import web_repo
    from ctrack.store.db import session_scope
    from ctrack.web.app import create_app

    rng = random.Random(seed + 1)
    app = create_app(url)
    user = f"bench{int(time.time())}"  # a new account each run: a kept knowledge base already has earlier ones
    with session_scope(app.state.engine) as s:
        web_repo.create_user(s, user, "analyst", "bench password 12")
        token, _ = web_repo.create_token(s, user)
    by_id = info["by_id"]
    ws, wo, wp = info["weights"]
    states = [a for a in by_id.values() if a["kind"] is ActorKind.MEMBER_STATE]
    orgs = [a for a in by_id.values() if a["kind"] not in (ActorKind.MEMBER_STATE, ActorKind.PERSON)]
    persons = [a for a in by_id.values() if a["kind"] is ActorKind.PERSON]
    auth = {"Authorization": f"Bearer {token}"}
    with TestClient(app) as client:
        page = client.get("/login")
        csrf = page.text.split('name="csrf_token" value="')[1].split('"')[0]
        r = client.post("/login", data={"name": user, "password": "bench password 12", "csrf_token": csrf,
                                        "next": "/"}, follow_redirects=False)
        assert r.status_code == 303, r.text
        cookies = dict(client.cookies)
        client.cookies.clear()

        def api(path: str, **params) -> Callable[[], None]:
            def call() -> None:
                resp = client.get(path, params=params, headers=auth)
                assert resp.status_code == 200, (path, params, resp.status_code, resp.text[:300])
            return call

        def page_(path: str) -> Callable[[], None]:
            def call() -> None:
                resp = client.get(path, cookies=cookies)
                assert resp.status_code == 200, (path, resp.status_code, resp.text[:300])
            return call

        def cursor_at(path: str, fraction: float) -> str | None:
            """The keyset cursor that continues a list after its first ``fraction`` of rows (not timed): the
            ``next_cursor`` of a one-row page at that ``offset``, so the store encodes it as it does for any
            page. One ``OFFSET`` read, where walking the list 500 rows a page took each page about 0.5 s on
            PostgreSQL at a million events. None when the list is shorter than one row at that point."""
            total = client.get(path, params={"limit": 1}, headers=auth).json()["total"]
            target = int(total * fraction)
            if target < 1:
                return None
            return client.get(path, params={"limit": 1, "offset": target - 1}, headers=auth).json()["next_cursor"]

        deep = {p: cursor_at(p, 0.9) for p in ("/api/v1/events", "/api/v1/actors", "/api/v1/documents")}
        n_queue = client.get("/api/v1/review/queue", params={"limit": 1}, headers=auth).json()["total"]

        def pick_state() -> dict:
            return rng.choices(states, cum_weights=ws)[0]

        makers: dict[str, Callable[[], Callable[[], None]]] = {
            "timeline_person": lambda: api(f"/api/v1/actors/{rng.choices(persons, cum_weights=wp)[0]['id']}/timeline"),
            "timeline_org": lambda: api(f"/api/v1/actors/{rng.choices(orgs, cum_weights=wo)[0]['id']}/timeline"),
            "show": lambda: api("/api/v1/show", name=rng.choice(
                [rng.choices(persons, cum_weights=wp)[0]["name"], rng.choices(orgs, cum_weights=wo)[0]["acronym"],
                 pick_state()["iso3"]])),
            "events_country_range": lambda: (lambda y: api("/api/v1/events", country=pick_state()["iso3"],
                                                           since=str(y), until=str(y + 1)))(rng.randint(2005, 2024)),
            "events_by_date": lambda: (lambda d: api("/api/v1/events", since=d.isoformat()[:7], until=d.isoformat()[:7]))(
                dt.date(2005, 1, 1) + dt.timedelta(days=rng.randrange(21 * 365))),
            "event_detail": lambda: api(f"/api/v1/events/{rng.randint(1, info['events'])}"),
            "search": lambda: api("/api/v1/search", q=rng.choice(LAST).lower()),
            "list_deep_page": lambda: rng.choice([
                api("/api/v1/events", after=deep["/api/v1/events"]) if deep["/api/v1/events"] else api("/api/v1/events"),
                api("/api/v1/actors", after=deep["/api/v1/actors"]) if deep["/api/v1/actors"] else api("/api/v1/actors"),
                api("/api/v1/documents", after=deep["/api/v1/documents"]) if deep["/api/v1/documents"]
                else api("/api/v1/documents"),
                api("/api/v1/review/queue", offset=max(0, min(n_queue - 1, 5000)))]),
            "state_page": lambda: page_(f"/states/{pick_state()['iso3']}"),
            "briefing": lambda: api("/api/v1/reports/briefing", country=pick_state()["iso3"]),
            "overview": lambda: page_("/"),
            "network_state": lambda: api("/api/v1/network", country=pick_state()["iso3"]),
        }
        yield makers
    app.state.engine.dispose()


def measure(url: str, info: dict, samples: int, seed: int) -> dict[str, dict[str, float]]:
    """Serve the site over ``url`` and time ``samples`` requests of each kind; returns the percentiles."""
    out: dict[str, dict[str, float]] = {}
    with serve(url, info, seed) as makers:
        for name in REQUESTS:
            for _ in range(3):  # warm: first-use caches (gazetteer, templates, compiled statements)
                makers[name]()()
            times = []
            for _ in range(samples):
                call = makers[name]()
                t = time.perf_counter()
                call()
                times.append(time.perf_counter() - t)
            out[name] = percentiles(times)
            print(f"  {name:22s} p50 {out[name]['p50_ms']:8.1f}  p95 {out[name]['p95_ms']:8.1f}  "
                  f"p99 {out[name]['p99_ms']:8.1f} ms", file=sys.stderr, flush=True)
    return out


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--events", type=int, required=True, help="events in the knowledge base")
    parser.add_argument("--backend", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--url", help="database URL (PostgreSQL: an empty database; default: a throwaway one)")
    parser.add_argument("--samples", type=int, default=40, help="requests timed per kind")
    parser.add_argument("--seed", type=int, default=12)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--out", help="also write the JSON figures to this file")
    parser.add_argument("--growth-from", help="JSON figures of a smaller run: print the p95 growth")
    parser.add_argument("--reuse", metavar="DIR",
                        help="keep the knowledge base in DIR (SQLite file, or a PostgreSQL data folder served for the "
                             "run) and measure it again without building when DIR already holds this size and seed")
    args = parser.parse_args(argv)
    import signal

    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # stop the server it started (finally below)
    stop = None
    tmp = None
    keep = Path(args.reuse).resolve() if args.reuse else None
    if keep:
        keep.mkdir(parents=True, exist_ok=True)
    if args.backend == "sqlite":
        if keep:
            url = f"sqlite:///{keep}/kb.sqlite3"
        else:
            tmp = tempfile.TemporaryDirectory(prefix="kb-scale-")
            url = args.url or f"sqlite:///{tmp.name}/kb.sqlite3"
    else:
        url = None if keep else args.url or os.environ.get("CTRACK_BENCH_PG_URL")
        if not url:
            from ctrack.store.pgserver import start_throwaway_postgres

            url, stop = start_throwaway_postgres(keep / "pg" if keep else None)
    marker = keep / "built.json" if keep else None
    wanted = {"events": args.events, "backend": args.backend, "seed": args.seed}
    try:
        engine = open_store(url)  # a kept knowledge base gets any newer migration (indexes) here
        previous = json.loads(marker.read_text()) if marker and marker.exists() else None
        if previous and {k: previous.get(k) for k in wanted} == wanted:
            build_s = previous["build_s"]
            print(f"reusing {args.events:,} events on {args.backend} in {keep} (built in {build_s:.0f} s)",
                  file=sys.stderr, flush=True)
            info = Builder(engine, args.events, args.seed).plan()
            finish(engine)
        else:
            if previous:
                raise SystemExit(f"{keep} holds another knowledge base ({previous}); remove it or pick another folder")
            t = time.perf_counter()
            print(f"building {args.events:,} events on {args.backend} …", file=sys.stderr, flush=True)
            info = Builder(engine, args.events, args.seed).build()
            finish(engine)
            build_s = time.perf_counter() - t
            if marker:
                marker.write_text(json.dumps({**wanted, "build_s": round(build_s, 1)}) + "\n")
        engine.dispose()
        print(f"built in {build_s:.0f} s; timing {args.samples} requests of each kind", file=sys.stderr, flush=True)
        info["events"] = args.events
        figures = measure(url, info, args.samples, args.seed)
    finally:
        if stop:
            stop()
        if tmp:
            tmp.cleanup()
    result = {"events": args.events, "backend": args.backend, "build_s": round(build_s, 1), "requests": figures}
    if args.out:
        Path(args.out).write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        print(f"{args.events:,} events on {args.backend} (built in {build_s:.0f} s)")
        print(f"{'request':24s}{'p50 ms':>10s}{'p95 ms':>10s}{'p99 ms':>10s}")
        for name, f in figures.items():
            print(f"{name:24s}{f['p50_ms']:10.1f}{f['p95_ms']:10.1f}{f['p99_ms']:10.1f}")
    if args.growth_from:
        before = json.loads(Path(args.growth_from).read_text(encoding="utf-8"))
        print(f"p95 growth from {before['events']:,} to {args.events:,} events ({args.backend}):")
        for name, f in figures.items():
            if name in before["requests"] and before["requests"][name]["p95_ms"]:
                print(f"  {name:22s} {f['p95_ms'] / before['requests'][name]['p95_ms']:6.2f}×")
    return result


if __name__ == "__main__":
    main()

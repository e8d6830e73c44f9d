"""Issue 3, cross-document resolution: the dev corpus's gold records, saved into one knowledge base, give
exactly as many distinct persons, organizations and member states as the union of the gold actors.

The union is computed here, independently of :mod:`ctrack.resolve`, with the scorer's own comparison
(``../shared/eval/score.py``): two gold actors of different documents are one real entity when their
kind groups agree, their ISO3 codes do not contradict each other, and their normalized names agree, or a
normalized name/acronym of one equals one of the other, or (member states) their ISO3 codes are equal.
Connected components of that relation are the distinct entities.
"""
from __future__ import annotations

import importlib.util
from collections import Counter
from pathlib import Path

from sqlalchemy import select

from ctrack.schema import Actor, ActorKind
from ctrack.store import repo
from ctrack.store.db import session_scope
from ctrack.store.models import DbActorSource, DbDocument
from ctrack.store.testing import DEV_GOLD, SHARED, gold_document, gold_record

DEV_IDS = sorted(p.stem for p in DEV_GOLD.glob("*.json"))


def _scorer():
    spec = importlib.util.spec_from_file_location("ctrack_test_score", SHARED / "eval" / "score.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


score = _scorer()
normalize = score.normalize


def group(kind: ActorKind) -> str:
    """The scorer's kind group of ``kind`` ("person", "state" or "org")."""
    return score.KIND_GROUP[kind.value]


def same_entity(a: Actor, b: Actor) -> bool:
    """True when the scorer would align ``a`` and ``b`` (its actor_match_strength > 0), written out here."""
    g = group(a.kind)
    if g != group(b.kind):
        return False
    a_iso, b_iso = (a.iso3 or "").upper(), (b.iso3 or "").upper()
    if a_iso and b_iso and a_iso != b_iso:
        return False
    honor = g == "person"
    a_name, b_name = normalize(a.name, honor), normalize(b.name, honor)
    if a_name and a_name == b_name:
        return True
    if g == "state" and a_iso and a_iso == b_iso:
        return True
    a_keys = {a_name, normalize(a.acronym)} - {""}
    b_keys = {b_name, normalize(b.acronym)} - {""}
    return bool(a_keys & b_keys)


def gold_union(doc_ids: list[str]) -> tuple[Counter, list[list[tuple[str, Actor]]]]:
    """(entities per kind group, the clusters of (doc id, actor)) of the gold actors of ``doc_ids``
    (union-find over the pairs :func:`same_entity` joins)."""
    actors = [(d, a) for d in doc_ids for a in gold_record(d).actors]
    parent = list(range(len(actors)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i in range(len(actors)):
        for j in range(i + 1, len(actors)):
            if same_entity(actors[i][1], actors[j][1]):
                parent[find(i)] = find(j)
    clusters: dict[int, list[tuple[str, Actor]]] = {}
    for i, da in enumerate(actors):
        clusters.setdefault(find(i), []).append(da)
    return Counter(group(c[0][1].kind) for c in clusters.values()), list(clusters.values())


def stored_groups(session) -> Counter:
    """Distinct stored actors per kind group (all organization kinds together)."""
    out: Counter = Counter()
    for kind, n in repo.counts(session).by_kind.items():
        out[group(ActorKind(kind))] += n
    return out


def test_the_union_is_computed_by_the_scorers_rule():
    # the written-out rule agrees with the scorer's own function on every pair of gold actors
    actors = [a for d in DEV_IDS for a in gold_record(d).actors]
    as_dict = [a.model_dump(mode="json") for a in actors]
    for i, a in enumerate(actors):
        for j in range(i + 1, len(actors)):
            assert same_entity(a, actors[j]) == (score.actor_match_strength(as_dict[i], as_dict[j]) > 0)
    counts, clusters = gold_union(DEV_IDS)
    assert sum(len(c) for c in clusters) == len(actors) and set(counts) == {"person", "state", "org"}


def test_dev_gold_union_equals_stored_actors(engine):
    assert len(DEV_IDS) == 17
    for doc_id in DEV_IDS:
        with session_scope(engine) as s:
            assert repo.save_document(s, gold_document(doc_id), gold_record(doc_id)).status == "new"
    expected, clusters = gold_union(DEV_IDS)
    with session_scope(engine) as s:
        got = stored_groups(s)
        stored_id = {(doc, local): actor_id for doc, local, actor_id in s.execute(
            select(DbDocument.doc_key, DbActorSource.local_id, DbActorSource.actor_id)
            .join(DbDocument, DbDocument.id == DbActorSource.document_id))}
    # each real entity is one stored actor, and no two entities share one
    ids_of = [{stored_id[(d, a.id)] for d, a in c} for c in clusters]
    split = [[f"{d}:{a.name}" for d, a in c] for c, ids in zip(clusters, ids_of) if len(ids) > 1]
    assert not split, f"one entity stored as several actors: {split}"
    owners = Counter(next(iter(ids)) for ids in ids_of)
    merged = [[f"{d}:{a.name}" for c, ids in zip(clusters, ids_of) if ids == {aid} for d, a in c]
              for aid, n in owners.items() if n > 1]
    assert not merged, f"different entities merged into one actor: {merged}"
    assert got == expected, f"stored {dict(got)} vs gold union {dict(expected)}"

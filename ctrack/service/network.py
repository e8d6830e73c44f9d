"""Who met whom: the co-participation network of a set of events, laid out for drawing.

Two actors are linked when they hold roles in the same event; the link's
``weight`` is the number of such events. The layout is networkx's
Fruchterman–Reingold spring layout with a fixed seed (the same data gives
the same picture), scaled into the unit square; separate groups of actors
are laid out apart (:func:`layout`).
"""
from __future__ import annotations

import functools
from collections import Counter, defaultdict
from itertools import combinations

import networkx as nx
from pydantic import BaseModel, Field

from ctrack.schema import ActorKind, EventType
from ctrack.store.views import EventRow


#: Event types where two actors who both hold a role met each other; any other shared event is co-attendance.
MEETING_TYPES = frozenset({EventType.MEETING, EventType.VISIT, EventType.ASSESSMENT_VISIT})


class Node(BaseModel):
    """An actor in the network: id, label, kind, number of events, and its place (x, y in [0, 1])."""

    id: int
    label: str
    name: str
    kind: ActorKind
    events: int
    x: float = 0.5
    y: float = 0.5


class Edge(BaseModel):
    """Actors ``source`` and ``target`` share ``weight`` events (``event_ids``: the first 50 of them when
    read by :func:`from_counts`); at ``meetings`` of them (a meeting or a visit, :data:`MEETING_TYPES`) both
    held a role: they met. The rest is co-attendance."""

    source: int
    target: int
    weight: int
    meetings: int = 0
    event_ids: list[int] = Field(default_factory=list)


class Network(BaseModel):
    """Nodes and edges; ``truncated`` tells that only the ``max_nodes`` busiest actors are kept. ``events``
    counts the events in scope, ``events_drawn`` those the network was drawn from (fewer when the scope
    holds more than the cap of :func:`ctrack.service.reports.network`: the latest are drawn)."""

    nodes: list[Node] = Field(default_factory=list)
    edges: list[Edge] = Field(default_factory=list)
    events: int = 0
    events_drawn: int = 0
    truncated: bool = False


def who_met_whom(events: list[EventRow], *, max_nodes: int = 60, min_weight: int = 1,
                 kinds: set[ActorKind] | None = None) -> Network:
    """The network of ``events``.

    ``kinds`` keeps only actors of those kinds; ``max_nodes`` keeps the actors
    in most events (ties by name); ``min_weight`` drops links seen at fewer
    events. Actors left without a link are dropped.
    """
    actors: dict[int, tuple[str, str, ActorKind]] = {}
    per_actor: Counter[int] = Counter()
    pairs: dict[tuple[int, int], list[int]] = defaultdict(list)
    met: Counter[tuple[int, int]] = Counter()
    for ev in events:
        ids = sorted({r.actor.id for r in ev.roles if kinds is None or r.actor.kind in kinds})
        for r in ev.roles:
            actors.setdefault(r.actor.id, (r.actor.short, r.actor.name, r.actor.kind))
        per_actor.update(ids)
        for a, b in combinations(ids, 2):
            pairs[(a, b)].append(ev.id)
            if ev.type in MEETING_TYPES:
                met[(a, b)] += 1
    ranked = sorted(per_actor, key=lambda i: (-per_actor[i], actors[i][1]))
    keep = set(ranked[:max_nodes])
    edges = [Edge(source=a, target=b, weight=len(evs), meetings=met[(a, b)], event_ids=evs) for (a, b), evs in sorted(pairs.items())
             if a in keep and b in keep and len(evs) >= min_weight]
    linked = {e.source for e in edges} | {e.target for e in edges}
    graph = nx.Graph()
    graph.add_nodes_from(sorted(linked))
    graph.add_weighted_edges_from((e.source, e.target, e.weight) for e in edges)
    pos = layout(graph)
    nodes = [Node(id=i, label=actors[i][0], name=actors[i][1], kind=actors[i][2], events=per_actor[i],
                  x=round(pos[i][0], 4), y=round(pos[i][1], 4))
             for i in sorted(linked, key=lambda i: (-per_actor[i], actors[i][1]))]
    return Network(nodes=nodes, edges=edges, events=len(events), events_drawn=len(events),
                   truncated=len(per_actor) > max_nodes)


def from_counts(data: dict) -> Network:
    """The :class:`Network` of :func:`ctrack.store.repo.cooccurrence`'s grouped counts, laid out
    (:func:`layout`): the kept actors that have a link, the links between them. ``truncated`` tells that
    more actors than the kept ones took part."""
    per_actor = {ref.id: (ref, n) for ref, n in data["nodes"]}
    met = data.get("meetings", {})
    edges = [Edge(source=a, target=b, weight=w, meetings=met.get((a, b), 0), event_ids=ids)
             for a, b, w, ids in data["edges"]]
    linked = {e.source for e in edges} | {e.target for e in edges}
    # what layout() would key a graph of these nodes and links by, without building that graph first (two
    # networkx graphs of ~1,000 links a request, one even when the layout was kept)
    pos = dict(_layout_of(tuple(sorted(linked)),
                          tuple(sorted((min(e.source, e.target), max(e.source, e.target), e.weight) for e in edges))))
    order = sorted(linked, key=lambda i: (-per_actor[i][1], per_actor[i][0].name))
    nodes = [Node(id=i, label=per_actor[i][0].short, name=per_actor[i][0].name, kind=per_actor[i][0].kind,
                  events=per_actor[i][1], x=round(pos[i][0], 4), y=round(pos[i][1], 4)) for i in order]
    return Network(nodes=nodes, edges=edges, events=data["events"], events_drawn=data.get("drawn", data["events"]),
                   truncated=data["actors"] > len(per_actor))


#: Iterations of the spring layout. Each one moves every node by the temperature, which falls linearly
#: from a tenth of the box to 0: at 100 a node can still travel five boxes in all, and the layout takes a
#: third of the time of the 300 used before (for a busy state's 60 actors and ~900 links, 64 ms of CPU of
#: a network request's ~200 at 100,000 events).
SPRING_ITERATIONS = 100
#: Layouts kept per process, by the graph laid out (nodes in order, weighted links): the layout is
#: seeded, so the same graph always gets the same positions and a network asked for again is not laid out again.
LAYOUT_CACHE = 64


def _spring(graph: nx.Graph, box: tuple[float, float, float, float]) -> dict[int, tuple[float, float]]:
    """Spring layout of a connected ``graph`` scaled into ``box`` = (x0, y0, x1, y1)."""
    x0, y0, x1, y1 = box
    if len(graph) == 1:
        return {n: ((x0 + x1) / 2, (y0 + y1) / 2) for n in graph}
    raw = nx.spring_layout(graph, seed=7, iterations=SPRING_ITERATIONS, weight="weight", k=1.8 / len(graph) ** 0.5)
    xs, ys = [p[0] for p in raw.values()], [p[1] for p in raw.values()]
    sx, sy = (max(xs) - min(xs)) or 1.0, (max(ys) - min(ys)) or 1.0
    return {n: (x0 + (x1 - x0) * (p[0] - min(xs)) / sx, y0 + (y1 - y0) * (p[1] - min(ys)) / sy)
            for n, p in raw.items()}


def layout(graph: nx.Graph) -> dict[int, tuple[float, float]]:
    """Positions in the unit square: the largest connected group fills the top, smaller groups share a band
    along the bottom (each laid out on its own, so one big group is not squeezed by stray pairs). The
    positions of the last :data:`LAYOUT_CACHE` graphs are kept (a graph with the same nodes in the same
    order and the same weighted links gets the same positions anyway)."""
    links = tuple(sorted((min(a, b), max(a, b), d.get("weight", 1)) for a, b, d in graph.edges(data=True)))
    return dict(_layout_of(tuple(graph.nodes), links))


@functools.lru_cache(maxsize=LAYOUT_CACHE)
def _layout_of(nodes: tuple[int, ...], links: tuple[tuple[int, int, float], ...]) -> dict[int, tuple[float, float]]:
    graph = nx.Graph()
    graph.add_nodes_from(nodes)
    graph.add_weighted_edges_from(links)
    return _layout(graph)


def _layout(graph: nx.Graph) -> dict[int, tuple[float, float]]:
    groups = sorted((graph.subgraph(c) for c in nx.connected_components(graph)), key=lambda g: (-len(g), min(g)))
    if not groups:
        return {}
    if len(groups) == 1:
        return _spring(groups[0], (0.0, 0.0, 1.0, 1.0))
    pos = _spring(groups[0], (0.0, 0.0, 1.0, 0.74))
    rest = groups[1:]
    total = sum(len(g) + 1 for g in rest)
    x = 0.0
    for g in rest:
        width = (len(g) + 1) / total
        pos.update(_spring(g, (x + 0.1 * width, 0.84, x + 0.8 * width, 1.0)))
        x += width
    return pos


__all__ = ["Node", "Edge", "Network", "who_met_whom", "from_counts", "layout"]

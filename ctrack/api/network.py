"""Who met whom: the co-participation network of a set of events, laid out for drawing.

Two actors are linked when they hold roles in the same event; the link's
``weight`` is the number of such events. The layout is networkx's
Fruchterman–Reingold spring layout with a fixed seed (the same data gives
the same picture), scaled into the unit square.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from itertools import combinations

import networkx as nx
from pydantic import BaseModel, Field

from ctrack.schema import ActorKind
from ctrack.store.views import EventRow


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
    """Actors ``source`` and ``target`` met at ``weight`` events (``event_ids``)."""

    source: int
    target: int
    weight: int
    event_ids: list[int] = Field(default_factory=list)


class Network(BaseModel):
    """Nodes and edges; ``truncated`` tells that only the ``max_nodes`` busiest actors are kept."""

    nodes: list[Node] = Field(default_factory=list)
    edges: list[Edge] = Field(default_factory=list)
    events: int = 0
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
    for ev in events:
        ids = sorted({r.actor.id for r in ev.roles if kinds is None or r.actor.kind in kinds})
        for r in ev.roles:
            actors.setdefault(r.actor.id, (r.actor.short, r.actor.name, r.actor.kind))
        per_actor.update(ids)
        for a, b in combinations(ids, 2):
            pairs[(a, b)].append(ev.id)
    ranked = sorted(per_actor, key=lambda i: (-per_actor[i], actors[i][1]))
    keep = set(ranked[:max_nodes])
    edges = [Edge(source=a, target=b, weight=len(evs), event_ids=evs) for (a, b), evs in sorted(pairs.items())
             if a in keep and b in keep and len(evs) >= min_weight]
    linked = {e.source for e in edges} | {e.target for e in edges}
    graph = nx.Graph()
    graph.add_nodes_from(sorted(linked))
    graph.add_weighted_edges_from((e.source, e.target, e.weight) for e in edges)
    pos = nx.spring_layout(graph, seed=7, iterations=200, weight="weight") if len(graph) > 1 else {
        n: (0.0, 0.0) for n in graph}
    xs = [p[0] for p in pos.values()] or [0.0]
    ys = [p[1] for p in pos.values()] or [0.0]
    span_x, span_y = (max(xs) - min(xs)) or 1.0, (max(ys) - min(ys)) or 1.0
    nodes = [Node(id=i, label=actors[i][0], name=actors[i][1], kind=actors[i][2], events=per_actor[i],
                  x=round((pos[i][0] - min(xs)) / span_x, 4) if len(graph) > 1 else 0.5,
                  y=round((pos[i][1] - min(ys)) / span_y, 4) if len(graph) > 1 else 0.5)
             for i in sorted(linked, key=lambda i: (-per_actor[i], actors[i][1]))]
    return Network(nodes=nodes, edges=edges, events=len(events), truncated=len(per_actor) > max_nodes)


__all__ = ["Node", "Edge", "Network", "who_met_whom"]

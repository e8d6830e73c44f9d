"""The network's layout (ctrack.service.network.layout): kept per graph, the positions of a graph laid out
again equal those of a fresh layout, and a different graph is laid out anew."""
from __future__ import annotations

import networkx as nx

from ctrack.service import network


def _graph(weights: dict[tuple[int, int], int], extra: tuple[int, ...] = ()) -> nx.Graph:
    g = nx.Graph()
    g.add_nodes_from(sorted({n for pair in weights for n in pair} | set(extra)))
    g.add_weighted_edges_from((a, b, w) for (a, b), w in weights.items())
    return g


WEIGHTS = {(1, 2): 3, (2, 3): 1, (1, 3): 2, (3, 4): 5, (7, 8): 1, (9, 10): 2}


def test_a_graph_laid_out_again_gets_the_positions_of_a_fresh_layout():
    network._layout_of.cache_clear()
    first = network.layout(_graph(WEIGHTS))
    again = network.layout(_graph(dict(reversed(list(WEIGHTS.items())))))  # same graph, links in another order
    assert network._layout_of.cache_info().hits == 1
    fresh = network._layout(_graph(WEIGHTS))
    assert first == again == fresh
    assert set(first) == {1, 2, 3, 4, 7, 8, 9, 10}
    assert all(0.0 <= x <= 1.0 and 0.0 <= y <= 1.0 for x, y in first.values())
    # the main group fills the top, the stray pairs share the bottom band
    assert all(first[n][1] <= 0.74 for n in (1, 2, 3, 4)) and all(first[n][1] >= 0.84 for n in (7, 8, 9, 10))


def test_another_weight_is_another_graph():
    network._layout_of.cache_clear()
    network.layout(_graph(WEIGHTS))
    changed = network.layout(_graph({**WEIGHTS, (1, 2): 9}))
    assert network._layout_of.cache_info().hits == 0
    assert changed == network._layout(_graph({**WEIGHTS, (1, 2): 9}))
    mutated = network.layout(_graph(WEIGHTS))
    mutated[1] = (5.0, 5.0)  # a caller changing its copy does not change the kept layout
    assert network.layout(_graph(WEIGHTS))[1] != (5.0, 5.0)

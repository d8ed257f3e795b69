"""What the graph renderers share: grouping, edge labels, a stable edge order."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import networkx as nx

from compiler.graph import flow_edge


def group_of(graph: nx.DiGraph, node: str, view: str) -> str:
    attrs = graph.nodes[node]
    return str(attrs.get("kind" if view == "resources" else "system", "other"))


def sorted_edges(graph: nx.DiGraph) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """Edges sorted by (source, target, key); a multigraph yields one per key."""
    if graph.is_multigraph():
        for u, v, k, data in sorted(graph.edges(keys=True, data=True), key=lambda e: e[:3]):
            yield u, v, {"key": k, **flow_edge(data).attributes()}
    else:
        for u, v in sorted(graph.edges):
            yield u, v, dict(graph.edges[u, v])


def edge_label(data: dict[str, Any], view: str) -> str:
    if view == "resources":
        return ""
    label = str(data.get("key", "")).split(".", 1)[-1]
    transforms = data.get("transform") or ()
    if transforms:
        label += f" [{', '.join(transforms)}]"
    if data.get("direction") == "reverse":
        label += " (reverse)"
    return label

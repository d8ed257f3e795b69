"""A graph as JSON: nodes and edges with their attributes, sorted."""

from __future__ import annotations

import json
from typing import Any

import networkx as nx

from compiler.render.graph_common import sorted_edges


def _plain(value: Any) -> Any:
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    return value


def graph_document(graph: nx.DiGraph, view: str) -> dict[str, Any]:
    nodes = [
        {"id": n, **{k: _plain(v) for k, v in sorted(graph.nodes[n].items())}}
        for n in sorted(graph.nodes)
    ]
    edges = [
        {"source": u, "target": v, **{k: _plain(x) for k, x in sorted(data.items())}}
        for u, v, data in sorted_edges(graph)
    ]
    return {"view": view, "nodes": nodes, "edges": edges}


def render_graph_json(graph: nx.DiGraph, view: str) -> str:
    return json.dumps(graph_document(graph, view), indent=2, sort_keys=False) + "\n"

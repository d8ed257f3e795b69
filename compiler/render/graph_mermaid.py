"""A graph as a Mermaid flowchart, which GitHub renders inside a ```mermaid block.

Node ids are n0, n1... in sorted order of the addresses (deterministic); labels are
quoted and escaped; nodes are grouped in subgraphs by kind (resources) or system
(data flow). GitHub's renderer refuses very large charts: use --focus for those.
"""

from __future__ import annotations

import networkx as nx

from compiler.render.graph_common import edge_label, group_of, sorted_edges


def _quote(text: str) -> str:
    return '"' + text.replace('"', "#quot;").replace("<", "#lt;").replace(">", "#gt;") + '"'


def render_mermaid(graph: nx.DiGraph, view: str, *, fenced: bool = False) -> str:
    nodes = sorted(graph.nodes)
    ids = {node: f"n{i}" for i, node in enumerate(nodes)}
    groups: dict[str, list[str]] = {}
    for node in nodes:
        groups.setdefault(group_of(graph, node, view), []).append(node)
    lines = ["flowchart LR"]
    for i, (group, members) in enumerate(sorted(groups.items())):
        lines.append(f"  subgraph g{i}[{_quote(group)}]")
        lines += [f"    {ids[m]}[{_quote(m)}]" for m in members]
        lines.append("  end")
    for source, target, data in sorted_edges(graph):
        label = edge_label(data, view)
        arrow = f"-->|{_quote(label)}|" if label else "-->"
        lines.append(f"  {ids[source]} {arrow} {ids[target]}")
    text = "\n".join(lines) + "\n"
    return f"```mermaid\n{text}```\n" if fenced else text

"""A graph in Graphviz DOT (render with `dot -Tsvg`)."""

from __future__ import annotations

import networkx as nx

from compiler.render.graph_common import edge_label, group_of, sorted_edges


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def render_dot(graph: nx.DiGraph, view: str) -> str:
    groups: dict[str, list[str]] = {}
    for node in sorted(graph.nodes):
        groups.setdefault(group_of(graph, node, view), []).append(node)
    lines = [f"digraph {_quote('engage_' + view)} {{", "  rankdir=LR;", "  node [shape=box];"]
    for i, (group, members) in enumerate(sorted(groups.items())):
        lines.append(f"  subgraph cluster_{i} {{")
        lines.append(f"    label={_quote(group)};")
        lines += [f"    {_quote(m)};" for m in members]
        lines.append("  }")
    for source, target, data in sorted_edges(graph):
        label = edge_label(data, view)
        attrs = f" [label={_quote(label)}]" if label else ""
        lines.append(f"  {_quote(source)} -> {_quote(target)}{attrs};")
    lines.append("}")
    return "\n".join(lines) + "\n"

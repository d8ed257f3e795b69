"""Choosing what part of a graph to draw: a view and an optional focus."""

from __future__ import annotations

import networkx as nx

from compiler.graph import EcosystemGraph


class FocusError(ValueError):
    pass


def _around(graph: nx.DiGraph, seeds: set[str]) -> set[str]:
    keep = set(seeds)
    for node in seeds:
        keep |= nx.ancestors(graph, node) | nx.descendants(graph, node)
    return keep


def _dataflow_seeds(flow: nx.MultiDiGraph, focus: str) -> set[str]:
    if focus in flow:
        return {focus}
    by_key = {n for u, v, k in flow.edges(keys=True) if k == focus for n in (u, v)}
    if by_key:
        return by_key
    if focus.startswith("system."):
        focus = focus.removeprefix("system.") + ":"
    return {n for n in flow if n.startswith(focus)} if focus else set()


def select(graph: EcosystemGraph, view: str, focus: str | None) -> nx.DiGraph:
    """The graph of `view` as a networkx graph, reduced to what `focus` depends on and what
    depends on it."""
    base: nx.DiGraph = (
        graph.resources.to_networkx() if view == "resources" else graph.dataflow.to_networkx()
    )
    if not focus:
        return base
    if view == "resources":
        seeds = {focus} if focus in base else set()
    else:
        seeds = _dataflow_seeds(base, focus)
    if not seeds:
        raise FocusError(f"{focus!r} is not in the {view} graph")
    return base.subgraph(_around(base, seeds)).copy()

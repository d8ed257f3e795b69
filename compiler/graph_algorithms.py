"""The few graph algorithms `engage check` needs, on plain adjacency, without networkx.

Importing networkx runs its package `__init__`, which loads about 390 modules (0.12 CPU-s
of a 10,000-resource check, issue 11); the check path needs only these: strongly and
weakly connected components, a lexicographic topological order, and the path between two
nodes of a forest. Each gives what networkx's function of the same name gives (tests
compare them on random graphs); networkx stays the library of `engage graph`'s renderers.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence

Neighbours = Callable[[str], Iterable[str]]


class Digraph:
    """A small mutable directed graph: successors and predecessors in the order edges were
    first added (as networkx's `DiGraph` keeps them), no attributes."""

    __slots__ = ("_pred", "_succ")

    def __init__(self) -> None:
        self._succ: dict[str, dict[str, None]] = {}
        self._pred: dict[str, dict[str, None]] = {}

    def add_node(self, node: str) -> None:
        if node not in self._succ:
            self._succ[node] = {}
            self._pred[node] = {}

    def add_edge(self, u: str, v: str) -> None:
        self.add_node(u)
        self.add_node(v)
        self._succ[u][v] = None
        self._pred[v][u] = None

    def __contains__(self, node: object) -> bool:
        return node in self._succ

    def __iter__(self) -> Iterator[str]:
        return iter(self._succ)

    def __len__(self) -> int:
        return len(self._succ)

    def successors(self, node: str) -> Iterable[str]:
        return self._succ[node].keys()

    def predecessors(self, node: str) -> Iterable[str]:
        return self._pred[node].keys()

    def has_edge(self, u: str, v: str) -> bool:
        return v in self._succ.get(u, ())


def strongly_connected_components(nodes: Iterable[str], successors: Neighbours) -> list[set[str]]:
    """Every strongly connected component (Tarjan's algorithm, iterative: no recursion
    limit on a long chain). The components' order is not part of the result's meaning."""
    return list(_components(nodes, successors, lambda node: True))


def cyclic_components(
    nodes: Iterable[str], successors: Neighbours, has_edge: Callable[[str, str], bool]
) -> list[set[str]]:
    """The strongly connected components that hold a cycle: those of several nodes, and
    those of one node with an edge to itself. The others (most nodes of a graph with few
    loops) are never built: a set per node was most of what listing every component
    allocated. Order not meaningful."""
    return list(_components(nodes, successors, lambda node: has_edge(node, node)))


def _components(
    nodes: Iterable[str], successors: Neighbours, keep_single: Callable[[str], bool]
) -> Iterator[set[str]]:
    """The strongly connected components (Tarjan), those of one node only when
    `keep_single` says so."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    for root in nodes:
        if root in index:
            continue
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        work = [(root, iter(successors(root)))]
        while work:
            node, children = work[-1]
            for child in children:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(successors(child))))
                    break
                if child in on_stack and index[child] < low[node]:
                    low[node] = index[child]
            else:
                work.pop()
                if work:
                    parent = work[-1][0]
                    if low[node] < low[parent]:
                        low[parent] = low[node]
                if low[node] != index[node]:
                    continue
                if stack[-1] == node:  # a component of this node alone
                    stack.pop()
                    on_stack.discard(node)
                    if keep_single(node):
                        yield {node}
                    continue
                component: set[str] = set()
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.add(member)
                    if member == node:
                        break
                yield component


def weakly_connected_components(
    nodes: Iterable[str], successors: Neighbours, predecessors: Neighbours
) -> list[set[str]]:
    """Every weakly connected component (edges read both ways). Order not meaningful."""
    seen: set[str] = set()
    out: list[set[str]] = []
    for root in nodes:
        if root in seen:
            continue
        component = {root}
        todo = [root]
        while todo:
            node = todo.pop()
            for near in (*successors(node), *predecessors(node)):
                if near not in component:
                    component.add(near)
                    todo.append(near)
        seen |= component
        out.append(component)
    return out


def lexicographical_topological_sort(
    nodes: Sequence[str], successors: Mapping[str, Iterable[str]]
) -> list[str] | None:
    """`nodes` in dependency order (u before each of its successors), the smallest ready
    node first, as networkx's `lexicographical_topological_sort`; None when a cycle
    leaves some node never ready. `successors` may leave out nodes without any."""
    indegree = dict.fromkeys(nodes, 0)
    for node in nodes:
        for child in successors.get(node, ()):
            indegree[child] += 1
    ready = [node for node, degree in indegree.items() if degree == 0]
    heapq.heapify(ready)
    order: list[str] = []
    while ready:
        node = heapq.heappop(ready)
        order.append(node)
        for child in successors.get(node, ()):
            indegree[child] -= 1
            if indegree[child] == 0:
                heapq.heappush(ready, child)
    return order if len(order) == len(indegree) else None


def tree_path(links: Mapping[str, Iterable[str]], start: str, end: str) -> list[str]:
    """The nodes on the path from `start` to `end` in a forest (`links`: each node's
    neighbours, both ways), both ends included; a forest has at most one such path.
    Raises KeyError when `end` is not reachable from `start`."""
    parent: dict[str, str] = {start: start}
    todo = [start]
    while todo and end not in parent:
        node = todo.pop()
        for near in links.get(node, ()):
            if near not in parent:
                parent[near] = node
                todo.append(near)
    path = [end]
    while path[-1] != start:
        path.append(parent[path[-1]])
    path.reverse()
    return path

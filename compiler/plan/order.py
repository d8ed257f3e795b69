"""Apply order: creates, updates and replaces in dependency order, then deletes in reverse.

The desired side comes from the resource graph (`compiler.graph`); deleted resources are no
longer declared, so their order comes from the dependencies recorded in their state
entries. Dependents are updated before what they depended on is deleted.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from compiler.graph_algorithms import lexicographical_topological_sort
from compiler.plan.definition import Change


def deletion_order(deleted: Sequence[str], dependencies: Mapping[str, Sequence[str]]) -> list[str]:
    """Dependents before their dependencies; ties by address."""
    nodes = list(dict.fromkeys(deleted))
    members = set(nodes)
    before: dict[str, dict[str, None]] = {}  # address → what is deleted after it
    for address in nodes:
        for dep in dependencies.get(address, ()):
            if dep in members and dep != address:
                before.setdefault(address, {})[dep] = None  # delete `address` before `dep`
    order = lexicographical_topological_sort(nodes, before)
    # a cycle recorded in state: fall back to address order
    return order if order is not None else sorted(deleted)


def order_changes(
    changes: Sequence[Change],
    creation_order: Sequence[str],
    recorded_dependencies: Mapping[str, Sequence[str]],
) -> list[Change]:
    rank = {address: i for i, address in enumerate(creation_order)}
    forward = sorted(
        (c for c in changes if c.action != "delete"),
        key=lambda c: (rank.get(c.address, len(rank)), c.address),
    )
    deletes = {c.address: c for c in changes if c.action == "delete"}
    backward = [deletes[a] for a in deletion_order(sorted(deletes), recorded_dependencies)]
    return [*forward, *backward]

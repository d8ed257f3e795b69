"""Declared moves: `moved: [{from: data_extension.old, to: data_extension.new}]`.

A move renames a resource in state instead of deleting and recreating it. An entry whose
old address is no longer in state is already done and is ignored, so moves can stay in
the sources until everyone's state has moved.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from compiler.plan.errors import PlanError
from compiler.plan.resources import kind_of
from compiler.resolved import ResolvedEcosystem


def _fail(resolved: ResolvedEcosystem, index: int, key: str, message: str, hint: str) -> PlanError:
    return PlanError(message, hint, resolved.index.at(("moved", index, key)))


def _check(
    resolved: ResolvedEcosystem, i: int, old: str, new: str, state: Mapping[str, Any]
) -> PlanError | None:
    if kind_of(old) != kind_of(new):
        return _fail(
            resolved,
            i,
            "to",
            f"moved from {old} to {new}: a move cannot change the kind",
            "A different kind is a different resource: remove the `moved` entry.",
        )
    if new not in resolved.addresses:
        return _fail(
            resolved,
            i,
            "to",
            f"moved to {new}, which is not declared",
            "Declare the resource under its new name, or fix the address.",
        )
    if old in resolved.addresses:
        return _fail(
            resolved,
            i,
            "from",
            f"moved from {old}, which is still declared",
            "Remove the old declaration: a move renames, it does not copy.",
        )
    if new in state:
        return _fail(
            resolved,
            i,
            "to",
            f"cannot move {old} to {new}: {new} already exists in state",
            "Remove the `moved` entry, or delete one of the two first.",
        )
    return None


def resolve_moves(resolved: ResolvedEcosystem, state: Mapping[str, Any]) -> dict[str, str]:
    """New address → old address, for every move still to be made."""
    out: dict[str, str] = {}
    for i, entry in enumerate(resolved.ecosystem.moved):
        old, new = entry.from_, entry.to
        if old not in state:
            continue
        problem = _check(resolved, i, old, new, state)
        if problem is None and (new in out or old in out.values()):
            problem = _fail(
                resolved,
                i,
                "from",
                f"{old} or {new} appears in two `moved` entries",
                "Keep one `moved` entry per resource.",
            )
        if problem is not None:
            raise problem
        out[new] = old
    return out

"""Which changes cannot be made in place: a table of identity attributes per kind.

A resource whose identity changes is a different resource on the platform: a matching
rule cannot move to another object, an integration user cannot move to another org.
Data extensions follow their own, richer rules (`de_rules`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from compiler.plan import de_rules

# kind → attributes that cannot change in place, and why.
IDENTITY: dict[str, dict[str, str]] = {
    "system": {"type": "a system of another type is another system"},
    "integration_user": {"system": "a user belongs to one system"},
    "integration": {
        "type": "an integration of another type is another connector",
        "from": "a connector's source system is fixed",
        "to": "a connector's target system is fixed",
    },
    "matching_rule": {
        "system": "a matching rule belongs to one org",
        "object": "a matching rule's object cannot change",
    },
    "duplicate_rule": {
        "system": "a duplicate rule belongs to one org",
        "object": "a duplicate rule's object cannot change",
    },
}


@dataclass(frozen=True)
class Verdict:
    """Replace reasons (empty: in place) and data-loss notes of one update."""

    replace: tuple[de_rules.Cost, ...] = ()
    data_loss: tuple[de_rules.Cost, ...] = ()


def _identity(
    kind: str, before: Mapping[str, Any], after: Mapping[str, Any]
) -> list[de_rules.Cost]:
    out = []
    for attr, why in sorted(IDENTITY.get(kind, {}).items()):
        if before.get(attr) != after.get(attr):
            out.append(
                de_rules.Cost(
                    "replace",
                    attr,
                    f"{attr} changes from {before.get(attr)} to {after.get(attr)}; {why}",
                )
            )
    return out


def judge(
    kind: str, before: Mapping[str, Any], after: Mapping[str, Any], *, empty: bool = False
) -> Verdict:
    """Decide how an existing resource changes from `before` to `after`."""
    found = _identity(kind, before, after)
    if kind == "data_extension":
        found.extend(de_rules.costs(before, after, empty=empty))
    return Verdict(
        replace=tuple(c for c in found if c.effect == "replace"),
        data_loss=tuple(c for c in found if c.effect == "data_loss"),
    )

"""One Change per resource: create, update in place, replace, move, delete (or nothing)."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any

from compiler.plan.definition import Action, AttributeChange, Change
from compiler.plan.diff import AttributeDiff, diff_attributes, top_of
from compiler.plan.replace import Verdict, judge
from compiler.plan.resources import METADATA_KEYS, DesiredResource
from compiler.plan.risk import assess
from compiler.plan.state import StateEntry


def _forces(diff: AttributeDiff, verdict: Verdict) -> bool:
    for cost in verdict.replace:
        if diff.path == cost.path or diff.path.startswith((cost.path + ".", cost.path + "[")):
            return True
        if cost.path.startswith(diff.path + "."):
            return True
    return False


def _attributes(diffs: tuple[AttributeDiff, ...], verdict: Verdict) -> list[AttributeChange]:
    forcing = bool(verdict.replace)  # else `_forces` is False for each diff: not called
    return [
        AttributeChange(
            d.path, d.op, d.before, d.after, forcing and _forces(d, verdict), _metadata(d.path)
        )
        for d in diffs
    ]


@functools.lru_cache(maxsize=4096)
def _metadata(path: str) -> bool:
    """`top_of(path) in METADATA_KEYS`, cached: a plan's paths are mostly the top-level
    attributes of its created resources, the same few dozen names again and again."""
    return top_of(path) in METADATA_KEYS


def _action(verdict: Verdict, diffs: tuple[AttributeDiff, ...]) -> Action:
    if verdict.replace:
        return "replace"
    return "update" if diffs else "move"


def change_for_desired(
    res: DesiredResource, entry: StateEntry | None, old_address: str, empty: bool
) -> Change | None:
    """The change that makes `entry` (recorded at `old_address`) into `res`; None: no-op."""
    if entry is None:
        return _create(res, old_address)
    before = entry.attributes
    diffs = diff_attributes(before, res.attributes)
    moved = old_address != res.address
    if not diffs and not moved:
        return None
    verdict = judge(res.kind, before, res.attributes, empty=empty) if before else Verdict()
    action = _action(verdict, diffs)
    metadata_only = bool(diffs) and all(d.top in METADATA_KEYS for d in diffs)
    found = assess(
        address=res.address,
        kind=res.kind,
        action=action,
        diffs=diffs,
        verdict=verdict,
        metadata_only=metadata_only,
        after=res.attributes,
    )
    return Change(
        address=res.address,
        kind=res.kind,
        action=action,
        previous_address=old_address if moved else None,
        risks=list(found.risks),
        reasons=[c.reason for c in verdict.replace],
        notes=list(found.notes),
        metadata_only=metadata_only,
        business_units=list(res.business_units),
        dependencies=list(res.dependencies),
        attributes=_attributes(diffs, verdict),
        before_digest=entry.digest,
        after_digest=res.digest,
        sensitive=res.sensitive,
    )


def _create(res: DesiredResource, old_address: str) -> Change:
    """`change_for_desired` of a resource state does not record: each top-level attribute
    added whole (what `diff_attributes(None, ...)` lists, sorted), nothing forcing a
    replacement, never metadata only. Built without the `AttributeDiff`s (148,000 at 10,000
    resources): `assess` reads no diff of a create (its diffs matter to the losses of
    updates, replaces and deletes, the path risks of updates and replaces and the
    explanations of updates)."""
    attrs = res.attributes
    found = assess(
        address=res.address,
        kind=res.kind,
        action="create",
        diffs=(),
        verdict=Verdict(),
        metadata_only=False,
        after=attrs,
    )
    moved = old_address != res.address
    return Change(
        address=res.address,
        kind=res.kind,
        action="create",
        previous_address=old_address if moved else None,
        risks=list(found.risks),
        reasons=[],
        notes=list(found.notes),
        metadata_only=False,
        business_units=list(res.business_units),
        dependencies=list(res.dependencies),
        attributes=_added(attrs),
        before_digest=None,
        after_digest=res.digest,
        sensitive=res.sensitive,
    )


# The slots of `AttributeChange`, set directly: its frozen dataclass `__init__` sets each
# field through `object.__setattr__`, which cost about twice as much for the 148,000 added
# attributes of the creates of a 10,000-resource plan (the same instance, field by field).
_NEW = object.__new__
_SET_PATH, _SET_OP, _SET_BEFORE, _SET_AFTER, _SET_FORCES, _SET_METADATA = (
    vars(AttributeChange)[name].__set__
    for name in ("path", "op", "before", "after", "forces_replacement", "metadata")
)


def _added(attrs: Mapping[str, Any]) -> list[AttributeChange]:
    """Each top-level attribute added whole, by sorted name: the list of
    `AttributeChange(key, "add", None, attrs[key], False, _metadata(key))`."""
    out: list[AttributeChange] = []
    for key in sorted(attrs):
        added = _NEW(AttributeChange)
        _SET_PATH(added, key)
        _SET_OP(added, "add")
        _SET_BEFORE(added, None)
        _SET_AFTER(added, attrs[key])
        _SET_FORCES(added, False)
        _SET_METADATA(added, _metadata(key))
        out.append(added)
    return out


def change_for_delete(address: str, entry: StateEntry) -> Change:
    diffs = diff_attributes(entry.attributes, None)
    found = assess(
        address=address,
        kind=entry.kind,
        action="delete",
        diffs=diffs,
        verdict=Verdict(),
        metadata_only=False,
        after=None,
    )
    return Change(
        address=address,
        kind=entry.kind,
        action="delete",
        risks=list(found.risks),
        notes=list(found.notes),
        business_units=list(entry.business_units),
        dependencies=list(entry.dependencies),
        attributes=_attributes(diffs, Verdict()),
        before_digest=entry.digest,
        sensitive=entry.sensitive,
    )

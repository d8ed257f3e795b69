"""Attribute-level diffs: before/after per path; lists of named items matched by name.

Paths read like `fields.EmailAddress.length` or `items[Email].method`: mappings recurse
key by key, lists whose items are mappings with a unique name-like key (`field`, `name`,
`group`, `code`, `from`) are matched by that key, not by position, so inserting an item
does not show every later item as changed. Other lists compare as one value.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Literal

Op = Literal["add", "remove", "change"]
_NAME_KEYS = ("name", "field", "group", "code", "from", "object")
_ABSENT: Any = object()


@dataclass(frozen=True, slots=True)
class AttributeDiff:
    path: str
    op: Op
    before: Any = None
    after: Any = None

    @property
    def top(self) -> str:
        """The top-level attribute this path lies under (a plain property: looking up a
        `cached_property` cost more than the split it saves)."""
        return top_of(self.path)


def top_of(path: str) -> str:
    """The top-level attribute a path lies under: `fields.Email.length` → `fields`."""
    return path.partition(".")[0].partition("[")[0]


def _join(prefix: str, key: str) -> str:
    return f"{prefix}.{key}" if prefix else key


def _unique_by(items: list[Any], key: str) -> bool:
    names = [i.get(key) if isinstance(i, dict) else None for i in items]
    return all(isinstance(n, str) for n in names) and len(set(names)) == len(names)


def _name_key(before: list[Any], after: list[Any]) -> str | None:
    """The name-like key both lists are keyed by, if any (`_walk` asks only of two lists
    that differ, so never of two empty ones)."""
    for key in _NAME_KEYS:
        if _unique_by(before, key) and _unique_by(after, key):
            return key
    return None


def _leaf(path: str, before: Any, after: Any) -> Iterator[AttributeDiff]:
    if before is _ABSENT:
        yield AttributeDiff(path, "add", None, after)
    elif after is _ABSENT:
        yield AttributeDiff(path, "remove", before, None)
    elif before != after:
        yield AttributeDiff(path, "change", before, after)


def _keyed(path: str, key: str, before: list[Any], after: list[Any]) -> Iterator[AttributeDiff]:
    old = {i[key]: i for i in before}
    new = {i[key]: i for i in after}
    for name in sorted(set(old) | set(new)):
        yield from _walk(f"{path}[{name}]", old.get(name, _ABSENT), new.get(name, _ABSENT))
    order_before = [i[key] for i in before if i[key] in new]
    order_after = [i[key] for i in after if i[key] in old]
    if order_before != order_after:
        yield AttributeDiff(f"{path}.order", "change", order_before, order_after)


def _walk(path: str, before: Any, after: Any) -> Iterator[AttributeDiff]:
    if isinstance(before, dict) and isinstance(after, dict):
        for key in sorted(set(before) | set(after)):
            yield from _walk(_join(path, key), before.get(key, _ABSENT), after.get(key, _ABSENT))
        return
    if isinstance(before, list) and isinstance(after, list) and before != after:
        key = _name_key(before, after)
        if key is not None:
            yield from _keyed(path, key, before, after)
            return
    yield from _leaf(path, before, after)


def diff_attributes(
    before: Mapping[str, Any] | None, after: Mapping[str, Any] | None
) -> tuple[AttributeDiff, ...]:
    """Every difference, sorted by path; a create lists each attribute as added."""
    old = dict(before) if before is not None else {}
    new = dict(after) if after is not None else {}
    # what `_walk` gives, the short way: equal attributes (most resources of a plan
    # against applied state) differ nowhere; against no attributes at all (a create or a
    # delete) each top-level attribute is added or removed whole
    if old == new:
        return ()
    if not old:
        return tuple(AttributeDiff(key, "add", None, new[key]) for key in sorted(new))
    if not new:
        return tuple(AttributeDiff(key, "remove", old[key], None) for key in sorted(old))
    return tuple(_walk("", old, new))

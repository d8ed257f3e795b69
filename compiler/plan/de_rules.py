"""What a data extension change costs: in place, in place losing values, or replace.

The platform facts (DOMAIN.md, "What a data extension change costs"): a field's type
cannot change; a length can only grow; a nullable field cannot become required; a new
required field needs a default; primary-key fields can change only while the data
extension is empty; a rename is a new field (drop + add). Anything else means replacing
the data extension, and its rows are lost. Engage also treats, conservatively: a shrinking
decimal precision or scale like a shrinking length, a move to another business unit and
turning sendable on or off (or relating another field to the subscriber key) as replace;
a dropped field or a shorter retention as data loss in place.

`costs(before, after, empty=...)` returns every `Cost` found, each with the attribute path
it is about and a sentence a reviewer can read.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Literal

Effect = Literal["replace", "data_loss"]
Fields = Mapping[str, Mapping[str, Any]]
_DEFAULT_LENGTH = {"Text": 50, "EmailAddress": 254}
_RETENTION_DAYS = {"days": 1, "weeks": 7, "months": 30, "years": 365}


@dataclass(frozen=True)
class Cost:
    effect: Effect
    path: str
    reason: str


def _mapping(value: Any) -> Mapping[str, Any]:
    """`value` if it is a mapping, else empty: recorded attributes are only as well-formed
    as whoever wrote them (an older engage, a hand edit with its digest recomputed)."""
    return value if isinstance(value, Mapping) else {}


def _fields(attributes: Mapping[str, Any]) -> Fields:
    return {str(name): _mapping(spec) for name, spec in _mapping(attributes.get("fields")).items()}


def _length(field: Mapping[str, Any]) -> int | None:
    value = field.get("length")
    return value if isinstance(value, int) else _DEFAULT_LENGTH.get(str(field.get("type")))


def _required(field: Mapping[str, Any]) -> bool:
    return bool(field.get("required")) or bool(field.get("primary_key"))


def _shrinks(old: Any, new: Any) -> bool:
    return isinstance(old, int) and isinstance(new, int) and new < old


# --------------------------------------------------------------- per kept field
def _type(name: str, old: Fields, new: Fields) -> Iterator[Cost]:
    if old[name].get("type") != new[name].get("type"):
        yield Cost(
            "replace",
            f"fields.{name}.type",
            f"field {name} changes type from {old[name].get('type')} to "
            f"{new[name].get('type')}; a field's type cannot change",
        )


def _length_rule(name: str, old: Fields, new: Fields) -> Iterator[Cost]:
    before, after = _length(old[name]), _length(new[name])
    if _shrinks(before, after):
        yield Cost(
            "replace",
            f"fields.{name}.length",
            f"field {name} shrinks from {before} to {after} characters; a length can only grow",
        )


def _decimal(name: str, old: Fields, new: Fields) -> Iterator[Cost]:
    for key in ("precision", "scale"):
        if _shrinks(old[name].get(key), new[name].get(key)):
            yield Cost(
                "replace",
                f"fields.{name}.{key}",
                f"field {name}'s {key} shrinks from {old[name][key]} to {new[name][key]}; "
                "a decimal can only grow",
            )


def _nullable(name: str, old: Fields, new: Fields) -> Iterator[Cost]:
    becomes_key = bool(new[name].get("primary_key")) and not old[name].get("primary_key")
    if not _required(old[name]) and _required(new[name]) and not becomes_key:  # key: see below
        yield Cost(
            "replace",
            f"fields.{name}.required",
            f"field {name} becomes required; a nullable field cannot become required",
        )


KEPT_FIELD_RULES: tuple[Callable[[str, Fields, Fields], Iterator[Cost]], ...] = (
    _type,
    _length_rule,
    _decimal,
    _nullable,
)


# ---------------------------------------------------------- fields added/dropped
def _dropped(old: Fields, new: Fields, empty: bool) -> Iterator[Cost]:
    added = [n for n in new if n not in old]
    for name in sorted(set(old) - set(new)):
        twin = next((a for a in added if new[a].get("type") == old[name].get("type")), None)
        rename = f" (if {twin} is its new name: a rename is a new field)" if twin else ""
        if not empty:
            yield Cost(
                "data_loss", f"fields.{name}", f"field {name} is dropped with its values{rename}"
            )


def _added_required(old: Fields, new: Fields, empty: bool) -> Iterator[Cost]:
    for name in sorted(set(new) - set(old)):
        field = new[name]
        if field.get("primary_key") or empty:
            continue  # primary keys: see _primary_key
        if field.get("required") and field.get("default") is None:
            yield Cost(
                "replace",
                f"fields.{name}",
                f"new field {name} is required and has no default; existing rows would have "
                "no value for it",
            )


def _primary_key(old: Fields, new: Fields, empty: bool) -> Iterator[Cost]:
    before = sorted(n for n, f in old.items() if f.get("primary_key"))
    after = sorted(n for n, f in new.items() if f.get("primary_key"))
    if before != after and not empty:
        yield Cost(
            "replace",
            "fields",
            f"primary key changes from ({', '.join(before) or 'none'}) to "
            f"({', '.join(after) or 'none'}); a primary key can change only while the data "
            "extension is empty",
        )


FIELD_SET_RULES: tuple[Callable[[Fields, Fields, bool], Iterator[Cost]], ...] = (
    _dropped,
    _added_required,
    _primary_key,
)


# ------------------------------------------------------------ whole data extension
def _business_unit(old: Mapping[str, Any], new: Mapping[str, Any]) -> Iterator[Cost]:
    if old.get("business_unit") != new.get("business_unit"):
        yield Cost(
            "replace",
            "business_unit",
            f"moves from business unit {old.get('business_unit')} to "
            f"{new.get('business_unit')}; a data extension lives in one business unit",
        )


def _sendable(old: Mapping[str, Any], new: Mapping[str, Any]) -> Iterator[Cost]:
    before, after = old.get("sendable"), new.get("sendable")
    if (before is None) != (after is None):
        state = "sendable" if after else "not sendable"
        yield Cost(
            "replace",
            "sendable",
            f"becomes {state}; sendability is fixed when a data extension is created",
        )
    elif before and after and _mapping(before).get("field") != _mapping(after).get("field"):
        yield Cost(
            "replace",
            "sendable.field",
            f"relates {_mapping(after).get('field')} instead of {_mapping(before).get('field')} "
            "to the subscriber "
            "key; the sendable relationship is fixed when a data extension is created",
        )


def _days(retention: Any) -> int | None:
    period = _mapping(retention).get("period", 0)
    if not isinstance(retention, Mapping) or not isinstance(period, int | float):
        return None
    return int(period) * _RETENTION_DAYS.get(str(retention.get("unit")), 1)


def _retention(old: Mapping[str, Any], new: Mapping[str, Any]) -> Iterator[Cost]:
    before, after = _days(old.get("retention")), _days(new.get("retention"))
    if after is not None and (before is None or after < before):
        yield Cost(
            "data_loss",
            "retention",
            f"rows older than {after} days will be deleted"
            + ("" if before is None else f" (was {before} days)"),
        )


WHOLE_RULES: tuple[Callable[[Mapping[str, Any], Mapping[str, Any]], Iterator[Cost]], ...] = (
    _business_unit,
    _sendable,
    _retention,
)


def costs(
    before: Mapping[str, Any], after: Mapping[str, Any], *, empty: bool = False
) -> tuple[Cost, ...]:
    """Every cost of changing a data extension from `before` to `after` (attribute dicts)."""
    old, new = _fields(before), _fields(after)
    found: list[Cost] = []
    for rule in WHOLE_RULES:
        found.extend(rule(before, after))
    for name in sorted(set(old) & set(new)):
        for field_rule in KEPT_FIELD_RULES:
            found.extend(field_rule(name, old, new))
    for set_rule in FIELD_SET_RULES:
        found.extend(set_rule(old, new, empty))
    return tuple(found)

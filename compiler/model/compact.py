"""The memory layout of a validated model's field values (issue 11: memory per resource).

pydantic gives each model instance a dict of its field values with its own key table
(184 bytes for two fields, 650 for twenty); the models of 10,000 resources held 13.5 MiB,
most of it those. `compact` turns the values into a dict that shares its key table with
every other model of the class: the same contents, the same objects, less memory.

`share` does both halves for a model after validation (or a copy): its fields-set
replaced by the one shared set of its content, its values by `compact`'s dict.

Empty containers are deliberately not shared between models: a frozen model still hands
out its lists and dicts, and one shared empty list appended to by mistake would change
every model at once. The memory that would save (about 1 MiB at 10,000 resources) is not
worth that risk.
"""

from __future__ import annotations

from typing import Any

_new = object.__new__


# Per model class, the plain class whose instances lend their key-sharing `__dict__`.
_HOLDERS: dict[type[Any], type] = {}


def compact(cls: type[Any], values: dict[str, Any]) -> dict[str, Any]:
    """`values` (the field values of a model of `cls`, in field order) as a dict equal
    to it that shares its key table with the other models of `cls` (CPython's split
    table, PEP 412: the `__dict__` of a fresh instance of a plain class shares the key
    table its class keeps and, filled in the same key order, holds only the values: 96
    bytes for two fields, 240 for twenty). Values in another key order, or more keys
    than CPython shares, give an ordinary dict: the memory differs, never the contents."""
    holder = _HOLDERS.get(cls)
    if holder is None:
        holder = _HOLDERS[cls] = type(f"{cls.__name__}Values", (), {"__slots__": ("__dict__",)})
    out: dict[str, Any] = _new(holder).__dict__
    for key, value in values.items():
        out[key] = value
    return out


# The shared fields-sets of the models given to `share`, one per content.
_FIELDS_SETS: dict[frozenset[str], set[str]] = {}
_set = object.__setattr__


def share(model: Any) -> None:
    """`model`'s fields-set (pydantic's `__pydantic_fields_set__`) replaced by the one
    shared set of its content, and its field values moved into `compact`'s dict. Only for
    frozen models: pydantic adds to the set only on assignment, which a frozen model
    refuses, and `model_copy` copies the set before it adds the updated names."""
    names = model.__pydantic_fields_set__
    shared = _FIELDS_SETS.setdefault(frozenset(names), names)
    if shared is not names:
        _set(model, "__pydantic_fields_set__", shared)
    _set(model, "__dict__", compact(type(model), model.__dict__))

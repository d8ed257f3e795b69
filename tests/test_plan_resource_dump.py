"""A desired resource's dump and its `existing` test, as the plan's short ways make them.

`resources.dump` leaves `for_each` out through pydantic's `exclude` (a field name) where it
used to drop the key from the by-alias dump: the same dict, key order included, as long as
no field is aliased `for_each` and `for_each` has no alias. `resources.existing` asks
`existing` only of the classes that have the field.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pydantic

import compiler.model  # noqa: F401  (every model class defined)
from compiler.model.routing import PublicGroup
from compiler.pipeline import compile_path
from compiler.plan.resources import dump, existing, model_at
from compiler.source import ParseCache

ROOT = Path(__file__).resolve().parent.parent


def _models() -> set[type[pydantic.BaseModel]]:
    seen: set[type[pydantic.BaseModel]] = set()
    todo: list[type[pydantic.BaseModel]] = [pydantic.BaseModel]
    while todo:
        for sub in todo.pop().__subclasses__():
            if sub not in seen:
                seen.add(sub)
                todo.append(sub)
    return {c for c in seen if c.__module__.startswith("compiler.model")}


def _names(field: Any) -> set[str]:
    aliases = (field.alias, field.serialization_alias, field.validation_alias)
    return {a for a in aliases if isinstance(a, str)}


def test_for_each_is_a_field_name_and_no_alias() -> None:
    models = _models()
    with_for_each = [c for c in models if "for_each" in c.model_fields]
    assert with_for_each  # Resource's field, inherited by every resource model
    for cls in models:
        for name, field in cls.model_fields.items():
            assert "for_each" not in _names(field) - {name}, (cls, name)
            if name == "for_each":
                assert not _names(field) - {"for_each"}, cls


def test_the_dump_is_the_by_alias_dump_without_for_each() -> None:
    comp = compile_path(ROOT / "ecosystem", None, cache=ParseCache(None))
    resolved = comp.resolved
    assert resolved is not None
    for address in sorted(resolved.addresses):
        model = model_at(resolved.ecosystem, tuple(resolved.addresses[address]))
        whole = model.model_dump(mode="json", by_alias=True)
        expected = {k: v for k, v in whole.items() if k != "for_each"}
        got = dump(model)
        assert got == expected, address
        assert list(got) == list(expected), address


def test_a_template_dump_drops_for_each_only_at_the_top() -> None:
    group = PublicGroup.model_validate(
        {"system": "crm", "for_each": ["bu_a"], "description": "for_each: kept in text"}
    )
    got = dump(group)
    assert "for_each" not in got
    assert got["description"] == "for_each: kept in text"
    whole = group.model_dump(mode="json", by_alias=True)
    assert got == {k: v for k, v in whole.items() if k != "for_each"}


class _Plain:
    """No pydantic model: asked for `existing` as it is."""

    def __init__(self, value: object) -> None:
        self.existing = value


class _Nothing:
    pass


def test_existing_is_asked_of_models_with_the_field_and_of_other_objects() -> None:
    assert existing(PublicGroup.model_validate({"system": "crm", "existing": True}))
    assert not existing(PublicGroup.model_validate({"system": "crm"}))
    assert not existing(PublicGroup.model_validate({"system": "crm", "existing": False}))
    assert existing(_Plain(True))
    assert not existing(_Plain(1))  # `is True`, as before
    assert not existing(_Plain(False))
    assert not existing(_Nothing())
    assert not existing({"existing": True})  # a mapping is no model of a resource


def test_a_model_without_the_field_is_not_asked() -> None:
    class Loud(pydantic.BaseModel):
        name: str = "x"

        def __getattr__(self, item: str) -> Any:
            raise AssertionError(f"asked for {item}")

    assert not existing(Loud())

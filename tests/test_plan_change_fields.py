"""A change's fields but its attributes, as the plan's digest and file take them.

`planfile._fields` reads a change's field values themselves instead of pydantic's
JSON-mode dump: the same dict as long as every field but `attributes` holds strings,
booleans, None or lists of strings (a JSON-mode dump gives those as they are). A field of
another type added to `Change` fails the first test, and must then be dumped."""

from __future__ import annotations

import types
from pathlib import Path
from typing import Any, Literal, Union, get_args, get_origin

from test_plan_support import in_own_folder, make_plan, workspace

from compiler.plan.definition import AttributeChange, Change
from compiler.plan.planfile import _fields, load_plan, plan_chunks, save_plan

__all__ = ["in_own_folder"]


def _as_it_is(annotation: Any) -> bool:
    """Whether a value of this type is its own JSON-mode dump (str, bool, None, a literal
    string, an optional of those or a list of them)."""
    if annotation in (str, bool, type(None)):
        return True
    origin = get_origin(annotation)
    if origin is Literal:
        return all(isinstance(a, str) for a in get_args(annotation))
    if origin in (Union, types.UnionType, list):
        return all(_as_it_is(a) for a in get_args(annotation))
    return False


def test_every_field_but_the_attributes_is_its_own_json_dump() -> None:
    fields = Change.model_fields
    assert "attributes" in fields
    for name, field in fields.items():
        if name != "attributes":
            assert _as_it_is(field.annotation), (name, field.annotation)
            assert field.alias is None and field.serialization_alias is None, name
    assert not _as_it_is(fields["attributes"].annotation)  # dataclasses: dumped apart
    assert not _as_it_is(int) and not _as_it_is(list[int]) and not _as_it_is(dict[str, str])


def _dumped(change: Change) -> dict[str, Any]:
    return change.model_dump(mode="json", exclude={"attributes"})


def test_the_fields_are_the_json_dump_of_every_kind_of_change() -> None:
    changes = [
        Change(address="queue.q", kind="queue", action="create"),
        Change(
            address="data_extension.d",
            kind="data_extension",
            action="replace",
            previous_address="data_extension.old",
            risks=["data_loss", "destroy"],
            reasons=["key changes"],
            notes=["every row is lost"],
            metadata_only=False,
            business_units=["bu"],
            dependencies=["system.mc"],
            attributes=[AttributeChange("key", "change", "a", "b", True)],
            before_digest="sha256:1",
            after_digest="sha256:2",
            sensitive=True,
            policies=["p"],
        ),
    ]
    changes.append(changes[1].model_copy(update={"policies": ["p", "q"]}))
    for change in changes:
        got = _fields(change)
        assert got == _dumped(change)
        assert "attributes" not in got


def test_the_fields_of_a_real_plan_and_of_a_plan_read_back(in_own_folder: Path) -> None:
    workspace()
    plan = make_plan()
    assert plan.changes
    for change in plan.changes:
        assert _fields(change) == _dumped(change), change.address
    path = Path("p.plan.json")
    save_plan(plan, path)
    loaded = load_plan(path)
    for change in loaded.changes:
        assert _fields(change) == _dumped(change), change.address
    assert b"".join(plan_chunks(loaded)) == path.read_bytes()

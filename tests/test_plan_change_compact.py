"""A plan's `Change`s share their fields-sets and key tables (issue 11: the 100k plan's
memory): the same contents, fields-sets and dumps as a change built without it."""

from __future__ import annotations

import sys
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from compiler.plan.definition import AttributeChange, Change

OPTIONAL: dict[str, Any] = {
    "previous_address": "data_extension.old",
    "risks": ["destroy"],
    "reasons": ["key changed"],
    "notes": ["a note"],
    "metadata_only": True,
    "business_units": ["bu1"],
    "dependencies": ["system.crm"],
    "attributes": [AttributeChange("name", "add", None, "x")],
    "before_digest": "b" * 64,
    "after_digest": "a" * 64,
    "sensitive": True,
    "policies": ["p1"],
}


def _change(names: frozenset[str], address: str = "data_extension.x") -> Change:
    given_ = {name: OPTIONAL[name] for name in sorted(names)}
    return Change(address=address, kind="data_extension", action="create", **given_)


def _values(names: frozenset[str], address: str = "data_extension.x") -> dict[str, Any]:
    """The field values a change given `names` holds, in field order: each default else."""
    given_ = {"address": address, "kind": "data_extension", "action": "create"}
    given_ |= {name: OPTIONAL[name] for name in names}
    return {
        name: given_[name] if name in given_ else field.get_default(call_default_factory=True)
        for name, field in Change.model_fields.items()
    }


@given(st.frozensets(st.sampled_from(sorted(OPTIONAL))))
def test_same_contents_fields_set_and_dump(names: frozenset[str]) -> None:
    made, values = _change(names), _values(names)
    assert made.model_fields_set == {"address", "kind", "action"} | names
    assert made.__dict__ == values
    assert list(made.__dict__) == list(Change.model_fields)
    assert made.model_dump(exclude_unset=True) == {
        k: v for k, v in made.model_dump().items() if k in made.model_fields_set
    }
    assert made == Change.model_validate(values)


def test_changes_given_the_same_fields_share_one_set() -> None:
    names = frozenset({"risks", "after_digest"})
    one, two = _change(names, "data_extension.a"), _change(names, "data_extension.b")
    assert one.__pydantic_fields_set__ is two.__pydantic_fields_set__
    other = _change(frozenset({"risks"}), "data_extension.c")
    assert other.__pydantic_fields_set__ is not one.__pydantic_fields_set__
    assert other.model_fields_set == {"address", "kind", "action", "risks"}


def test_values_share_the_key_table() -> None:
    names = frozenset(OPTIONAL) - {"policies"}
    made = _change(names)
    assert sys.getsizeof(made.__dict__) < sys.getsizeof(dict(made.__dict__))


def test_model_copy_leaves_the_shared_set_alone() -> None:
    names = frozenset({"risks"})
    one, two = _change(names, "data_extension.a"), _change(names, "data_extension.b")
    copied = one.model_copy(update={"policies": ["p1"]})
    assert copied.policies == ["p1"] and "policies" in copied.model_fields_set
    assert one.model_fields_set == two.model_fields_set == {"address", "kind", "action", "risks"}
    assert one.policies == [] and two.policies == []


def test_read_back_from_json() -> None:
    made = _change(frozenset(OPTIONAL))
    again = Change.model_validate_json(made.model_dump_json())
    assert again == made
    assert again.model_dump_json() == made.model_dump_json()


def test_copies_share_as_validated_changes_do() -> None:
    names = frozenset({"risks"})
    one, two = _change(names, "data_extension.a"), _change(names, "data_extension.b")
    first = one.model_copy(update={"policies": ["p1"]})
    second = two.model_copy(update={"policies": ["p2"]})
    assert first.__pydantic_fields_set__ is second.__pydantic_fields_set__
    assert first.model_fields_set == {"address", "kind", "action", "risks", "policies"}
    assert first.__dict__ == _values(names | {"policies"}, "data_extension.a")
    assert list(first.__dict__) == list(Change.model_fields)
    assert sys.getsizeof(first.__dict__) < sys.getsizeof(dict(first.__dict__))
    assert second.policies == ["p2"] and two.policies == []
    plain = one.model_copy()
    assert plain == one and plain.__pydantic_fields_set__ is one.__pydantic_fields_set__
    assert plain.risks is one.risks  # shallow unless asked
    deep = one.model_copy(deep=True)
    assert deep == one and deep.risks is not one.risks

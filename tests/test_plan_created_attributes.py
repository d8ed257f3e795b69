"""A create's attributes made slot by slot (`changes._added`) are the attributes the
`AttributeChange` constructor makes: same fields, same order, equal and alike in every
way the plan reads or writes them (Hypothesis over attribute maps, metadata keys among
them)."""

from __future__ import annotations

import dataclasses
from typing import Any

import orjson
from hypothesis import given
from hypothesis import strategies as st

from compiler.plan.changes import _added, _metadata, change_for_desired
from compiler.plan.definition import AttributeChange, Change
from compiler.plan.resources import METADATA_KEYS, DesiredResource

VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**63), 2**63 - 1) | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner, max_size=3)
    ),
    max_leaves=8,
)
KEYS = st.sampled_from(sorted(METADATA_KEYS)) | st.text(max_size=12)


def constructed(attrs: dict[str, Any]) -> list[AttributeChange]:
    return [
        AttributeChange(key, "add", None, attrs[key], False, _metadata(key))
        for key in sorted(attrs)
    ]


@given(st.dictionaries(KEYS, VALUES, max_size=12))
def test_added_attributes_are_the_constructors(attrs: dict[str, Any]) -> None:
    made, expected = _added(attrs), constructed(attrs)
    assert made == expected
    for one, other in zip(made, expected, strict=True):
        assert type(one) is AttributeChange
        assert dataclasses.astuple(one) == dataclasses.astuple(other)
        assert one.after is attrs[one.path]  # the value itself, not a copy
        assert orjson.dumps(one) == orjson.dumps(other)
        assert repr(one) == repr(other)


def test_an_added_attribute_stays_frozen() -> None:
    (added,) = _added({"description": "x"})
    assert added.metadata is True and added.forces_replacement is False
    try:
        added.path = "other"  # type: ignore[misc]
    except dataclasses.FrozenInstanceError:
        pass
    else:
        raise AssertionError("an added attribute could be assigned")


@given(st.dictionaries(KEYS, VALUES, max_size=8))
def test_a_create_dumps_as_with_constructed_attributes(attrs: dict[str, Any]) -> None:
    res = DesiredResource(address="data_extension.x", kind="data_extension", attributes=attrs)
    change = change_for_desired(res, None, res.address, False)
    assert change is not None and change.action == "create"
    rebuilt = Change.model_validate({**change.model_dump(), "attributes": constructed(attrs)})
    assert change.model_dump(mode="json") == rebuilt.model_dump(mode="json")
    assert change == rebuilt

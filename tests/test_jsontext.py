"""compiler.emit.jsontext writes what `json.dumps(value, indent=N, ensure_ascii=False)`
writes, byte for byte, on arbitrary JSON values (Hypothesis) and on each case orjson
formats its own way or refuses (the standard library then writes it)."""

from __future__ import annotations

import json
import math
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from compiler.emit.jsontext import indented


def reference(value: Any, indent: int) -> bytes:
    return (json.dumps(value, indent=indent, ensure_ascii=False) + "\n").encode("utf-8")


SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(),
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=6), inner, max_size=4)
    ),
    max_leaves=30,
)


@settings(max_examples=400, deadline=None)
@given(VALUES, st.sampled_from([2, 4]))
def test_arbitrary_values_are_written_as_the_standard_library_writes_them(
    value: Any, indent: int
) -> None:
    assert indented(value, indent) == reference(value, indent)


@pytest.mark.parametrize(
    "value",
    [
        {"small": 1e-05},
        {"nan": math.nan, "inf": [math.inf, -math.inf]},
        {"big": 2**64},
        {1: "int key"},
        {"control": '\x00\x1f\u2028 é 名 "q" \\ / \n\t'},
        {"indented text": "  leading\n    spaces"},
        {"empty": [{}, [], ""]},
        [],
        {},
        "plain",
        {"nested": {"a": [1, [2, [3, {"b": None}]]]}},
    ],
    ids=repr,
)
@pytest.mark.parametrize("indent", [2, 4])
def test_the_cases_orjson_writes_its_own_way(value: Any, indent: int) -> None:
    assert indented(value, indent) == reference(value, indent)


def test_another_indent_is_the_standard_library_s() -> None:
    assert indented({"a": [1]}, 3) == reference({"a": [1]}, 3)


def test_a_value_json_cannot_write_fails_as_it_does() -> None:
    with pytest.raises(TypeError):
        indented({"a": object()}, 4)

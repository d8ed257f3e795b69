"""pretty_json writes exactly what json.dumps(indent=2, sort_keys=True, ensure_ascii=False)
writes, whichever encoder it takes (orjson when its tokens match, else the standard one)."""

from __future__ import annotations

import json
import math
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from compiler.plan.canonical import canonical_json, pretty_json


def reference(value: Any) -> str:
    return json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


scalars = (
    st.none()
    | st.booleans()
    | st.integers()  # beyond 64 bits orjson refuses: the standard encoder writes them
    | st.floats()  # NaN, infinities, 1e-05: orjson writes them its own way
    | st.text()  # control characters, quotes, backslashes, U+2028, astral planes
)
values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=30,
)


@settings(max_examples=400, deadline=None)
@given(values)
def test_pretty_json_is_the_standard_librarys_output(value: Any) -> None:
    assert pretty_json(value) == reference(value)


def test_the_cases_orjson_writes_differently_fall_back() -> None:
    # each of these differs between the two encoders' own formatting
    for value in (1e-05, [math.nan], {"x": math.inf}, 2**64, {"a": 0.00012}):
        assert pretty_json(value) == reference(value)
    assert pretty_json({"b": [], "a": {}, "c": [1, {"d": None}]}) == (
        '{\n  "a": {},\n  "b": [],\n  "c": [\n    1,\n    {\n      "d": null\n    }\n  ]\n}\n'
    )


def test_non_string_keys_are_written_as_the_standard_library_does() -> None:
    assert pretty_json({2: "two", 1: "one"}) == reference({2: "two", 1: "one"})


def test_canonical_json_is_compact_and_sorted() -> None:
    assert canonical_json({"b": 1, "a": [1, "é"]}) == '{"a":[1,"é"],"b":1}'

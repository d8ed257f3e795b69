"""The plan file is written a change at a time, and its bytes are exactly what
`pretty_json` writes for the whole document (orjson's when the plan's own values encode
canonically, else the standard library's)."""

from __future__ import annotations

import io
import math
import subprocess
import sys
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from test_plan_digest import plan_of, values
from test_plan_support import in_own_folder, make_plan, workspace

from compiler.plan.canonical import pretty_json
from compiler.plan.definition import Plan
from compiler.plan.planfile import (
    load_plan,
    plan_chunks,
    plan_document,
    plan_json,
    save_plan,
    seal,
    write_plan_json,
)

__all__ = ["in_own_folder"]


def whole(plan: Plan) -> bytes:
    return pretty_json(plan_document(plan)).encode("utf-8")


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(values, values), max_size=4))
def test_the_chunks_are_the_whole_documents_pretty_json(pairs: list[tuple[Any, Any]]) -> None:
    plan = seal(plan_of(pairs))
    assert b"".join(plan_chunks(plan)) == whole(plan)


def test_floats_orjson_writes_its_own_way_take_the_standard_library() -> None:
    for pairs in ([(1e-05, 0.00012)], [(math.nan, None)], [(2**70, 1)], []):
        plan = seal(plan_of(pairs))
        assert b"".join(plan_chunks(plan)) == whole(plan)
    assert b'"after": 0.00012' in b"".join(plan_chunks(seal(plan_of([(1e-05, 0.00012)]))))


def test_an_unsealed_plan_is_written_whole() -> None:
    plan = plan_of([({"a": [1, 2]}, "x")])  # digest "": no fast path
    assert list(plan_chunks(plan)) == [whole(plan)]


def test_a_real_plan_streamed_saved_and_read_back() -> None:
    workspace()
    plan = make_plan()
    assert len(list(plan_chunks(plan))) > len(plan.changes)  # streamed, not one blob
    out = io.BytesIO()
    write_plan_json(plan, out)
    assert out.getvalue() == whole(plan) == plan_json(plan).encode("utf-8")
    save_plan(plan, Path("p.plan.json"))
    assert Path("p.plan.json").read_bytes() == whole(plan)
    assert load_plan(Path("p.plan.json")) == plan


def test_engage_plan_format_json_prints_the_plan_file() -> None:
    root = workspace()
    run = subprocess.run(
        [sys.executable, "-m", "compiler.cli", "plan", str(root), "--format", "json"],
        capture_output=True,
        check=False,
        env={"NO_COLOR": "1", "ENGAGE_NO_CACHE": "1", "PATH": "/usr/bin:/bin"},
    )
    assert run.returncode == 2, run.stderr
    Path("printed.plan.json").write_bytes(run.stdout)
    assert whole(load_plan(Path("printed.plan.json"))) == run.stdout

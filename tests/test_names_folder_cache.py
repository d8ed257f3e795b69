"""`relpath_problem` checks a file's folder once for all its files and its name on its own:
the answers are those of checking every segment in order (the first refused one), for
files sharing a folder, in any order, and whatever the segment cache holds."""

from __future__ import annotations

import pytest

from compiler.emit import names
from compiler.emit.names import path_component_problem, relpath_problem


def _every_segment(path: str) -> str | None:
    parts = path.split("/")
    for i, part in enumerate(parts):
        if i == len(parts) - 1 and part in names.TOOL_FILES:
            continue
        problem = path_component_problem(part)
        if problem is not None:
            return f"segment {part!r} {problem}"
    return None


PATHS = [
    "deploy/mc/bu/query/a.query-meta.sql",
    "deploy/mc/bu/query/b.query-meta.sql",
    "deploy/mc/bu/query/.hidden",
    "deploy/mc/bu/query/CON.sql",
    "deploy/mc/bu/query/",
    "deploy/../bu/query/a.sql",
    "deploy/mc/CON/a.sql",
    "deploy/mc/CON/b.sql",
    "deploy/.mcdevrc.json/x",
    ".mcdevrc.json",
    "x/.mcdevrc.json",
    "plain",
    "a//b",
]


@pytest.mark.parametrize("order", [PATHS, PATHS[::-1]], ids=["forward", "backward"])
def test_each_path_is_judged_as_its_segments_in_order(order: list[str]) -> None:
    names._folder_problem.cache_clear()
    path_component_problem.cache_clear()
    for path in order:
        assert relpath_problem(path) == _every_segment(path), path


def test_a_refused_folder_is_reported_before_the_file_name() -> None:
    assert relpath_problem("a/CON/.x") == _every_segment("a/CON/.x")
    assert relpath_problem("a/CON/.x") is not None
    assert "'CON'" in (relpath_problem("a/CON/.x") or "")

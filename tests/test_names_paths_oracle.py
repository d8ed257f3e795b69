"""`relpath_problem`'s fast paths (a regular expression and `str.isprintable` before the
per-character scan, a cache per segment, `/` for absolute) against the per-character
definition they replace, on crafted and Hypothesis-drawn paths."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from compiler.emit.names import (
    _FORBIDDEN_IN_COMPONENT,
    _RESERVED,
    MAX_COMPONENT,
    MAX_PATH,
    TOOL_FILES,
    path_component_problem,
    relpath_problem,
)


def _component(component: str) -> str | None:
    if not component or component in (".", ".."):
        return "is empty or a relative folder reference"
    if len(component) > MAX_COMPONENT:
        return f"is longer than {MAX_COMPONENT} characters"
    if component.startswith(".") or component.endswith((".", " ")):
        return "starts with a dot or ends with a dot or space"
    bad = sorted({c for c in component if c in _FORBIDDEN_IN_COMPONENT or not c.isprintable()})
    if bad:
        return f"contains characters not allowed in file names: {''.join(map(repr, bad))}"
    if component.split(".")[0].upper() in _RESERVED:
        return "is a name Windows reserves for devices"
    return None


def _relpath(path: str) -> str | None:
    from pathlib import PurePosixPath

    if not path or len(path) > MAX_PATH:
        return "is empty or too long"
    if path.startswith("/") or "\\" in path or PurePosixPath(path).is_absolute():
        return "is not a relative POSIX path"
    parts = path.split("/")
    for i, part in enumerate(parts):
        if i == len(parts) - 1 and part in TOOL_FILES:
            continue
        problem = _component(part)
        if problem is not None:
            return f"segment {part!r} {problem}"
    return None


CRAFTED = [
    "",
    "/etc/passwd",
    "//server/share",
    "a\\b",
    "a/../b",
    "a/./b",
    "a//b",
    "mc/bu_0/query.sql",
    "mc/.mcdevrc.json",
    ".mcdevrc.json/x",
    "mc/CON.txt",
    "mc/lpt9",
    "mc/com1.json",
    "a/b:c",
    'a/b"c',
    "a/b<c>|?*",
    "a/tab\there",
    "a/nl\nx",
    "a/\u200bzero-width",
    "a/\u00e9t\u00e9",
    "a/e\u0301",
    "a/trailing.",
    "a/trailing ",
    "a/" + "x" * 200,
    "a/" + "x" * 201,
    "x/" * 499 + "y",
    "x/" * 501,
]


def test_crafted_paths_get_the_definitions_answer() -> None:
    for path in CRAFTED:
        assert relpath_problem(path) == _relpath(path), path
        for part in path.split("/"):
            assert path_component_problem(part) == _component(part), part


def test_each_kind_of_problem_is_found() -> None:
    assert relpath_problem("/abs") == "is not a relative POSIX path"
    assert (
        relpath_problem("a/b\x00")
        == "segment 'b\\x00' contains characters not allowed in file names: '\\x00'"
    )
    assert (
        relpath_problem("a/b:*")
        == "segment 'b:*' contains characters not allowed in file names: '*'':'"
    )
    assert (
        relpath_problem("a/aux.json") == "segment 'aux.json' is a name Windows reserves for devices"
    )
    assert relpath_problem("mc/bu_0/query.sql") is None


_ALPHABET = st.sampled_from(list('aZ09_-. /\\:*?"<>|\t\n\x00\x7f\u00e9\u0301\u200b\u2028CONLPT1'))


@settings(max_examples=600, deadline=None)
@given(st.text(_ALPHABET, max_size=40))
def test_drawn_paths_get_the_definitions_answer(path: str) -> None:
    assert relpath_problem(path) == _relpath(path)

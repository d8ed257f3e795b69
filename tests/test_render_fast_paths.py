"""The findings renderers' fast paths write what the slow paths they replace wrote.

`compiler.render.jsonout.dumps_indented` (orjson when its bytes are the standard
library's) against `json.dumps(value, indent=2) + "\\n"` on any JSON value Hypothesis
makes (non-ASCII, DEL and control characters, lone surrogates, floats orjson writes its own
way, integers beyond 64 bits, keys that are not strings) and on the real findings
documents; `repo_paths.repo_relative` (memoized per working directory and file) against
the uncached computation, in a repository, in a subfolder, outside one and after a change
of working directory.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from compiler.render import repo_paths
from compiler.render.findings_json import findings_document, render_json
from compiler.render.jsonout import _fast, dumps_indented
from compiler.render.sarif import render_sarif, sarif_document
from compiler.rules.check import check_path

ROOT = Path(__file__).resolve().parent.parent


def _reference(value: Any) -> str:
    return json.dumps(value, indent=2) + "\n"


_ASCII = st.text(st.characters(min_codepoint=0, max_codepoint=127))
_ANY = st.text(st.characters(blacklist_categories=()) | st.sampled_from("\x7f\x00\té€😀"))
_TEXT = _ASCII | _ANY
_SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=True, allow_infinity=True)
    | _TEXT
)
_VALUES = st.recursive(
    _SCALARS,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(_TEXT, inner, max_size=4)
        | st.dictionaries(st.integers(0, 3), inner, min_size=1, max_size=2)
    ),
    max_leaves=20,
)


@settings(max_examples=300, deadline=None)
@given(_VALUES)
def test_any_value_is_written_as_json_dumps_writes_it(value: Any) -> None:
    assert dumps_indented(value) == _reference(value)


@pytest.mark.parametrize(
    "value",
    [
        {"a": [1, 2, {"b": []}], "c": {}, "d": None, "e": True, "f": 'x\ty\n"z\\'},
        [],
        {},
        "plain",
        0,
        [[], [{}], {"k": [[]]}],
    ],
)
def test_ascii_values_take_the_fast_path(value: Any) -> None:
    assert _fast(value) is not None
    assert dumps_indented(value) == _reference(value)


@pytest.mark.parametrize(
    "value",
    [
        "é",  # json.dumps escapes non-ASCII, orjson writes it as it is
        "\x7f",  # DEL: escaped by json.dumps only
        1e-7,  # orjson writes small floats its own way
        float("nan"),
        2**64,  # beyond orjson's integers
        {1: "a"},  # a key that is not a string
        "\ud800",  # a lone surrogate orjson refuses
    ],
)
def test_what_orjson_writes_otherwise_goes_to_the_standard_library(value: Any) -> None:
    assert _fast(value) is None
    assert dumps_indented(value) == _reference(value)


@pytest.fixture(scope="module")
def checked() -> Any:
    result = check_path(ROOT / "tests" / "fixtures" / "sarif")
    assert result.findings
    return result


def test_the_findings_documents_as_before(checked: Any) -> None:
    findings = checked.findings
    document = findings_document(findings, analyzed=True, environment=None)
    assert render_json(findings, analyzed=True, environment=None) == _reference(document)
    sarif = sarif_document(findings, default_file="x.yaml")
    assert render_sarif(findings, default_file="x.yaml") == _reference(sarif)
    assert _fast(document) is not None and _fast(sarif) is not None


def _relative_before(file: str) -> str:
    """repo_relative before its memo."""
    path = Path(file)
    absolute = path if path.is_absolute() else Path.cwd().resolve() / path
    try:
        return Path(os.path.normpath(absolute)).relative_to(repo_paths.repo_root()).as_posix()
    except ValueError:
        return file.replace("\\", "/")


_FILES = [
    "eco/a.yaml",
    "a.yaml",
    "./eco/../b.yaml",
    "../outside.yaml",
    "../../far/away.yaml",
    "sub\\win.yaml",
    "/absolute/elsewhere.yaml",
]


def test_repo_relative_as_before(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    (repo / "infra" / "eco").mkdir(parents=True)
    outside = tmp_path / "plain"
    outside.mkdir()
    files = [*_FILES, str(repo / "infra" / "eco" / "a.yaml"), str(tmp_path / "x.yaml")]
    for cwd in (repo, repo / "infra", repo / "infra" / "eco", outside, repo / "infra"):
        monkeypatch.chdir(cwd)
        for _ in range(2):  # first call, then from the memo
            for file in files:
                assert repo_paths.repo_relative(file) == _relative_before(file), (cwd, file)
    monkeypatch.chdir(repo / "infra")
    assert repo_paths.repo_relative("eco/a.yaml") == "infra/eco/a.yaml"
    monkeypatch.chdir(outside)
    assert repo_paths.repo_relative("eco/a.yaml") == "eco/a.yaml"

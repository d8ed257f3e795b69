"""The documents' values are dropped once every compilation is made (`SourceSet.release`,
issue 11: memory); what later stages read of them stays (`Document.environment`,
`Document.includes`), and nothing can be compiled from released sources."""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import pytest

from compiler.overlay_causes import overlay_files
from compiler.pipeline import compile_environments, compile_source, load_sources
from compiler.rules.check import check_path, check_source
from compiler.source import Document, ParseCache, load
from compiler.yamlparse import SpanNode

ROOT = Path(__file__).parent.parent
RULES = ROOT / "tests" / "fixtures" / "rules"
DOCUMENTS = ROOT / "tests" / "fixtures" / "language" / "documents" / "valid.yaml"


def _doc(value: object) -> Document:
    return Document("f.yaml", 0, value, SpanNode("f.yaml", 1, 1, 1, 1))


@pytest.mark.parametrize(
    ("value", "environment", "includes"),
    [
        ({"apiVersion": "engage/v1", "environment": "production"}, "production", False),
        ({"environment": 3, "include": "a.yaml"}, None, True),  # not a name: no overlay's
        ({"include": ["a.yaml"]}, None, True),
        ({"systems": {}}, None, False),
        (["environment", "include"], None, False),  # not a mapping
        ("include", None, False),
        (None, None, False),
    ],
)
def test_what_a_document_keeps_of_its_value(
    value: object, environment: str | None, includes: bool
) -> None:
    doc = _doc(value)
    assert (doc.environment, doc.includes) == (environment, includes)


def test_release_drops_the_values_and_keeps_the_rest(tmp_path: Path) -> None:
    eco = tmp_path / "eco"
    shutil.copytree(ROOT / "ecosystem", eco)
    source = load_sources(eco)
    kept = [(d.file, d.index, d.spans, d.environment, d.includes) for d in source.documents]
    assert {d.environment for d in source.documents} == {None, "production", "sandbox"}
    assert any(d.value is not None for d in source.documents) and not source.released
    files = overlay_files(source, "production")
    source.release()
    assert source.released and all(d.value is None for d in source.documents)
    assert [(d.file, d.index, d.spans, d.environment, d.includes) for d in source.documents] == (
        kept
    )
    assert overlay_files(source, "production") == files != frozenset()
    with pytest.raises(ValueError, match="released"):
        compile_source(source, None)
    with pytest.raises(ValueError, match="released"):
        compile_environments(source, None)


def test_includes_is_read_from_the_document() -> None:
    docs = load(DOCUMENTS, cache=ParseCache(None)).documents
    flags = [d.includes for d in docs if d.file.endswith("valid.yaml")]
    assert flags[:3] == [False, True, True]


def test_release_leaves_the_parse_cache_whole(tmp_path: Path) -> None:
    eco = tmp_path / "eco"
    shutil.copytree(ROOT / "ecosystem", eco)
    cache = ParseCache(None)
    first = load_sources(eco, cache=cache)
    values = [d.value for d in first.documents]
    first.release()
    again = load_sources(eco, cache=cache)  # served from the memory cache
    assert [d.value for d in again.documents] == values


def _case(tmp_path: Path, case: str) -> Path:
    eco = tmp_path / case
    shutil.copytree(RULES / "_base", eco)
    shutil.copytree(RULES / case, eco, dirs_exist_ok=True)
    return eco


@pytest.mark.parametrize("environment", [None, "production"])
def test_check_path_releases_and_finds_what_check_source_finds(
    tmp_path: Path, environment: str | None
) -> None:
    eco = _case(tmp_path, "e6004_overlay_fires")
    kept = load_sources(eco)
    expected = check_source(kept, environment)
    assert not kept.released  # check_source leaves the caller's sources alone
    result = check_path(eco, environment)
    assert result.findings == expected.findings and result.analyzed
    assert any(f.code == "E6004" for f in result.findings)
    source = result.compilation.source
    # with --env and overlays the base is compiled after the environment's rules: kept
    assert source.released is (environment is None)
    assert all(d.value is None for d in source.documents) is (environment is None)


def test_check_path_with_an_environment_without_overlays_releases(tmp_path: Path) -> None:
    eco = _case(tmp_path, "e6004_overlay_fires")
    (eco / "zz_production.yaml").unlink()
    result = check_path(eco, "production")
    assert result.analyzed and result.compilation.source.released


def test_a_used_suppression_is_not_reported_unused_and_the_result_is_frozen(
    tmp_path: Path,
) -> None:
    result = check_path(_case(tmp_path, "suppressions"))
    assert [f.code for f in result.findings if f.suppressed is not None] == ["W9001"]
    unused = [f.message for f in result.findings if f.code == "W9902"]
    assert len(unused) == 1 and "W4001" in unused[0]  # not the suppression W9001 used
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.analyzed = False  # type: ignore[misc]

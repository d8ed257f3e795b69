"""The parse cache: parsed files by content hash, in memory and under ENGAGE_CACHE_DIR.

No mocks: a hit is proven by planting a recognisable value in the cache file on disk and
seeing it come back; a miss by seeing the new content come back.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from conftest import RunEngage, WriteEco, where

from compiler.pipeline import compile_path
from compiler.source import ParseCache, load

MINI = "apiVersion: engage/v1\necosystem: {name: cached}\n"


def cache_files(tmp_path: Path) -> list[Path]:
    return sorted((tmp_path / ".cache" / "yaml").glob("*/*.json"))


def plant(entry: Path, name: str) -> None:
    """Rewrite a cache entry so that its ecosystem is called `name`."""
    raw = json.loads(entry.read_text())
    raw["docs"][0][0]["ecosystem"]["name"] = name
    entry.write_text(json.dumps(raw))


def names(root: Path) -> str:
    (doc,) = load(root, cache=ParseCache.default()).documents
    return str(doc.value["ecosystem"]["name"])


def test_unchanged_content_is_read_from_the_cache(write_eco: WriteEco, tmp_path: Path) -> None:
    root = write_eco({"main.yaml": MINI})
    assert names(root) == "cached"
    (entry,) = cache_files(tmp_path)
    plant(entry, "from the cache")
    assert names(root) == "from the cache"  # a new ParseCache: the disk entry was used


def test_changed_content_misses(write_eco: WriteEco, tmp_path: Path) -> None:
    root = write_eco({"main.yaml": MINI})
    names(root)
    (entry,) = cache_files(tmp_path)
    plant(entry, "stale")
    (root / "main.yaml").write_text(MINI.replace("cached", "changed"))
    assert names(root) == "changed"
    assert len(cache_files(tmp_path)) == 2


def test_the_same_content_in_two_files_keeps_each_file_name(
    write_eco: WriteEco, tmp_path: Path
) -> None:
    broken = "apiVersion: engage/v1\nsystems:\n  crm: {type: salesforce}\n"
    root = write_eco({"main.yaml": MINI, "a.yaml": broken, "b/a.yaml": broken})
    for _ in range(2):  # cold, then warm
        comp = compile_path(root, cache=ParseCache.default())
        assert [where(f) for f in comp.findings] == [
            ("E1003", "eco/a.yaml", 3, 8),
            ("E2001", "eco/b/a.yaml", 3, 3),
        ]
    assert len(cache_files(tmp_path)) == 2


def test_a_corrupted_cache_file_is_a_miss(write_eco: WriteEco, tmp_path: Path) -> None:
    root = write_eco({"main.yaml": MINI})
    names(root)
    (entry,) = cache_files(tmp_path)
    key = entry.stem
    damaged = [
        "{not json",
        "[]",
        "\x00\xff",
        "",
        json.dumps({"key": key, "docs": [[1]]}),
        json.dumps({"key": key, "docs": [[{}, [1, 2]]]}),  # a span tree of the wrong shape
        json.dumps({"key": key, "docs": [[{}, [1, 1, 1, 1, 0, 0, {"a": 3}]]]}),
        '{"key": "another", "docs": []}',  # an entry for other content
    ]
    for garbage in damaged:
        entry.write_text(garbage, encoding="latin-1")
        assert names(root) == "cached", garbage
        assert compile_path(root, cache=ParseCache.default()).ok


def test_an_unwritable_cache_folder_does_not_fail_the_run(
    write_eco: WriteEco, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, engage: RunEngage
) -> None:
    root = write_eco({"main.yaml": MINI})
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder should be")
    monkeypatch.setenv("ENGAGE_CACHE_DIR", str(blocker / "cache"))
    assert names(root) == "cached"
    assert engage("validate", str(root)).code == 0


def test_a_read_only_cache_folder_does_not_fail_the_run(
    write_eco: WriteEco, tmp_path: Path, engage: RunEngage
) -> None:
    if os.geteuid() == 0:
        pytest.skip("root writes into read-only folders")
    root = write_eco({"main.yaml": MINI})
    cache = tmp_path / ".cache"
    cache.mkdir()
    cache.chmod(0o500)
    try:
        assert names(root) == "cached"
        assert engage("validate", str(root)).code == 0
        assert cache_files(tmp_path) == []
    finally:
        cache.chmod(0o700)


def test_engage_no_cache_writes_nothing(
    write_eco: WriteEco, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = write_eco({"main.yaml": MINI})
    monkeypatch.setenv("ENGAGE_NO_CACHE", "1")
    assert names(root) == "cached"
    assert cache_files(tmp_path) == []


def test_files_with_problems_are_not_cached(write_eco: WriteEco, tmp_path: Path) -> None:
    root = write_eco({"main.yaml": MINI, "bad.yaml": "a: [\n"})
    comp = compile_path(root, cache=ParseCache.default())
    assert [f.code for f in comp.findings] == ["E0001"]
    assert len(cache_files(tmp_path)) == 1


def test_the_memory_cache_serves_a_second_load(write_eco: WriteEco) -> None:
    root = write_eco({"main.yaml": MINI})
    cache = ParseCache(None)
    first = load(root, cache=cache)
    assert len(cache.memory) == 1
    second = load(root, cache=cache)
    assert first.digest == second.digest
    assert [d.value for d in first.documents] == [d.value for d in second.documents]


SECRET = (
    "apiVersion: engage/v1\necosystem: {name: cached}\nsystems:\n"
    "  crm:\n    type: salesforce\n    description: 'password=Sup3r-s3cret-Pw'\n"
)


def secrets_of(root: Path) -> list[tuple[str, str, int, int]]:
    return [where(f) for f in compile_path(root).findings if f.code == "E8020"]


def test_the_secrets_scan_is_kept_with_the_parsed_content(
    write_eco: WriteEco, tmp_path: Path
) -> None:
    """E8020 from the cache is E8020 as a cold run finds it; the cache entry holds the
    verdict, and a planted verdict comes back (the warm run did not scan again)."""
    root = write_eco({"main.yaml": SECRET})
    cold = secrets_of(root)
    assert cold == [("E8020", "eco/main.yaml", 6, 18)]
    assert secrets_of(root) == cold  # read from the cache
    (entry,) = cache_files(tmp_path)
    raw = json.loads(entry.read_text())
    judged = [[["systems", "crm", "description"], "a password, token or key written inline"]]
    assert raw["docs"][0][3] == judged
    raw["docs"][0][3] = [[["ecosystem", "name"], "a planted verdict"]]
    entry.write_text(json.dumps(raw))
    planted = [f for f in compile_path(root).findings if f.code == "E8020"]
    assert [(where(f), "planted" in f.message) for f in planted] == [
        (("E8020", "eco/main.yaml", 2, 19), True)
    ]


def test_a_file_without_secrets_keeps_an_empty_verdict(write_eco: WriteEco, tmp_path: Path) -> None:
    root = write_eco({"main.yaml": MINI})
    assert secrets_of(root) == []
    (entry,) = cache_files(tmp_path)
    assert json.loads(entry.read_text())["docs"][0][3] == []


def test_a_secret_in_two_files_of_the_same_content_is_named_in_each(
    write_eco: WriteEco, tmp_path: Path
) -> None:
    other = SECRET.replace("name: cached", "name: other").replace("crm:", "crm2:")
    root = write_eco({"main.yaml": SECRET, "a.yaml": other, "b/a.yaml": other})
    cold = secrets_of(root)
    assert [w[1] for w in cold] == ["eco/a.yaml", "eco/b/a.yaml", "eco/main.yaml"]
    assert secrets_of(root) == cold


def test_an_entry_of_the_older_shape_is_a_miss(write_eco: WriteEco, tmp_path: Path) -> None:
    """An entry without the count and the verdicts ([value, spans]) is parsed again."""
    root = write_eco({"main.yaml": SECRET})
    cold = secrets_of(root)
    (entry,) = cache_files(tmp_path)
    raw = json.loads(entry.read_text())
    raw["docs"] = [d[:2] for d in raw["docs"]]
    entry.write_text(json.dumps(raw))
    assert secrets_of(root) == cold
    assert len(json.loads(entry.read_text())["docs"][0]) == 4  # rewritten whole


BIG_INTEGERS = (
    "apiVersion: engage/v1\necosystem: {name: cached}\n"
    "big: [1180591620717411303424, -9223372036854775809, 18446744073709551615, "
    "-9223372036854775808]\n"
)
ODD_FLOATS = (
    "apiVersion: engage/v1\necosystem: {name: cached}\nodd: [.nan, .inf, -.inf, 0.1, 1e-7]\n"
)


def values_of(root: Path) -> str:
    (doc,) = load(root, cache=ParseCache.default()).documents
    return repr(doc.value)  # repr: nan is not equal to itself, and 1.0 == 1


@pytest.mark.parametrize(
    ("text", "orjson_safe"),
    [(MINI, True), (BIG_INTEGERS, False), (ODD_FLOATS, True)],
    ids=["plain", "integers-beyond-64-bits", "nan-and-infinities"],
)
def test_an_entry_reads_back_exactly_what_was_parsed(
    write_eco: WriteEco, tmp_path: Path, text: str, orjson_safe: bool
) -> None:
    """Entries are read with orjson where it reads them exactly: an integer beyond 64
    bits (which orjson would read as a float without a word) marks its entry for
    json.loads; NaN and infinities, which orjson refuses, fall back on json.loads."""
    root = write_eco({"main.yaml": text})
    parsed = values_of(root)  # parsed, and the entry written
    (entry,) = cache_files(tmp_path)
    assert json.loads(entry.read_text())["orjson"] is orjson_safe
    plant(entry, "from the cache")  # proves the second read is the entry's
    assert values_of(root) == parsed.replace("'cached'", "'from the cache'")
    assert "e+" not in values_of(root)  # no integer came back as a float

"""The loader's limits on the whole ecosystem (resources, values in all files) and on one
file (values, aliases expanded), each with its own finding, and the memory they bound.

The memory tests run `engage validate` in a child process and read its own peak RSS
(VmHWM; see test_loader_untrusted_files): hostile inputs under the file size limit stay
well under 1 GB.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import RunEngage, WriteEco, where
from test_loader_untrusted_files import _MEASURED, peak_kib

from compiler.source import ParseCache, load
from compiler.yamlparse import Limits

MINI = "apiVersion: engage/v1\necosystem: {name: mini}\n"
GIB_KIB = 1024 * 1024


def _des(names: list[str]) -> str:
    return "data_extensions:\n" + "".join(f"  {n}: {{business_unit: bu}}\n" for n in names)


def findings(root: Path, limits: Limits) -> list[tuple[str, str, int, int]]:
    return [where(f) for f in load(root, limits, ParseCache(None)).findings]


# ------------------------------------------------------------------ resources (E0008)
def test_resources_up_to_the_limit_load_and_one_more_is_refused(write_eco: WriteEco) -> None:
    root = write_eco({"main.yaml": MINI, "des.yaml": _des(["a", "b", "c"])})
    assert findings(root, Limits(max_resources=3)) == []
    refused = load(root, Limits(max_resources=2), ParseCache(None))
    assert [where(f) for f in refused.findings] == [("E0008", "eco/des.yaml", 1, 1)]
    assert "more than 2 resources (max_resources)" in refused.findings[0].message
    assert refused.documents == ()  # nothing is compiled past the limit


def test_resources_are_counted_across_files_and_sections(write_eco: WriteEco) -> None:
    root = write_eco(
        {
            "a.yaml": MINI + _des(["a", "b"]),
            "b.yaml": "apiVersion: engage/v1\nsystems:\n  crm: {}\n  mc: {}\n",
        }
    )
    assert findings(root, Limits(max_resources=4)) == []
    assert findings(root, Limits(max_resources=3)) == [("E0008", "eco/b.yaml", 2, 1)]


def test_an_overlay_redeclaring_a_resource_does_not_count_it_twice(write_eco: WriteEco) -> None:
    root = write_eco(
        {
            "main.yaml": MINI + _des(["a", "b"]),
            "prod.yaml": "apiVersion: engage/v1\nenvironment: prod\n" + _des(["a"]),
        }
    )
    assert findings(root, Limits(max_resources=2)) == []


def test_for_each_instances_count_against_the_limit(write_eco: WriteEco) -> None:
    units = "business_units:\n  a: {}\n  b: {}\n  c: {}\n"
    listed = "data_extensions:\n  d: {for_each: [a, b, c]}\n"
    every = "data_extensions:\n  e: {for_each: '*'}\n"
    root = write_eco({"main.yaml": MINI + units, "x.yaml": "apiVersion: engage/v1\n" + listed})
    assert findings(root, Limits(max_resources=6)) == []  # 3 units + 3 instances
    assert findings(root, Limits(max_resources=5)) == [("E0008", "eco/x.yaml", 2, 1)]
    (root / "y.yaml").write_text("apiVersion: engage/v1\n" + every, encoding="utf-8")
    assert findings(root, Limits(max_resources=9)) == []  # and 3 more for '*'
    assert findings(root, Limits(max_resources=8)) == [("E0008", "eco/y.yaml", 2, 1)]


# ------------------------------------------------------------------ values in all files (E0009)
def _list_file(values: int) -> str:
    return "apiVersion: engage/v1\nx: [" + ", ".join(["1"] * values) + "]\n"


def test_values_in_all_files_together_are_limited(write_eco: WriteEco) -> None:
    # keys count: MINI holds 7 values (two mappings, three keys, two scalars); a list file
    # 5 (its mapping, two keys, a scalar, the list) and the list's items
    root = write_eco({"a.yaml": MINI, "b.yaml": _list_file(100), "c.yaml": _list_file(100)})
    total = 7 + 105 + 105
    assert findings(root, Limits(max_nodes=1000, max_total_nodes=total)) == []
    over = findings(root, Limits(max_nodes=1000, max_total_nodes=total - 1))
    assert len(over) == 1 and over[0][:2] == ("E0009", "eco/c.yaml")
    assert load(root, Limits(max_total_nodes=total - 1), ParseCache(None)).documents == ()


def test_the_total_is_enforced_for_files_read_from_the_parse_cache(
    write_eco: WriteEco, tmp_path: Path
) -> None:
    root = write_eco({"a.yaml": MINI, "b.yaml": _list_file(100), "c.yaml": _list_file(100)})
    cache = ParseCache(tmp_path / "cache")
    assert load(root, Limits(), cache).findings == ()  # every file parsed and cached
    cached = ParseCache(tmp_path / "cache")  # a new run: the files come from the disk cache
    over = [where(f) for f in load(root, Limits(max_total_nodes=150), cached).findings]
    assert [w[:2] for w in over] == [("E0009", "eco/c.yaml")]


# ------------------------------------------------------------------ values in one file (E0010)
def test_an_alias_bomb_names_its_own_code_and_how_to_raise_the_limit(
    engage: RunEngage, write_eco: WriteEco
) -> None:
    lines = ["apiVersion: engage/v1", "l0: &l0 [a, a, a, a, a, a, a, a, a, a]"]
    for i in range(1, 4):
        lines.append(f"l{i}: &l{i} [" + ", ".join([f"*l{i - 1}"] * 10) + "]")
    root = write_eco({"main.yaml": MINI, "bomb.yaml": "\n".join(lines) + "\n"})
    refused = engage("check", str(root), "--limit", "max_nodes=500")
    assert refused.code == 1
    assert "error[E0010] the file expands to more than 500 values" in refused.out
    assert "bomb.yaml:4:" in refused.out
    assert "`engage check --limit max_nodes=N`" in refused.out
    raised = engage("check", str(root), "--limit", "max_nodes=20000")
    assert "E0010" not in raised.out


def test_check_limit_names_the_loader_limits(engage: RunEngage, write_eco: WriteEco) -> None:
    root = write_eco({"main.yaml": MINI + _des(["a", "b"])})
    lowered = engage("check", str(root), "--limit", "max_resources=1")
    assert lowered.code == 1 and "error[E0008]" in lowered.out
    assert "`engage check --limit max_resources=N`" in lowered.out
    typo = engage("check", str(root), "--limit", "max_resource=1")
    assert typo.code != 0 and "loader limits: max_depth, max_file_bytes" in typo.err


# ------------------------------------------------------------------ memory
def _peak(root: Path, *args: str) -> tuple[int, str]:
    done = subprocess.run(
        [sys.executable, "-c", _MEASURED, "check", str(root), *args],
        capture_output=True,
        text=True,
        timeout=900,
        env={**os.environ, "NO_COLOR": "1", "ENGAGE_NO_CACHE": "1"},
    )
    return peak_kib(done.stderr), done.stdout


FILE_LIMIT = 8 * 1024 * 1024


def _hostile(kind: str) -> dict[str, str]:
    if kind == "many small values":  # one flow list as long as the size limit allows
        return {"main.yaml": MINI + "x: [" + "1," * (FILE_LIMIT // 2 - 100) + "1]\n"}
    if kind == "aliases":  # billion laughs: 10**10 values if expanded
        lines = ["l0: &l0 [a, a, a, a, a, a, a, a, a, a]"]
        lines += [f"l{i}: &l{i} [" + ", ".join([f"*l{i - 1}"] * 10) + "]" for i in range(1, 10)]
        return {"main.yaml": MINI + "\n".join(lines) + "\n"}
    if kind == "deep nesting":  # as deep as allowed, repeated across the file
        line = "- " + "[" * 63 + "]" * 63 + "\n"
        return {"main.yaml": MINI + "x:\n" + line * (FILE_LIMIT // len(line) - 10)}
    raise AssertionError(kind)


@pytest.mark.parametrize("kind", ["many small values", "aliases", "deep nesting"])
def test_hostile_files_under_the_size_limit_stay_under_1_gib(
    write_eco: WriteEco, kind: str
) -> None:
    files = _hostile(kind)
    assert all(len(text.encode()) < FILE_LIMIT for text in files.values())
    peak, out = _peak(write_eco(files))
    assert "E0010" in out or "E0003" in out, out[:500]
    assert peak < GIB_KIB, f"{kind}: {peak:,} KiB"


def test_many_files_stop_at_the_total_and_stay_under_1_gib(write_eco: WriteEco) -> None:
    files = {"main.yaml": MINI}
    files |= {f"part{i}.yaml": _list_file(200_000) for i in range(8)}  # 1.6M values
    peak, out = _peak(write_eco(files), "--limit", "max_total_nodes=1000000")
    assert "error[E0009]" in out and "part4.yaml" in out, out[:500]
    assert "part5.yaml" not in out  # reading stopped there
    assert peak < GIB_KIB // 2, f"{peak:,} KiB"

"""`run_rules` drops each shared lookup once the last rule reading it has run
(`context.RELEASED_AFTER`, issue 11: check's peak memory): the table names, for every
lookup, the last of its readers in a traced run of every rule, and the findings are those
of a run that keeps every lookup."""

from __future__ import annotations

import shutil
from functools import cached_property
from pathlib import Path
from typing import Any

import pytest
from test_rules_fixtures import ROOT

from benchmarks.ecosystems import write
from compiler.rules import context as context_module
from compiler.rules.check import check_path
from compiler.rules.context import RELEASED_AFTER, Context
from compiler.rules.registry import RULES, run_rule, run_rules

_CACHED = {name for name, value in vars(Context).items() if isinstance(value, cached_property)}


def _context(folder: Path) -> Context:
    result = check_path(folder)
    assert result.analyzed and result.graph is not None
    assert result.compilation.resolved is not None
    return Context(result.compilation.resolved, result.graph)


@pytest.fixture(scope="module")
def folders(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    base = tmp_path_factory.mktemp("fixtures") / "eco"
    shutil.copytree(ROOT / "_base", base)
    bench = tmp_path_factory.mktemp("benchmark") / "eco"
    write(300, bench)
    return [base, bench]


class _Reads(dict[str, Any]):
    """A memo recording which rule reads which entry."""

    def __init__(self, log: dict[str, list[str]], current: list[str]) -> None:
        super().__init__()
        self.log, self.current = log, current

    def _read(self, key: str) -> None:
        self.log.setdefault(key, []).append(self.current[0])

    def get(self, key: str, default: Any = None) -> Any:
        self._read(key)
        return super().get(key, default)

    def setdefault(self, key: str, default: Any = None) -> Any:
        self._read(key)
        return super().setdefault(key, default)

    def __getitem__(self, key: str) -> Any:
        self._read(key)
        return super().__getitem__(key)


def _traced(ctx: Context, log: dict[str, list[str]]) -> None:
    """Run every rule in name order on a copy of `ctx` whose memo and cached lookups
    record their readers in `log`."""
    current = [""]

    class Traced(Context):
        def __getattribute__(self, name: str) -> Any:
            if name in _CACHED:
                log.setdefault(name, []).append(current[0])
            return super().__getattribute__(name)

    traced = Traced(ctx.resolved, ctx.graph, ctx.limits)
    traced.memo = _Reads(log, current)
    for name in sorted(RULES):
        current[0] = name
        run_rule(RULES[name], traced, debug=True)


def test_each_lookup_is_released_after_its_last_reader(folders: list[Path]) -> None:
    log: dict[str, list[str]] = {}
    for folder in folders:
        _traced(_context(folder), log)
    last_rule = max(RULES)
    released = {key: rule for rule, keys in RELEASED_AFTER.items() for key in keys}
    expected = {key: max(readers) for key, readers in log.items() if max(readers) != last_rule}
    assert released == expected
    assert set(RELEASED_AFTER) <= set(RULES)


def test_release_drops_memo_entries_and_cached_lookups(folders: list[Path]) -> None:
    ctx = _context(folders[0])
    first = ctx.integrations_by_user
    assert ctx.integrations_by_user is first  # cached
    ctx.memo["x"] = object()
    ctx.memo["y"] = kept = object()
    ctx.release(["x", "integrations_by_user", "not-there"])
    assert "x" not in ctx.memo and ctx.memo["y"] is kept
    again = ctx.integrations_by_user
    assert again is not first and again == first  # built again, the same lookup
    assert "integrations_by_user" in vars(ctx)


def test_run_rules_releases_and_finds_what_keeping_everything_finds(
    folders: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    built: set[str] = set()
    for folder in folders:
        released = _context(folder)
        found = run_rules(released)
        gone = {key for keys in RELEASED_AFTER.values() for key in keys}
        assert not gone & set(released.memo)
        assert not gone & set(vars(released))
        monkeypatch.setattr(context_module, "RELEASED_AFTER", {})
        monkeypatch.setattr("compiler.rules.registry.RELEASED_AFTER", {})
        kept = _context(folder)
        assert run_rules(kept) == found
        built |= set(kept.memo) | set(vars(kept))
        monkeypatch.undo()
    assert {key for keys in RELEASED_AFTER.values() for key in keys} <= built

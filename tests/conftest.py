"""Shared fixtures: ecosystems declared as strings, written to a temporary folder (dbt style)."""

from __future__ import annotations

import shutil
import textwrap
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from compiler.cli import main
from compiler.diagnostics import Finding
from compiler.pipeline import Compilation, compile_path
from compiler.source import ParseCache

WriteEco = Callable[[dict[str, str]], Path]


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Every test runs in its own folder (findings name files like eco/main.yaml; state
    and plans written to relative paths stay there), with its own parse cache, no colour.
    Tests across the suite rely on this: keep it."""
    monkeypatch.setenv("ENGAGE_CACHE_DIR", str(tmp_path / ".cache"))
    monkeypatch.delenv("ENGAGE_NO_CACHE", raising=False)
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.chdir(tmp_path)
    yield


@pytest.fixture
def in_tmp(tmp_path: Path) -> Path:
    """The test's own folder, which is also the working directory."""
    return tmp_path


def dedent(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")


@pytest.fixture
def write_eco(tmp_path: Path, in_tmp: Path) -> WriteEco:
    """Write {relative path: YAML text} under ./eco and return the folder."""

    def write(files: dict[str, str]) -> Path:
        root = tmp_path / "eco"
        for name, text in files.items():
            target = root / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(dedent(text), encoding="utf-8")
        root.mkdir(exist_ok=True)
        return root

    return write


def compile_eco(root: Path, env: str | None = None) -> Compilation:
    """What `engage validate` runs: the base and every environment, no disk cache."""
    return compile_path(root, env, all_environments=env is None, cache=ParseCache(None))


def codes(findings: tuple[Finding, ...] | list[Finding]) -> list[str]:
    return [f.code for f in findings]


def where(finding: Finding) -> tuple[str, str, int, int]:
    """(code, file, line, column) of a finding, for exact assertions."""
    assert finding.span is not None, finding
    return (finding.code, finding.span.file, finding.span.line, finding.span.column)


def locate(text: str, needle: str, nth: int = 0) -> tuple[int, int]:
    """1-based (line, column) of the nth occurrence of `needle` in dedented `text`."""
    body = dedent(text)
    start = -1
    for _ in range(nth + 1):
        start = body.index(needle, start + 1)
    line = body.count("\n", 0, start) + 1
    column = start - (body.rfind("\n", 0, start) + 1) + 1
    return line, column


@dataclass(frozen=True)
class Run:
    code: int
    out: str
    err: str


RunEngage = Callable[..., Run]


@pytest.fixture
def engage(capsys: pytest.CaptureFixture[str], in_tmp: Path) -> RunEngage:
    """Run the real entry point in-process: `engage("validate", "eco")` → exit code and output."""

    def run(*argv: str) -> Run:
        capsys.readouterr()
        try:
            main(list(argv))
        except SystemExit as done:
            code = done.code if isinstance(done.code, int) else 1
        else:  # pragma: no cover - main always exits
            code = 0
        captured = capsys.readouterr()
        return Run(code, captured.out, captured.err)

    return run


LANGUAGE_FIXTURES = Path(__file__).parent / "fixtures" / "language"
FixtureEco = Callable[..., Path]


@pytest.fixture
def fixture_eco(tmp_path: Path, in_tmp: Path) -> FixtureEco:
    """The language fixture (every resource kind, valid) copied to ./eco, with some files
    replaced or added: `fixture_eco({"consent.yaml": "..."})`; drop files with `drop=`."""

    def make(files: dict[str, str] | None = None, drop: tuple[str, ...] = ()) -> Path:
        root = tmp_path / "eco"
        shutil.copytree(LANGUAGE_FIXTURES / "valid", root, dirs_exist_ok=True)
        for name in drop:
            (root / name).unlink()
        for name, text in (files or {}).items():
            (root / name).parent.mkdir(parents=True, exist_ok=True)
            (root / name).write_text(dedent(text), encoding="utf-8")
        return root

    return make


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        help="rewrite the golden files from the current output (then read the diff)",
    )


def pytest_configure(config: pytest.Config) -> None:
    from golden import set_update

    set_update(bool(config.getoption("--update-golden")))

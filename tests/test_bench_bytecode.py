"""benchmarks.run.byte_compile: the measured processes read bytecode, as an installed
engage does, whatever PYTHONDONTWRITEBYTECODE says."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

from benchmarks.run import byte_compile


def _tree(root: Path, body: str = "VALUE = 1\n") -> dict[str, Path]:
    modules = {}
    for package in ("compiler", "benchmarks"):
        (root / package / "inner").mkdir(parents=True)
        (root / package / "__init__.py").write_text("", encoding="utf-8")
        (root / package / "inner" / "__init__.py").write_text("", encoding="utf-8")
        module = root / package / "inner" / "mod.py"
        module.write_text(body, encoding="utf-8")
        modules[package] = module
    return modules


def test_writes_the_bytecode_the_interpreter_then_reads(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "dont_write_bytecode", True)
    modules = _tree(tmp_path)
    byte_compile(tmp_path)
    for module in modules.values():
        assert Path(importlib.util.cache_from_source(str(module))).is_file()
    # a process told not to write bytecode still reads it: -v names the cached file
    probe = subprocess.run(
        [sys.executable, "-B", "-v", "-c", "import compiler.inner.mod"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
        env={"PYTHONDONTWRITEBYTECODE": "1", "PATH": ""},
    )
    cached = importlib.util.cache_from_source(str(modules["compiler"]))
    assert f"matches {modules['compiler']}" in probe.stderr
    assert f"code object from '{cached}'" in probe.stderr


def test_a_module_that_does_not_compile_stops_the_benchmark(tmp_path: Path) -> None:
    _tree(tmp_path, body="def broken(:\n")
    with pytest.raises(SystemExit, match="could not byte-compile"):
        byte_compile(tmp_path)

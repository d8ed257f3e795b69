"""`engage check` with the caches off (ENGAGE_NO_CACHE): no request key, no fingerprint
of engage's sources or of the input files, and the same output as a run with a cache."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from compiler import resultcache, source
from compiler.cli import cli

ROOT = Path(__file__).resolve().parent.parent


def _never(*args: object, **kwargs: object) -> None:
    raise AssertionError("computed with the cache off")


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_no_key_and_no_fingerprints_with_the_cache_off(
    fmt: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    eco = tmp_path / "eco"
    shutil.copytree(ROOT / "ecosystem", eco)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("ENGAGE_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("ENGAGE_NO_CACHE", raising=False)
    cached = CliRunner().invoke(cli, ["check", "eco", "--format", fmt])
    assert list((tmp_path / "cache").rglob("*.json"))  # a cache was written
    monkeypatch.setenv("ENGAGE_NO_CACHE", "1")
    for name in ("code_fingerprint", "request_key", "snapshot", "file_fingerprint"):
        monkeypatch.setattr(resultcache, name, _never)
    monkeypatch.setattr(source, "code_fingerprint", _never)
    cold = CliRunner().invoke(cli, ["check", "eco", "--format", fmt])
    assert cold.exception is None or isinstance(cold.exception, SystemExit)
    assert (cold.exit_code, cold.output) == (cached.exit_code, cached.output)
    assert cold.output

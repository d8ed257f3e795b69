"""`engage validate` as a user runs it: real processes, exit codes, colour policy, --help."""

from __future__ import annotations

import json
import os
import pty
import re
import select
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import LANGUAGE_FIXTURES, RunEngage, WriteEco

ANSI = re.compile(r"\x1b\[[0-9;]*m")
BROKEN = "apiVersion: engage/v1\necosystem: {name: x}\nsystems:\n  crm: {type: salesforse}\n"


def engage_bin() -> list[str]:
    found = shutil.which("engage")
    return [found] if found else [sys.executable, "-m", "compiler.cli"]


def env_without_colour_settings(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR")}
    return {**env, "TERM": "xterm-256color", "COLUMNS": "120", **extra}


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*engage_bin(), *args],
        capture_output=True,
        text=True,
        env=env or env_without_colour_settings(),
        timeout=60,
        check=False,
    )


def run_in_terminal(*args: str, env: dict[str, str]) -> tuple[int, str]:
    """Run with stdout and stderr on a pseudo-terminal, as in an interactive shell."""
    master, slave = pty.openpty()
    proc = subprocess.Popen([*engage_bin(), *args], stdout=slave, stderr=slave, env=env)
    os.close(slave)
    chunks: list[bytes] = []
    while True:
        ready, _, _ = select.select([master], [], [], 30)
        if not ready:
            break
        try:
            chunk = os.read(master, 65536)
        except OSError:  # the terminal closed with the process
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(master)
    return proc.wait(timeout=30), b"".join(chunks).decode("utf-8", "replace")


def test_exit_codes_of_a_real_process(write_eco: WriteEco, tmp_path: Path) -> None:
    good = write_eco({"main.yaml": "apiVersion: engage/v1\necosystem: {name: x}\n"})
    assert run("validate", str(good)).returncode == 0
    (good / "broken.yaml").write_text(BROKEN.replace("ecosystem: {name: x}\n", ""))
    broken = run("validate", str(good))
    assert broken.returncode == 1
    assert "Traceback" not in broken.stdout + broken.stderr
    assert run("validate", str(tmp_path / "missing")).returncode == 1
    usage = run("validate", "--format", "xml")
    assert usage.returncode == 1 and "Invalid value for '--format'" in usage.stderr


def test_the_language_fixture_validates_in_every_environment() -> None:
    for extra in ([], ["--env", "sandbox"], ["--env", "production"]):
        result = run("validate", str(LANGUAGE_FIXTURES / "valid"), *extra)
        assert result.returncode == 0, result.stdout
        assert "is valid: 48 resources in 17 files" in result.stdout


def test_json_format_is_one_parseable_document(write_eco: WriteEco) -> None:
    root = write_eco({"main.yaml": BROKEN})
    result = run("validate", str(root), "--format", "json")
    assert result.returncode == 1
    doc = json.loads(result.stdout)
    assert doc["valid"] is False
    assert doc["summary"] == {"errors": 1, "warnings": 0, "info": 0, "suppressed": 0}
    (finding,) = doc["findings"]
    assert finding["code"] == "E1004"
    assert finding["location"] == {
        "file": "eco/main.yaml",
        "line": 4,
        "column": 15,
        "end_line": 4,
        "end_column": 25,
    }


def test_no_colour_when_not_a_terminal(write_eco: WriteEco) -> None:
    root = write_eco({"main.yaml": BROKEN})
    result = run("validate", str(root))
    assert result.returncode == 1
    assert "error[E1004]" in result.stdout
    assert not ANSI.search(result.stdout + result.stderr)


def test_colour_on_a_terminal_and_no_color_wins(write_eco: WriteEco) -> None:
    root = write_eco({"main.yaml": BROKEN})
    code, coloured = run_in_terminal("validate", str(root), env=env_without_colour_settings())
    assert code == 1
    assert ANSI.search(coloured), "a terminal gets colour"
    assert "E1004" in ANSI.sub("", coloured)
    code, plain = run_in_terminal(
        "validate", str(root), env=env_without_colour_settings(NO_COLOR="1")
    )
    assert code == 1
    assert not ANSI.search(plain)
    assert "error[E1004]" in plain


def test_no_color_in_process(write_eco: WriteEco, engage: RunEngage) -> None:
    root = write_eco({"main.yaml": BROKEN})
    result = engage("validate", str(root))
    assert result.code == 1 and "error[E1004]" in result.out
    assert not ANSI.search(result.out + result.err)


def test_default_path_is_the_ecosystem_folder(write_eco: WriteEco, engage: RunEngage) -> None:
    write_eco({"main.yaml": "apiVersion: engage/v1\necosystem: {name: x}\n"})
    Path("eco").rename("ecosystem")
    result = engage("validate")
    assert result.code == 0 and "ecosystem 'x' is valid" in result.out


@pytest.mark.parametrize("command", ["--help", "validate --help", "schema --help", "init --help"])
def test_help_reads_well(engage: RunEngage, command: str) -> None:
    result = engage(*command.split())
    assert result.code == 0
    assert result.out.startswith("Usage: engage")
    assert "Traceback" not in result.out


def test_top_level_help_names_the_commands(engage: RunEngage) -> None:
    out = engage("--help").out
    for word in ("validate", "schema", "init", "NO_COLOR"):
        assert word in out
    validate_help = engage("validate", "--help").out
    for word in ("[PATH]", "--env NAME", "--format [text|json]", "Exits 0 when valid"):
        assert word in validate_help

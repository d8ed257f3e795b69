"""Progress on stderr (compiler/progress.py): on a real terminal (a pty) only, after the
delay, never under --quiet or into a pipe, and never a byte of difference on stdout."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from benchmarks.ecosystems import files

ROOT = Path(__file__).resolve().parent.parent


def _eco(root: Path) -> None:
    root.mkdir()
    for name, text in files(200):
        (root / name).write_text(text, encoding="utf-8")


def _run(cwd: Path, argv: list[str], delay: str, *, pty: bool) -> tuple[int, bytes, bytes]:
    """Exit status, stdout and what reached stderr (a pty's master side, or a pipe)."""
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "ENGAGE_NO_CACHE": "1",
        "ENGAGE_PROGRESS_DELAY": delay,
    }
    out = cwd / "stdout.txt"
    with out.open("wb") as stdout:
        if not pty:
            done = subprocess.run(
                [sys.executable, "-m", "compiler.cli", *argv],
                cwd=cwd,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=stdout,
                stderr=subprocess.PIPE,
                check=False,
            )
            return done.returncode, out.read_bytes(), done.stderr
        master, slave = os.openpty()
        proc = subprocess.Popen(
            [sys.executable, "-m", "compiler.cli", *argv],
            cwd=cwd,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=stdout,
            stderr=slave,
        )
        os.close(slave)
        seen = b""
        while True:
            try:
                chunk = os.read(master, 65536)
            except OSError:  # EIO: the child closed its side
                break
            if not chunk:
                break
            seen += chunk
        os.close(master)
        return proc.wait(), out.read_bytes(), seen


def test_a_terminal_sees_the_stage_and_its_count(in_tmp: Path) -> None:
    _eco(in_tmp / "eco")
    code, out, err = _run(in_tmp, ["check", "eco"], "0", pty=True)
    text = err.decode("utf-8", errors="replace")
    # which earlier stages get a frame depends on the machine's speed (the bar refreshes
    # on a clock); the bar is drawn before the last stage, which shows its count
    assert "engage check" in text.split("engage check: rules (base)")[0]
    assert "engage check: rules (base)" in text
    rules = text.count("rules (base)")
    assert rules and "/" in text.split("rules (base)")[-1]  # a count: done / total
    piped = _run(in_tmp, ["check", "eco"], "0", pty=False)
    assert (code, out) == piped[:2]  # stdout byte for byte the same
    assert piped[2] == b""  # stderr not a terminal: nothing


def test_quiet_silences_it_on_a_terminal(in_tmp: Path) -> None:
    _eco(in_tmp / "eco")
    code, out, err = _run(in_tmp, ["--quiet", "check", "eco"], "0", pty=True)
    assert err == b""
    assert code == 1 and b"FAILED" in out
    assert _run(in_tmp, ["-q", "check", "eco"], "0", pty=True)[2] == b""


def test_a_command_shorter_than_the_delay_prints_nothing(in_tmp: Path) -> None:
    _eco(in_tmp / "eco")
    code, out, err = _run(in_tmp, ["check", "eco"], "600", pty=True)
    assert err == b""
    assert code == 1 and b"FAILED" in out

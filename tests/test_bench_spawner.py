"""benchmarks.run.Spawner: a measured process's peak RSS is its own, never that of the
benchmark process (which grows past 150 MiB at 100,000 resources), and its limits,
output and exit status are those the benchmark asked for."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from benchmarks.run import Spawner

MIB = 1024  # ru_maxrss is in KiB


@pytest.fixture
def spawner() -> Iterator[Spawner]:
    started = Spawner()
    yield started
    started.close()


def test_a_big_parent_does_not_count_in_the_peak(spawner: Spawner, tmp_path: Path) -> None:
    ballast = bytearray(300 * 1024 * 1024)
    for i in range(0, len(ballast), 4096):  # resident, page by page
        ballast[i] = 1
    argv = [sys.executable, "-c", "pass"]
    # the premise: a process started from this one reads at least this one's pages
    direct = subprocess.Popen(argv)
    _, _, usage = os.wait4(direct.pid, 0)
    assert usage.ru_maxrss >= 300 * MIB
    _, _, rss, code = spawner.run(argv, dict(os.environ), tmp_path, tmp_path / "out", 4.0, 60)
    assert code == 0
    assert rss < 100 * MIB
    del ballast


def test_output_exit_status_and_a_process_own_peak(spawner: Spawner, tmp_path: Path) -> None:
    script = (
        "import sys; block = bytearray(200 * 1024 * 1024)\n"
        "block[::4096] = b'x' * len(block[::4096])  # every page resident\n"
        "print('hello'); sys.exit(3)"
    )
    cpu, system, rss, code = spawner.run(
        [sys.executable, "-c", script], dict(os.environ), tmp_path, tmp_path / "out", 4.0, 60
    )
    assert code == 3
    assert (tmp_path / "out").read_text(encoding="utf-8") == "hello\n"
    assert rss >= 200 * MIB
    assert 0 <= system <= cpu


def test_the_limits_hold(spawner: Spawner, tmp_path: Path) -> None:
    # over the address-space limit: the allocation fails, the process exits with an error
    script = "bytearray(2 * 1024 ** 3)"
    _, _, _, code = spawner.run(
        [sys.executable, "-c", script], dict(os.environ), tmp_path, tmp_path / "out", 1.0, 60
    )
    assert code == 1
    # over the CPU limit: the kernel stops it (SIGXCPU, a negative status)
    cpu, _, _, code = spawner.run(
        [sys.executable, "-c", "while True: pass"],
        dict(os.environ),
        tmp_path,
        tmp_path / "out",
        4.0,
        1,
    )
    assert code < 0 and cpu >= 0.9

"""Inputs that cannot leak or hang: what the loader refuses is never read again (not for
an excerpt either), non-regular files are refused before reading, size is checked before
reading and no more than the limit is read, and no excerpt quotes a line holding a secret."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import RunEngage

BASE = "apiVersion: engage/v1\necosystem: {name: acme, owners: [a@acme.example]}\n"


# The peak is read from /proc/self/status (VmHWM, this process image's own high-water
# mark): getrusage's ru_maxrss survives exec, so a child of a large pytest process would
# report pytest's peak.
_MEASURED = (
    "import sys\n"
    "from compiler.cli import main\n"
    "try:\n    main(sys.argv[1:])\n"
    "except SystemExit as done:\n"
    "    peak = next(l for l in open('/proc/self/status') if l.startswith('VmHWM:'))\n"
    "    sys.stderr.write(f'maxrss={peak.split()[1]}\\n')\n"
    "    raise\n"
)


def peak_kib(err: str) -> int:
    """The peak memory the measured run printed (its own, not other tests' processes)."""
    return int(err.rsplit("maxrss=", 1)[1].split()[0])


def eco(folder: Path) -> Path:
    root = folder / "eco"
    root.mkdir()
    (root / "main.yaml").write_text(BASE, encoding="utf-8")
    return root


def test_a_link_to_a_credentials_file_is_refused_and_never_shown(
    engage: RunEngage, tmp_path: Path
) -> None:
    secret = tmp_path / "credentials"
    secret.write_text("aws_secret_access_key=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n")
    root = eco(tmp_path)
    (root / "creds.yaml").symlink_to(secret)
    result = engage("validate", str(root))
    assert result.code == 1 and "E0004" in result.out
    assert "wJalrXUtnFEMI" not in result.out + result.err


def test_a_link_to_dev_zero_is_refused_without_reading_it(tmp_path: Path) -> None:
    root = eco(tmp_path)
    (root / "zero.yaml").symlink_to("/dev/zero")
    done = subprocess.run(
        [sys.executable, "-c", _MEASURED, "validate", str(root)],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "NO_COLOR": "1"},
    )
    assert done.returncode == 1 and "E0004" in done.stdout
    assert peak_kib(done.stderr) < 250_000  # KiB


def test_a_fifo_is_refused_without_hanging(tmp_path: Path) -> None:
    root = eco(tmp_path)
    os.mkfifo(root / "pipe.yaml")
    done = subprocess.run(
        [sys.executable, "-m", "compiler.cli", "validate", str(root)],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "NO_COLOR": "1"},
    )
    assert done.returncode == 1
    assert "E0006" in done.stdout and "not a regular file" in done.stdout


def test_a_huge_file_is_refused_by_its_size_and_never_read(tmp_path: Path) -> None:
    root = eco(tmp_path)
    with (root / "huge.yaml").open("wb") as handle:
        handle.write(b"x: " + b"A" * 1000 + b"\n")
        handle.truncate(300 * 1024 * 1024)  # sparse: 300 MB that read_bytes() would load
    done = subprocess.run(
        [sys.executable, "-c", _MEASURED, "validate", str(root)],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "NO_COLOR": "1"},
    )
    assert done.returncode == 1 and "E0003" in done.stdout
    assert "over the limit of 8,388,608 bytes" in done.stdout
    assert "AAAA" not in done.stdout  # no excerpt of a refused file
    assert peak_kib(done.stderr) < 250_000  # KiB


def test_another_finding_on_a_secret_line_shows_no_excerpt(
    engage: RunEngage, tmp_path: Path
) -> None:
    root = eco(tmp_path)
    (root / "main.yaml").write_text(
        BASE + "systems:\n  crm: {type: salesforce, descriptin: 'password: Hunter2xyz'}\n",
        encoding="utf-8",
    )
    result = engage("validate", str(root))
    assert result.code == 1 and "E1001" in result.out and "E8020" in result.out
    assert "Hunter2xyz" not in result.out + result.err


@pytest.mark.parametrize("name", ["a.yaml", "sub/b.yaml"])
def test_excerpts_still_show_accepted_lines(engage: RunEngage, tmp_path: Path, name: str) -> None:
    root = eco(tmp_path)
    (root / name).parent.mkdir(exist_ok=True)
    (root / name).write_text("apiVersion: engage/v1\nsystems:\n  crm: {typo: 1}\n")
    result = engage("validate", str(root))
    assert "3 |   crm: {typo: 1}" in result.out

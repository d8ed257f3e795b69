"""Writing into the output folder: checked before anything is written, atomic per file.

`check_output` refuses a folder that cannot take the files (a file where a folder must be,
a symbolic link leading outside) before anything changes; `commit` writes the files that
differ from what is on disk, removes those no longer generated and writes the manifest last.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

from compiler.emit.manifest import MANIFEST
from compiler.fsutil import write_atomic


class OutputError(Exception):
    """The output folder cannot take the generated files: nothing was written."""

    def __init__(self, message: str, hint: str) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


def inside(out_dir: Path, rel: str) -> Path | None:
    root = out_dir.resolve()
    target = (out_dir / rel).resolve()
    return target if target.is_relative_to(root) and target != root else None


def _in_the_way(out_dir: Path, rel: str) -> str | None:
    """Why `rel` cannot be written under `out_dir` (a file where a folder must be, a
    folder where the file must be, a link leading outside), or None."""
    shown = (out_dir / rel).as_posix()
    if inside(out_dir, rel) is None:
        return f"{shown} leads outside {out_dir.as_posix()} (through a symbolic link)"
    parent = out_dir
    for part in Path(rel).parts[:-1]:
        parent = parent / part
        if parent.exists() and not parent.is_dir():
            return f"{parent.as_posix()} is a file, but generated files go inside it"
    if (out_dir / rel).is_dir():
        return f"{shown} is a folder, but engage generates a file there"
    return None


def check_output(out_dir: Path, rels: Iterable[str]) -> None:
    """Raise OutputError unless `out_dir` can take every one of `rels` (and the manifest)."""
    fix = "Remove what is in the way, or pass another output folder."
    if out_dir.exists() and not out_dir.is_dir():
        raise OutputError(f"{out_dir.as_posix()} is a file, not a folder", fix)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        fd, probe = tempfile.mkstemp(dir=out_dir, prefix=".engage-probe-")
        os.close(fd)
        os.unlink(probe)
    except OSError as err:
        raise OutputError(
            f"cannot write into {out_dir.as_posix()}: {err.strerror or err}",
            "Check that the folder can be created and written by this user, or pass another "
            "output folder.",
        ) from None
    for rel in sorted({MANIFEST, *rels}):
        problem = _in_the_way(out_dir, rel)
        if problem is not None:
            raise OutputError(problem, fix)


def write_file(out_dir: Path, rel: str, content: bytes) -> bool:
    """Write unless the file already holds exactly these bytes; True when written."""
    target = inside(out_dir, rel)
    if target is None:
        raise OutputError(
            f"{(out_dir / rel).as_posix()} leads outside {out_dir.as_posix()}",
            "Remove the symbolic link, or pass another output folder.",
        )
    if target.is_file() and target.read_bytes() == content:
        return False
    write_atomic(target, content)
    return True


def remove_file(out_dir: Path, rel: str) -> bool:
    target = inside(out_dir, rel)
    if target is None or not target.is_file():
        return False
    target.unlink()
    root = out_dir.resolve()
    parent = target.parent
    while parent != root and parent.is_relative_to(root) and not any(parent.iterdir()):
        parent.rmdir()
        parent = parent.parent
    return True

"""Atomic file writes: a crash never leaves a half-written file behind."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path


def _mode_for(path: Path) -> int:
    """The target's current permissions, or what a plain `open()` would give a new file
    (0o666 less the umask): mkstemp's private 0o600 must not leak into the result."""
    try:
        return path.stat().st_mode & 0o7777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def fsync_dir(folder: Path) -> None:
    """Make a folder's entries (renames, removals) durable; best effort where the platform
    cannot open or sync a folder."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def write_atomic(path: str | Path, data: str | bytes) -> None:
    """Write to a temporary file in the same folder, fsync, then rename over the target."""
    write_atomic_chunks(path, (data.encode("utf-8") if isinstance(data, str) else data,))


def write_atomic_chunks(path: str | Path, chunks: Iterable[bytes]) -> None:
    """`write_atomic` of the bytes `chunks` yields, one chunk at a time: a 100,000-resource
    plan file (400 MB) is never held whole. The same guarantees: the chunks go to a
    temporary file in the same folder, which is flushed, fsynced and renamed over the
    target, then the folder is fsynced; if a chunk cannot be made or written (any error,
    from `chunks` too) the temporary file is removed, the target is left as it was, and
    the error propagates."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    # The temporary name must fit wherever the target's name fits (255 bytes on most file
    # systems): keep a short prefix of the name only.
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name[:32]}.", suffix=".tmp")
    try:
        os.fchmod(fd, _mode_for(path))
        with os.fdopen(fd, "wb") as handle:
            for chunk in chunks:
                handle.write(chunk)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    fsync_dir(path.parent)


file_mode = _mode_for  # for writers that batch their own temporary files (emit/output.py)

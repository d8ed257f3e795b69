"""Writing into the output folder: checked before anything is written, atomic per file.

`write_files` writes a batch: every changed file goes to a temporary file beside it, one
`os.sync()` makes all of their data durable, then each is renamed over its target and a
second `os.sync()` makes every folder's renames durable at once (an fsync per folder
cost 13 s of wall time for the 3,006 folders of a 10,000-resource generation). A crash
leaves every file either as it was or complete (never half-written), as one fsync per
file did; the manifest, written after the batch with its own fsync, stays the commit
point.

`check_output` refuses a folder that cannot take the files (a file where a folder must be,
a symbolic link leading outside) before anything changes; `commit` writes the files that
differ from what is on disk, removes those no longer generated and writes the manifest last.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path

from compiler.emit.manifest import MANIFEST
from compiler.fsutil import file_mode, write_atomic


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


_ODD = ("", ".", "..")


def _split(rel: str) -> tuple[str, tuple[str, ...], str] | None:
    """`rel` as (its folder, that folder's parts, its name) when it is plain: relative,
    and no part of it empty, `.` or `..` (then the parts are `Path(rel).parts` and
    joining them is the path itself); None for any other path (it takes the long way)."""
    head, _, name = rel.rpartition("/")
    if name in _ODD or rel.startswith("/"):
        return None
    parts = tuple(head.split("/")) if head else ()
    for part in parts:
        if part in _ODD:
            return None
    return head, parts, name


class _Folder:
    """Paths under one output folder, each of its sub-folders resolved and examined once
    (a batch writes thousands of files into a few hundred folders).

    A folder found missing (`_missing`: its `lstat` said it does not exist, or one of its
    folders does not) holds nothing: no file in it can be in the way, be a link or need
    comparing, and nothing below it needs an `lstat` or a `stat`."""

    def __init__(self, out_dir: Path) -> None:
        self.out_dir = out_dir
        self.root = out_dir.resolve()
        self._resolved: dict[tuple[str, ...], Path] = {(): self.root}
        self._blocked: dict[tuple[str, ...], str | None] = {(): None}
        self._inside: dict[tuple[str, ...], bool] = {}
        self._missing: set[tuple[str, ...]] = set()  # folders that do not exist
        self._places: dict[str, tuple[str, tuple[str, ...], bool] | None] = {}
        self._created: set[tuple[str, ...]] = set()
        self.made: set[Path] = set()

    def _folder(self, parts: tuple[str, ...]) -> Path:
        """`out_dir.joinpath(*parts).resolve()`, a part at a time: the folder's parent is
        resolved already, so only its last part needs an `lstat` (none below a folder
        that does not exist: nothing there can be a link)."""
        found = self._resolved.get(parts)
        if found is not None:
            return found
        if ".." in parts:
            found = self.out_dir.joinpath(*parts).resolve()
        else:
            parent = self._folder(parts[:-1])
            found = parent / parts[-1]
            if parts[:-1] in self._missing:
                self._missing.add(parts)
            else:
                try:
                    mode = os.lstat(found).st_mode
                except FileNotFoundError:
                    self._missing.add(parts)
                except OSError:
                    found = found.resolve()
                else:
                    if stat.S_ISLNK(mode):
                        found = found.resolve()
        self._resolved[parts] = found
        return found

    def _is_inside(self, parts: tuple[str, ...], folder: Path) -> bool:
        found = self._inside.get(parts)
        if found is None:
            found = self._inside[parts] = folder.is_relative_to(self.root)
        return found

    def place(self, head: str, parts: tuple[str, ...]) -> tuple[str, tuple[str, ...], bool] | None:
        """The resolved folder of a plain `head` (see `_split`; its `parts`), its parts and
        whether it was missing, when it resolves inside the output folder; else None (a
        file there takes the long way, `target`). Computed once per folder.

        A file `name` in it resolves to `folder/name` unless the file itself is a link,
        and stays inside exactly when its folder does (the folder has at least the
        root's parts, so the file has more: it is never the root itself)."""
        if head in self._places:
            return self._places[head]
        folder = self._folder(parts)
        place = (
            (str(folder), parts, parts in self._missing) if self._is_inside(parts, folder) else None
        )
        self._places[head] = place
        return place

    def create(self, parts: tuple[str, ...], folder: str) -> None:
        """Make a folder found missing, and its missing folders first: the first missing
        one as `Path.mkdir(parents=True, exist_ok=True)` makes it (its parent may be a
        link to a folder that does not exist), those below it with one `mkdir` each."""
        if parts in self._created or parts not in self._missing:
            return
        if parts[:-1] in self._missing:
            self.create(parts[:-1], os.path.dirname(folder))
            try:
                os.mkdir(folder)
            except FileExistsError:
                if not os.path.isdir(folder):
                    raise
        else:
            Path(folder).mkdir(parents=True, exist_ok=True)
        self._created.add(parts)

    def inside(self, rel: str) -> Path | None:
        """`inside(out_dir, rel)`: the resolved target when it stays inside the folder.
        The folder holding it is resolved once; its last part needs resolving only when
        it is a symbolic link (or a dot name)."""
        path = Path(rel)
        name = path.name
        if not name or name in (".", "..") or path.is_absolute():
            return inside(self.out_dir, rel)
        target = self._folder(path.parts[:-1]) / name
        if target.is_symlink():
            target = target.resolve()
        return target if target.is_relative_to(self.root) and target != self.root else None

    def blocked(self, parts: tuple[str, ...]) -> str | None:
        """The first folder of `parts` that is a file (a file where a folder must be)."""
        if parts in self._blocked:
            return self._blocked[parts]
        problem = self.blocked(parts[:-1])
        if problem is None and parts not in self._missing:  # a missing folder is no file
            parent = self.out_dir.joinpath(*parts)
            if parent.exists() and not parent.is_dir():
                problem = f"{parent.as_posix()} is a file, but generated files go inside it"
        self._blocked[parts] = problem
        return problem

    def in_the_way(self, rel: str) -> str | None:
        """Why `rel` cannot be written under the folder (a file where a folder must be, a
        folder where the file must be, a link leading outside), or None.

        What `_in_the_way` finds, with one `lstat` of the file in its resolved folder
        (whose place inside the folder is decided once): a missing file or a plain one
        is in nobody's way; a link (or an odd name) is examined the long way."""
        split = _split(rel)
        if split is not None:
            _, parts, name = split
        else:  # `.` and empty parts dropped; a path with `..` goes the long way
            path = Path(rel)
            name = path.name
            if not name or ".." in path.parts or path.is_absolute():
                return self._in_the_way(rel)
            parts = path.parts[:-1]
        parent = self._folder(parts)
        mode: int | None = None
        if parts not in self._missing:  # else nothing is there
            try:
                mode = os.lstat(os.path.join(parent, name)).st_mode
            except OSError:  # missing, or a file where one of its folders must be
                mode = None
        if mode is not None and stat.S_ISLNK(mode):
            return self._in_the_way(rel)
        if not self._is_inside(parts, parent):
            return self._in_the_way(rel)
        problem = self.blocked(parts)
        if problem is not None:
            return problem
        if mode is not None and stat.S_ISDIR(mode):
            return (
                f"{(self.out_dir / rel).as_posix()} is a folder, but engage generates a file there"
            )
        return None

    def _in_the_way(self, rel: str) -> str | None:
        shown = (self.out_dir / rel).as_posix()
        if self.inside(rel) is None:
            return f"{shown} leads outside {self.out_dir.as_posix()} (through a symbolic link)"
        problem = self.blocked(Path(rel).parts[:-1])
        if problem is not None:
            return problem
        if (self.out_dir / rel).is_dir():
            return f"{shown} is a folder, but engage generates a file there"
        return None

    def target(self, rel: str) -> Path:
        target = self.inside(rel)
        if target is None:
            raise OutputError(
                f"{(self.out_dir / rel).as_posix()} leads outside {self.out_dir.as_posix()}",
                "Remove the symbolic link, or pass another output folder.",
            )
        return target

    def mkdir(self, folder: Path) -> None:
        if folder not in self.made:
            folder.mkdir(parents=True, exist_ok=True)
            self.made.add(folder)


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
    folder = _Folder(out_dir)
    for rel in sorted({MANIFEST, *rels}):
        try:
            problem = folder.in_the_way(rel)
        except RuntimeError:  # Path.resolve: "Symlink loop from ..."
            problem = (
                f"{(out_dir / rel).as_posix()} passes through a symbolic link that leads "
                "back to itself (a link loop)"
            )
        if problem is not None:
            raise OutputError(problem, fix)


def write_file(out_dir: Path, rel: str, content: bytes) -> bool:
    """Write unless the file already holds exactly these bytes; True when written."""
    target = _Folder(out_dir).target(rel)
    if target.is_file() and target.read_bytes() == content:
        return False
    write_atomic(target, content)
    return True


def _open_temporary(folder: str, name: str, mode: int | None) -> tuple[int, str]:
    """A new temporary file beside `name` in `folder` (created exclusively), with the
    target's permissions: `mode` when it exists, else what a plain `open()` gives."""
    prefix = f".{name[:32]}."
    tmp = os.path.join(folder, f"{prefix}{os.getpid()}.tmp")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o666)
    except FileExistsError:  # left by a crashed run of a process with our number
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=prefix, suffix=".tmp")
        os.fchmod(fd, mode if mode is not None else file_mode(Path(folder) / name))
        return fd, tmp
    if mode is not None:
        os.fchmod(fd, mode)
    return fd, tmp


def _unchanged(target: str, size: int, content: bytes) -> bool:
    with open(target, "rb") as handle:
        return size == len(content) and handle.read() == content


def _write_all(fd: int, content: bytes) -> None:
    """Write `content` to `fd` and close it (no buffered file object per file)."""
    try:
        view = memoryview(content)
        while view:
            view = view[os.write(fd, view) :]
    finally:
        os.close(fd)


def write_files(out_dir: Path, contents: Mapping[str, bytes]) -> list[str]:
    """Write, as one batch, the files whose bytes differ from what is on disk (see the
    module docstring); the relative paths written, sorted. On an error midway, the files
    renamed so far stay written and no temporary file is left behind.

    Thousands of files go into a few hundred folders: each folder is resolved (and
    checked to stay inside `out_dir`) once; a file needs one `lstat` to tell whether it
    exists (then its bytes and permissions are compared and kept) or is a link (then it is
    resolved as a whole), none in a folder that did not exist (created here, one `mkdir`
    a folder)."""
    pending: list[tuple[str, str, str]] = []  # (rel, target, temporary file)
    written: list[str] = []
    folder = _Folder(out_dir)
    try:
        for rel in sorted(contents):
            content = contents[rel]
            split = _split(rel)
            place = None if split is None else folder.place(split[0], split[1])
            if split is None or place is None:
                target = str(folder.target(rel))  # checks and resolves it the long way
                if rel.rpartition("/")[2] not in _ODD:
                    folder.mkdir(Path(os.path.dirname(target)))
                missing = False
            else:
                parent, parts, missing = place
                if missing:
                    folder.create(parts, parent)
                else:
                    folder.mkdir(Path(parent))
                target = os.path.join(parent, split[2])
            mode: int | None = None
            if not missing:  # a file in a folder that did not exist does not exist either
                try:
                    st: os.stat_result | None = os.lstat(target)
                except FileNotFoundError:
                    st = None
                if st is not None and stat.S_ISLNK(st.st_mode):
                    target = str(folder.target(rel))  # the link resolved as a whole
                    try:
                        st = os.lstat(target)
                    except FileNotFoundError:  # a link to nothing yet: written through
                        st = None
                        folder.mkdir(Path(os.path.dirname(target)))
                if st is not None:
                    if stat.S_ISREG(st.st_mode) and _unchanged(target, st.st_size, content):
                        continue
                    mode = st.st_mode & 0o7777
            fd, tmp = _open_temporary(os.path.dirname(target), os.path.basename(target), mode)
            pending.append((rel, target, tmp))
            _write_all(fd, content)
        if pending:
            os.sync()  # the data of the whole batch is durable before a rename exposes it
        for rel, target, tmp in pending:
            os.replace(tmp, target)
            written.append(rel)
        if pending:
            os.sync()  # every folder's renames durable at once (not an fsync per folder)
        pending.clear()
    finally:
        for _, _, tmp in pending:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
    return written


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

"""The result cache of `engage check`: a re-check of unchanged inputs does no work.

`engage check` is a pure function of its inputs: the bytes of the files it reads, the
names of the files it could read, its options, the working directory (findings name
files relative to it), the terminal it writes to and engage itself. An entry stores the
command's output and exit status under a key made of everything but the files
(`request_key`), together with a fingerprint of the files (`Inputs`); a later run with
the same key serves the output only when every recorded fingerprint still matches, so a
file edited, renamed, deleted, added, made unreadable or retargeted (a symbolic link) is
a miss, never a stale answer. One edit re-runs the command, whose parse cache
(`compiler.source.ParseCache`) then re-parses only the edited file.

This module imports only the standard library: a hit costs the process start, one walk
of the folder and one SHA-256 of each file, not the import of the compiler.

Entries live in `$ENGAGE_CACHE_DIR/check` (default `$XDG_CACHE_HOME/engage/check`, then
`~/.cache/engage/check`), so a CI cache action can keep them; `ENGAGE_NO_CACHE=1` turns
the cache off. Deleting the folder is always safe. Writes are atomic (a temporary file
renamed over the entry), so concurrent runs never see half an entry; an entry that does
not parse, whose checksum or key does not match, or that this engage did not write is
ignored and rewritten.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
import sys
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from compiler import __version__

FORMAT = 1
# Over this size a file is refused by the loader whatever it holds (its finding names
# only its size), so its size stands for its bytes; below it, the bytes are hashed.
_BIG = 64 * 1024 * 1024
# The environment that changes what a run prints (colour, width) besides the options.
_RENDER_ENV = (
    "NO_COLOR",
    "FORCE_COLOR",
    "TERM",
    "COLORTERM",
    "COLUMNS",
    "LINES",
    "TTY_COMPATIBLE",
    "TTY_INTERACTIVE",
    "JUPYTER_COLUMNS",
    "JUPYTER_LINES",
)
_NOT_KEYS = ("ENGAGE_CACHE_DIR", "ENGAGE_NO_CACHE")


def cache_folder() -> Path | None:
    """Where entries live, or None when caching is off (ENGAGE_NO_CACHE)."""
    if os.environ.get("ENGAGE_NO_CACHE"):
        return None
    base = os.environ.get("ENGAGE_CACHE_DIR") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "engage"
    )
    return Path(base) / "check"


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """engage's version and the bytes of its own source files, so a development
    checkout whose code changed without a new version never serves the old code's
    results (and a reinstall of the same code keeps its entries); and the Python. Also
    part of the parse cache's keys (compiler.source), whose entries hold the secrets
    scan's verdicts. Computed once per process (about 10 ms)."""
    h = hashlib.sha256(f"{__version__}\0{sys.version}".encode())
    package = Path(__file__).resolve().parent
    for dirpath, dirnames, filenames in os.walk(package):
        dirnames[:] = sorted(d for d in dirnames if d != "__pycache__")
        for name in sorted(filenames):
            if name.endswith((".py", ".json", ".yaml", ".sql", ".xml")):
                full = os.path.join(dirpath, name)
                h.update(f"{os.path.relpath(full, package)}\0{file_fingerprint(full)}\n".encode())
    return h.hexdigest()


def request_key(command: str, path: Path, options: Mapping[str, object]) -> str:
    """Everything but the ecosystem's files that decides the output: the command and its
    options, the folder and the working directory, where the output goes (a terminal,
    its size), the environment that changes rendering or behaviour, and engage."""
    try:
        stdout_tty = sys.stdout.isatty()
    except (AttributeError, ValueError):
        stdout_tty = False
    try:
        size = os.get_terminal_size(sys.stdout.fileno()) if stdout_tty else None
    except (OSError, ValueError, AttributeError):
        size = None
    env = {k: os.environ.get(k) for k in _RENDER_ENV}
    env.update(
        (k, v) for k, v in os.environ.items() if k.startswith("ENGAGE_") and k not in _NOT_KEYS
    )
    request = {
        "format": FORMAT,
        "engage": code_fingerprint(),
        "command": command,
        "options": options,
        "path": os.path.abspath(path),
        "cwd": os.getcwd(),
        "tty": stdout_tty,
        "size": list(size) if size else None,
        "env": sorted(env.items(), key=lambda kv: kv[0]),
    }
    blob = json.dumps(request, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(blob.encode()).hexdigest()


def file_fingerprint(path: str) -> str:
    """What a later read of `path` would see: the SHA-256 of its bytes, with its mode (a
    file made unreadable is a change) and, for a symbolic link, where it leads; a file
    that cannot be opened or is not a regular file by what stops it (never opened
    blocking, so a FIFO cannot hang the run)."""
    try:
        link = os.path.realpath(path) if os.path.islink(path) else ""
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except OSError as err:
        return f"!open:{err.errno}"
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(handle.fileno())
        head = f"{link}\0{stat.S_IMODE(info.st_mode):o}\0"
        if not stat.S_ISREG(info.st_mode):
            return f"{head}!kind:{stat.S_IFMT(info.st_mode):o}"
        if info.st_size > _BIG:
            return f"{head}!size:{info.st_size}"
        h = hashlib.sha256()
        try:
            while chunk := handle.read(1 << 20):
                h.update(chunk)
        except OSError as err:
            return f"{head}!read:{err.errno}"
        return head + h.hexdigest()


def _yaml_listing(root: Path) -> list[str]:
    """The files the loader would find (compiler.source.ecosystem_files, kept in step)."""
    found: list[str] = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            if name.endswith((".yaml", ".yml")) and not name.startswith("."):
                found.append(os.path.join(dirpath, name))
    return found


def _full_listing(root: Path, skip: Path | None) -> list[str]:
    """Every entry under the folder, hidden ones too, with its kind and mode: an include
    (a glob, a hidden or non-YAML file) may read any of them. The cache folder itself is
    left out when it lies inside."""
    found: list[str] = []
    skip_real = os.path.realpath(skip) if skip is not None else None
    for dirpath, dirnames, filenames in os.walk(root):
        if skip_real is not None:
            dirnames[:] = [
                d for d in dirnames if os.path.realpath(os.path.join(dirpath, d)) != skip_real
            ]
        dirnames.sort()
        for name in sorted([*filenames, *dirnames]):
            full = os.path.join(dirpath, name)
            try:
                mode = os.lstat(full).st_mode
            except OSError:
                mode = 0
            found.append(f"{full}\0{mode:o}")
    return found


@dataclass(frozen=True)
class Inputs:
    """What the files looked like to a run: the listing (names, or every entry with its
    mode when the ecosystem includes files) and each file's fingerprint."""

    listing: tuple[str, ...]
    files: tuple[tuple[str, str], ...]
    full: bool

    def to_json(self) -> dict[str, object]:
        return {
            "listing": list(self.listing),
            "files": [list(f) for f in self.files],
            "full": self.full,
        }


def _root(path: Path) -> Path:
    return path if path.is_dir() else path.resolve().parent


def snapshot(path: Path, read_files: Iterable[str], includes: bool) -> Inputs:
    """The inputs of a run on `path` that read `read_files` (as the loader named them)."""
    listing = _listing(path, includes)
    names = {os.path.abspath(n) for n in read_files}
    if path.is_dir():
        names.update(os.path.abspath(n) for n in _yaml_listing(path))
    elif path.exists():
        names.add(os.path.abspath(path))
    files = tuple((n, file_fingerprint(n)) for n in sorted(names))
    return Inputs(tuple(listing), files, includes)


def _listing(path: Path, full: bool) -> list[str]:
    """What the path is (a folder, a file, nothing) and the entries under it."""
    kind = "dir" if path.is_dir() else "file" if path.exists() else "missing"
    if kind == "missing":
        return [kind]
    if full:
        return [kind, *_full_listing(_root(path), cache_folder())]
    return [kind, *(_yaml_listing(path) if kind == "dir" else ())]


def _still(path: Path, inputs: Inputs) -> bool:
    if tuple(_listing(path, inputs.full)) != inputs.listing:
        return False
    return all(file_fingerprint(name) == print_ for name, print_ in inputs.files)


@dataclass(frozen=True)
class Hit:
    stdout: str
    status: int


def _entry_path(folder: Path, key: str) -> Path:
    return folder / key[:2] / f"{key}.json"


def _checksum(body: str) -> str:
    return hashlib.sha256(body.encode()).hexdigest()


def lookup(key: str, path: Path) -> Hit | None:
    """The stored output for this request when the files are still what they were."""
    folder = cache_folder()
    if folder is None:
        return None
    try:
        raw = _entry_path(folder, key).read_text(encoding="utf-8")
        outer = json.loads(raw)
        body = outer["body"]
        if outer.get("checksum") != _checksum(body):
            return None  # truncated or altered
        entry = json.loads(body)
        if entry.get("key") != key or entry.get("format") != FORMAT:
            return None
        inputs = Inputs(
            tuple(str(x) for x in entry["inputs"]["listing"]),
            tuple((str(a), str(b)) for a, b in entry["inputs"]["files"]),
            bool(entry["inputs"]["full"]),
        )
        stdout, status = entry["stdout"], entry["status"]
        if not isinstance(stdout, str) or not isinstance(status, int):
            return None
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return None  # no entry, or a damaged one: a miss
    try:
        return Hit(stdout, status) if _still(path, inputs) else None
    except (OSError, ValueError):
        return None


def store(key: str, inputs: Inputs, stdout: str, status: int) -> None:
    """Write the entry atomically; a cache that cannot be written is not an error."""
    folder = cache_folder()
    if folder is None:
        return
    body = json.dumps(
        {
            "format": FORMAT,
            "key": key,
            "inputs": inputs.to_json(),
            "stdout": stdout,
            "status": status,
        },
        separators=(",", ":"),
    )
    target = _entry_path(folder, key)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-", suffix=".json")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump({"checksum": _checksum(body), "body": body}, handle)
            os.replace(tmp, target)
        except BaseException:
            os.unlink(tmp)
            raise
    except (OSError, ValueError):
        pass  # caching is an optimisation; a read-only cache folder must not fail the run

"""Load stage: paths → Documents (plain values + span trees), with limits and a cache.

An ecosystem is a folder: every `*.yaml` / `*.yml` file under it (recursively, in sorted
order) is read, and any file may hold several documents. A document may also `include:`
other files or globs, relative to itself; includes never leave the ecosystem folder.
Parsed files are cached by the SHA-256 of their bytes, in memory and on disk.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import orjson

from compiler import __version__, excerpts, progress
from compiler.diagnostics import Finding, Related, Span, code, make
from compiler.gcpause import gc_paused
from compiler.model import RESOURCE_SECTIONS
from compiler.resultcache import code_fingerprint
from compiler.secrets import find_secrets
from compiler.yamlparse import (
    Limits,
    ParsedDocument,
    ParseProblem,
    SpanNode,
    SpanTree,
    count_values,
    parse_text,
)

E_SYNTAX = code(
    "E0001",
    "YAML syntax error",
    "The file is not valid YAML, so nothing in it can be read.",
    "Fix the YAML at the position shown; a YAML-aware editor highlights such errors.",
    suppressible=False,
)
E_DUPLICATE_KEY = code(
    "E0002",
    "Duplicate key",
    "YAML parsers disagree on which of two equal keys wins; engage refuses to guess.",
    "Remove one of the two keys, or merge their contents.",
    suppressible=False,
)
E_LIMIT = code(
    "E0003",
    "Input exceeds a loader limit",
    "Oversize files and deep nesting are refused before they exhaust memory or time.",
    "Split the file or flatten the nesting. The limits (max_file_bytes: 8 MiB per file, "
    "max_depth: 64 levels of nesting) are far above what an ecosystem needs; raise one with "
    "`engage check --limit NAME=N`.",
    suppressible=False,
)
E_RESOURCES = code(
    "E0008",
    "Too many resources",
    "The ecosystem declares more resources than the loader's limit (max_resources, "
    "1,000,000 by default), which bounds the memory the later stages take; nothing is "
    "compiled.",
    "Check that the files are the ones you meant (a generated file run wild?); if the "
    "ecosystem really is that large, raise the limit: `engage check --limit max_resources=N`.",
    suppressible=False,
)
E_TOTAL_NODES = code(
    "E0009",
    "The files hold too many values in total",
    "Every file is within its own limit, but together the files expand to more values "
    "(aliases expanded) than max_total_nodes (4,000,000 by default), which bounds the "
    "loader's memory. Reading stops at the file that crosses the limit; nothing is compiled.",
    "Remove files that are not part of the ecosystem, or raise the limit: "
    "`engage check --limit max_total_nodes=N`.",
    suppressible=False,
)
E_NODES = code(
    "E0010",
    "A file expands to too many values",
    "One file holds, or expands through aliases to, more values than max_nodes (2,000,000 "
    "by default): an alias bomb (billion laughs), or a file far larger than an ecosystem "
    "needs. Parsing stops there, before it exhausts memory.",
    "Drop the aliases that multiply (an alias of an alias of a list), or split the file; "
    "raise the limit with `engage check --limit max_nodes=N`.",
    suppressible=False,
)
E_INCLUDE = code(
    "E0004",
    "Include outside the ecosystem or not found",
    "Includes are resolved relative to the including file and must stay inside the "
    "ecosystem folder, so that a review of the folder is a review of everything compiled.",
    "Point the include at a file inside the ecosystem folder.",
    suppressible=False,
)
E_CONSTRUCT = code(
    "E0005",
    "Unsupported YAML construct",
    "Custom tags and collection keys have no meaning in the engage language.",
    "Use plain scalars as keys and drop the tag.",
    suppressible=False,
)
E_UNREADABLE = code(
    "E0006",
    "File cannot be read",
    "The file is not UTF-8 text or cannot be opened.",
    "Save the file as UTF-8 and check its permissions.",
    suppressible=False,
)
E_NO_FILES = code(
    "E0007",
    "No ecosystem files",
    "The path holds no .yaml or .yml file, so there is no ecosystem to compile.",
    "Pass the folder that holds the ecosystem's YAML files, or run `engage init`.",
    suppressible=False,
)

_KIND_CODES = {
    "syntax": E_SYNTAX,
    "limit": E_LIMIT,
    "nodes": E_NODES,
    "duplicate_key": E_DUPLICATE_KEY,
    "tag": E_CONSTRUCT,
    "key": E_CONSTRUCT,
}


@dataclass
class Document:
    """One YAML document: its plain value and where every part of it sits.

    The value is needed only to compile; once every compilation of the sources is made
    (`SourceSet.release`) it is dropped, and what the later stages read of it is kept:
    `environment` and `includes` (issue 11: the parsed values were about 70 MiB of the
    peak of `check` at 100,000 resources). Nothing else alters a document."""

    file: str
    index: int
    value: Any
    spans: SpanNode
    # the secret-looking strings of the document (compiler.secrets.find_secrets), judged
    # when the file was parsed and kept with it in the parse cache; None: not judged
    secrets: tuple[tuple[tuple[str | int, ...], str], ...] | None = None
    # False when the file's text holds neither `${` nor a backslash: then no string of the
    # document holds a placeholder (`${`), since only a double-quoted string's escapes
    # could spell one (`"\x24{"`, an escaped line break); assemble looks no further then
    placeholders: bool = True
    # the document's `environment:` when it is a string (an overlay of that environment)
    environment: str | None = field(init=False)
    # whether the document has an `include:` key
    includes: bool = field(init=False)

    def __post_init__(self) -> None:
        value = self.value
        mapping = isinstance(value, dict)
        env = value.get("environment") if mapping else None
        self.environment = env if isinstance(env, str) else None
        self.includes = mapping and "include" in value

    def span(self) -> Span:
        s = self.spans
        return Span(self.file, s.line, s.col, s.end_line, s.end_col)


@dataclass(frozen=True)
class SourceSet:
    """Everything loaded from one ecosystem folder."""

    root: Path
    documents: tuple[Document, ...]
    findings: tuple[Finding, ...]
    digest: str
    files: tuple[str, ...] = field(default=())
    # one flag, set by `release`: the documents' values are gone
    _released: list[bool] = field(default_factory=lambda: [False], repr=False, compare=False)

    @property
    def released(self) -> bool:
        return self._released[0]

    def release(self) -> None:
        """Drop every document's value, for the memory: call it once no compilation of
        these sources is to be made any more (`compile_source` refuses a released set).
        The documents keep their spans, `environment` and `includes`."""
        self._released[0] = True
        for doc in self.documents:
            doc.value = None


def display_path(path: Path) -> str:
    """How a file is named in findings: relative to the working directory when inside it."""
    return resolved_display(path.resolve(), Path.cwd().resolve())


def resolved_display(real: Path, cwd: Path) -> str:
    """`display_path` of a path and a working directory both resolved already."""
    try:
        return real.relative_to(cwd).as_posix()
    except ValueError:
        return real.as_posix()


# The form of the span rows in a parse cache entry (`SpanTree.to_json`); an entry of
# another form is a miss. 2: flat rows (issue 11, memory), 1: nested lists per node.
SPANS_FORMAT = 2


class ParseCache:
    """Parsed files by content hash: in memory, and as JSON under a cache folder.

    Span trees are never altered after parsing (later stages copy what they change), so
    the memory cache hands out the very documents it stored, for the file they came from.
    """

    def __init__(self, folder: Path | None) -> None:
        self.folder = folder
        self.memory: dict[str, tuple[str, list[ParsedDocument]]] = {}

    @classmethod
    def default(cls) -> ParseCache:
        if os.environ.get("ENGAGE_NO_CACHE"):
            return cls(None)
        base = os.environ.get("ENGAGE_CACHE_DIR") or os.path.join(
            os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "engage"
        )
        return cls(Path(base) / "yaml")

    def _file(self, digest: str) -> Path | None:
        return self.folder / digest[:2] / f"{digest}.json" if self.folder else None

    def get(self, digest: str, file: str) -> list[ParsedDocument] | None:
        if digest in self.memory:
            owner, docs = self.memory[digest]
            if owner == file:
                return docs
            return [
                ParsedDocument(d.value, _tree(d).for_file(file).node(), d.nodes, d.secrets)
                for d in docs
            ]
        path = self._file(digest)
        if path is None or not path.is_file():
            return None
        try:
            raw = _read_entry(path.read_bytes())
            if (
                not isinstance(raw, dict)
                or raw.get("key") != digest
                or raw.get("spans") != SPANS_FORMAT
            ):
                return None  # not an entry this engage wrote for this content
            docs = [_from_entry(file, d) for d in raw["docs"]]
        except (OSError, ValueError, TypeError, IndexError, KeyError, AttributeError):
            return None  # a damaged cache entry is simply a miss
        self.memory[digest] = (file, docs)
        return docs

    def put(self, digest: str, file: str, docs: list[ParsedDocument]) -> None:
        self.memory[digest] = (file, docs)
        path = self._file(digest)
        if path is None:
            return
        entry = [
            (
                d.value,
                _tree(d).to_json(),
                d.nodes,
                None if d.secrets is None else [[list(p), w] for p, w in d.secrets],
            )
            for d in docs
        ]
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".json")
            # json.dumps, not json.dump: dump streams through the pure-Python encoder,
            # which cost a cold run with a cache folder 1.6 CPU-s at 10k resources.
            text = json.dumps(
                {
                    "key": digest,
                    "spans": SPANS_FORMAT,
                    "orjson": _orjson_reads_back(entry),
                    "docs": entry,
                },
                separators=(",", ":"),
            )
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(text)
            os.replace(tmp, path)
        except (OSError, ValueError):
            pass  # caching is an optimisation; a read-only home must not fail the run


def _orjson_reads_back(entry: Any) -> bool:
    """Whether orjson reads the standard library's JSON of `entry` back as json.loads
    would. orjson refuses what it cannot read exactly (NaN and infinities, lone
    surrogates), so a reader falls back on json.loads, except for one thing it reads
    differently without a word: an integer beyond 64 bits becomes a float. orjson refuses
    to write exactly those integers (and keys that are not strings), so its refusal here
    marks an entry to be read with json.loads."""
    try:
        orjson.dumps(entry)
    except (TypeError, ValueError, OverflowError):
        return False
    return True


def _read_entry(data: bytes) -> Any:
    """A cache entry's JSON: with orjson (twice as fast as json.loads over the 101
    entries of a 10k-resource warm re-check) when the writer marked it safe for orjson,
    else, or when orjson refuses it, with json.loads."""
    try:
        raw = orjson.loads(data)
    except orjson.JSONDecodeError:
        return json.loads(data)
    if isinstance(raw, dict) and raw.get("orjson") is True:
        return raw
    return json.loads(data)


def _from_entry(file: str, raw: list[Any]) -> ParsedDocument:
    """A document of a cache entry: [value, spans, values counted, secrets]."""
    value, spans, nodes, secrets = raw
    if not isinstance(nodes, int) or isinstance(nodes, bool):
        raise ValueError("a damaged count")
    judged = None if secrets is None else tuple((tuple(p), str(w)) for p, w in secrets)
    return ParsedDocument(value, SpanTree.from_json(file, spans).node(), nodes, judged)


def _tree(doc: ParsedDocument) -> SpanTree:
    """The span rows of a document the parser made (its root node is a view of them)."""
    tree = doc.spans.tree
    if tree is None:  # pragma: no cover - the parser and the cache make only views
        raise TypeError("a parsed document without its span rows")
    return tree


def _cache_key(data: bytes, limits: Limits, on_disk: bool = True) -> str:
    h = hashlib.sha256()
    # engage's code, not only its version: an entry holds the secrets scan's verdicts too.
    # A cache held in memory only lives as long as the code that wrote it: no need to
    # hash engage's sources (about 10-20 ms) for it.
    fingerprint = code_fingerprint() if on_disk else "memory"
    h.update(f"engage-{__version__}-{fingerprint}-{limits}".encode())
    h.update(data)
    return h.hexdigest()


def _problem_finding(problem: ParseProblem, file: str) -> Finding:
    span = Span(file, problem.line, problem.col)
    related: list[Related] = []
    if problem.related_line:
        related.append(
            Related(Span(file, problem.related_line, problem.related_col), "first defined here")
        )
    return make(_KIND_CODES[problem.kind], problem.message, span, related=related)


class Loader:
    """Reads the files of one ecosystem, following includes, each file once."""

    def __init__(self, root: Path, limits: Limits, cache: ParseCache) -> None:
        self.root = root.resolve()
        self.limits = limits
        self.cache = cache
        self.documents: list[Document] = []
        self.findings: list[Finding] = []
        self.seen: set[Path] = set()
        self.hasher = hashlib.sha256()
        self.files: list[str] = []
        self.nodes = 0
        self.resources: set[tuple[str, str]] = set()
        self.instances: dict[tuple[str, str], int] = {}  # for_each lists: instances beyond 1
        self.per_unit: set[tuple[str, str]] = set()  # for_each '*'
        self.units: set[str] = set()
        self.over = False  # a limit on the whole ecosystem was crossed: compile no more
        self._cwd: Path | None = None  # the working directory, resolved (`_display`)

    def load_file(self, path: Path) -> None:
        real = path.resolve()
        if real in self.seen or self.over:
            return
        self.seen.add(real)
        if not real.is_relative_to(self.root):  # a symlink in the folder pointing outside it
            link = f"{display_path(path.parent)}/{path.name}"
            self.findings.append(
                make(
                    E_INCLUDE,
                    f"{link} is a link to {real.as_posix()}, outside the ecosystem folder",
                    Span(link, 1, 1),
                    hint="Copy the file into the ecosystem folder instead of linking to it.",
                )
            )
            return
        file = self._display(real)
        data = self._read(real, file)
        if data is None:
            return
        self.files.append(file)
        excerpts.accept(file, data.decode("utf-8-sig", errors="replace"))
        self.hasher.update(file.encode() + b"\0" + hashlib.sha256(data).digest())
        parsed = self._parse(data, file)
        placeholders = b"${" in data or b"\\" in data
        for index, doc in enumerate(parsed):
            if self.over or not self._within_limits(file, doc):
                return
            self.documents.append(
                Document(file, index, doc.value, doc.spans, doc.secrets, placeholders)
            )
            self._follow_includes(real, doc)

    def _display(self, real: Path) -> str:
        """`display_path` of a file already resolved (`real`): the working directory
        resolved once per load, not twice per file."""
        if self._cwd is None:
            self._cwd = Path.cwd().resolve()
        return resolved_display(real, self._cwd)

    def _within_limits(self, file: str, doc: ParsedDocument) -> bool:
        """Count the document's values and resources against the ecosystem's limits; when
        it crosses one, the finding, and no more files are read (the memory of the later
        stages grows with them)."""
        self.nodes += doc.nodes if doc.nodes >= 0 else count_values(doc.value)
        limit = self.limits.max_total_nodes
        if self.nodes > limit:
            self.over = True
            self.findings.append(
                make(
                    E_TOTAL_NODES,
                    f"with this file the ecosystem's files hold {self.nodes:,} values, over "
                    f"the limit of {limit:,} values in total (max_total_nodes)",
                    Span(file, doc.spans.line, doc.spans.col),
                )
            )
            return False
        if not isinstance(doc.value, dict) or not isinstance(doc.spans.children, dict):
            return True
        for section in RESOURCE_SECTIONS:
            names = doc.value.get(section)
            if not isinstance(names, dict):
                continue
            resources, instances, per_unit = self.resources, self.instances, self.per_unit
            for name, entry in names.items():
                # the parser's keys are strings: one tuple per resource, no str() calls
                key = (section, name if type(name) is str else str(name))
                resources.add(key)
                each = entry.get("for_each") if isinstance(entry, dict) else None
                if each is None:
                    continue
                if isinstance(each, list):  # one instance per unit listed
                    instances[key] = max(0, len(each) - 1)
                else:  # '*': one per business unit
                    per_unit.add(key)
            if section == "business_units":
                self.units.update(str(name) for name in names)
            units = len(self.units)
            count = (
                len(self.resources)
                + sum(self.instances.values())
                + len(self.per_unit) * max(0, units - 1)
            )
            if count > self.limits.max_resources:
                self.over = True
                node = doc.spans.children[section]
                self.findings.append(
                    make(
                        E_RESOURCES,
                        f"the ecosystem declares more than {self.limits.max_resources:,} "
                        f"resources (max_resources), each for_each instance counted; "
                        f"{section} here crosses the limit",
                        Span(file, node.key_line or node.line, node.key_col or node.col),
                    )
                )
                return False
        return True

    def _read(self, real: Path, file: str) -> bytes | None:
        """The file's bytes, checked before reading: a regular file (a FIFO or a device
        would hang or never end), within the size limit, and never more than the limit
        read (a file that grows while read is refused too)."""
        limit = self.limits.max_file_bytes
        try:
            fd = os.open(real, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0))
        except OSError as err:
            self._unreadable(file, f"cannot read the file: {err.strerror}")
            return None
        with os.fdopen(fd, "rb") as handle:
            info = os.fstat(handle.fileno())
            if not stat.S_ISREG(info.st_mode):
                self._unreadable(file, "not a regular file (a FIFO, device or socket)")
                return None
            try:
                data = handle.read(limit + 1) if info.st_size <= limit else None
            except OSError as err:
                self._unreadable(file, f"cannot read the file: {err.strerror}")
                return None
        if data is None or len(data) > limit:
            size = info.st_size if data is None else len(data)
            self.findings.append(
                make(
                    E_LIMIT,
                    f"the file is {'over ' if data is not None else ''}{size:,} bytes, over "
                    f"the limit of {limit:,} bytes",
                    Span(file, 1, 1),
                )
            )
            return None
        return data

    def _unreadable(self, file: str, message: str) -> None:
        self.findings.append(make(E_UNREADABLE, message, Span(file, 1, 1)))

    def _parse(self, data: bytes, file: str) -> list[ParsedDocument]:
        digest = _cache_key(data, self.limits, self.cache.folder is not None)
        cached = self.cache.get(digest, file)
        if cached is not None:
            return cached
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as err:
            line = data[: err.start].count(b"\n") + 1
            self.findings.append(
                make(
                    E_UNREADABLE, f"the file is not UTF-8 text ({err.reason})", Span(file, line, 1)
                )
            )
            return []
        if "\0" in text:
            self.findings.append(
                make(
                    E_UNREADABLE, "the file holds NUL characters: it is not text", Span(file, 1, 1)
                )
            )
            return []
        # The file may take no more values than the ecosystem has left: the memory of all
        # the files together stays within max_total_nodes. (A file parsed within a smaller
        # budget parses the same as with the full one, so the cache key stays the same.)
        left = self.limits.max_total_nodes - self.nodes
        budget = replace(self.limits, max_nodes=max(0, min(self.limits.max_nodes, left)))
        docs, problem = parse_text(text, file, budget)
        if problem is not None and problem.kind == "nodes" and left < self.limits.max_nodes:
            self.over = True
            limit = self.limits.max_total_nodes
            problem = replace(
                problem,
                message=f"the ecosystem's files expand to more than {limit:,} values in total "
                "(max_total_nodes); reading stopped in this file",
            )
            self.findings.append(
                make(E_TOTAL_NODES, problem.message, Span(file, problem.line, problem.col))
            )
            return []
        if problem is not None:
            self.findings.append(_problem_finding(problem, file))
            return []
        for doc in docs:  # judged once per content, kept in the cache with the values
            doc.secrets = tuple(find_secrets(doc.value, strings=doc.strings))
            doc.strings = None
        self.cache.put(digest, file, docs)
        return docs

    def _follow_includes(self, including: Path, doc: ParsedDocument) -> None:
        if not isinstance(doc.value, dict) or "include" not in doc.value:
            return
        raw = doc.value["include"]
        node = doc.spans.children["include"] if isinstance(doc.spans.children, dict) else doc.spans
        items = raw if isinstance(raw, list) else [raw]
        for i, item in enumerate(items):
            inode = node.children[i] if isinstance(node.children, list) else node
            span = Span(inode.file, inode.line, inode.col, inode.end_line, inode.end_col)
            if not isinstance(item, str) or not item:
                self.findings.append(
                    make(E_INCLUDE, "an include must be a relative path or glob", span)
                )
                continue
            for target in self._expand(including.parent, item, span):
                self.load_file(target)

    def _expand(self, base: Path, pattern: str, span: Span) -> list[Path]:
        if Path(pattern).is_absolute():
            self.findings.append(
                make(E_INCLUDE, f"the include {pattern!r} is an absolute path", span)
            )
            return []
        matches = (
            sorted(base.glob(pattern)) if any(c in pattern for c in "*?[") else [base / pattern]
        )
        out: list[Path] = []
        for match in matches:
            real = match.resolve()
            if not real.is_relative_to(self.root):
                self.findings.append(
                    make(
                        E_INCLUDE,
                        f"the include {pattern!r} leads outside the ecosystem folder "
                        f"({self.root.as_posix()})",
                        span,
                    )
                )
                continue
            if not real.is_file():
                self.findings.append(
                    make(E_INCLUDE, f"the include {pattern!r} names no file", span)
                )
                continue
            out.append(match)
        if not matches:
            self.findings.append(make(E_INCLUDE, f"the include {pattern!r} matches no file", span))
        return out


def ecosystem_files(root: Path) -> list[Path]:
    """The YAML files of a folder, sorted, skipping hidden folders."""
    found: list[Path] = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            if name.endswith((".yaml", ".yml")) and not name.startswith("."):
                found.append(Path(dirpath) / name)
    return found


def load(
    path: Path | str,
    limits: Limits | None = None,
    cache: ParseCache | None = None,
) -> SourceSet:
    """Load an ecosystem folder (or a single file and what it includes)."""
    with gc_paused():
        return _load(Path(path), limits, cache)


def _load(path: Path, limits: Limits | None, cache: ParseCache | None) -> SourceSet:
    limits = limits or Limits()
    cache = cache if cache is not None else ParseCache.default()
    if path.is_dir():
        root, entries = path, ecosystem_files(path)
    elif path.exists():
        root, entries = path.resolve().parent, [path]
    else:
        root, entries = path.parent, []
    loader = Loader(root, limits, cache)
    if not path.exists():
        loader.findings.append(
            make(
                E_NO_FILES,
                f"{display_path(path)} does not exist",
                Span(display_path(path), 1, 1),
                hint="Pass the folder that holds the ecosystem, e.g. `engage validate ecosystem/`.",
            )
        )
    elif not entries:
        loader.findings.append(
            make(E_NO_FILES, "no .yaml or .yml files found", Span(display_path(path), 1, 1))
        )
    progress.stage("load", len(entries))
    for entry in entries:
        loader.load_file(entry)
        progress.advance()
    return SourceSet(
        root=root.resolve(),
        # over a limit of the whole ecosystem, nothing is compiled: a part of it would only
        # report what the rest declares as missing
        documents=() if loader.over else tuple(loader.documents),
        findings=tuple(loader.findings),
        digest=loader.hasher.hexdigest(),
        files=tuple(loader.files),
    )


def iter_values(docs: Iterable[Document]) -> Iterable[Any]:
    return (d.value for d in docs)

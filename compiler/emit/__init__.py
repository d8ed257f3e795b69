"""Emit stage: a ResolvedEcosystem → the files the platforms' own tools deploy.

Each target (`salesforce`, `account_engagement`, `marketing_cloud`, `sync`) has an emitter,
`emit(resolved) -> (artifacts, findings)`, that only computes bytes. `generate()` is the one
place that writes: it checks every path, writes each file atomically under
`<out>/<target>/`, removes files it generated before and no longer generates, and keeps a
manifest (`<out>/.engage-manifest.json`) of what it wrote and from which resources.

An artifact is one of
  * `(path, content)`: a file with no known source resources (written only by a full
    generation, never by an `addresses`-limited one);
  * `(path, content, sources)`: `sources` are the resource addresses the content derives
    from, so `generate(..., addresses=...)` (apply) rewrites exactly what a change touches;
  * `Emitted(path, content, sources, members)`: as above, plus the platform components
    the file defines as `(type, name, owner address)` (e.g. `("DuplicateRule",
    "Contact.Block_dupes", "duplicate_rule.block_dupes")`), recorded in the manifest so a
    later deletion of the owner can name the component to delete.
`path` is a relative POSIX path *inside the target's folder* (e.g.
`dataExtension/Newsletter.dataExtension-meta.json`, not `marketing_cloud/...`).

A target may also have a finisher, run after the selection by `addresses`: it builds the
files that describe the selection itself (Salesforce `package.xml`, `destructiveChanges.xml`
and `sfdx-project.json`). Emitters of other engineers are imported lazily, so a target
whose module does not exist yet is simply absent.
"""

from __future__ import annotations

import hashlib
import importlib
import importlib.util
import json
import os
import tempfile
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from compiler import __version__
from compiler.diagnostics import Finding, code, make
from compiler.emit.names import relpath_problem
from compiler.fsutil import write_atomic
from compiler.resolved import ResolvedEcosystem
from compiler.suppress import apply_suppressions

Artifact = tuple[str, bytes]
Member = tuple[str, str, str]  # (component type, component name, owner address)


@dataclass(frozen=True)
class Emitted:
    """One generated file, with the resources it derives from."""

    path: str
    content: bytes
    sources: tuple[str, ...] = ()
    members: tuple[Member, ...] = ()
    aggregate: bool = False  # made by a finisher from the whole selection


ArtifactLike = Artifact | tuple[str, bytes, Collection[str]] | Emitted
EmitFn = Callable[[ResolvedEcosystem], tuple[Sequence[ArtifactLike], list[Finding]]]
# A deleted component: (path of the file that defined it, inside the target; type; name).
Deletion = tuple[str, str, str]
FinishFn = Callable[
    [ResolvedEcosystem, Sequence[Emitted], Sequence[Deletion]],
    tuple[list[Emitted], list[Finding]],
]

MANIFEST = ".engage-manifest.json"
MANIFEST_VERSION = 1

E_INTERNAL = code(
    "E9810",
    "Internal error in a generator",
    "A generator crashed on this ecosystem. It is a bug in engage, not in the ecosystem; "
    "the other targets are still generated.",
    "Report it with the ecosystem that triggers it; set ENGAGE_DEBUG=1 for the traceback.",
    suppressible=False,
)
E_UNSAFE_PATH = code(
    "E9811",
    "Generated file name refused",
    "A name from the ecosystem would make a file name that escapes the output folder or "
    "that some file systems refuse, so the file is not written.",
    "Rename the resource (or its external key) with letters, digits, `_` and `-`.",
    suppressible=False,
)
W_MANIFEST = code(
    "W9812",
    "Unreadable generation manifest",
    "The manifest of the previous generation could not be read, so files generated before "
    "and no longer generated cannot be recognised and are left in place.",
    "Delete the output folder and generate again to start from a clean state.",
)
W_UNKNOWN_DELETION = code(
    "W9813",
    "Deleted resource with no recorded component",
    "A deleted resource has no component recorded by an earlier generation in this output "
    "folder, so destructiveChanges.xml cannot name what to delete on the platform.",
    "Delete the component by hand, or generate into the folder used by earlier applies.",
)


# --------------------------------------------------------------------------- registry
class _Absent(Exception):
    """A target's module exists but does not provide its function yet."""


def _lazy(module: str, attr: str = "emit") -> Callable[..., Any]:
    def run(*args: Any) -> Any:
        function = getattr(importlib.import_module(module), attr, None)
        if function is None:
            raise _Absent(f"{module}.{attr}")
        return function(*args)

    run.__name__ = f"{module}.{attr}"
    return run


def _exists(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except ModuleNotFoundError:
        return False


_TARGETS = (
    ("salesforce", "compiler.emit.salesforce"),
    ("account_engagement", "compiler.emit.account_engagement"),
    ("marketing_cloud", "compiler.emit.marketing_cloud"),
    ("sync", "compiler.emit.sync"),
)
EMITTERS: list[tuple[str, EmitFn]] = [
    (target, _lazy(module)) for target, module in _TARGETS if _exists(module)
]
FINISHERS: dict[str, FinishFn] = {"salesforce": _lazy("compiler.emit.salesforce", "finish")}


# --------------------------------------------------------------------------- values
@dataclass(frozen=True)
class GenerateResult:
    out_dir: Path
    written: tuple[str, ...]  # every file generated this run, relative to out_dir
    changed: tuple[str, ...]  # the subset whose content differs from what was on disk
    removed: tuple[str, ...]  # files of earlier generations no longer generated
    findings: tuple[Finding, ...]
    by_target: Mapping[str, tuple[str, ...]] = field(default_factory=dict)


def normalize(item: ArtifactLike) -> Emitted:
    if isinstance(item, Emitted):
        return item
    if len(item) == 2:
        return Emitted(item[0], item[1])
    path, content, sources = item
    return Emitted(path, content, tuple(sorted(set(sources))))


@dataclass(frozen=True)
class Entry:
    """One file of the manifest."""

    target: str
    sha256: str
    sources: tuple[str, ...]
    members: tuple[Member, ...]
    aggregate: bool

    def to_json(self) -> dict[str, Any]:
        return {
            "target": self.target,
            "sha256": self.sha256,
            "sources": list(self.sources),
            "members": [list(m) for m in self.members],
            "aggregate": self.aggregate,
        }

    @classmethod
    def from_json(cls, value: Mapping[str, Any]) -> Entry:
        return cls(
            target=str(value["target"]),
            sha256=str(value["sha256"]),
            sources=tuple(str(s) for s in value.get("sources", ())),
            members=tuple((str(a), str(b), str(c)) for a, b, c in value.get("members", ())),
            aggregate=bool(value.get("aggregate", False)),
        )


def _sha(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def read_manifest(out_dir: Path) -> tuple[dict[str, Entry], list[Finding]]:
    path = out_dir / MANIFEST
    if not path.exists():
        return {}, []
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        files = raw["files"]
        entries = {str(p): Entry.from_json(v) for p, v in files.items()}
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as err:
        message = f"{path}: {type(err).__name__}: {err}"
        return {}, [make(W_MANIFEST, message, None)]
    safe = {p: e for p, e in entries.items() if relpath_problem(p) is None}
    return safe, []


def manifest_bytes(entries: Mapping[str, Entry]) -> bytes:
    doc = {
        "format_version": MANIFEST_VERSION,
        "generator": f"engage {__version__}",
        "files": {p: entries[p].to_json() for p in sorted(entries)},
    }
    return (json.dumps(doc, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


# --------------------------------------------------------------------------- running
@dataclass
class _Run:
    resolved: ResolvedEcosystem
    addresses: frozenset[str] | None
    deleted: frozenset[str]
    old: Mapping[str, Entry]
    findings: list[Finding] = field(default_factory=list)

    @property
    def scope(self) -> frozenset[str]:
        return (self.addresses or frozenset()) | self.deleted

    def in_scope(self, entry: Entry) -> bool:
        if self.addresses is None:
            return True
        return entry.aggregate or bool(set(entry.sources) & self.scope)


def _emit_target(run: _Run, target: str, emit: EmitFn) -> list[Emitted] | None:
    """The target's checked artifacts; None when the target is not available."""
    try:
        raw, findings = emit(run.resolved)
    except _Absent:
        return None
    except Exception as err:  # a generator bug must not take the other targets down
        run.findings.append(
            make(E_INTERNAL, f"generator {target!r} failed: {type(err).__name__}: {err}", None)
        )
        return []
    run.findings.extend(findings)
    out: list[Emitted] = []
    for item in raw:
        art = normalize(item)
        problem = relpath_problem(art.path)
        if problem is None:
            out.append(art)
        else:
            run.findings.append(
                make(E_UNSAFE_PATH, f"{target}: file name {art.path!r} {problem}", None)
            )
    return out


def _select(run: _Run, target: str, arts: Sequence[Emitted]) -> list[Emitted]:
    if run.addresses is None:
        return list(arts)
    touched = {
        p for p, e in run.old.items() if e.target == target and not e.aggregate and run.in_scope(e)
    }
    return [a for a in arts if set(a.sources) & run.addresses or f"{target}/{a.path}" in touched]


def _deleted_members(run: _Run, target: str) -> tuple[list[Deletion], set[str]]:
    members: set[Deletion] = set()
    found: set[str] = set()
    for rel, entry in run.old.items():
        if entry.target != target:
            continue
        for mtype, name, owner in entry.members:
            if owner in run.deleted:
                members.add((rel.removeprefix(f"{target}/"), mtype, name))
                found.add(owner)
    return sorted(members), found


def _finish(run: _Run, target: str, selected: list[Emitted]) -> tuple[list[Emitted], set[str]]:
    finisher = FINISHERS.get(target)
    if finisher is None:
        return selected, set()
    deleted, found = _deleted_members(run, target)
    try:
        extra, findings = finisher(run.resolved, selected, deleted)
    except Exception as err:
        run.findings.append(
            make(E_INTERNAL, f"finisher {target!r} failed: {type(err).__name__}: {err}", None)
        )
        return selected, found
    run.findings.extend(findings)
    return [*selected, *(Emitted(e.path, e.content, e.sources, e.members, True) for e in extra)], (
        found
    )


class OutputError(Exception):
    """The output folder cannot take the generated files: nothing was written."""

    def __init__(self, message: str, hint: str) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


def _inside(out_dir: Path, rel: str) -> Path | None:
    root = out_dir.resolve()
    target = (out_dir / rel).resolve()
    return target if target.is_relative_to(root) and target != root else None


def _in_the_way(out_dir: Path, rel: str) -> str | None:
    """Why `rel` cannot be written under `out_dir` (a file where a folder must be, a
    folder where the file must be, a link leading outside), or None."""
    shown = (out_dir / rel).as_posix()
    if _inside(out_dir, rel) is None:
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


def _write(out_dir: Path, rel: str, content: bytes) -> bool:
    """Write unless the file already holds exactly these bytes; True when written."""
    target = _inside(out_dir, rel)
    if target is None:
        raise OutputError(
            f"{(out_dir / rel).as_posix()} leads outside {out_dir.as_posix()}",
            "Remove the symbolic link, or pass another output folder.",
        )
    if target.is_file() and target.read_bytes() == content:
        return False
    write_atomic(target, content)
    return True


def _remove(out_dir: Path, rel: str) -> bool:
    target = _inside(out_dir, rel)
    if target is None or not target.is_file():
        return False
    target.unlink()
    root = out_dir.resolve()
    parent = target.parent
    while parent != root and parent.is_relative_to(root) and not any(parent.iterdir()):
        parent.rmdir()
        parent = parent.parent
    return True


def _entries(target: str, arts: Iterable[Emitted]) -> dict[str, Entry]:
    return {
        f"{target}/{a.path}": Entry(target, _sha(a.content), a.sources, a.members, a.aggregate)
        for a in arts
    }


@dataclass(frozen=True)
class Prepared:
    """Every target's files, computed and not yet written (see `prepare`)."""

    run: _Run
    entries: Mapping[str, Entry]
    contents: Mapping[str, bytes]
    by_target: Mapping[str, tuple[str, ...]]
    ran: frozenset[str]

    @property
    def findings(self) -> tuple[Finding, ...]:
        return tuple(self.run.findings)

    @property
    def paths(self) -> tuple[str, ...]:
        return tuple(sorted(self.contents))


def prepare(
    resolved: ResolvedEcosystem,
    out_dir: Path,
    addresses: Collection[str] | None = None,
    deleted: Collection[str] = (),
    *,
    targets: Collection[str] | None = None,
) -> Prepared:
    """Compute what `generate` would write (reading only the manifest): its findings can
    refuse a run before anything changes, and `write_prepared` then writes it."""
    old, findings = read_manifest(out_dir)
    run = _Run(
        resolved,
        None if addresses is None else frozenset(addresses),
        frozenset(deleted),
        old,
        findings,
    )
    new: dict[str, Entry] = {}
    contents: dict[str, bytes] = {}
    by_target: dict[str, tuple[str, ...]] = {}
    found: set[str] = set()
    ran: set[str] = set()
    for target, emit in EMITTERS:
        if targets is not None and target not in targets:
            continue
        emitted = _emit_target(run, target, emit)
        if emitted is None:
            continue
        ran.add(target)
        selected = _select(run, target, emitted)
        arts, target_found = _finish(run, target, selected)
        found |= target_found
        entries = _entries(target, arts)
        new.update(entries)
        contents.update({f"{target}/{a.path}": a.content for a in arts})
        by_target[target] = tuple(sorted(entries))
    _report_unknown_deletions(run, found)
    # the YAML's suppressions hold here as in `engage check`: a finding accepted with a
    # reason next to its resource is shown as suppressed, not as a new warning
    run.findings[:] = apply_suppressions(resolved, run.findings)[0]
    return Prepared(run, new, contents, by_target, frozenset(ran))


def write_prepared(prepared: Prepared, out_dir: Path) -> GenerateResult:
    """Write what `prepare` computed: checked first (OutputError, nothing written), then
    file by file (an OSError midway leaves the files written so far)."""
    check_output(out_dir, prepared.paths)
    return _commit(
        prepared.run,
        out_dir,
        dict(prepared.entries),
        prepared.contents,
        prepared.by_target,
        set(prepared.ran),
    )


def generate(
    resolved: ResolvedEcosystem,
    out_dir: Path,
    addresses: Collection[str] | None = None,
    deleted: Collection[str] = (),
    *,
    targets: Collection[str] | None = None,
) -> GenerateResult:
    """Generate every target's files under `out_dir` (see the module docstring).

    `addresses` limits the run to artifacts of those resources (plus the files describing
    the selection); `deleted` names resources a plan deletes: their files are removed and
    their Salesforce components listed in destructiveChanges.xml. Raises OutputError when
    the folder cannot take the files (nothing written), OSError when a write fails.
    """
    prepared = prepare(resolved, out_dir, addresses, deleted, targets=targets)
    return write_prepared(prepared, out_dir)


def _report_unknown_deletions(run: _Run, found: set[str]) -> None:
    for address in sorted(run.deleted - found):
        if _names_salesforce_component(run.resolved, address):
            run.findings.append(
                make(
                    W_UNKNOWN_DELETION,
                    f"{address} is deleted, but no earlier generation here recorded its "
                    "Salesforce component",
                    None,
                    address=address,
                )
            )


def _names_salesforce_component(resolved: ResolvedEcosystem, address: str) -> bool:
    """Whether a deleted resource surely had a Salesforce component (its own kind says so,
    or it was an object of a Salesforce system); a deleted integration user's system is
    not known any more, so it is not reported."""
    kind, _, rest = address.partition(".")
    if kind in ("duplicate_rule", "matching_rule"):
        return True
    system = resolved.ecosystem.systems.get(rest.partition(".")[0])
    return kind == "object" and system is not None and system.type == "salesforce"


def _commit(
    run: _Run,
    out_dir: Path,
    new: dict[str, Entry],
    contents: Mapping[str, bytes],
    by_target: Mapping[str, tuple[str, ...]],
    ran: set[str],
) -> GenerateResult:
    changed = [rel for rel in sorted(contents) if _write(out_dir, rel, contents[rel])]
    stale = sorted(
        rel
        for rel, entry in run.old.items()
        if rel not in new and entry.target in ran and run.in_scope(entry)
    )
    removed = [rel for rel in stale if _remove(out_dir, rel)]
    kept = {rel: e for rel, e in run.old.items() if rel not in new and rel not in stale}
    _write(out_dir, MANIFEST, manifest_bytes({**kept, **new}))
    return GenerateResult(
        out_dir=out_dir,
        written=tuple(sorted(contents)),
        changed=tuple(changed),
        removed=tuple(removed),
        findings=tuple(run.findings),
        by_target=dict(by_target),
    )


__all__ = [
    "EMITTERS",
    "FINISHERS",
    "MANIFEST",
    "Artifact",
    "ArtifactLike",
    "Deletion",
    "Emitted",
    "GenerateResult",
    "Member",
    "OutputError",
    "Prepared",
    "check_output",
    "generate",
    "normalize",
    "prepare",
    "write_prepared",
]

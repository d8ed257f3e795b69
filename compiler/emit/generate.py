"""`generate`: a ResolvedEcosystem → the files the platforms' own tools deploy.

`prepare` computes every target's files (reading only the manifest), so its findings can
refuse a run before anything changes; `write_prepared` then writes them under
`<out>/<target>/` and updates the manifest (`<out>/.engage-manifest.json`).
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from compiler.diagnostics import Finding
from compiler.emit.artifact import Emitted
from compiler.emit.deletions import unknown_deletions
from compiler.emit.heap import older_objects_frozen
from compiler.emit.manifest import MANIFEST, Entry, entries_of, manifest_bytes, read_manifest
from compiler.emit.output import check_output, remove_file, write_file, write_files
from compiler.emit.selection import Run, emit_target, finish_target, select
from compiler.emit.targets import EMITTERS, FINISHERS
from compiler.resolved import ResolvedEcosystem
from compiler.suppress import apply_suppressions


@dataclass(frozen=True)
class GenerateResult:
    out_dir: Path
    written: tuple[str, ...]  # every file generated this run, relative to out_dir
    changed: tuple[str, ...]  # the subset whose content differs from what was on disk
    removed: tuple[str, ...]  # files of earlier generations no longer generated
    findings: tuple[Finding, ...]
    by_target: Mapping[str, tuple[str, ...]] = field(default_factory=dict)


@dataclass(frozen=True)
class Prepared:
    """Every target's files, computed and not yet written (see `prepare`)."""

    run: Run
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


def _run(
    resolved: ResolvedEcosystem,
    out_dir: Path,
    addresses: Collection[str] | None,
    deleted: Collection[str],
) -> Run:
    old, findings = read_manifest(out_dir)
    return Run(
        resolved,
        None if addresses is None else frozenset(addresses),
        frozenset(deleted),
        old,
        findings,
    )


def _targets(
    run: Run, targets: Collection[str] | None, contents: bool = True
) -> Iterator[tuple[str, list[Emitted], set[str]]]:
    """Each target's selected and finished artifacts, one target at a time (with
    `contents=False` the emitted ones as outlines), and the deleted resources whose
    components its manifest entries recorded."""
    for target, emit in EMITTERS:
        if targets is not None and target not in targets:
            continue
        emitted = emit_target(run, target, emit, contents=contents)
        selected = select(run, target, emitted)
        del emitted
        arts, target_found = finish_target(run, target, selected, FINISHERS.get(target))
        yield target, arts, target_found


def _finish(run: Run, resolved: ResolvedEcosystem, found: set[str]) -> None:
    run.findings.extend(unknown_deletions(resolved, run.deleted, found))
    # the YAML's suppressions hold here as in `engage check`: a finding accepted with a
    # reason next to its resource is shown as suppressed, not as a new warning
    run.findings[:] = apply_suppressions(resolved, run.findings)[0]


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
    run = _run(resolved, out_dir, addresses, deleted)
    new: dict[str, Entry] = {}
    contents: dict[str, bytes] = {}
    by_target: dict[str, tuple[str, ...]] = {}
    found: set[str] = set()
    ran: set[str] = set()
    with older_objects_frozen():
        for target, arts, target_found in _targets(run, targets):
            ran.add(target)
            found |= target_found
            entries = entries_of(target, arts)
            new.update(entries)
            contents.update({f"{target}/{a.path}": a.content for a in arts})
            by_target[target] = tuple(sorted(entries))
        _finish(run, resolved, found)
    return Prepared(run, new, contents, by_target, frozenset(ran))


def generation_findings(
    resolved: ResolvedEcosystem,
    out_dir: Path,
    addresses: Collection[str] | None = None,
    deleted: Collection[str] = (),
) -> tuple[Finding, ...]:
    """The findings `prepare` would report, computed target by target from the artifacts'
    outlines, without holding their contents (the plan's proof that apply can generate
    them)."""
    run = _run(resolved, out_dir, addresses, deleted)
    found: set[str] = set()
    with older_objects_frozen():
        for _, arts, target_found in _targets(run, None, contents=False):
            found |= target_found
            del arts
        _finish(run, resolved, found)
    return tuple(run.findings)


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


def _commit(
    run: Run,
    out_dir: Path,
    new: dict[str, Entry],
    contents: Mapping[str, bytes],
    by_target: Mapping[str, tuple[str, ...]],
    ran: set[str],
) -> GenerateResult:
    changed = write_files(out_dir, contents)
    stale = sorted(
        rel
        for rel, entry in run.old.items()
        if rel not in new and entry.target in ran and run.in_scope(entry)
    )
    removed = [rel for rel in stale if remove_file(out_dir, rel)]
    kept = {rel: e for rel, e in run.old.items() if rel not in new and rel not in stale}
    write_file(out_dir, MANIFEST, manifest_bytes({**kept, **new}))
    return GenerateResult(
        out_dir=out_dir,
        written=tuple(sorted(contents)),
        changed=tuple(changed),
        removed=tuple(removed),
        findings=tuple(run.findings),
        by_target=dict(by_target),
    )

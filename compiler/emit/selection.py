"""One generation run: each target's artifacts, checked, then selected by addresses.

A run limited to `addresses` (apply) keeps the artifacts derived from those resources and
the files an earlier run made from them; the target's finisher then describes the selection.
A generator that crashes becomes E9810 and the other targets still run.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from compiler.diagnostics import Finding, code, make
from compiler.emit.artifact import EmitFn, Emitted, FinishFn, drained, normalize, outline
from compiler.emit.deletions import deleted_members
from compiler.emit.manifest import Entry
from compiler.emit.names import relpath_problem
from compiler.resolved import ResolvedEcosystem

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


@dataclass
class Run:
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


def emit_target(run: Run, target: str, emit: EmitFn, *, contents: bool = True) -> list[Emitted]:
    """The target's checked artifacts, sorted by path (none when its generator crashed);
    with `contents=False` their outlines (`artifact.outline`: the plan's generation check,
    which a generator emitter hands its artifacts one by one, so that no target's
    contents are ever held whole)."""
    try:
        result = emit(run.resolved)
        if isinstance(result, tuple):
            raw, findings = result
        else:  # a generator runs as it is drained: a crash midway is caught here too
            raw, findings = drained(result, contents)
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
            out.append(art if contents else outline(art))
        else:
            run.findings.append(
                make(E_UNSAFE_PATH, f"{target}: file name {art.path!r} {problem}", None)
            )
    return out


def select(run: Run, target: str, arts: Sequence[Emitted]) -> list[Emitted]:
    if run.addresses is None:
        return list(arts)
    touched = {
        p for p, e in run.old.items() if e.target == target and not e.aggregate and run.in_scope(e)
    }
    return [a for a in arts if set(a.sources) & run.addresses or f"{target}/{a.path}" in touched]


def finish_target(
    run: Run, target: str, selected: list[Emitted], finisher: FinishFn | None
) -> tuple[list[Emitted], set[str]]:
    """The selection plus the files the target's finisher makes from it, and the deleted
    resources whose components the manifest recorded."""
    if finisher is None:
        return selected, set()
    deleted, found = deleted_members(run.old, run.deleted, target)
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

"""Making a plan: compile the sources, read the state, build the plan, refuse what apply
would refuse. The `engage plan` command parses options, calls `make_plan`, renders the
result and maps it to an exit code; everything in between is here.
"""

from __future__ import annotations

import gc
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from compiler.apply_artifacts import touched
from compiler.compile_default import compile_default
from compiler.diagnostics import has_errors
from compiler.emit.generate import generation_findings
from compiler.graph import build_graph
from compiler.pipeline import Compilation
from compiler.plan.backends import open_backend
from compiler.plan.builder import PlanInputs, build_plan
from compiler.plan.conflicts import check_findings, errors
from compiler.plan.definition import Plan
from compiler.plan.errors import ConflictError, GenerationError, PlanError
from compiler.plan.state import check_belongs
from compiler.resolved import ResolvedEcosystem
from compiler.suggest import did_you_mean


@dataclass(frozen=True)
class Made:
    """The compilation a plan was made from, and the plan (None when it has errors)."""

    compilation: Compilation
    plan: Plan | None


def check_empty(plan_inputs: PlanInputs) -> None:
    """Only data extensions declared or in state can be declared empty (a typo would
    silently assume nothing)."""
    known = {a for a in plan_inputs.resolved.addresses if a.startswith("data_extension.")}
    if plan_inputs.state is not None:
        known |= {a for a in plan_inputs.state.resources if a.startswith("data_extension.")}
    for address in sorted(plan_inputs.assume_empty):
        if not address.startswith("data_extension."):
            raise PlanError(
                f"--assume-empty {address}: only data extensions can be declared empty",
                hint="Pass the address of a data extension, e.g. data_extension.newsletter.",
            )
        if address not in known:
            raise PlanError(
                f"--assume-empty {address}: no such data extension, declared or in state"
                + did_you_mean(address, known),
                hint="Pass the address of a data extension (see `engage state list`).",
            )


def check_generation(made: Plan, resolved: ResolvedEcosystem) -> None:
    """Refuse now what apply would refuse later: a plan whose artifacts cannot be generated
    must not go out for approval. The artifacts of the plan's changes are computed target
    by target against an empty output folder and dropped once their findings are known (a
    folder that does not exist holds no file in the way of any of them)."""
    written, deleted = touched(made)
    with tempfile.TemporaryDirectory(prefix="engage-plan-") as folder:
        findings = generation_findings(resolved, Path(folder) / "out", written, deleted)
    if has_errors(findings):
        raise GenerationError(
            "generating the artifacts of this plan reports errors (above), so `engage "
            "apply` would refuse it; no plan was saved",
            hint="Fix them in the ecosystem (`engage generate` shows the same), then plan again.",
            findings=findings,
        )


@contextmanager
def cycles_collected() -> Iterator[None]:
    """The collector on for the block, over what the block makes only: the generation
    check's sqlglot trees point to their parents, so with the collector paused (the
    command's default: `cli.main`) each query's tree would stay until the process exits,
    a quarter of the 10,000-resource plan's generation check's peak. What is alive when
    the block starts (the compilation and the plan: 2 million objects at 100,000
    resources) is frozen first (`gc.freeze`), so that no collection in the block scans
    it; the block ends with one collection of what it left, and everything frozen
    (whoever froze it) is unfrozen."""
    was_enabled = gc.isenabled()
    gc.freeze()
    gc.enable()
    try:
        yield
    finally:
        if not was_enabled:
            gc.disable()
        gc.collect()
        gc.unfreeze()


def check_conflicts(plan: Plan, allow: bool) -> None:
    """Conflict errors refuse the plan, unless allowed and some policy must approve them."""
    found = errors(plan.conflicts)
    if not found:
        return
    if not allow:
        raise ConflictError(
            f"`engage check` reports {len(found)} conflict error(s) in these sources (above); "
            "no plan was saved",
            hint="Fix them (or suppress them with a reason) and plan again; to plan anyway, "
            "pass --allow-conflicts: the plan is then marked and the policies covering the "
            "conflicting resources must approve it.",
            plan=plan,
        )
    covered = {a for r in plan.required_approvals for a in r.addresses}
    loose = sorted({c.address or "(no resource)" for c in found} - covered)
    if loose:
        raise PlanError(
            f"--allow-conflicts: no governance policy covers the conflicting "
            f"resource(s) {', '.join(loose)}, so nobody would have to approve the conflict",
            hint="Add a policy whose kinds (and business units) cover them, or fix the conflicts.",
        )


def plan_compiled(
    comp: Compilation,
    source: str,
    state_path: str | Path | None,
    empty: tuple[str, ...],
    allow_conflicts: bool = False,
    targets: tuple[str, ...] = (),
) -> Plan:
    """The plan of a compilation without errors. Raises a PlanError subclass."""
    assert comp.resolved is not None
    plan = _built(comp, source, state_path, empty, allow_conflicts, targets)
    check_conflicts(plan, allow_conflicts)
    with cycles_collected():
        check_generation(plan, comp.resolved)
    return plan


def _built(
    comp: Compilation,
    source: str,
    state_path: str | Path | None,
    empty: tuple[str, ...],
    allow_conflicts: bool,
    targets: tuple[str, ...],
) -> Plan:
    """The plan, built from the graph this builds for the checks and the plan; the graph
    is dropped when this returns, before the generation check (graph3's graph tables hold
    no reference cycle, so reference counting frees them then)."""
    assert comp.resolved is not None
    environment = comp.resolved.environment
    backend = open_backend(state_path, environment)
    state = backend.read()
    if state is not None:
        check_belongs(state, backend.location, comp.resolved.ecosystem.ecosystem.name, environment)
    # once, for check and plan; a cycle is reported by check and refused by build_plan
    graph = build_graph(comp.resolved)
    inputs = PlanInputs(
        comp.resolved,
        state,
        source,
        backend.location,
        frozenset(empty),
        conflicts=check_findings(comp.resolved, graph),
        allow_conflicts=allow_conflicts,
        targets=frozenset(targets),
        graph=graph,
    )
    check_empty(inputs)
    return build_plan(inputs)


def make_plan(
    source: str,
    environment: str | None,
    state_path: str | Path | None,
    empty: tuple[str, ...],
    allow_conflicts: bool = False,
    targets: tuple[str, ...] = (),
) -> Made:
    """Compile SOURCE (the environment, else its default) and plan it against the state.
    A compilation with errors gives no plan; refusals raise a PlanError subclass."""
    comp = compile_default(source, environment)
    if not comp.ok or comp.resolved is None:
        return Made(comp, None)
    return Made(comp, plan_compiled(comp, source, state_path, empty, allow_conflicts, targets))

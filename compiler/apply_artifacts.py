"""Apply's artifacts: what a plan's changes generate, checked before and written after.

Before anything is recorded, the files of the plan's changes (and of an interrupted apply
it finishes) are computed and the output folder checked: generation errors, or a folder
that cannot take the files, refuse the apply while nothing has changed. After the changes
are recorded, the files are written; a failure then (a full disk, something that appeared
in the way) leaves the apply unfinished in state, so the next plan finishes it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from compiler.diagnostics import Severity, has_errors
from compiler.emit.generate import GenerateResult, Prepared, prepare, write_prepared
from compiler.emit.output import OutputError, check_output
from compiler.plan.definition import Plan
from compiler.plan.errors import ArtifactsError, GenerationError, PlanError
from compiler.resolved import ResolvedEcosystem

_REPLAN = "run `engage plan --out ...` again and have the new plan approved"


@dataclass(frozen=True)
class Pending:
    """Artifacts computed for an apply, not yet written."""

    prepared: Prepared
    out_dir: Path


def touched(plan: Plan) -> tuple[list[str], list[str]]:
    """Addresses whose artifacts to write, and those removed (deleted or moved away): the
    plan's, and those of an interrupted apply it finishes."""
    deleted = {c.address for c in plan.changes if c.action == "delete"}
    deleted |= {c.previous_address for c in plan.changes if c.previous_address}
    written = {c.address for c in plan.changes if c.action != "delete"}
    if plan.interrupted_apply is not None:
        deleted |= set(plan.interrupted_apply.deleted)
        written |= set(plan.interrupted_apply.recorded)
    return sorted(written - deleted), sorted(deleted)


def prepare_artifacts(plan: Plan, resolved: ResolvedEcosystem, out_dir: Path) -> Pending:
    """Compute and check the plan's artifacts; raise a refusal while nothing has changed."""
    written, deleted = touched(plan)
    prepared = prepare(resolved, out_dir, written, deleted)
    if has_errors(prepared.findings):
        errors = sum(f.severity is Severity.ERROR for f in prepared.findings)
        raise GenerationError(
            f"generating the artifacts of this plan reports {errors} error(s) (above); "
            "nothing was applied",
            hint=f"Fix them in the ecosystem (`engage generate` shows the same), then {_REPLAN}.",
            findings=prepared.findings,
        )
    try:
        check_output(out_dir, prepared.paths)
    except OutputError as err:
        raise PlanError(
            f"--out: {err.message}; nothing was applied",
            hint=f"{err.hint} Then apply the same plan again.",
        ) from None
    return Pending(prepared, out_dir)


def write_artifacts(pending: Pending, serial: int) -> GenerateResult:
    """Write the computed artifacts (the changes are recorded, as state `serial`)."""
    try:
        return write_prepared(pending.prepared, pending.out_dir)
    except (OSError, OutputError) as err:
        what = err.message if isinstance(err, OutputError) else _os_error(err)
        raise ArtifactsError(
            f"the state records the changes (serial {serial}), but their artifacts could not "
            f"be written: {what}",
            hint="Fix that, then run `engage plan --out ...`: the plan notes the unfinished "
            "apply, and applying it writes the artifacts.",
        ) from None


def _os_error(err: OSError) -> str:
    where = f"{err.filename}: " if err.filename else ""
    return f"{where}{err.strerror or err}"

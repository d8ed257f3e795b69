"""Apply stage: carry out a saved plan, recording each resource in state as it goes.

Refuses, before touching anything: a plan for another lineage or an older serial, sources
changed since the plan, missing approvals, a held lock, and a plan that no longer matches
what its sources and state produce (a hand-edited file, or another engage version).

Crash safety: the first write bumps the serial and leaves an `apply` marker in state;
every change is then appended (and fsync'd) to the state's journal, and the journal is
folded into the state with one atomic write at the end. A crash or kill at any point
leaves a valid state (the state file plus its journal, replayed when read) holding exactly
the changes made so far. The next plan continues from there (and regenerates the
artifacts of the interrupted run, deletions included).

Artifacts (`apply_artifacts`): the applied resources' files are computed and the output
folder checked before anything is recorded (generation errors refuse the apply), then
written after the changes are recorded and before the marker is cleared.

Test hooks (honoured only with ENGAGE_TEST_HOOKS=1; documented in docs/plan-and-apply.md):
ENGAGE_TEST_CRASH_AFTER=N exits abruptly (status 70) after N recorded resources;
ENGAGE_TEST_STEP_DELAY=SECONDS sleeps after each recorded change (so a test's kill lands
midway);
ENGAGE_TEST_WAIT_FOR=PATH waits, holding the lock, until PATH exists.
"""

from __future__ import annotations

import dataclasses
import os
import time
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from compiler import __version__
from compiler.apply_artifacts import prepare_artifacts, write_artifacts
from compiler.emit.generate import GenerateResult
from compiler.model.governance import Governance
from compiler.plan.approvals import Approval
from compiler.plan.builder import PlanInputs, build_plan
from compiler.plan.conflicts import check_findings, errors
from compiler.plan.definition import Change, Plan
from compiler.plan.errors import ApprovalError, StalePlanError
from compiler.plan.journal import JournalHeader, JournalRecord
from compiler.plan.resources import DesiredResource, desired_resources
from compiler.plan.state import (
    ApplyMarker,
    Backend,
    State,
    StateEntry,
    check_belongs,
    with_records,
)
from compiler.plan.verify import Verdict, counted, judge_all, signatures_mode
from compiler.resolved import ResolvedEcosystem

_AGAIN = "Run `engage plan --out ...` again and have the new plan approved."


@dataclass(frozen=True)
class ApplyResult:
    applied: tuple[Change, ...]
    lineage: str
    serial: int
    generated: GenerateResult | None = None  # the artifacts written (None: nothing applied)
    nothing_to_do: bool = False
    verdicts: Sequence[Verdict] = ()


# ------------------------------------------------------------------ refusals
def check_fresh(plan: Plan, state: State | None, where: str) -> None:
    """The plan was computed against exactly this state."""
    if state is not None:
        check_belongs(state, where, plan.ecosystem, plan.environment)
    if state is not None and state.apply is not None and state.apply.plan_digest == plan.digest:
        owed = len(plan.interrupted_apply.recorded) if plan.interrupted_apply else 0
        raise StalePlanError(
            f"stale plan: its apply was interrupted after recording "
            f"{len(state.apply.recorded) - owed} change(s); {where} notes it",
            hint="Run `engage plan --out ...`: the new plan holds what is left (and writes the "
            "interrupted apply's artifacts); have it approved and apply it.",
        )
    lineage = state.lineage if state else None
    serial = state.serial if state else 0
    if plan.state.lineage != lineage:
        was = plan.state.lineage or "no state at all"
        now = f"lineage {lineage}" if lineage else "no state"
        raise StalePlanError(
            f"stale plan: it was computed against {was}, but {where} has {now}",
            hint=f"The state was created, replaced or swapped since. {_AGAIN}",
        )
    if plan.state.serial != serial:
        how = "someone applied since" if serial > plan.state.serial else "the state went back"
        raise StalePlanError(
            f"stale plan: it was computed against serial {plan.state.serial}, but {where} "
            f"is at serial {serial} ({how})",
            hint=_AGAIN,
        )


def _keys_gone(plan: Plan, approvals: Sequence[Approval], resolved: ResolvedEcosystem) -> str:
    """Which approvals the changed sources no longer declare the signing key of."""
    gone = [
        v.approval.name
        for v in judge_all(plan, approvals, resolved.ecosystem.governance)
        if v.status == "refused"
        and ("does not declare" in v.detail or "declares no key" in v.detail)
    ]
    if not gone:
        return ""
    return (
        f"; the key that signed the approval of {', '.join(gone)} is no longer declared for "
        "them (a key removed after the plan is never accepted)"
    )


def check_sources(
    plan: Plan, resolved: ResolvedEcosystem, approvals: Sequence[Approval] = ()
) -> None:
    """The sources are those the plan was made from: the keys that verify its approvals
    are read from exactly them."""
    if resolved.source_digest != plan.source.digest:
        raise StalePlanError(
            f"the sources in {plan.source.path} changed since the plan was made"
            + _keys_gone(plan, approvals, resolved),
            hint=f"Apply exactly what was reviewed: check out that commit, or {_AGAIN[0].lower()}"
            f"{_AGAIN[1:]}",
        )


def check_approvals(
    plan: Plan, approvals: Sequence[Approval], void: int, governance: Governance
) -> list[Verdict]:
    """Every approval verified against the keys of `governance` (the checked sources), and
    every requirement met. Returns the verdicts (apply says which are unverified)."""
    verdicts = judge_all(plan, approvals, governance)
    refused = [v for v in verdicts if v.status == "refused"]
    if refused:
        raise ApprovalError(
            "approvals refused: " + "; ".join(v.describe() for v in refused),
            hint="Delete the refused records from the approvals file and have those members "
            "approve this plan again with `engage approve PLAN --as NAME --key KEY`.",
        )
    short = []
    for req in plan.required_approvals:
        n = req.count - len(counted(req, verdicts, governance))
        if n > 0:
            short.append((req, n))
    if not short:
        return verdicts
    parts = [
        f"{req.policy} needs {n} more from {req.group} "
        f"({', '.join(req.members) or 'nobody may approve'})"
        for req, n in short
    ]
    voided = (
        f"; {void} approval(s) given to an earlier version of this plan are void" if void else ""
    )
    unsigned = sorted(
        v.approval.name
        for v in verdicts
        if v.status == "unsigned"
        and any(signatures_mode(r, governance) == "required" for r, _ in short)
    )
    unsigned_note = (
        f"; the approval(s) of {', '.join(unsigned)} are not signed, and these policies "
        "require signatures"
        if unsigned
        else ""
    )
    raise ApprovalError(
        "missing approvals: " + "; ".join(parts) + voided + unsigned_note,
        hint="Each approver runs `engage approve PLAN --as NAME --key KEY` (or with ssh-agent) "
        "after reading the plan.",
    )


def check_conflict_mark(plan: Plan) -> None:
    """Conflict errors without the --allow-conflicts mark: a plan edited by hand (the
    rebuild under the lock then proves the conflicts are the sources' own)."""
    if errors(plan.conflicts) and not plan.conflicts_allowed:
        raise StalePlanError(
            "the plan holds conflict errors but was not made with --allow-conflicts "
            "(edited by hand)",
            hint=_AGAIN,
        )


def check_matches(plan: Plan, resolved: ResolvedEcosystem, state: State | None) -> None:
    """The plan is exactly what its sources and state produce now."""
    again = build_plan(
        PlanInputs(
            resolved,
            state,
            plan.source.path,
            plan.state.location,
            frozenset(plan.assumed_empty),
            conflicts=check_findings(resolved),
            allow_conflicts=plan.conflicts_allowed,
            targets=frozenset(plan.targets),
        )
    )
    if again.digest != plan.digest:
        raise StalePlanError(
            "the plan does not match what its sources and state produce (edited by hand, or "
            "made by another engage version)",
            hint=_AGAIN,
        )


# ----------------------------------------------------------------- test hooks
def _hooks() -> bool:
    return os.environ.get("ENGAGE_TEST_HOOKS") == "1"


def _hook_wait() -> None:
    path = os.environ.get("ENGAGE_TEST_WAIT_FOR")
    if not (_hooks() and path):
        return
    deadline = time.monotonic() + 120
    while not Path(path).exists() and time.monotonic() < deadline:
        time.sleep(0.02)


def _hook_step(recorded: int) -> None:
    """After each state write: crash on request, or slow down so a kill can land."""
    if not _hooks():
        return
    limit = os.environ.get("ENGAGE_TEST_CRASH_AFTER")
    if limit is not None and recorded >= int(limit):
        os._exit(70)
    delay = os.environ.get("ENGAGE_TEST_STEP_DELAY")
    if delay:
        time.sleep(float(delay))


# ------------------------------------------------------------------ recording
def _entry(res: DesiredResource) -> StateEntry:
    return StateEntry(
        kind=res.kind,
        attributes=dict(res.attributes),
        digest=res.digest,
        dependencies=list(res.dependencies),
        business_units=list(res.business_units),
        sensitive=res.sensitive,
    )


def journal_record(change: Change, desired: Mapping[str, DesiredResource]) -> JournalRecord:
    """How one change is recorded: the entry now at its address (None when deleted)."""
    entry = None
    if change.action != "delete":
        entry = _entry(desired[change.address]).model_dump(mode="json")
    return JournalRecord(
        address=change.address,
        action=change.action,
        previous_address=change.previous_address,
        entry=entry,
    )


def _begin(plan: Plan, state: State | None) -> State:
    if state is None:
        state = State(
            lineage=str(uuid.uuid4()),
            serial=0,
            ecosystem=plan.ecosystem,
            environment=plan.environment,
            engage_version=__version__,
        )
    owed = plan.interrupted_apply  # its artifacts are owed until this apply writes them
    marker = ApplyMarker(
        plan_digest=plan.digest,
        serial_from=state.serial,
        recorded=list(owed.recorded) if owed else [],
        deleted=list(owed.deleted) if owed else [],
    )
    return state.model_copy(update={"serial": state.serial + 1, "apply": marker})


def _record_all(
    plan: Plan, backend: Backend, begun: State, desired: Mapping[str, DesiredResource]
) -> State:
    """Append every change to the journal (each on disk before the next); the state after."""
    assert begun.apply is not None
    header = JournalHeader(
        lineage=begun.lineage, serial=begun.serial, plan_digest=begun.apply.plan_digest
    )
    records: list[JournalRecord] = []
    with backend.journal(header) as journal:
        for count, change in enumerate(plan.changes, start=1):
            record = journal_record(change, desired)
            journal.append(record)
            records.append(record)
            _hook_step(count)
    return with_records(begun, records)


def execute(
    plan: Plan, resolved: ResolvedEcosystem, backend: Backend, state: State | None, out_dir: Path
) -> ApplyResult:
    """Carry out the (checked) plan: call with the state lock held."""
    desired = desired_resources(resolved, {c.address: tuple(c.dependencies) for c in plan.changes})
    pending = prepare_artifacts(plan, resolved, out_dir)  # refusals: nothing changed yet
    backend.backup(state)
    begun = _begin(plan, state)
    backend.write(begun)
    _hook_step(0)
    current = _record_all(plan, backend, begun, desired)
    generated = write_artifacts(pending, current.serial)
    final = current.model_copy(
        update={"apply": None, "source_digest": plan.source.digest, "engage_version": __version__}
    )
    backend.write(final)
    return ApplyResult(tuple(plan.changes), final.lineage, final.serial, generated)


def apply_plan(
    plan: Plan,
    resolved: ResolvedEcosystem,
    backend: Backend,
    approvals: tuple[Sequence[Approval], int],
    *,
    out_dir: Path,
    lock_timeout: float,
    command: str,
) -> ApplyResult:
    """Check everything, then apply under the state lock. Raises a PlanError subclass."""
    check_sources(plan, resolved, approvals[0])
    check_conflict_mark(plan)
    check_fresh(plan, backend.read(), backend.location)
    verdicts = check_approvals(plan, *approvals, resolved.ecosystem.governance)
    with backend.lock(command, lock_timeout):
        _hook_wait()
        state = backend.read()
        check_fresh(plan, state, backend.location)
        check_matches(plan, resolved, state)
        if not plan.has_changes:
            lineage = state.lineage if state else ""
            return ApplyResult(
                (), lineage, state.serial if state else 0, nothing_to_do=True, verdicts=verdicts
            )
        done = execute(plan, resolved, backend, state, out_dir)
        return dataclasses.replace(done, verdicts=verdicts)

"""Plans gate on conflicts: the unsuppressed findings of `check` travel with the plan.

A plan records the unsuppressed check findings (errors and warnings) of its sources. Any
error refuses the plan unless `engage plan --allow-conflicts` is given; then the plan is
marked, and every governance policy that covers a conflicting resource (its kinds,
business units and environments match the resource) must approve it, as if that resource
changed. Apply rebuilds the plan, conflicts included, so a marked plan cannot lose its
conflicts, nor an unmarked one gain them unseen.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING

from compiler.diagnostics import REGISTRY, Finding, Severity, Span
from compiler.model.governance import Governance, Policy
from compiler.plan.definition import Conflict, Plan, Requirement
from compiler.resolved import ResolvedEcosystem

if TYPE_CHECKING:
    from compiler.graph import EcosystemGraph

_RECORDED = (Severity.ERROR, Severity.WARNING)


def check_findings(
    resolved: ResolvedEcosystem, graph: EcosystemGraph | None = None
) -> tuple[Finding, ...]:
    """The unsuppressed errors and warnings `check` reports for this compilation (on
    `graph`, its graph when the caller built it already). Building the graph never fails
    on a dependency cycle (only its creation order does, which the plan refuses), so the
    cycle's own finding is among these."""
    from compiler.graph import build_graph
    from compiler.rules import analyze
    from compiler.suppress import apply_suppressions

    if graph is None:
        graph = build_graph(resolved)
    marked, _ = apply_suppressions(resolved, analyze(resolved, graph))
    kept = [f for f in marked if f.suppressed is None and f.severity in _RECORDED]
    return tuple(sorted(kept, key=lambda f: f.sort_key))


def to_conflicts(findings: Iterable[Finding]) -> list[Conflict]:
    return [
        Conflict(
            code=f.code,
            severity=f.severity.value,
            message=f.message,
            address=f.address,
            file=f.span.file if f.span else "",
            line=f.span.line if f.span else 0,
            column=f.span.column if f.span else 0,
        )
        for f in findings
    ]


def errors(conflicts: Sequence[Conflict]) -> list[Conflict]:
    return [c for c in conflicts if c.severity == "error"]


def _covers(
    policy: Policy, environment: str | None, address: str, units: Mapping[str, Sequence[str]]
) -> bool:
    """Does the policy govern this resource, whatever the change (kinds, business units,
    environments; not risks or actions, which describe changes)?"""
    when = policy.when
    kind = address.split(".", 1)[0]
    kind = "governance" if kind == "group" else kind
    if when.kinds and kind not in when.kinds:
        return False
    if when.environments and environment not in when.environments:
        return False
    return not when.business_units or bool(set(units.get(address, ())) & set(when.business_units))


def conflict_requirements(
    governance: Governance,
    environment: str | None,
    conflicts: Sequence[Conflict],
    units: Mapping[str, Sequence[str]],
    members: Mapping[str, list[str]],
    existing: Sequence[Requirement],
) -> list[Requirement]:
    """`existing` plus, for every policy covering a conflicting resource, its approvals
    for those resources (merged into the policy's requirement when it has one)."""
    addresses = sorted({c.address for c in errors(conflicts) if c.address})
    out = {(r.policy, r.group): r for r in existing}
    for name, policy in sorted(governance.policies.items()):
        hit = [a for a in addresses if _covers(policy, environment, a, units)]
        if not hit:
            continue
        for req in policy.require:
            before = out.get((name, req.group))
            out[(name, req.group)] = Requirement(
                policy=name,
                description=policy.description,
                group=req.group,
                count=req.count,
                members=members.get(req.group, []),
                addresses=sorted({*hit, *(before.addresses if before else [])}),
                signatures=policy.signatures,
            )
    return [out[k] for k in sorted(out)]


def recorded_findings(plan: Plan) -> list[Finding]:
    """The conflicts the plan recorded, as findings (the hint is the code's own), errors
    first: what a review of the plan shows. Nothing is compiled or checked again when a
    plan is rendered, and a reviewer never reads the conflicts of another version of the
    sources."""
    found = [
        Finding(
            code=c.code,
            severity=Severity(c.severity),
            message=c.message,
            span=Span(c.file, c.line, c.column) if c.file else None,
            hint=info.hint if (info := REGISTRY.codes.get(c.code)) is not None else "",
            address=c.address,
        )
        for c in plan.conflicts
    ]
    return sorted(found, key=lambda f: f.severity is not Severity.ERROR)

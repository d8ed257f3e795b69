"""Which policies must approve an allowed conflict: a policy's `kinds` name the resource
kind of the conflicting address, where a governance group (`group.NAME`) is of kind
`governance`, as for changes; warnings never need approval. A
finding becomes a conflict with its position (none: empty file, 0:0), and read
back from a plan with the hint of its code, errors first."""

from __future__ import annotations

from pathlib import Path

from conftest import RunEngage
from test_plan_conflicts import PLAN, with_conflict
from test_plan_support import in_own_folder  # noqa: F401 (autouse fixture)

from compiler.diagnostics import REGISTRY, Finding, Severity, Span
from compiler.model.governance import Governance
from compiler.plan.conflicts import conflict_requirements, recorded_findings, to_conflicts
from compiler.plan.definition import Conflict
from compiler.plan.planfile import load_plan, save_plan, seal


def governance(kinds: list[str], environments: list[str] | None = None) -> Governance:
    when: dict[str, list[str]] = {"kinds": kinds}
    if environments is not None:
        when["environments"] = environments
    return Governance.model_validate(
        {
            "groups": {"admins": {"members": ["ana"]}},
            "policies": {"guard": {"when": when, "require": [{"group": "admins"}]}},
        }
    )


def conflict(address: str, severity: str = "error") -> Conflict:
    return Conflict(
        code="E3001", severity=severity, message="m", address=address, file="", line=0, column=0
    )


def covered(
    kinds: list[str],
    *conflicts: Conflict,
    environments: list[str] | None = None,
    environment: str | None = None,
) -> list[str]:
    found = conflict_requirements(
        governance(kinds, environments),
        environment,
        conflicts,
        {},
        {"admins": ["ana"]},
        existing=[],
    )
    return [a for r in found for a in r.addresses]


def test_a_conflict_on_a_group_is_covered_by_a_governance_policy() -> None:
    assert covered(["governance"], conflict("group.admins")) == ["group.admins"]


def test_a_governance_policy_does_not_cover_other_kinds_and_group_is_no_kind() -> None:
    assert covered(["governance"], conflict("data_extension.orders")) == []
    assert covered(["group"], conflict("group.admins")) == []
    assert covered(["data_extension"], conflict("data_extension.orders")) == [
        "data_extension.orders"
    ]


def test_a_warning_needs_no_approval() -> None:
    assert covered(["governance"], conflict("group.admins", "warning")) == []


def test_a_policy_for_other_environments_does_not_cover_the_conflict() -> None:
    orders = conflict("data_extension.orders")
    kinds = ["data_extension"]
    assert covered(kinds, orders, environments=["prod"], environment="dev") == []
    assert covered(kinds, orders, environments=["prod"], environment=None) == []
    assert covered(kinds, orders, environments=["prod"], environment="prod") == [
        "data_extension.orders"
    ]


def test_a_finding_is_recorded_with_its_position_or_none_and_read_back() -> None:
    placed = Finding(
        "E3001", Severity.ERROR, "two writers", Span("data.yaml", 7, 5), address="de.orders"
    )
    loose = Finding("W9001", Severity.WARNING, "unused", None, address="")
    recorded = to_conflicts([loose, placed])
    assert [(c.code, c.severity, c.file, c.line, c.column) for c in recorded] == [
        ("W9001", "warning", "", 0, 0),
        ("E3001", "error", "data.yaml", 7, 5),
    ]
    assert recorded[1].message == "two writers" and recorded[1].address == "de.orders"


def test_show_reads_the_recorded_conflicts_back_with_their_codes_hint(engage: RunEngage) -> None:
    """A recorded conflict is shown with its code's hint; a code this version of engage
    does not declare (a plan made by another version) is shown without one, never a
    traceback."""
    with_conflict()
    assert engage("plan", "--allow-conflicts", "--out", PLAN).code == 2
    plan = load_plan(Path(PLAN))
    unknown = plan.conflicts[0].model_copy(update={"code": "E0999", "message": "from afar"})
    save_plan(seal(plan.model_copy(update={"conflicts": [*plan.conflicts, unknown]})), Path(PLAN))
    found = recorded_findings(load_plan(Path(PLAN)))
    assert [f.severity for f in found] == sorted(
        (f.severity for f in found), key=lambda s: s is not Severity.ERROR
    )
    e6003 = next(f for f in found if f.code == "E6003")
    assert e6003.hint == REGISTRY.get("E6003").hint != ""
    assert next(f for f in found if f.code == "E0999").hint == ""
    shown = engage("show", PLAN)
    assert shown.code == 0, shown.err
    assert "E0999" in shown.out and "from afar" in shown.out

"""Which policies must approve an allowed conflict: a policy's `kinds` name the resource
kind of the conflicting address, where a governance group (`group.NAME`) is of kind
`governance`, as for changes; warnings never need approval. A
finding becomes a conflict with its position (none: empty file, 0:0)."""

from __future__ import annotations

from compiler.diagnostics import Finding, Severity, Span
from compiler.model.governance import Governance
from compiler.plan.conflicts import conflict_requirements, to_conflicts
from compiler.plan.definition import Conflict


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

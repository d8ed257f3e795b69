"""The approvals file beside a plan, read from real files: absent is None, unreadable,
undecodable, not JSON or not the schema are each an ApprovalError naming the file."""

from __future__ import annotations

from pathlib import Path

import pytest

from compiler.plan.approvals import (
    Approval,
    approvals_path,
    draft_approval,
    missing,
    read_approvals,
    record_approval,
)
from compiler.plan.definition import Plan, Requirement, SourceRef, StateRef, Summary
from compiler.plan.errors import ApprovalError


def test_the_approvals_file_sits_beside_the_plan() -> None:
    assert approvals_path(Path("plans/p.plan.json")) == Path("plans/p.plan.json.approvals.json")


def test_no_approvals_file_is_none(tmp_path: Path) -> None:
    assert read_approvals(tmp_path / "p.plan.json") is None


@pytest.mark.parametrize(
    ("content", "why"),
    [
        (b"{not json", "Expecting property name enclosed in double quotes"),
        (b"\xff\xfe", "'utf-8' codec can't decode byte 0xff"),
        (b'{"approvals": "many"}', "validation error"),
    ],
)
def test_a_broken_approvals_file_is_an_approval_error(
    tmp_path: Path, content: bytes, why: str
) -> None:
    plan = tmp_path / "p.plan.json"
    approvals_path(plan).write_bytes(content)
    with pytest.raises(ApprovalError) as caught:
        read_approvals(plan)
    assert caught.value.message.startswith(
        f"{approvals_path(plan)} is not a valid approvals file: "
    )
    assert why in caught.value.message
    assert "\n" not in caught.value.message
    assert caught.value.hint == "Delete it and record the approvals again with `engage approve`."


def test_an_unreadable_approvals_file_says_why(tmp_path: Path) -> None:
    plan = tmp_path / "p.plan.json"
    approvals_path(plan).mkdir()
    with pytest.raises(ApprovalError) as caught:
        read_approvals(plan)
    assert caught.value.message == (
        f"cannot read the approvals file {approvals_path(plan)}: Is a directory"
    )


def requirement(signatures: str = "required", count: int = 2) -> Requirement:
    return Requirement(
        policy="prod",
        group="admins",
        count=count,
        members=["ann", "bob", "cy"],
        addresses=["system.crm"],
        signatures=signatures,
    )


def approval(name: str, signature: str = "", policies: tuple[str, ...] = ()) -> Approval:
    return Approval(
        name=name, plan_digest="d", at="t", groups=["admins"], signature=signature,
        policies=list(policies),
    )  # fmt: skip


def test_missing_counts_signed_members_naming_the_policy_or_none() -> None:
    signed = [approval("ann", "sig"), approval("bob", "sig", ("prod",))]
    assert missing(requirement(), signed) == 0
    assert missing(requirement(), [approval("ann", "sig", ("other",)), approval("bob", "sig")]) == 1
    assert missing(requirement(), [approval("ann", "sig"), approval("ann", "sig")]) == 1
    assert missing(requirement(), [approval("zed", "sig"), approval("ann", "sig")]) == 1
    assert missing(requirement(count=1), signed) == 0  # never below zero


def test_unsigned_approvals_count_only_where_the_policy_accepts_them() -> None:
    unsigned = [approval("ann"), approval("bob")]
    assert missing(requirement(), unsigned) == 2
    assert missing(requirement("optional"), unsigned) == 0
    assert missing(requirement("optional"), [approval("zed"), approval("ann")]) == 1


def plan_with(approvers: dict[str, list[str]]) -> Plan:
    return Plan(
        engage_version="0",
        ecosystem="eco",
        environment="dev",
        source=SourceRef(path="ecosystem", digest="d"),
        state=StateRef(location=".engage/state/dev.json", lineage=None, serial=0),
        summary=Summary(),
        changes=[],
        approvers=approvers,
        digest="sha256:p",
    )


def test_a_non_member_is_told_every_group_and_its_members() -> None:
    with pytest.raises(ApprovalError) as caught:
        draft_approval(plan_with({"admins": ["ann", "bob"], "legal": []}), "zed", "")
    assert caught.value.message == (
        "'zed' is not a member of any governance group (admins: ann, bob; legal: nobody)"
    )
    with pytest.raises(ApprovalError) as caught:
        draft_approval(plan_with({}), "zed", "")
    assert caught.value.message == ("'zed' is not a member of any governance group (none declared)")


def test_an_approval_lock_that_cannot_be_taken_says_why(tmp_path: Path) -> None:
    plan = plan_with({"admins": ["ann"]})
    path = tmp_path / "p.plan.json"
    Path(f"{approvals_path(path)}.lock").mkdir()
    approval = draft_approval(plan, "ann", "", at="2026-12-01T00:00:00Z")
    with pytest.raises(ApprovalError) as caught:
        record_approval(plan, path, approval)
    assert caught.value.message == (
        f"cannot lock {approvals_path(path)}.lock to record the approval: Is a directory"
    )

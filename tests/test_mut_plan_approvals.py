"""The approvals file beside a plan, read from real files: absent is None, unreadable,
undecodable, not JSON or not the schema are each an ApprovalError naming the file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pydantic import ValidationError

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


def test_an_approval_with_a_key_engage_does_not_write_is_refused(tmp_path: Path) -> None:
    """An approval is exactly what engage signs and writes: an extra key in the approvals
    file (say a hand-added `policies_waived`) makes the file invalid, never ignored, and a
    read approval cannot be altered in memory either."""
    plan = tmp_path / "p.plan.json"
    one = approval("ann", signature="sig").model_dump(mode="json")
    record = {"plan_digest": "d", "approvals": [{**one, "policies_waived": ["prod"]}]}
    approvals_path(plan).write_text(json.dumps(record), encoding="utf-8")
    with pytest.raises(ApprovalError) as caught:
        read_approvals(plan)
    assert "is not a valid approvals file: 1 validation error" in caught.value.message
    approvals_path(plan).write_text(json.dumps({**record, "approvals": [one]}), encoding="utf-8")
    read = read_approvals(plan)
    assert read is not None and read.approvals == [approval("ann", signature="sig")]
    with pytest.raises(ValidationError):
        read.approvals[0].name = "bob"  # type: ignore[misc]


def test_an_approvals_file_with_a_key_engage_does_not_write_is_refused(tmp_path: Path) -> None:
    plan = tmp_path / "p.plan.json"
    record = {"plan_digest": "d", "approvals": [], "waived": True}
    approvals_path(plan).write_text(json.dumps(record), encoding="utf-8")
    with pytest.raises(ApprovalError) as caught:
        read_approvals(plan)
    assert "is not a valid approvals file: 1 validation error" in caught.value.message
    del record["waived"]
    approvals_path(plan).write_text(json.dumps(record), encoding="utf-8")
    read = read_approvals(plan)
    assert read is not None and read.approvals == []
    with pytest.raises(ValidationError):
        read.plan_digest = "other"  # type: ignore[misc]


def test_a_lock_held_elsewhere_is_waited_for_a_minute_then_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another `engage approve` holding the approvals lock is waited for the minute the
    refusal names (a stand-in lock times out at once instead of after the minute)."""
    import filelock

    asked: list[tuple[str, float]] = []

    class HeldElsewhere:
        def __init__(self, path: str, timeout: float) -> None:
            asked.append((path, timeout))

        def acquire(self) -> None:
            raise filelock.Timeout(asked[-1][0])

    monkeypatch.setattr(filelock, "FileLock", HeldElsewhere)
    plan = plan_with({"admins": ["ann"]})
    path = tmp_path / "p.plan.json"
    approval = draft_approval(plan, "ann", "", at="2026-12-01T00:00:00Z")
    with pytest.raises(ApprovalError) as caught:
        record_approval(plan, path, approval)
    lock = f"{approvals_path(path)}.lock"
    assert asked == [(lock, 60)]
    assert caught.value.message == f"another `engage approve` has held {lock} for a minute"
    assert caught.value.hint == "Try again when it has finished."
    assert not approvals_path(path).exists()

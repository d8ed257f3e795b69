"""Approvals: required by policy, given by group members, bound to the plan's digest."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import RunEngage
from test_plan_support import (
    apply_now,
    edit,
    in_own_folder,  # noqa: F401 (autouse fixture)
    key_of,
    workspace,
)

from compiler.model.governance import Policy
from compiler.plan.approvals import matches
from compiler.plan.definition import Change

PLAN = "plans/p.plan.json"


def approvals_file() -> dict[str, object]:
    return json.loads(Path(f"{PLAN}.approvals.json").read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def consent_change(root: Path) -> None:
    edit(root / "integrations.yaml", "max_propagation: 1h", "max_propagation: 4h")


def test_plan_prints_the_approvals_its_changes_need(engage: RunEngage) -> None:
    root = workspace()
    apply_now()
    consent_change(root)
    result = engage("plan", "--out", PLAN)
    assert result.code == 2
    assert "consent_needs_dpo: 1 from data_protection (dpo) for consent.email" in result.out
    assert f"engage approve {PLAN} --as NAME" in result.err


def test_apply_refuses_missing_approvals_then_accepts_them(engage: RunEngage) -> None:
    root = workspace()
    apply_now()
    consent_change(root)
    engage("plan", "--out", PLAN)
    refused = engage("apply", PLAN)
    assert refused.code == 1
    assert "missing approvals: consent_needs_dpo needs 1 more from data_protection" in refused.err
    given = engage(
        "approve", PLAN, "--as", "dpo", "--key", key_of("dpo"), "--comment", "checked the DPIA"
    )
    assert given.code == 0 and "Every approval this plan requires is given." in given.out
    record = approvals_file()
    assert record["approvals"][0]["comment"] == "checked the DPIA"  # type: ignore[index]
    assert engage("apply", PLAN).code == 0


def test_only_group_members_may_approve_and_only_their_groups_count(engage: RunEngage) -> None:
    root = workspace()
    apply_now()
    consent_change(root)
    engage("plan", "--out", PLAN)
    stranger = engage("approve", PLAN, "--as", "mallory")
    assert stranger.code == 1
    assert "'mallory' is not a member of any governance group" in stranger.err
    assert not Path(f"{PLAN}.approvals.json").exists()
    committee = engage(
        "approve", PLAN, "--as", "ana", "--key", key_of("ana")
    )  # a member, but not of data_protection
    assert committee.code == 0 and "Still needed: 1 more from data_protection" in committee.out
    assert engage("apply", PLAN).code == 1


def test_two_approvals_from_one_person_count_once(engage: RunEngage) -> None:
    root = workspace()
    apply_now()
    edit(root / "data.yaml", "      Points: {type: Number}\n", "")  # drops a field: data loss
    engage("plan", "--out", PLAN)
    engage("approve", PLAN, "--as", "ana", "--key", key_of("ana"))
    engage("approve", PLAN, "--as", "ana", "--key", key_of("ana"), "--comment", "again")
    refused = engage("apply", PLAN)
    assert "data_loss_needs_committee needs 1 more from committee" in refused.err
    assert len(approvals_file()["approvals"]) == 1  # type: ignore[arg-type]
    engage("approve", PLAN, "--as", "carla", "--key", key_of("carla"))
    assert engage("apply", PLAN).code == 0


def test_a_changed_plan_voids_earlier_approvals(engage: RunEngage) -> None:
    root = workspace()
    apply_now()
    consent_change(root)
    engage("plan", "--out", PLAN)
    engage("approve", PLAN, "--as", "dpo", "--key", key_of("dpo"))
    edit(root / "integrations.yaml", "max_propagation: 4h", "max_propagation: 8h")
    engage("plan", "--out", PLAN)  # same file, another plan
    refused = engage("apply", PLAN)
    assert refused.code == 1
    assert "1 approval(s) given to an earlier version of this plan are void" in refused.err
    again = engage("approve", PLAN, "--as", "dpo", "--key", key_of("dpo"))
    assert "1 approval(s) given to an earlier version of this plan are void" in again.out
    assert engage("apply", PLAN).code == 0


def test_nobody_approves_a_plan_that_makes_them_an_approver(engage: RunEngage) -> None:
    root = workspace()
    apply_now()
    consent_change(root)
    edit(root / "integrations.yaml", "members: [dpo]", "members: [dpo, mallory]")
    result = engage("plan", "--out", PLAN)
    assert "data_protection (dpo)" in result.out  # mallory is not in the applied group yet
    assert engage("approve", PLAN, "--as", "mallory").code == 1


def test_show_reports_approvals_given(engage: RunEngage) -> None:
    root = workspace()
    apply_now()
    consent_change(root)
    engage("plan", "--out", PLAN)
    assert "[0 of 1 given]" in engage("show", PLAN).out
    engage("approve", PLAN, "--as", "dpo", "--key", key_of("dpo"))
    assert "[1 of 1 given]" in engage("show", PLAN).out
    assert (
        "| consent_needs_dpo | data_protection (dpo) | 1 | 1 |"
        in engage("show", PLAN, "--format", "markdown").out
    )


def test_approving_a_tampered_plan_is_refused(engage: RunEngage) -> None:
    root = workspace()
    apply_now()
    consent_change(root)
    engage("plan", "--out", PLAN)
    text = Path(PLAN).read_text(encoding="utf-8")
    Path(PLAN).write_text(text.replace('"4h"', '"1d"'), encoding="utf-8")
    result = engage("approve", PLAN, "--as", "dpo", "--key", key_of("dpo"))
    assert result.code == 1
    assert "was modified after engage wrote it" in result.err


@pytest.mark.parametrize(
    ("when", "change", "env", "hit"),
    [
        ({}, {}, None, True),
        ({"risks": ["consent"]}, {"risks": ["consent", "destroy"]}, None, True),
        ({"risks": ["consent"]}, {"risks": ["destroy"]}, None, False),
        ({"kinds": ["data_extension"]}, {}, None, True),
        ({"kinds": ["governance"]}, {"address": "group.committee"}, None, True),
        ({"actions": ["delete"]}, {}, None, False),
        ({"business_units": ["brand_a"]}, {"business_units": ["brand_a", "brand_b"]}, None, True),
        ({"business_units": ["brand_c"]}, {"business_units": ["brand_a"]}, None, False),
        ({"environments": ["prod"]}, {}, "prod", True),
        ({"environments": ["prod"]}, {}, "dev", False),
        ({"risks": ["consent"], "environments": ["prod"]}, {"risks": ["consent"]}, "dev", False),
    ],
)
def test_policy_matching(
    when: dict[str, list[str]], change: dict[str, object], env: str | None, hit: bool
) -> None:
    policy = Policy.model_validate({"when": when, "require": [{"group": "g"}]})
    fields: dict[str, object] = {
        "address": "data_extension.x",
        "kind": "data_extension",
        "action": "update",
        **change,
    }
    fields["kind"] = str(fields["address"]).split(".", 1)[0]
    assert matches(policy, Change.model_validate(fields), env) is hit

"""A correctly signed approval binds to one plan: signed for another ecosystem, or naming
a policy its signer cannot approve in this plan, it is refused. Apply reads a policy's
`signatures:` from the sources, never from the plan's copy of the requirement: whoever can
edit the plan file cannot relax a policy to accept unsigned approvals (and a policy the
sources made optional is optional whatever the plan says)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from conftest import RunEngage
from test_plan_support import (
    in_own_folder,  # noqa: F401 (autouse fixture)
    signer_of,
)
from test_signed_approvals import PLAN, SIDECAR, consent_plan, refused

from compiler.model.governance import Governance
from compiler.pipeline import compile_path
from compiler.plan.approvals import Approval, draft_approval, payload
from compiler.plan.definition import Requirement
from compiler.plan.planfile import load_plan
from compiler.plan.verify import Verdict, counted, judge_all, signatures_mode


def requirement(signatures: str) -> Requirement:
    return Requirement.model_validate(
        {
            "policy": "prod",
            "group": "admins",
            "count": 1,
            "members": ["ana"],
            "addresses": ["data_extension.orders"],
            "signatures": signatures,
        }
    )


def governance(signatures: str) -> Governance:
    return Governance.model_validate(
        {
            "groups": {"admins": {"members": ["ana"]}},
            "policies": {"prod": {"require": [{"group": "admins"}], "signatures": signatures}},
        }
    )


UNSIGNED = Verdict(Approval(name="ana", plan_digest="d", at="t", groups=["admins"]), "unsigned", "")


def test_the_sources_policy_decides_over_the_plans_copy() -> None:
    assert signatures_mode(requirement("optional"), governance("required")) == "required"
    assert signatures_mode(requirement("required"), governance("optional")) == "optional"


def test_an_unsigned_approval_counts_only_where_the_sources_make_signatures_optional() -> None:
    assert counted(requirement("optional"), [UNSIGNED], governance("required")) == set()
    assert counted(requirement("required"), [UNSIGNED], governance("optional")) == {"ana"}
    assert UNSIGNED.describe() == "ana: unsigned (unverified)"


def test_without_sources_or_without_the_policy_the_plans_copy_is_read() -> None:
    assert signatures_mode(requirement("optional"), None) == "optional"
    other = Governance.model_validate({"groups": {"admins": {"members": ["ana"]}}})
    assert signatures_mode(requirement("optional"), other) == "optional"
    assert signatures_mode(requirement("required"), other) == "required"


@pytest.mark.parametrize(
    ("update", "why"),
    [
        (
            {"ecosystem": "other-bank"},
            "dpo: refused: it was signed for ecosystem 'other-bank', not 'northwind' (re-bound)",
        ),
        (
            {"policies": ["consent_needs_dpo", "data_loss_needs_committee"]},
            "dpo: refused: it names policies data_loss_needs_committee that dpo cannot "
            "approve here",
        ),
    ],
)
def test_a_signed_approval_bound_elsewhere_is_refused(
    engage: RunEngage, update: dict[str, Any], why: str
) -> None:
    consent_plan(engage)
    plan = load_plan(Path(PLAN))
    rebound = draft_approval(plan, "dpo", "").model_copy(update=update)
    signed = rebound.model_copy(update={"signature": signer_of("dpo")(payload(rebound))})
    SIDECAR.write_text(
        json.dumps(
            {
                "kind": "engage-approvals",
                "format_version": 1,
                "plan_digest": plan.digest,
                "approvals": [signed.model_dump(mode="json")],
            }
        ),
        encoding="utf-8",
    )
    refused(engage, why)


def test_a_signature_over_another_plans_digest_is_a_replay(engage: RunEngage) -> None:
    """Apply and show drop approvals of another digest before judging; judging one anyway
    (a caller that did not) refuses it as replayed, never verifies it."""
    root = consent_plan(engage)
    plan = load_plan(Path(PLAN))
    other = draft_approval(plan, "dpo", "").model_copy(update={"plan_digest": "sha256:0"})
    signed = other.model_copy(update={"signature": signer_of("dpo")(payload(other))})
    resolved = compile_path(root, plan.environment).resolved
    assert resolved is not None
    (verdict,) = judge_all(plan, [signed], resolved.ecosystem.governance)
    assert verdict.describe() == (
        "dpo: refused: it was signed for plan sha256:0, not this one (replayed)"
    )


def test_a_signature_that_cannot_be_parsed_is_refused_saying_so(engage: RunEngage) -> None:
    consent_plan(engage)
    plan = load_plan(Path(PLAN))
    record = draft_approval(plan, "dpo", "").model_copy(update={"signature": "not a signature"})
    SIDECAR.write_text(
        json.dumps(
            {
                "kind": "engage-approvals",
                "format_version": 1,
                "plan_digest": plan.digest,
                "approvals": [record.model_dump(mode="json")],
            }
        ),
        encoding="utf-8",
    )
    err = refused(engage, "dpo: refused: its signature cannot be checked: ")
    assert "the record was altered" not in err

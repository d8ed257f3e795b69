"""`engage plan --target ADDRESS`: the named resources, what they depend on, nothing else.

Runs the real CLI on the plan fixture (tests/fixtures/plan/basic), whose graph is:
system.crm and system.mc → business_unit.brand_retail → data_extension.orders /
data_extension.newsletter → sync_rule.contacts_to_newsletter (also needing
integration.crm_to_mc, which needs integration_user.mc_connector).
"""

from __future__ import annotations

import json
from pathlib import Path

from conftest import RunEngage
from test_plan_support import (
    apply_now,
    edit,
    in_own_folder,  # noqa: F401 (autouse fixture)
    read_state,
    save_and_approve,
    workspace,
)

from compiler.plan.planfile import load_plan, save_plan, seal

PLAN = Path("plans/t.plan.json")
ORDERS_AND_DEPENDENCIES = {
    "system.crm",
    "system.mc",
    "business_unit.brand_retail",
    "data_extension.orders",
}


def planned(engage: RunEngage, *args: str) -> dict[str, object]:
    result = engage("plan", "--format", "json", *args)
    assert result.code == 2, result.err
    document: dict[str, object] = json.loads(result.out)
    return document


def addresses(document: dict[str, object]) -> set[str]:
    changes = document["changes"]
    assert isinstance(changes, list)
    return {c["address"] for c in changes}


def test_a_target_takes_what_it_depends_on_and_nothing_else(engage: RunEngage) -> None:
    workspace()
    whole = planned(engage)
    document = planned(engage, "--target", "data_extension.orders")
    assert addresses(document) == ORDERS_AND_DEPENDENCIES
    assert addresses(document) < addresses(whole)
    assert document["targets"] == ["data_extension.orders"]
    assert document["summary"] == {
        "add": 4,
        "change": 0,
        "replace": 0,
        "destroy": 0,
        "move": 0,
        "unchanged": 0,
    }


def test_dependencies_are_followed_transitively(engage: RunEngage) -> None:
    """The sync rule needs its integration, which needs its integration user."""
    workspace()
    got = addresses(planned(engage, "--target", "sync_rule.contacts_to_newsletter"))
    assert {
        "sync_rule.contacts_to_newsletter",
        "integration.crm_to_mc",
        "integration_user.mc_connector",
        "data_extension.newsletter",
        "business_unit.brand_retail",
        "system.crm",
        "system.mc",
    } <= got
    assert "data_extension.orders" not in got


def test_several_targets_are_united(engage: RunEngage) -> None:
    workspace()
    got = addresses(
        planned(engage, "--target", "data_extension.orders", "--target", "consent.email")
    )
    assert got == ORDERS_AND_DEPENDENCIES | {"consent.email"}


def test_the_text_plan_says_it_is_targeted(engage: RunEngage) -> None:
    workspace()
    result = engage("plan", "--target", "data_extension.orders")
    assert result.code == 2, result.err
    assert "Targeted plan (--target data_extension.orders)" in result.out
    assert "other changes are left out" in result.out
    markdown = engage("plan", "--target", "data_extension.orders", "--format", "markdown")
    assert "> Targeted plan (--target data_extension.orders)" in markdown.out


def test_a_whole_plan_does_not_say_it_is_targeted(engage: RunEngage) -> None:
    workspace()
    result = engage("plan")
    assert result.code == 2, result.err
    assert "Targeted plan" not in result.out


def test_an_unknown_target_is_refused_with_the_nearest_address(engage: RunEngage) -> None:
    workspace()
    result = engage("plan", "--target", "data_extension.order")
    assert result.code == 1
    assert "--target data_extension.order: no such resource" in result.err
    assert "did you mean 'data_extension.orders'" in result.err and "hint:" in result.err
    assert "Traceback" not in result.err


def test_a_target_whose_resource_is_up_to_date_plans_no_change(engage: RunEngage) -> None:
    root = workspace()
    apply_now()
    edit(root / "data.yaml", "Newsletter subscribers", "Subscribers")
    result = engage("plan", "--target", "data_extension.orders", "--format", "json")
    assert result.code == 0, result.err
    document = json.loads(result.out)
    assert document["changes"] == [] and document["summary"]["unchanged"] == 4
    assert engage("plan").code == 2  # the whole plan still has the description change


def test_applying_a_targeted_plan_records_only_its_resources(engage: RunEngage) -> None:
    workspace()
    assert engage("plan", "--target", "data_extension.orders", "--out", PLAN.as_posix()).code == 2
    save_and_approve(load_plan(PLAN), PLAN)
    result = engage("apply", PLAN.as_posix())
    assert result.code == 0, result.err
    state = read_state()
    assert state is not None and set(state.resources) == ORDERS_AND_DEPENDENCIES
    rest = planned(engage)  # the next whole plan creates the others
    assert addresses(rest).isdisjoint(ORDERS_AND_DEPENDENCIES) and addresses(rest)


def test_a_deleted_target_takes_its_deleted_dependents_first(engage: RunEngage) -> None:
    """Removing the newsletter data extension and the rule that fills it: targeting the
    data extension must also delete the rule (it depends on it), dependents first."""
    root = workspace()
    apply_now()
    data = (root / "data.yaml").read_text(encoding="utf-8")
    start = data.index("  newsletter:")
    end = data.index("  orders:")
    (root / "data.yaml").write_text(data[:start] + data[end:], encoding="utf-8")
    integrations = (root / "integrations.yaml").read_text(encoding="utf-8")
    assert "sync_rules:" in integrations
    (root / "integrations.yaml").write_text(
        integrations[: integrations.index("sync_rules:")], encoding="utf-8"
    )
    document = planned(engage, "--target", "data_extension.newsletter")
    changes = document["changes"]
    assert isinstance(changes, list)
    order = [(c["address"], c["action"]) for c in changes]
    assert order == [
        ("sync_rule.contacts_to_newsletter", "delete"),
        ("data_extension.newsletter", "delete"),
    ]
    whole = planned(engage)  # the rules cut with the sync rule are deleted only there
    changes = whole["changes"]
    assert isinstance(changes, list)
    assert ("duplicate_rule.contact_email", "delete") in {
        (c["address"], c["action"]) for c in changes
    }


def test_a_plan_whose_targets_were_edited_is_refused_at_apply(engage: RunEngage) -> None:
    """The targets are part of what apply rebuilds: widening them by hand (and re-sealing
    the digest) does not match what the sources and state produce."""
    workspace()
    assert engage("plan", "--target", "data_extension.orders", "--out", PLAN.as_posix()).code == 2
    plan = load_plan(PLAN)
    forged = seal(plan.model_copy(update={"targets": ["consent.email"]}))
    save_plan(forged, PLAN)
    save_and_approve(forged, PLAN)
    result = engage("apply", PLAN.as_posix())
    assert result.code == 1
    assert "does not match what its sources and state produce" in result.err
    assert read_state() is None

"""Plans: each change kind, replace reasons, moves, protection, order, risks, exit codes."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import RunEngage
from test_plan_support import (
    append,
    apply_now,
    edit,
    in_own_folder,  # noqa: F401 (autouse fixture)
    make_plan,
    read_state,
    workspace,
)

from compiler.plan.definition import Change, Plan
from compiler.plan.errors import PlanError
from compiler.plan.planfile import plan_json


def by_address(plan: Plan) -> dict[str, Change]:
    return {c.address: c for c in plan.changes}


def test_first_plan_on_empty_state_creates_everything_dependencies_first() -> None:
    root = workspace()
    plan = make_plan(root)
    assert plan.state.lineage is None and plan.state.serial == 0
    assert {c.action for c in plan.changes} == {"create"}
    assert plan.summary.add == len(plan.changes) == 13
    position = {c.address: i for i, c in enumerate(plan.changes)}
    for change in plan.changes:
        for dep in change.dependencies:
            assert position[dep] < position[change.address], (dep, change.address)
    # e.g. a sync rule after the data extension it writes and the integration it runs on
    rule = by_address(plan)["sync_rule.contacts_to_newsletter"]
    assert {"data_extension.newsletter", "integration.crm_to_mc"} <= set(rule.dependencies)


def test_no_change_plan_exits_0(engage: RunEngage) -> None:
    workspace()
    apply_now()
    result = engage("plan")
    assert result.code == 0, result.err
    assert "No changes" in result.out
    assert make_plan().changes == []


def test_changes_exit_2_and_errors_exit_1(engage: RunEngage) -> None:
    root = workspace()
    assert engage("plan").code == 2
    edit(root / "data.yaml", "business_unit: brand_retail", "business_unit: brand_nowhere")
    broken = engage("plan")
    assert broken.code == 1
    assert "E2010" in broken.out and "fix them before planning" in broken.err


def test_update_in_place_with_attribute_diff_and_consent_risk() -> None:
    root = workspace()
    apply_now()
    edit(root / "integrations.yaml", "max_propagation: 1h", "max_propagation: 4h")
    plan = make_plan()
    assert [(c.address, c.action) for c in plan.changes] == [("consent.email", "update")]
    change = plan.changes[0]
    assert [(a.path, a.before, a.after) for a in change.attributes] == [
        ("max_propagation", "1h", "4h")
    ]
    assert change.risks == ["consent"]
    assert change.policies == ["consent_needs_dpo"]
    assert plan.summary.change == 1


def test_replace_carries_reasons_and_marks_the_attribute_forcing_it() -> None:
    root = workspace()
    apply_now()
    edit(root / "data.yaml", "Points: {type: Number}", "Points: {type: Decimal, precision: 9}")
    change = by_address(make_plan())["data_extension.newsletter"]
    assert change.action == "replace"
    assert change.reasons == [
        "field Points changes type from Number to Decimal; a field's type cannot change"
    ]
    assert change.risks == ["data_loss", "destroy"]
    forcing = [a.path for a in change.attributes if a.forces_replacement]
    assert forcing == ["fields.Points.type"]
    assert "every row of data_extension.newsletter is lost" in change.notes


def test_primary_key_change_replaces_unless_declared_empty() -> None:
    root = workspace()
    apply_now()
    edit(
        root / "data.yaml",
        "ContactId: {type: Text, length: 18, required: true}",
        "ContactId: {type: Text, length: 18, required: true, primary_key: true}",
    )
    assert by_address(make_plan())["data_extension.orders"].action == "replace"
    empty = make_plan(empty=frozenset({"data_extension.orders"}))
    assert by_address(empty)["data_extension.orders"].action == "update"
    assert empty.assumed_empty == ["data_extension.orders"]


def test_delete_orders_dependents_first_and_is_risky() -> None:
    root = workspace()
    apply_now()
    text = (root / "integrations.yaml").read_text(encoding="utf-8")
    start = text.index("integrations:")
    end = text.index("matching_rules:")
    (root / "integrations.yaml").write_text(text[:start] + text[end:], encoding="utf-8")
    plan = make_plan()
    deletes = [c.address for c in plan.changes if c.action == "delete"]
    assert deletes == ["sync_rule.contacts_to_newsletter", "integration.crm_to_mc"]
    assert all("destroy" in c.risks for c in plan.changes if c.action == "delete")
    assert plan.summary.destroy == 2


def test_metadata_only_change_has_no_risk() -> None:
    root = workspace()
    apply_now()
    edit(root / "data.yaml", "Newsletter subscribers of the retail brand.", "Weekly newsletter.")
    change = make_plan().changes[0]
    assert (change.action, change.metadata_only, change.risks) == ("update", True, [])
    assert change.attributes[0].metadata


def test_declared_move_renames_instead_of_delete_and_create() -> None:
    root = workspace()
    apply_now()
    edit(root / "data.yaml", "  orders:\n", "  purchases:\n")
    append(
        root / "data.yaml",
        "moved:\n  - {from: data_extension.orders, to: data_extension.purchases}\n",
    )
    plan = make_plan()
    assert [(c.action, c.address, c.previous_address) for c in plan.changes] == [
        ("move", "data_extension.purchases", "data_extension.orders")
    ]
    assert plan.changes[0].risks == []
    assert plan.summary.move == 1 and plan.summary.destroy == 0
    apply_now()
    state = read_state()
    assert state is not None
    assert "data_extension.purchases" in state.resources
    assert "data_extension.orders" not in state.resources
    assert make_plan().changes == []  # the move is done; the entry stays harmless


def test_move_without_the_entry_is_delete_and_create() -> None:
    root = workspace()
    apply_now()
    edit(root / "data.yaml", "  orders:\n", "  purchases:\n")
    actions = {(c.action, c.address) for c in make_plan().changes}
    assert actions == {("create", "data_extension.purchases"), ("delete", "data_extension.orders")}


def test_move_to_an_undeclared_address_is_refused_at_its_position() -> None:
    root = workspace()
    apply_now()
    append(
        root / "data.yaml", "moved:\n  - {from: data_extension.orders, to: data_extension.typo}\n"
    )
    with pytest.raises(PlanError) as err:
        make_plan()
    assert "not declared" in err.value.message
    assert err.value.span is not None
    assert Path(err.value.span.file).name == "data.yaml"
    lines = (root / "data.yaml").read_text(encoding="utf-8").splitlines()
    assert "data_extension.typo" in lines[err.value.span.line - 1]


def test_protected_resource_cannot_be_deleted(engage: RunEngage) -> None:
    root = workspace()
    edit(root / "data.yaml", "  orders:\n", "  orders:\n    protected: true\n")
    apply_now()
    text = (root / "data.yaml").read_text(encoding="utf-8")
    (root / "data.yaml").write_text(text[: text.index("  orders:")], encoding="utf-8")
    result = engage("plan")
    assert result.code == 1
    assert "data_extension.orders is protected and this plan would delete it" in result.err
    assert "protected: false" in result.err


def test_protected_resource_cannot_be_replaced() -> None:
    root = workspace()
    edit(root / "data.yaml", "  orders:\n", "  orders:\n    protected: true\n")
    apply_now()
    edit(
        root / "data.yaml",
        "Amount: {type: Decimal, precision: 18, scale: 2}",
        "Amount: {type: Number}",
    )
    with pytest.raises(PlanError) as err:
        make_plan()
    assert "would replace it" in err.value.message
    assert "changes type from Decimal to Number" in err.value.message


def test_unprotecting_first_then_deleting_works() -> None:
    root = workspace()
    edit(root / "data.yaml", "  orders:\n", "  orders:\n    protected: true\n")
    apply_now()
    edit(root / "data.yaml", "    protected: true\n", "")
    unprotect = make_plan()
    assert [(c.action, c.metadata_only) for c in unprotect.changes] == [("update", True)]
    apply_now()
    text = (root / "data.yaml").read_text(encoding="utf-8")
    (root / "data.yaml").write_text(text[: text.index("  orders:")], encoding="utf-8")
    assert [c.action for c in make_plan().changes] == ["delete"]


def test_plans_are_deterministic() -> None:
    workspace()
    assert plan_json(make_plan()) == plan_json(make_plan())


def test_duplicate_rule_action_change_is_a_duplicate_rules_risk() -> None:
    root = workspace()
    apply_now()
    edit(
        root / "integrations.yaml",
        "on_create: {action: allow, alert: true}",
        "on_create: {action: block, alert: true}",
    )
    plan = make_plan()
    assert [(c.address, c.action) for c in plan.changes] == [
        ("duplicate_rule.contact_email", "update")
    ]
    change = plan.changes[0]
    assert [(a.path, a.before, a.after) for a in change.attributes] == [
        ("on_create.action", "allow", "block")
    ]
    assert change.risks == ["duplicate_rules"]


def test_bypass_and_user_permission_changes_are_permissions_risks() -> None:
    root = workspace()
    apply_now()
    edit(root / "integrations.yaml", "    bypass: [mc_connector]\n", "")
    edit(root / "integrations.yaml", "object: [read]", "object: [read, edit]")
    plan = make_plan()
    changes = by_address(plan)
    assert sorted(changes) == ["duplicate_rule.contact_email", "integration_user.mc_connector"]
    assert "permissions" in changes["duplicate_rule.contact_email"].risks
    assert changes["integration_user.mc_connector"].risks == ["permissions"]

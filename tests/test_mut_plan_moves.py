"""Each refusal of a declared move, at the position of the `moved` entry's key it names
(`to` or `from`), and the entry whose old address is not in state, ignored as done."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_plan_support import (
    append,
    apply_now,
    edit,
    in_own_folder,  # noqa: F401 (autouse fixture)
    make_plan,
    workspace,
)

from compiler.plan.errors import PlanError

ORDERS = (
    "  orders:\n"
    "    business_unit: brand_retail\n"
    "    external_key: orders-retail\n"
    "    fields:\n"
    "      OrderId: {type: Text, length: 36, primary_key: true}\n"
    "      ContactId: {type: Text, length: 18, required: true}\n"
    "      Amount: {type: Decimal, precision: 18, scale: 2}\n"
)
PURCHASES = ORDERS.replace("orders", "purchases")


def refused(root: Path, moved: str) -> tuple[str, str, str]:
    """The refusal's message, hint and the line of data.yaml it points at."""
    append(root / "data.yaml", f"moved:\n{moved}")
    with pytest.raises(PlanError) as err:
        make_plan()
    span = err.value.span
    assert span is not None and Path(span.file).name == "data.yaml"
    line = (root / "data.yaml").read_text(encoding="utf-8").splitlines()[span.line - 1]
    return err.value.message, err.value.hint, line[span.column - 1 :]


def test_a_move_cannot_change_the_kind() -> None:
    root = workspace()
    apply_now()
    edit(root / "data.yaml", ORDERS, "")
    message, hint, at = refused(root, "  - {from: data_extension.orders, to: system.mc}\n")
    assert message == "moved from data_extension.orders to system.mc: a move cannot change the kind"
    assert hint == "A different kind is a different resource: remove the `moved` entry."
    assert at.startswith("system.mc}")


def test_a_move_from_a_resource_still_declared_is_refused_at_from() -> None:
    root = workspace()
    apply_now()
    append(root / "data.yaml", PURCHASES)
    message, hint, at = refused(
        root, "  - {from: data_extension.orders, to: data_extension.purchases}\n"
    )
    assert message == "moved from data_extension.orders, which is still declared"
    assert hint == "Remove the old declaration: a move renames, it does not copy."
    assert at.startswith("data_extension.orders,")


def test_a_move_onto_a_resource_already_in_state_is_refused() -> None:
    root = workspace()
    append(root / "data.yaml", PURCHASES)
    apply_now()  # both orders and purchases exist
    edit(root / "data.yaml", ORDERS, "")
    message, hint, at = refused(
        root, "  - {from: data_extension.orders, to: data_extension.purchases}\n"
    )
    assert message == (
        "cannot move data_extension.orders to data_extension.purchases: "
        "data_extension.purchases already exists in state"
    )
    assert hint == "Remove the `moved` entry, or delete one of the two first."
    assert at.startswith("data_extension.purchases}")


@pytest.mark.parametrize(
    "second",
    [
        "  - {from: data_extension.orders, to: data_extension.purchases}\n",  # same new
        "  - {from: data_extension.orders, to: data_extension.sales}\n",  # same old
    ],
)
def test_a_resource_in_two_moves_is_refused_at_the_second(second: str) -> None:
    root = workspace()
    apply_now()
    edit(root / "data.yaml", ORDERS, PURCHASES + ORDERS.replace("orders", "sales"))
    message, hint, at = refused(
        root, "  - {from: data_extension.orders, to: data_extension.purchases}\n" + second
    )
    assert message.endswith(" appears in two `moved` entries")
    assert hint == "Keep one `moved` entry per resource."
    lines = (root / "data.yaml").read_text(encoding="utf-8").splitlines()
    assert lines[-1].endswith(at)  # the second entry's `from`


def test_a_move_whose_old_address_is_not_in_state_is_done_and_ignored() -> None:
    """Even an entry that would be refused (it changes the kind) once its old address
    has left state."""
    root = workspace()
    apply_now()
    append(root / "data.yaml", "moved:\n  - {from: data_extension.gone, to: system.mc}\n")
    assert make_plan().changes == []

"""A targeted plan takes a move under its old address as under its new one: targeting
the resource by the name it has in state plans its rename."""

from __future__ import annotations

import pytest
from conftest import RunEngage
from test_plan_support import (
    append,
    apply_now,
    edit,
    in_own_folder,  # noqa: F401 (autouse fixture)
    workspace,
)
from test_plan_target import addresses, planned


@pytest.mark.parametrize("target", ["data_extension.orders", "data_extension.purchases"])
def test_a_move_is_targeted_by_its_old_or_its_new_address(engage: RunEngage, target: str) -> None:
    root = workspace()
    apply_now()
    edit(root / "data.yaml", "  orders:\n", "  purchases:\n")
    edit(root / "data.yaml", "Newsletter subscribers of the retail brand.", "Weekly newsletter.")
    append(
        root / "data.yaml",
        "moved:\n  - {from: data_extension.orders, to: data_extension.purchases}\n",
    )
    document = planned(engage, "--target", target)
    assert addresses(document) == {"data_extension.purchases"}
    changes = document["changes"]
    assert isinstance(changes, list)
    assert [(c["action"], c.get("previous_address")) for c in changes] == [
        ("move", "data_extension.orders")
    ]

"""Protected resources: a delete is refused by the recorded flag (the declaration is gone),
a replace by either side's flag, a moved resource by its previous address; the refusal
names every hit with its reasons and points at the `protected: true` line."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from compiler.pipeline import compile_path
from compiler.plan.definition import Change
from compiler.plan.errors import PlanError
from compiler.plan.protect import check_protected
from compiler.plan.resources import DesiredResource, desired_resources
from compiler.plan.state import StateEntry
from compiler.resolved import ResolvedEcosystem
from compiler.source import ParseCache

BASIC = Path(__file__).parent / "fixtures" / "plan" / "basic"
Eco = tuple[ResolvedEcosystem, dict[str, DesiredResource], int]


@pytest.fixture
def eco(tmp_path: Path) -> Eco:
    root = tmp_path / "ecosystem"
    shutil.copytree(BASIC, root)
    data = root / "data.yaml"
    text = data.read_text(encoding="utf-8")
    data.write_text(text.replace("  orders:\n", "  orders:\n    protected: true\n", 1), "utf-8")
    line = data.read_text(encoding="utf-8").splitlines().index("    protected: true") + 1
    comp = compile_path(root, "dev", cache=ParseCache(None))
    assert comp.resolved is not None
    return comp.resolved, desired_resources(comp.resolved, {}), line


def entry(protected: bool | None) -> StateEntry:
    attrs = {} if protected is None else {"protected": protected}
    return StateEntry(kind="data_extension", attributes=attrs, digest="d")


def refuse(
    eco: Eco,
    changes: list[Change],
    recorded: dict[str, StateEntry],
) -> PlanError | None:
    resolved, desired, _ = eco
    try:
        check_protected(resolved, changes, recorded, desired)
    except PlanError as error:
        return error
    return None


def ch(address: str, action: str, **extra: object) -> Change:
    return Change(address=address, kind="data_extension", action=action, **extra)


ORDERS, NEWS = "data_extension.orders", "data_extension.newsletter"


def test_a_replace_of_a_declared_protected_resource_is_refused_at_its_flag(eco: Eco) -> None:
    error = refuse(eco, [ch(ORDERS, "replace", reasons=["a", "b"])], {})
    assert error is not None
    assert error.message == f"{ORDERS} is protected and this plan would replace it (a; b)"
    assert error.span is not None and error.span.line == eco[2]
    assert "first set `protected: false`" in error.hint


def test_updates_creates_and_moves_of_protected_resources_pass(eco: Eco) -> None:
    recorded = {ORDERS: entry(True)}
    for action in ("update", "create", "move"):
        assert refuse(eco, [ch(ORDERS, action)], recorded) is None


def test_a_delete_is_refused_by_the_recorded_flag_only(eco: Eco) -> None:
    gone = "data_extension.gone"
    error = refuse(eco, [ch(gone, "delete")], {gone: entry(True)})
    assert error is not None
    assert error.message == f"{gone} is protected and this plan would delete it"
    assert error.span is None  # no declaration left to point at
    assert refuse(eco, [ch(gone, "delete")], {gone: entry(False)}) is None
    assert refuse(eco, [ch(gone, "delete")], {gone: entry(None)}) is None
    assert refuse(eco, [ch(gone, "delete")], {}) is None
    # the declared flag does not protect a delete: only a replace reads the new side
    assert refuse(eco, [ch(ORDERS, "delete")], {ORDERS: entry(False)}) is None


def test_a_replace_is_refused_by_the_recorded_flag_too(eco: Eco) -> None:
    error = refuse(eco, [ch(NEWS, "replace")], {NEWS: entry(True)})
    assert error is not None and error.message.startswith(f"{NEWS} is protected")
    assert refuse(eco, [ch(NEWS, "replace")], {NEWS: entry(False)}) is None


def test_a_moved_resource_is_protected_by_its_previous_address(eco: Eco) -> None:
    moved = ch(NEWS, "replace", previous_address="data_extension.old")
    assert refuse(eco, [moved], {"data_extension.old": entry(True)}) is not None
    assert refuse(eco, [moved], {NEWS: entry(True)}) is None


def test_every_hit_is_named_and_the_first_one_placed(eco: Eco) -> None:
    changes = [ch("data_extension.gone", "delete"), ch(ORDERS, "replace")]
    error = refuse(eco, changes, {"data_extension.gone": entry(True)})
    assert error is not None
    assert error.message == (
        "data_extension.gone is protected and this plan would delete it; "
        f"{ORDERS} is protected and this plan would replace it"
    )
    assert error.span is None  # the first hit has no declaration

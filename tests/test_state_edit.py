"""`engage state mv` and `engage state rm`: the state changes as asked, under apply's
lock, with its backup, a new serial and its journal; every refusal names what to do.

Runs the real CLI on the plan fixture (tests/fixtures/plan/basic) applied in-process.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import RunEngage
from test_plan_support import (
    STATE,
    apply_now,
    in_own_folder,  # noqa: F401 (autouse fixture)
    make_plan,
    read_state,
    save_and_approve,
    workspace,
)

from compiler.plan.errors import StateError
from compiler.plan.lock import state_lock
from compiler.plan.state import LocalBackend, State
from compiler.plan.state_edit import edit_state, move_records

ENV = ("--env", "dev")  # the fixture's default environment, whose state apply_now wrote
BACKUP = Path(f"{STATE}.backup")
JOURNAL = Path(f"{STATE}.journal")


def applied() -> State:
    workspace()
    apply_now()
    state = read_state()
    assert state is not None
    return state


def refused(run: object, *needles: str) -> None:
    code, err = run.code, run.err  # type: ignore[attr-defined]
    assert code == 1, err
    assert "Traceback" not in err and "internal error" not in err and "hint:" in err, err
    for needle in needles:
        assert needle in err, (needle, err)


# ------------------------------------------------------------------ state mv
def test_mv_records_the_resource_under_its_new_address(engage: RunEngage) -> None:
    before = applied()
    run = engage("state", "mv", "data_extension.orders", "data_extension.orders_v2", *ENV)
    assert run.code == 0, run.err
    assert "Moved data_extension.orders to data_extension.orders_v2." in run.out
    after = read_state()
    assert after is not None and after.serial == before.serial + 1
    assert "data_extension.orders" not in after.resources
    assert after.resources["data_extension.orders_v2"] == before.resources["data_extension.orders"]
    assert set(after.resources) - {"data_extension.orders_v2"} == set(before.resources) - {
        "data_extension.orders"
    }
    assert after.apply is None and not JOURNAL.exists()
    assert json.loads(BACKUP.read_text(encoding="utf-8"))["serial"] == before.serial


def test_mv_points_the_recorded_dependencies_at_the_new_address(engage: RunEngage) -> None:
    before = applied()
    dependents = [
        a for a, e in before.resources.items() if "data_extension.newsletter" in e.dependencies
    ]
    assert dependents == ["sync_rule.contacts_to_newsletter"]
    run = engage("state", "mv", "data_extension.newsletter", "data_extension.subscribers", *ENV)
    assert run.code == 0, run.err
    assert "Pointed the dependencies of sync_rule.contacts_to_newsletter" in run.out
    after = read_state()
    assert after is not None
    deps = after.resources["sync_rule.contacts_to_newsletter"].dependencies
    assert "data_extension.subscribers" in deps and "data_extension.newsletter" not in deps


def test_mv_dry_run_changes_nothing(engage: RunEngage) -> None:
    applied()
    written = STATE.read_bytes()
    run = engage(
        "state", "mv", "data_extension.orders", "data_extension.orders_v2", "--dry-run", *ENV
    )
    assert run.code == 0 and "Would move data_extension.orders" in run.out
    assert STATE.read_bytes() == written and not BACKUP.exists()


@pytest.mark.parametrize(
    ("source", "destination", "needles"),
    [
        ("data_extension.order", "data_extension.x", ("not in state", "data_extension.orders")),
        ("data_extension.orders", "data_extension.newsletter", ("already in state", "state rm")),
        ("data_extension.orders", "consent.orders", ("a move keeps the kind",)),
        ("data_extension.orders", "data_extension.9bad", ("needs a valid name",)),
        ("data_extension.orders", "data_extension", ("data_extension.NEW_NAME",)),
    ],
)
def test_mv_refusals_change_nothing(
    engage: RunEngage, source: str, destination: str, needles: tuple[str, ...]
) -> None:
    applied()
    written = STATE.read_bytes()
    refused(engage("state", "mv", source, destination, *ENV), *needles)
    assert STATE.read_bytes() == written


# ------------------------------------------------------------------ state rm
def test_rm_forgets_the_resources_and_the_next_plan_creates_them(engage: RunEngage) -> None:
    before = applied()
    run = engage("state", "rm", "consent.email", "data_extension.orders", *ENV)
    assert run.code == 0, run.err
    assert "Forgot consent.email." in run.out and "Forgot data_extension.orders." in run.out
    after = read_state()
    assert after is not None and after.serial == before.serial + 1
    assert set(before.resources) - set(after.resources) == {
        "consent.email",
        "data_extension.orders",
    }
    replan = make_plan()
    created = {c.address for c in replan.changes if c.action == "create"}
    assert created == {"consent.email", "data_extension.orders"}
    assert not [c for c in replan.changes if c.action == "delete"], "forgotten, not destroyed"


def test_rm_of_an_unknown_address_is_refused_with_the_nearest(engage: RunEngage) -> None:
    applied()
    written = STATE.read_bytes()
    refused(
        engage("state", "rm", "consent.email", "consent.emial", *ENV),
        "consent.emial is not in state",
        "did you mean 'consent.email'",
    )
    assert STATE.read_bytes() == written, "all or nothing"


def test_rm_without_any_state_is_refused(engage: RunEngage) -> None:
    workspace()
    refused(engage("state", "rm", "consent.email", *ENV), "no state at", "--state")


def test_rm_of_another_environments_state_is_refused(engage: RunEngage) -> None:
    applied()
    refused(
        engage("state", "rm", "consent.email", "--env", "prod", "--state", STATE.as_posix()),
        "is the state of environment 'dev', not 'prod'",
    )


# ------------------------------------------------------------------ apply's guarantees
def test_an_edit_makes_a_plan_made_before_it_stale(engage: RunEngage) -> None:
    root = workspace()
    apply_now()
    (root / "data.yaml").write_text(
        (root / "data.yaml").read_text(encoding="utf-8").replace("Newsletter", "News"),
        encoding="utf-8",
    )
    plan = make_plan()
    save_and_approve(plan)
    assert engage("state", "rm", "data_extension.orders", *ENV).code == 0
    refused(engage("apply", "plans/p.plan.json"), "serial")


def test_an_edit_waits_for_the_state_lock_and_names_its_holder(engage: RunEngage) -> None:
    applied()
    with state_lock(STATE, "engage apply plans/other.plan.json", 1.0):
        run = engage("state", "rm", "consent.email", "--lock-timeout", "0", *ENV)
    refused(run, "engage apply plans/other.plan.json")
    state = read_state()
    assert state is not None and "consent.email" in state.resources


class _DiskFullOnFinalWrite(LocalBackend):
    """A real state file whose final rewrite fails, as on a full disk."""

    def __init__(self, path: Path) -> None:
        super().__init__(path)
        self.writes = 0

    def write(self, state: State) -> None:
        self.writes += 1
        if self.writes == 2:
            raise StateError("cannot write the state: No space left on device", hint="")
        super().write(state)


def test_an_edit_cut_short_leaves_a_state_the_next_run_continues(engage: RunEngage) -> None:
    """The marker and the journal are on disk before the final rewrite: reading replays
    the journal, a further edit is refused until an apply finishes it."""
    before = applied()
    backend = _DiskFullOnFinalWrite(STATE)
    with pytest.raises(StateError):
        edit_state(
            backend,
            "engage state mv",
            1.0,
            lambda st: move_records(st, "data_extension.orders", "data_extension.orders_v2"),
        )
    assert JOURNAL.is_file()
    replayed = read_state()
    assert replayed is not None and replayed.apply is not None
    assert "data_extension.orders_v2" in replayed.resources
    assert "data_extension.orders" not in replayed.resources
    assert replayed.serial == before.serial + 1
    refused(engage("state", "rm", "consent.email", *ENV), "interrupted", "engage plan")
    finish = make_plan()
    assert finish.interrupted_apply is not None

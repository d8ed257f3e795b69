"""The apply journal: recorded changes appended beside the state, replayed after a crash.

An apply writes the whole state twice (its start and its end) and appends one fsync'd line
per change to `<state>.journal` in between; reading the state replays the journal of an
unfinished apply. These tests crash real applies (the ENGAGE_TEST_CRASH_AFTER hook) and
then damage the journal the ways a crash or a disk can.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import RunEngage
from test_plan_support import (
    STATE,
    apply_now,
    edit,
    engage_process,
    in_own_folder,  # noqa: F401 (autouse fixture)
    make_plan,
    read_state,
    resolve,
    save_and_approve,
    workspace,
)

from compiler.plan.definition import Plan
from compiler.plan.errors import StateError
from compiler.plan.resources import desired_resources

PLAN = Path("plans/p.plan.json")
JOURNAL = Path(f"{STATE}.journal")
HOOKS = {"ENGAGE_TEST_HOOKS": "1"}


def crash_after(count: int) -> Plan:
    """Plan, approve and apply in a subprocess that dies after `count` recorded changes."""
    plan = make_plan()
    save_and_approve(plan)
    proc = engage_process(
        "apply", PLAN.as_posix(), env={**HOOKS, "ENGAGE_TEST_CRASH_AFTER": str(count)}
    )
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 70, err
    return plan


def raw_state() -> dict[str, object]:
    data = json.loads(STATE.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def journal_lines() -> list[str]:
    return JOURNAL.read_text(encoding="utf-8").splitlines()


def test_a_crash_leaves_the_changes_in_the_journal_and_reading_replays_them() -> None:
    workspace()
    plan = crash_after(5)
    done = [c.address for c in plan.changes[:5]]
    raw = raw_state()  # the state file itself holds only the apply's start
    assert raw["resources"] == {} and raw["apply"]["recorded"] == []  # type: ignore[index]
    assert len(journal_lines()) == 1 + 5  # header + one line per change
    state = read_state()
    assert state is not None and state.apply is not None
    assert state.apply.recorded == done
    assert sorted(state.resources) == sorted(done)


def test_a_torn_last_line_is_not_recorded() -> None:
    workspace()
    plan = crash_after(4)
    whole = JOURNAL.read_bytes()
    last = whole.rstrip(b"\n").rsplit(b"\n", 1)[1]
    JOURNAL.write_bytes(whole[: -len(last) - 1] + last[: len(last) // 2])  # cut mid-line
    state = read_state()
    assert state is not None and state.apply is not None
    assert state.apply.recorded == [c.address for c in plan.changes[:3]]
    again = make_plan()  # the torn change is simply planned again
    assert {c.address for c in again.changes} == {c.address for c in plan.changes[3:]}


def test_a_torn_header_means_nothing_was_recorded() -> None:
    workspace()
    crash_after(0)
    JOURNAL.write_text('{"lineage": "ab', encoding="utf-8")
    state = read_state()
    assert state is not None and state.apply is not None and state.apply.recorded == []


def test_a_damaged_line_inside_the_journal_is_refused_naming_it(engage: RunEngage) -> None:
    workspace()
    crash_after(4)
    lines = journal_lines()
    lines[2] = lines[2][:-10] + "#garbage"
    JOURNAL.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = engage("plan")
    assert result.code == 1
    assert f"{JOURNAL.as_posix()} is corrupt: line 3" in result.err
    assert f"Restore {STATE.as_posix()}.backup" in result.err
    assert "Traceback" not in result.err


def test_an_entry_not_matching_its_digest_in_the_journal_is_refused() -> None:
    workspace()
    crash_after(2)
    lines = journal_lines()
    record = json.loads(lines[1])
    record["entry"]["attributes"]["name"] = "edited"
    lines[1] = json.dumps(record)
    JOURNAL.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(StateError, match="does not match its digest"):
        read_state()


def test_a_journal_of_another_apply_is_stale_and_ignored(engage: RunEngage) -> None:
    root = workspace()
    crash_after(3)
    stale = JOURNAL.read_bytes()
    save_and_approve(make_plan())
    assert engage("apply", PLAN.as_posix()).code == 0  # finishes, folds and removes it
    assert not JOURNAL.exists()
    finished = read_state()
    JOURNAL.write_bytes(stale)  # as if a crash hit between the final write and the removal
    assert read_state() == finished
    assert engage("plan").code == 0
    edit(root / "integrations.yaml", "max_propagation: 1h", "max_propagation: 2h")
    save_and_approve(make_plan())
    assert engage("apply", PLAN.as_posix()).code == 0
    assert not JOURNAL.exists()


def test_finishing_an_interrupted_apply_backs_up_the_replayed_state(engage: RunEngage) -> None:
    workspace()
    plan = crash_after(6)
    interrupted = read_state()
    save_and_approve(make_plan())
    assert engage("apply", PLAN.as_posix()).code == 0
    backup = json.loads(Path(f"{STATE}.backup").read_text(encoding="utf-8"))
    assert interrupted is not None
    assert sorted(backup["resources"]) == sorted(c.address for c in plan.changes[:6])
    assert backup == interrupted.model_dump(mode="json")
    state = read_state()
    assert state is not None and state.apply is None and not JOURNAL.exists()


def test_moves_and_deletes_are_replayed() -> None:
    root = workspace()
    apply_now()
    edit(root / "data.yaml", "  orders:\n", "  purchases:\n")
    (root / "moves.yaml").write_text(
        "apiVersion: engage/v1\n"
        "moved:\n  - {from: data_extension.orders, to: data_extension.purchases}\n",
        encoding="utf-8",
    )
    edit(root / "integrations.yaml", "duplicate_rules:\n  contact_email:", "duplicate_rules:\n  x:")
    plan = crash_after(len(make_plan().changes))
    assert {c.action for c in plan.changes} >= {"move", "delete", "create"}
    state = read_state()
    assert state is not None and state.apply is not None
    assert "data_extension.orders" not in state.resources
    assert "data_extension.purchases" in state.resources
    assert "duplicate_rule.contact_email" not in state.resources
    assert state.apply.deleted == ["data_extension.orders", "duplicate_rule.contact_email"]
    desired = desired_resources(resolve(), {})
    assert {a: e.digest for a, e in state.resources.items()} == {
        a: r.digest for a, r in desired.items()
    }


def test_a_crash_while_finishing_an_interrupted_apply_keeps_its_artifacts_pending(
    engage: RunEngage,
) -> None:
    """A is interrupted; B (finishing A) is interrupted before writing A's artifacts; the
    plan after that must still write them, so B's marker carries A's pending addresses."""
    workspace()
    order = [c.address for c in make_plan().changes]
    upto = order.index("data_extension.newsletter") + 1  # it has a generated file
    first = crash_after(upto)
    pending = {c.address for c in first.changes[:upto]}
    second = crash_after(0)  # B: begins (new marker), dies before recording or generating
    assert second.interrupted_apply is not None
    third = make_plan()
    assert third.interrupted_apply is not None
    assert pending <= set(third.interrupted_apply.recorded)
    assert "data_extension.newsletter" not in {c.address for c in third.changes}
    save_and_approve(third)
    result = engage("apply", PLAN.as_posix())
    assert result.code == 0, result.err
    manifest = json.loads(Path("build/.engage-manifest.json").read_text(encoding="utf-8"))
    sources = {a for entry in manifest["files"].values() for a in entry["sources"]}
    assert "data_extension.newsletter" in sources

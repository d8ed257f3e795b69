"""Apply: refusals (stale, changed sources, tampered, locked), order, crash safety."""

from __future__ import annotations

import json
import random
import signal
import subprocess
import time
from pathlib import Path

import pytest
from conftest import RunEngage
from test_plan_support import (
    STATE,
    apply_now,
    backend,
    edit,
    engage_process,
    in_own_folder,  # noqa: F401 (autouse fixture)
    make_plan,
    read_state,
    resolve,
    save_and_approve,
    workspace,
)

from compiler.plan.canonical import pretty_json
from compiler.plan.planfile import seal
from compiler.plan.resources import desired_resources

PLAN = Path("plans/p.plan.json")
HOOKS = {"ENGAGE_TEST_HOOKS": "1"}


def desired_digests() -> dict[str, str]:
    return {a: r.digest for a, r in desired_resources(resolve(), {}).items()}


def recorded_digests() -> dict[str, str]:
    state = read_state()
    return {} if state is None else {a: e.digest for a, e in state.resources.items()}


def test_apply_records_every_change_and_bumps_the_serial(engage: RunEngage) -> None:
    workspace()
    save_and_approve(make_plan())
    result = engage("apply", PLAN.as_posix())
    assert result.code == 0, result.err
    assert "Apply complete! Resources: 13 added, 0 changed, 0 replaced, 0 destroyed." in result.out
    state = read_state()
    assert state is not None and state.serial == 1 and state.apply is None
    assert recorded_digests() == desired_digests()
    assert engage("plan").code == 0
    # the artifacts go to build/, the default --out (as for engage generate)
    manifest = json.loads(Path("build/.engage-manifest.json").read_text(encoding="utf-8"))
    sources = {a for entry in manifest["files"].values() for a in entry["sources"]}
    assert "data_extension.newsletter" in sources
    assert "generated in build" in result.out


def test_applying_a_no_change_plan_does_nothing(engage: RunEngage) -> None:
    workspace()
    apply_now()
    save_and_approve(make_plan())
    result = engage("apply", PLAN.as_posix())
    assert result.code == 0 and "No changes" in result.out
    state = read_state()
    assert state is not None and state.serial == 1


def test_stale_serial_is_refused(engage: RunEngage) -> None:
    root = workspace()
    apply_now()
    edit(root / "data.yaml", "Newsletter subscribers", "Subscribers")
    first = save_and_approve(make_plan(), Path("plans/a.plan.json"))
    second = save_and_approve(make_plan(), Path("plans/b.plan.json"))
    assert engage("apply", first.as_posix()).code == 0
    result = engage("apply", second.as_posix())
    assert result.code == 1
    assert "stale plan: it was computed against serial 1" in result.err
    assert "is at serial 2 (someone applied since)" in result.err
    assert "engage plan --out" in result.err


def test_stale_lineage_is_refused(engage: RunEngage) -> None:
    workspace()
    apply_now()
    save_and_approve(make_plan())
    state = read_state()
    assert state is not None
    backend().write(state.model_copy(update={"lineage": "11111111-2222-3333-4444-555555555555"}))
    result = engage("apply", PLAN.as_posix())
    assert result.code == 1
    assert f"computed against {state.lineage}" in result.err
    assert "has lineage 11111111-2222-3333-4444-555555555555" in result.err


def test_plan_for_no_state_is_stale_once_state_exists(engage: RunEngage) -> None:
    workspace()
    save_and_approve(make_plan())
    apply_now()
    result = engage("apply", PLAN.as_posix())
    assert result.code == 1 and "computed against no state at all" in result.err


def test_changed_sources_are_refused(engage: RunEngage) -> None:
    root = workspace()
    save_and_approve(make_plan())
    edit(root / "data.yaml", "Newsletter subscribers", "Subscribers")
    result = engage("apply", PLAN.as_posix())
    assert result.code == 1
    assert "the sources in ecosystem changed since the plan was made" in result.err
    assert read_state() is None


def test_tampered_plan_file_is_refused(engage: RunEngage) -> None:
    workspace()
    save_and_approve(make_plan())
    data = json.loads(PLAN.read_text(encoding="utf-8"))
    data["changes"] = data["changes"][:3]
    PLAN.write_text(json.dumps(data), encoding="utf-8")
    result = engage("apply", PLAN.as_posix())
    assert result.code == 1 and "was modified after engage wrote it" in result.err
    assert read_state() is None


def test_resealed_tampered_plan_is_refused(engage: RunEngage) -> None:
    """Even with a recomputed digest (and so no approvals needed), the changes must be
    exactly what the sources and state produce."""
    workspace()
    plan = make_plan()
    forged = seal(plan.model_copy(update={"changes": plan.changes[:3], "required_approvals": []}))
    PLAN.parent.mkdir()
    PLAN.write_text(pretty_json(forged.model_dump(mode="json")), encoding="utf-8")
    result = engage("apply", PLAN.as_posix())
    assert result.code == 1
    assert "does not match what its sources and state produce" in result.err
    assert read_state() is None


def _wait_for_lock(proc: subprocess.Popen[str]) -> Path:
    """Wait until `proc` holds the state lock (its pid is in the lock's owner file)."""
    owner = Path(f"{STATE}.lock.json")
    deadline = time.monotonic() + 60
    while proc.poll() is None and time.monotonic() < deadline:
        try:
            if json.loads(owner.read_text(encoding="utf-8"))["pid"] == proc.pid:
                return owner
        except (OSError, ValueError, KeyError):
            pass
        time.sleep(0.01)
    raise AssertionError(proc.communicate())


def test_a_held_lock_makes_a_second_apply_fail_naming_the_holder() -> None:
    workspace()
    save_and_approve(make_plan())
    gate = Path("gate")
    first = engage_process(
        "apply", PLAN.as_posix(), env={**HOOKS, "ENGAGE_TEST_WAIT_FOR": gate.name}
    )
    owner = _wait_for_lock(first)
    second = engage_process("apply", PLAN.as_posix(), "--lock-timeout", "0.2")
    _, err = second.communicate(timeout=60)
    gate.touch()
    out, first_err = first.communicate(timeout=60)
    assert second.returncode == 1
    assert f"is locked by pid {first.pid} on " in err
    assert f"running `engage apply {PLAN.as_posix()}`" in err
    assert first.returncode == 0, first_err
    assert "Apply complete!" in out
    assert not owner.exists()
    assert recorded_digests() == desired_digests()


def _converge(engage: RunEngage) -> None:
    """Re-plan, apply what is left, and check the state is exactly the sources."""
    save_and_approve(make_plan())
    assert engage("apply", PLAN.as_posix()).code == 0
    assert recorded_digests() == desired_digests()
    assert engage("plan").code == 0
    state = read_state()
    assert state is not None and state.apply is None


@pytest.mark.parametrize("crash_after", [0, 1, 6, 13])
def test_crash_midway_leaves_state_the_next_plan_continues_from(
    engage: RunEngage, crash_after: int
) -> None:
    workspace()
    plan = make_plan()
    save_and_approve(plan)
    proc = engage_process(
        "apply", PLAN.as_posix(), env={**HOOKS, "ENGAGE_TEST_CRASH_AFTER": str(crash_after)}
    )
    proc.communicate(timeout=60)
    assert proc.returncode == 70
    state = read_state()
    assert state is not None and state.serial == 1 and state.apply is not None
    done = plan.changes[:crash_after]
    assert state.apply.recorded == [c.address for c in done]
    assert recorded_digests() == {c.address: c.after_digest for c in done}
    again = make_plan()
    assert {c.address for c in again.changes} == {c.address for c in plan.changes[crash_after:]}
    assert again.interrupted_apply is not None and again.has_changes
    assert again.state.serial == 1
    stale = engage("apply", PLAN.as_posix())
    assert stale.code == 1 and "stale plan" in stale.err
    _converge(engage)


def _more_work(root: Path, round_: int) -> None:
    """Give a round something to do: an update, a create, and (once) a delete."""
    edit(
        root / "integrations.yaml", f"max_propagation: {round_ - 1}h", f"max_propagation: {round_}h"
    )
    (root / f"extra{round_}.yaml").write_text(
        "apiVersion: engage/v1\n"
        "data_extensions:\n"
        f"  extra{round_}:\n"
        "    business_unit: brand_retail\n"
        "    fields: {Id: {type: Text, length: 18, primary_key: true}}\n",
        encoding="utf-8",
    )
    if round_ == 3:
        edit(root / "data.yaml", "      Points: {type: Number}\n", "")
        (root / "extra2.yaml").unlink()


def test_killed_at_random_points_loses_nothing(engage: RunEngage) -> None:
    root = workspace()
    chooser = random.Random(20240611)
    for round_ in range(1, 5):
        if round_ > 1:
            _more_work(root, round_)
        plan = make_plan()
        save_and_approve(plan)
        proc = engage_process(
            "apply", PLAN.as_posix(), env={**HOOKS, "ENGAGE_TEST_STEP_DELAY": "0.05"}
        )
        _wait_for_lock(proc)  # the apply is under way: kill it somewhere in its recording
        time.sleep(chooser.uniform(0.0, 0.05 * len(plan.changes) + 0.2))
        proc.send_signal(signal.SIGKILL)
        proc.communicate(timeout=60)
        state = read_state()  # never corrupt: parses, every entry matches its digest
        desired = desired_digests()
        recorded = recorded_digests()
        again = make_plan()  # re-plan works and covers exactly what is not yet recorded
        pending = {c.address for c in again.changes}
        missing = {a for a in desired if recorded.get(a) != desired[a]}
        gone = {a for a in recorded if a not in desired}
        assert pending == missing | gone
        if state is not None and state.apply is not None:
            assert again.interrupted_apply is not None
    _converge(engage)

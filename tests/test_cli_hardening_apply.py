"""Hardening of `engage apply`: what a user or a CI job meets when things go wrong.

Every test runs the real CLI (in-process through `main`, or as a subprocess for signals and
crashes) on real files, and checks the exit code, that no traceback or internal error
appears, and that the message says what is wrong and what to do.
"""

from __future__ import annotations

import signal
import subprocess
import time
from pathlib import Path

import pytest
from conftest import RunEngage
from lxml import etree
from test_plan_support import (
    STATE,
    append,
    apply_now,
    edit,
    engage_process,
    in_own_folder,  # noqa: F401 (autouse fixture)
    make_plan,
    read_state,
    save_and_approve,
    workspace,
)

PLAN = Path("plans/p.plan.json")
HOOKS = {"ENGAGE_TEST_HOOKS": "1"}
NS = {"m": "http://soap.sforce.com/2006/04/metadata"}
DESTRUCTIVE = Path("build/salesforce/manifest/destructiveChanges.xml")
JOURNAL = Path(f"{STATE}.journal")


def no_crash(text: str) -> None:
    assert "Traceback" not in text and "internal error" not in text, text


def destructive_members() -> dict[str, list[str]]:
    root = etree.parse(str(DESTRUCTIVE)).getroot()
    return {
        t.findtext("m:name", namespaces=NS): [m.text for m in t.findall("m:members", NS)]
        for t in root.findall("m:types", NS)
    }


def drop_duplicate_rule(root: Path) -> None:
    edit(
        root / "integrations.yaml",
        "duplicate_rules:\n  contact_email:\n    system: crm\n    object: Contact\n"
        "    matching_rule: contact_email\n    on_create: {action: allow, alert: true}\n"
        "    bypass: [mc_connector]\n",
        "",
    )


def test_a_delete_recorded_before_a_crash_still_reaches_destructive_changes(
    engage: RunEngage,
) -> None:
    """The apply that finishes an interrupted one lists what the interrupted one deleted."""
    root = workspace()
    apply_now()
    drop_duplicate_rule(root)
    plan = make_plan()
    assert [c.action for c in plan.changes] == ["delete"]
    save_and_approve(plan)
    proc = engage_process("apply", PLAN.as_posix(), env={**HOOKS, "ENGAGE_TEST_CRASH_AFTER": "1"})
    proc.communicate(timeout=60)
    assert proc.returncode == 70
    assert not DESTRUCTIVE.exists()
    again = make_plan()
    assert again.changes == [] and again.interrupted_apply is not None
    save_and_approve(again)
    result = engage("apply", PLAN.as_posix())
    assert result.code == 0, result.err
    assert destructive_members() == {"DuplicateRule": ["Contact.contact_email"]}


# ------------------------------------------------------------- artifacts
LONG_LABEL = "A label far longer than the forty characters a field label may have"


def add_contact_field(root: Path, spec: str) -> None:
    """Declare a custom field on the CRM's Contact (generation derives a file from it)."""
    append(root / "data.yaml", f"objects:\n  crm.Contact:\n    fields:\n      Note__c: {spec}\n")


def test_generation_errors_refuse_the_apply_before_anything_changes(engage: RunEngage) -> None:
    root = workspace()
    add_contact_field(root, "{type: text, length: 300}")  # valid YAML, no such Salesforce field
    save_and_approve(make_plan())
    result = engage("apply", PLAN.as_posix())
    assert result.code == 1
    no_crash(result.err)
    assert "error[E8612]" in result.err and "ecosystem/data.yaml:" in result.err
    assert "nothing was applied" in result.err
    assert "engage plan" in result.err  # what to do next
    assert read_state() is None and not Path("build").exists()


def test_generation_errors_refuse_the_plan_so_it_never_goes_out_for_approval(
    engage: RunEngage,
) -> None:
    root = workspace()
    add_contact_field(root, "{type: text, length: 300}")
    result = engage("plan", "--out", PLAN.as_posix())
    assert result.code == 1
    no_crash(result.err)
    assert "error[E8612]" in result.err and "ecosystem/data.yaml:" in result.err
    assert "`engage apply` would refuse it; no plan was saved" in result.err
    assert not PLAN.exists()


def test_generation_warnings_are_shown_with_their_position(engage: RunEngage) -> None:
    root = workspace()
    add_contact_field(root, f"{{type: text, length: 20, label: {LONG_LABEL}}}")
    save_and_approve(make_plan())
    result = engage("apply", PLAN.as_posix())
    assert result.code == 0, result.err
    assert "warning[W8610]" in result.err
    assert "--> ecosystem/data.yaml:" in result.err  # file:line:column, like engage generate


def test_an_out_dir_that_cannot_be_written_is_refused_before_anything_changes(
    engage: RunEngage,
) -> None:
    workspace()
    Path("afile").write_text("not a folder\n", encoding="utf-8")
    save_and_approve(make_plan())
    result = engage("apply", PLAN.as_posix(), "--out", "afile/out")
    assert result.code == 1
    no_crash(result.err)
    assert "afile/out" in result.err and "--out:" in result.err
    assert "nothing was applied" in result.err
    assert read_state() is None


def test_a_file_where_the_artifacts_need_a_folder_is_refused_before_anything_changes(
    engage: RunEngage,
) -> None:
    workspace()
    Path("build").mkdir()
    Path("build/salesforce").write_text("in the way\n", encoding="utf-8")
    save_and_approve(make_plan())
    result = engage("apply", PLAN.as_posix())
    assert result.code == 1
    no_crash(result.err)
    assert "build/salesforce" in result.err and "is a file" in result.err
    assert read_state() is None


def wait_for_journal(proc: subprocess.Popen[str], lines: int) -> None:
    """Wait until the apply in `proc` has recorded `lines - 1` changes."""
    deadline = time.monotonic() + 60
    while proc.poll() is None and time.monotonic() < deadline:
        if JOURNAL.exists() and JOURNAL.read_text(encoding="utf-8").count("\n") >= lines:
            return
        time.sleep(0.01)
    raise AssertionError(proc.communicate())


def test_artifacts_failing_after_recording_keep_the_apply_unfinished(engage: RunEngage) -> None:
    """Something that appears in the way while the apply records (after its checks): the
    state keeps the changes and the marker, and the next plan finishes the apply."""
    workspace()
    save_and_approve(make_plan())
    proc = engage_process("apply", PLAN.as_posix(), env={**HOOKS, "ENGAGE_TEST_STEP_DELAY": "0.2"})
    wait_for_journal(proc, 2)
    Path("build").mkdir(exist_ok=True)
    Path("build/salesforce").write_text("in the way\n", encoding="utf-8")
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 1
    no_crash(err)
    assert "build/salesforce" in err
    assert "the state records the changes" in err and "engage plan" in err
    state = read_state()
    assert state is not None and state.apply is not None and len(state.resources) == 13
    Path("build/salesforce").unlink()
    again = make_plan()
    assert again.changes == [] and again.interrupted_apply is not None
    save_and_approve(again)
    result = engage("apply", PLAN.as_posix())
    assert result.code == 0, result.err
    assert Path("build/salesforce/manifest/package.xml").is_file()
    state = read_state()
    assert state is not None and state.apply is None


# ------------------------------------------------------------- options, lock, signals
def test_a_lock_timeout_that_is_not_a_number_of_seconds_is_a_usage_error(
    engage: RunEngage,
) -> None:
    workspace()
    save_and_approve(make_plan())
    for value in ("nan", "-1", "soon"):
        result = engage("apply", PLAN.as_posix(), "--lock-timeout", value)
        assert result.code == 1, value
        no_crash(result.err)
        assert "--lock-timeout" in result.err
    assert read_state() is None


def test_a_lock_that_cannot_be_taken_is_a_refusal_naming_it(engage: RunEngage) -> None:
    workspace()
    save_and_approve(make_plan())
    Path(f"{STATE}.lock").mkdir(parents=True)  # in the way of the lock file
    result = engage("apply", PLAN.as_posix())
    assert result.code == 1
    no_crash(result.err)
    assert f"{STATE}.lock" in result.err and "hint:" in result.err
    assert read_state() is None


def test_ctrl_c_mid_apply_says_what_was_recorded_and_what_to_do() -> None:
    workspace()
    save_and_approve(make_plan())
    proc = engage_process("apply", PLAN.as_posix(), env={**HOOKS, "ENGAGE_TEST_STEP_DELAY": "0.2"})
    wait_for_journal(proc, 3)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130
    no_crash(err)
    state = read_state()
    assert state is not None and state.apply is not None
    done = len(state.apply.recorded)
    assert f"interrupted after recording {done} of 13 change(s)" in err
    assert "engage plan" in err
    assert make_plan().interrupted_apply is not None


# ------------------------------------------------------------- reporting
def test_the_summary_counts_moves(engage: RunEngage) -> None:
    root = workspace()
    apply_now()
    edit(root / "data.yaml", "  orders:\n", "  purchases:\n")
    append(
        root / "data.yaml",
        "moved:\n  - {from: data_extension.orders, to: data_extension.purchases}\n",
    )
    save_and_approve(make_plan())
    result = engage("apply", PLAN.as_posix())
    assert result.code == 0, result.err
    assert "0 added, 0 changed, 0 replaced, 0 destroyed, 1 moved." in result.out


def test_apply_from_another_folder_says_where_to_run_it(
    engage: RunEngage, monkeypatch: pytest.MonkeyPatch
) -> None:
    workspace()
    save_and_approve(make_plan())
    Path("elsewhere").mkdir()
    monkeypatch.chdir("elsewhere")
    result = engage("apply", f"../{PLAN.as_posix()}")
    assert result.code == 1
    no_crash(result.err)
    assert "the plan was made from the ecosystem 'ecosystem', but this apply compiles '.'" in (
        result.err
    )
    assert "E0007" not in result.err  # not reported as a broken ecosystem


def test_a_state_of_another_environment_is_refused_with_a_hint_apply_can_follow(
    engage: RunEngage,
) -> None:
    workspace()
    apply_now()
    save_and_approve(make_plan(env="prod", state_path=Path(".engage/state/prod.json")))
    result = engage("apply", PLAN.as_posix(), "--state", STATE.as_posix())
    assert result.code == 1
    assert (
        "computed against the state .engage/state/prod.json, but this apply would use "
        + (".engage/state/dev.json")
        in result.err
    )
    assert "--env" not in result.err  # apply has no --env
    STATE.replace(".engage/state/prod.json")  # the prod file now holds dev's state
    swapped = engage("apply", PLAN.as_posix(), "--state", ".engage/state/prod.json")
    assert swapped.code == 1
    assert "is the state of environment 'dev', not 'prod'" in swapped.err


def test_reapplying_the_plan_whose_apply_was_interrupted_says_how_to_finish(
    engage: RunEngage,
) -> None:
    workspace()
    save_and_approve(make_plan())
    proc = engage_process("apply", PLAN.as_posix(), env={**HOOKS, "ENGAGE_TEST_CRASH_AFTER": "3"})
    proc.communicate(timeout=60)
    assert proc.returncode == 70
    result = engage("apply", PLAN.as_posix())
    assert result.code == 1
    assert "someone applied since" not in result.err
    assert "stale plan: its apply was interrupted after recording 3 change(s)" in result.err
    assert "engage plan --out" in result.err


def test_a_resource_deleted_by_an_interrupted_apply_and_declared_again_is_generated(
    engage: RunEngage,
) -> None:
    """The interrupted apply deleted the rule; the plan that finishes it creates the rule
    again: the rule's file is written, and nothing asks to delete it on the platform."""
    root = workspace()
    apply_now()
    kept = (root / "integrations.yaml").read_text(encoding="utf-8")
    drop_duplicate_rule(root)
    save_and_approve(make_plan())
    proc = engage_process("apply", PLAN.as_posix(), env={**HOOKS, "ENGAGE_TEST_CRASH_AFTER": "1"})
    proc.communicate(timeout=60)
    assert proc.returncode == 70
    (root / "integrations.yaml").write_text(kept, encoding="utf-8")
    again = make_plan()
    assert [c.action for c in again.changes] == ["create"] and again.interrupted_apply
    save_and_approve(again)
    result = engage("apply", PLAN.as_posix())
    assert result.code == 0, result.err
    rule = Path("build/salesforce/force-app/main/default/duplicateRules")
    assert (rule / "Contact.contact_email.duplicateRule-meta.xml").is_file()
    assert not DESTRUCTIVE.exists()

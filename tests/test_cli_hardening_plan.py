"""Hardening of `engage plan`, `show`, `approve` and `state`: bad input on every option.

Each test runs the real CLI on real files and checks the exit code, that no traceback or
internal error appears, and that the message names the file and says what to do.
"""

from __future__ import annotations

import json
import shlex
from itertools import pairwise
from pathlib import Path

import pytest
from conftest import RunEngage
from hypothesis import given, settings
from hypothesis import strategies as st
from test_plan_support import (
    STATE,
    apply_now,
    edit,
    engage_process,
    in_own_folder,  # noqa: F401 (autouse fixture)
    key_of,
    make_plan,
    save_and_approve,
    workspace,
)

from compiler.plan import de_rules
from compiler.plan.canonical import digest
from compiler.plan.planfile import save_plan, seal

PLAN = Path("plans/p.plan.json")
HOOKS = {"ENGAGE_TEST_HOOKS": "1"}


def no_crash(text: str) -> None:
    assert "Traceback" not in text and "internal error" not in text, text


def refused(result_code: int, err: str, *needles: str) -> None:
    """Exit 1, no crash, a hint, and every needle in the message."""
    assert result_code == 1, err
    no_crash(err)
    assert "hint:" in err, err
    for needle in needles:
        assert needle in err, (needle, err)


# ------------------------------------------------------------------ engage plan --out
@pytest.mark.parametrize("where", ["afile/p.plan.json", "afile/deeper/p.plan.json"])
def test_a_plan_that_cannot_be_saved_is_a_refusal(engage: RunEngage, where: str) -> None:
    workspace()
    Path("afile").write_text("a file\n", encoding="utf-8")
    Path("plans").mkdir()
    result = engage("plan", "--out", where)
    refused(result.code, result.err, where, "cannot save the plan")


def test_a_plan_name_as_long_as_the_file_system_allows_is_saved(engage: RunEngage) -> None:
    """The temporary file beside it must not need a longer name than the plan itself."""
    workspace()
    name = "p" * 245 + ".json"  # 250 characters: allowed almost everywhere (limit 255)
    result = engage("plan", "--out", name)
    assert result.code == 2, result.err
    assert Path(name).is_file()


def test_the_suggested_commands_can_be_pasted_into_a_shell(engage: RunEngage) -> None:
    workspace()
    out = "plans dir/ünïcode plan.json"
    result = engage("plan", "--out", out)
    assert result.code == 2, result.err
    assert f"engage approve {shlex.quote(out)} --as NAME" in result.err
    assert f"engage apply {shlex.quote(out)}" in result.err


# ------------------------------------------------------------------ --assume-empty
def test_assume_empty_of_an_unknown_data_extension_is_refused(engage: RunEngage) -> None:
    workspace()
    result = engage("plan", "--assume-empty", "data_extension.newsleter")
    refused(result.code, result.err, "data_extension.newsleter", "data_extension.newsletter")


def test_assume_empty_of_a_data_extension_only_in_state_is_accepted(engage: RunEngage) -> None:
    root = workspace()
    apply_now()
    edit(root / "data.yaml", "  orders:\n", "  orders_v2:\n")
    result = engage("plan", "--assume-empty", "data_extension.orders")
    assert result.code == 2, result.err


# ------------------------------------------------------------------ interrupted applies
def test_a_plan_that_only_finishes_an_interrupted_apply_reads_well(engage: RunEngage) -> None:
    workspace()
    plan = make_plan()
    save_and_approve(plan)
    proc = engage_process(
        "apply", PLAN.as_posix(), env={**HOOKS, "ENGAGE_TEST_CRASH_AFTER": str(len(plan.changes))}
    )
    proc.communicate(timeout=60)
    assert proc.returncode == 70
    text = engage("plan")
    assert text.code == 2
    assert "symbols:" not in text.out  # no empty legend
    assert "following actions" not in text.out  # no empty list of actions
    assert "A previous apply was interrupted after recording 13 resource(s)" in text.out
    markdown = engage("plan", "--format", "markdown")
    assert markdown.code == 2
    assert "interrupted after recording 13 resource(s)" in markdown.out
    assert "| `+` create | 0 |" not in markdown.out  # no table of zeros


# ------------------------------------------------------------------ saved plan files
def _saved_plan(engage: RunEngage) -> None:
    workspace()
    assert engage("plan", "--out", PLAN.as_posix()).code == 2


@pytest.mark.parametrize(
    ("content", "needle"),
    [
        (b"", "is empty"),
        (b'{"kind": "engage-plan", "form', "is not valid JSON"),
        (b"\xff\xfe\x00garbage", "is not an engage plan (not UTF-8 text)"),
        (b"[1, 2]", "is not an engage plan file"),
        (b'{"kind": "engage-plan", "format_version": 1}', "is not a valid plan"),
        (b'{"kind": "engage-plan", "format_version": 7}', "has plan format 7"),
    ],
)
@pytest.mark.parametrize("command", ["show", "approve", "apply"])
def test_a_damaged_plan_file_is_refused_with_what_to_do(
    engage: RunEngage, content: bytes, needle: str, command: str
) -> None:
    _saved_plan(engage)
    PLAN.write_bytes(content)
    extra = ("--as", "dpo", "--key", key_of("dpo")) if command == "approve" else ()
    result = engage(command, PLAN.as_posix(), *extra)
    refused(result.code, result.err, PLAN.as_posix(), needle, "engage plan")


@pytest.mark.parametrize("command", ["show", "approve", "apply"])
def test_a_missing_plan_file_is_refused_with_what_to_do(engage: RunEngage, command: str) -> None:
    workspace()
    extra = ("--as", "dpo", "--key", key_of("dpo")) if command == "approve" else ()
    result = engage(command, "plans/nope.plan.json", *extra)
    refused(result.code, result.err, "plans/nope.plan.json", "does not exist", "engage plan --out")


def test_approvals_that_cannot_be_recorded_are_a_refusal(engage: RunEngage) -> None:
    workspace()
    name = "p" * 236 + ".json"  # the plan fits, its `.approvals.json` sidecar does not
    assert engage("plan", "--out", name).code == 2
    result = engage("approve", name, "--as", "dpo", "--key", key_of("dpo"))
    refused(result.code, result.err, ".approvals.json", "shorter")


# ------------------------------------------------------------------ state
def test_corrupt_state_hints_restore_only_from_a_backup_that_exists(engage: RunEngage) -> None:
    workspace()
    STATE.parent.mkdir(parents=True)
    STATE.write_text("{broken", encoding="utf-8")
    result = engage("plan")
    refused(result.code, result.err, "is corrupt", f"There is no {STATE.as_posix()}.backup")
    Path(f"{STATE}.backup").write_text("{}", encoding="utf-8")
    result = engage("plan")
    refused(result.code, result.err, f"Restore it from {STATE.as_posix()}.backup")


@pytest.mark.parametrize(
    ("content", "needle"),
    [(b"[]", "no JSON object"), (b"42", "no JSON object"), (b"\xff\xfe", "not UTF-8 text")],
)
@pytest.mark.parametrize("command", [("plan",), ("state", "list"), ("state", "show", "x.y")])
def test_state_of_the_wrong_shape_is_refused_with_what_to_do(
    engage: RunEngage, content: bytes, needle: str, command: tuple[str, ...]
) -> None:
    workspace()
    STATE.parent.mkdir(parents=True)
    STATE.write_bytes(content)
    result = engage(*command, "--state", STATE.as_posix())
    refused(result.code, result.err, STATE.as_posix(), needle)


def test_state_commands_on_a_folder_say_so(engage: RunEngage) -> None:
    workspace()
    Path("somewhere").mkdir()
    for command in (("plan",), ("state", "list")):
        result = engage(*command, "--state", "somewhere")
        assert result.code == 1 and "is a directory" in result.err
        no_crash(result.err)


# ------------------------------------------------------------------ reading the plan
def test_risk_sentences_read_as_sentences(engage: RunEngage) -> None:
    workspace()  # creates governance groups, integration users, consent channels
    result = engage("plan")
    assert result.code == 2
    notes = [n for c in make_plan().changes for n in c.notes]
    assert any("approval group" in n for n in notes)
    for note in notes:
        words = note.split()
        assert all(a != b for a, b in pairwise(words)), note


def test_void_approvals_are_reported_by_show_and_by_plan_out(engage: RunEngage) -> None:
    """The docs promise that every command says when approvals became void."""
    root = workspace()
    assert engage("plan", "--out", PLAN.as_posix()).code == 2
    assert engage("approve", PLAN.as_posix(), "--as", "dpo", "--key", key_of("dpo")).code == 0
    edit(root / "integrations.yaml", "max_propagation: 1h", "max_propagation: 2h")
    replaced = engage("plan", "--out", PLAN.as_posix())
    assert replaced.code == 2
    assert "1 approval(s) given to the plan this file held before are void" in replaced.err
    for fmt in ("text", "markdown", "json"):
        shown = engage("show", PLAN.as_posix(), "--format", fmt)
        assert shown.code == 0
        assert "1 approval(s) given to an earlier version of this plan are void" in shown.err
    assert engage("show", PLAN.as_posix(), "--format", "json").out.startswith("{")


def test_a_protected_replace_points_at_the_protected_flag(engage: RunEngage) -> None:
    root = workspace()
    edit(root / "data.yaml", "  orders:\n", "  orders:\n    protected: true\n")
    apply_now()
    edit(
        root / "data.yaml",
        "Amount: {type: Decimal, precision: 18, scale: 2}",
        "Amount: {type: Number}",
    )
    result = engage("plan")
    lines = (root / "data.yaml").read_text(encoding="utf-8").splitlines()
    line = lines.index("    protected: true") + 1
    assert result.code == 1
    assert f"error: ecosystem/data.yaml:{line}:16: data_extension.orders is protected" in result.err


def test_state_commands_refuse_a_file_of_another_environment(engage: RunEngage) -> None:
    workspace()
    apply_now()
    prod = Path(".engage/state/prod.json")
    prod.write_bytes(STATE.read_bytes())  # the dev state, under prod's name
    for command in (("state", "list"), ("state", "show", "consent.email")):
        result = engage(*command, "--env", "prod")
        refused(result.code, result.err, "is the state of environment 'dev', not 'prod'")


# ------------------------------------------------------------------ state entries of any shape
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=5),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=12,
)
DE_KEYS = st.sampled_from(["fields", "sendable", "retention", "business_unit", "name"])
FIELD = st.dictionaries(
    st.sampled_from(["type", "length", "precision", "scale", "required", "primary_key"]), JSON
)


@settings(max_examples=150, deadline=None)
@given(
    before=st.dictionaries(DE_KEYS, JSON | st.dictionaries(st.text(max_size=4), FIELD | JSON)),
    after=st.dictionaries(DE_KEYS, JSON | st.dictionaries(st.text(max_size=4), FIELD | JSON)),
    empty=st.booleans(),
)
def test_data_extension_costs_take_recorded_attributes_of_any_shape(
    before: dict[str, object], after: dict[str, object], empty: bool
) -> None:
    """A state entry is only as well-formed as whoever last wrote it (an older engage, a
    hand edit with its digest recomputed): comparing with it must never crash."""
    for cost in de_rules.costs(before, after, empty=empty):
        assert cost.effect in ("replace", "data_loss") and cost.reason


def test_a_resealed_malformed_state_entry_is_planned_over(engage: RunEngage) -> None:
    workspace()
    apply_now()
    data = json.loads(STATE.read_text(encoding="utf-8"))
    entry = data["resources"]["data_extension.newsletter"]
    entry["attributes"]["fields"] = [1, 2]
    entry["attributes"]["sendable"] = "yes"
    entry["attributes"]["retention"] = {"period": "x", "unit": "days"}
    entry["digest"] = digest(entry["attributes"])
    STATE.write_text(json.dumps(data), encoding="utf-8")
    result = engage("plan")
    assert result.code == 2, result.err
    no_crash(result.err)
    assert "data_extension.newsletter" in result.out


def test_control_characters_in_a_plan_never_reach_the_terminal(engage: RunEngage) -> None:
    """A plan (or a description in YAML, "\\e[2J") could carry escape sequences that clear
    the reviewer's screen or hide a line with a carriage return: they are shown, not sent."""
    workspace()
    plan = make_plan()
    first = plan.changes[0]
    evil = first.model_copy(
        update={
            "address": "consent.x\x1b[31m",
            "notes": ["hidden\r\x1b[2J\x1b]0;title\x07 \x9b1m [bold]not markup[/]"],
        }
    )
    save_plan(seal(plan.model_copy(update={"changes": [evil, *plan.changes[1:]]})), PLAN)
    for fmt in ("text", "markdown"):
        result = engage("show", PLAN.as_posix(), "--format", fmt)
        assert result.code == 0, result.err
        shown = result.out
        assert not any(c in shown for c in "\x1b\r\x07\x9b"), repr(shown[:2000])
        assert "\\x1b[2J" in shown and "[bold]not markup[/]" in shown


def test_approvals_given_at_the_same_time_are_all_recorded() -> None:
    """Reviewers approving at once (a review bot handling several reviews): each approve
    reads, adds and rewrites the sidecar, so without a lock one overwrote another."""
    workspace()
    save_plan(make_plan(), PLAN)
    names = ("ana", "bruno", "carla", "dpo")
    for _ in range(3):  # one round lost an approval half the time without the lock
        sidecar = Path(f"{PLAN}.approvals.json")
        sidecar.unlink(missing_ok=True)
        procs = [
            engage_process("approve", PLAN.as_posix(), "--as", name, "--key", key_of(name))
            for name in names
        ]
        for proc in procs:
            _, err = proc.communicate(timeout=60)
            assert proc.returncode == 0, err
        recorded = json.loads(sidecar.read_text(encoding="utf-8"))["approvals"]
        assert sorted(a["name"] for a in recorded) == sorted(names)

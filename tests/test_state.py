"""State: format, corrupt and foreign files refused, backups, the `state` commands."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest
from conftest import RunEngage
from test_plan_support import (
    STATE,
    apply_now,
    edit,
    in_own_folder,  # noqa: F401 (autouse fixture)
    make_plan,
    read_state,
    save_and_approve,
    workspace,
)

from compiler.plan.errors import StateError
from compiler.plan.state import LocalBackend


def test_apply_writes_versioned_state_with_lineage_and_serial() -> None:
    workspace()
    apply_now()
    data = json.loads(STATE.read_text(encoding="utf-8"))
    assert data["kind"] == "engage-state" and data["format_version"] == 1
    assert data["serial"] == 1 and len(data["lineage"]) == 36
    assert data["apply"] is None
    entry = data["resources"]["sync_rule.contacts_to_newsletter"]
    assert entry["kind"] == "sync_rule"
    assert "data_extension.newsletter" in entry["dependencies"]
    assert entry["digest"].startswith("sha256:")


def test_serial_grows_lineage_stays_and_backup_keeps_the_previous_serial() -> None:
    root = workspace()
    apply_now()
    first = read_state()
    edit(root / "integrations.yaml", "max_propagation: 1h", "max_propagation: 2h")
    apply_now()
    second = read_state()
    assert first is not None and second is not None
    assert (second.serial, second.lineage) == (2, first.lineage)
    backup = LocalBackend(Path(f"{STATE}.backup")).read()
    assert backup is not None and backup.serial == 1
    assert backup.resources["consent.email"].attributes["max_propagation"] == "1h"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "is corrupt: not valid JSON"),
        ('{"version": 4, "terraform_version": "1.7.0"}', "is a Terraform state"),
        ('{"resources": []}', "is not an engage state file"),
        ("[1, 2]", "is not an engage state file"),
        ('{"kind": "engage-state", "format_version": 9}', "has format_version 9"),
        ('{"kind": "engage-state", "format_version": 1, "serial": 1}', "key `lineage` is missing"),
    ],
)
def test_corrupt_and_foreign_state_is_refused(content: str, message: str) -> None:
    STATE.parent.mkdir(parents=True)
    STATE.write_text(content, encoding="utf-8")
    with pytest.raises(StateError) as err:
        read_state()
    assert message in err.value.message


def test_hand_edited_entry_is_detected_by_its_digest(engage: RunEngage) -> None:
    workspace()
    apply_now()
    data = json.loads(STATE.read_text(encoding="utf-8"))
    data["resources"]["consent.email"]["attributes"]["max_propagation"] = "9d"
    STATE.write_text(json.dumps(data), encoding="utf-8")
    result = engage("plan")
    assert result.code == 1
    assert "the entry for consent.email does not match its digest" in result.err
    assert ".backup" in result.err


def test_state_of_another_ecosystem_or_environment_is_refused(engage: RunEngage) -> None:
    root = workspace()
    apply_now()
    other = engage("plan", "--env", "prod", "--state", STATE.as_posix())
    assert other.code == 1 and "is the state of environment 'dev', not 'prod'" in other.err
    edit(root / "ecosystem.yaml", "name: northwind", "name: southwind")
    renamed = engage("plan")
    assert renamed.code == 1 and "belongs to ecosystem 'northwind'" in renamed.err


def test_state_list_and_show(engage: RunEngage) -> None:
    workspace()
    missing = engage("state", "list")
    assert missing.code == 1 and "no state at" in missing.err
    apply_now()
    listed = engage("state", "list")  # the only state there is
    assert listed.code == 0
    assert listed.out.splitlines()[:2] == ["business_unit.brand_retail", "consent.email"]
    assert len(listed.out.splitlines()) == 13
    shown = engage("state", "show", "consent.email", "--env", "dev")
    assert shown.code == 0
    assert json.loads(shown.out)["attributes"]["max_propagation"] == "1h"
    unknown = engage("state", "show", "consent.fax", "--env", "dev")
    assert unknown.code == 1 and "not in state" in unknown.err


def test_state_commands_ask_which_state_when_there_are_several(engage: RunEngage) -> None:
    """Without ./ecosystem (whose default_environment would choose) and without --env."""
    workspace()
    apply_now()
    Path(".engage/state/prod.json").write_bytes(STATE.read_bytes())
    Path("ecosystem").rename("eco")
    result = engage("state", "list")
    assert result.code == 1 and "several states" in result.err and "dev, prod" in result.err
    assert engage("state", "list", "--env", "dev").code == 0  # --env picks one


def test_state_commands_read_the_default_environments_state(engage: RunEngage) -> None:
    """With ./ecosystem, a missing --env is its default_environment, as in every command."""
    workspace()
    apply_now()
    Path(".engage/state/prod.json").write_text("not read\n", encoding="utf-8")
    result = engage("state", "list")
    assert result.code == 0, result.err
    assert "consent.email" in result.out.split()


def test_state_path_is_configurable(engage: RunEngage) -> None:
    workspace()
    result = engage("plan", "--state", "elsewhere/s.json", "--out", "plans/x.plan.json")
    assert result.code == 2
    plan = json.loads(Path("plans/x.plan.json").read_text(encoding="utf-8"))
    assert plan["state"]["location"] == "elsewhere/s.json"


# ------------------------------------------------------------------ strict parsing
def _applied_state() -> dict[str, Any]:
    workspace()
    apply_now()
    data: dict[str, Any] = json.loads(STATE.read_text(encoding="utf-8"))
    return data


def _write(data: dict[str, Any]) -> None:
    STATE.write_text(json.dumps(data, indent=2), encoding="utf-8")


def _refusal() -> StateError:
    with pytest.raises(StateError) as err:
        read_state()
    return err.value


def test_a_state_without_resources_is_refused_not_read_as_empty(engage: RunEngage) -> None:
    data = _applied_state()
    del data["resources"]
    _write(data)
    err = _refusal()
    assert "key `resources` is missing (in the state)" in err.message
    assert err.span is not None and (err.span.file, err.span.line) == (STATE.as_posix(), 1)
    result = engage("plan")  # not a plan that recreates everything
    assert result.code == 1
    assert f"error: {STATE.as_posix()}:1:1: the state file is corrupt" in result.err
    assert "13 to add" not in result.out


def test_a_serial_written_as_a_string_is_refused_not_coerced() -> None:
    data = _applied_state()
    data["serial"] = "2"
    _write(data)
    err = _refusal()
    assert '`serial` is "2": input should be a valid integer' in err.message
    line = STATE.read_text(encoding="utf-8").splitlines().index('  "serial": "2",') + 1
    assert err.span is not None and (err.span.line, err.span.column) == (line, 13)


STATE_KEYS = [
    "kind",
    "format_version",
    "lineage",
    "serial",
    "ecosystem",
    "environment",
    "engage_version",
    "source_digest",
    "apply",
    "resources",
]
ENTRY_KEYS = ["kind", "attributes", "digest", "dependencies", "business_units", "sensitive"]


@pytest.mark.parametrize("key", STATE_KEYS)
def test_every_missing_key_of_the_state_is_refused_by_name(key: str) -> None:
    data = _applied_state()
    assert sorted(data) == sorted(STATE_KEYS)  # what the writer writes: all required
    del data[key]
    _write(data)
    err = _refusal()
    if key == "kind":  # without its kind the file is not recognised as a state at all
        assert "is not an engage state file" in err.message
    else:
        assert f"key `{key}` is missing (in the state)" in err.message


@pytest.mark.parametrize("key", ENTRY_KEYS)
def test_every_missing_key_of_an_entry_is_refused_with_the_entry_named(key: str) -> None:
    data = _applied_state()
    entry = data["resources"]["consent.email"]
    assert sorted(entry) == sorted(ENTRY_KEYS)
    del entry[key]
    _write(data)
    err = _refusal()
    assert f'key `{key}` is missing (in resources["consent.email"])' in err.message
    text = STATE.read_text(encoding="utf-8")
    line = text.splitlines().index('    "consent.email": {') + 1
    assert err.span is not None and err.span.line == line  # the entry that lacks it


@pytest.mark.parametrize(
    ("path", "value", "named"),
    [
        (("lineage",), 7, "`lineage` is 7: input should be a valid string"),
        (("serial",), 1.0, "`serial` is 1.0: input should be a valid integer"),
        (("serial",), True, "`serial` is true: input should be a valid integer"),
        (("serial",), -1, "`serial` is -1: input should be greater than or equal to 0"),
        (("environment",), ["dev"], '`environment` is ["dev"]: input should be a valid string'),
        (("apply",), "no", '`apply` is "no"'),
        (("resources",), [], "`resources` is []: input should be a valid dictionary"),
        (
            ("resources", "consent.email", "sensitive"),
            "false",
            '`resources["consent.email"].sensitive` is "false": input should be a valid boolean',
        ),
        (
            ("resources", "consent.email", "dependencies"),
            "data_extension.x",
            '`resources["consent.email"].dependencies` is "data_extension.x"',
        ),
        (("surprise",), 1, "unknown key `surprise`"),
    ],
)
def test_every_mistyped_key_is_refused_by_name(
    path: tuple[str, ...], value: Any, named: str
) -> None:
    data = _applied_state()
    target = data
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value
    _write(data)
    err = _refusal()
    assert named in err.message and "is corrupt" in err.message
    assert err.span is not None and err.span.file == STATE.as_posix()


def test_an_interrupted_apply_marker_is_parsed_strictly_too() -> None:
    data = _applied_state()
    data["apply"] = {"plan_digest": "sha256:x", "serial_from": "1", "recorded": [], "deleted": []}
    _write(data)
    assert '`apply.serial_from` is "1"' in _refusal().message
    data["apply"] = {"plan_digest": "sha256:x", "serial_from": 1, "recorded": []}
    _write(data)
    assert "key `deleted` is missing (in apply)" in _refusal().message


def test_state_list_show_and_apply_go_through_the_strict_parser(engage: RunEngage) -> None:
    data = _applied_state()
    edit(Path("ecosystem/integrations.yaml"), "max_propagation: 1h", "max_propagation: 2h")
    save_and_approve(make_plan(), Path("plans/p.plan.json"))
    data["serial"] = "1"
    _write(data)
    for args in (
        ("state", "list"),
        ("state", "show", "consent.email", "--env", "dev"),
        ("apply", "plans/p.plan.json"),
        ("plan",),
    ):
        result = engage(*args)
        assert result.code == 1, args
        assert '`serial` is "1": input should be a valid integer' in result.err, args
        assert "Traceback" not in result.err


def test_a_missing_state_beside_its_backup_is_refused_naming_the_restore_command(
    engage: RunEngage,
) -> None:
    root = _applied_state()
    del root
    edit(Path("ecosystem/integrations.yaml"), "max_propagation: 1h", "max_propagation: 2h")
    apply_now()  # serial 2; the backup holds serial 1
    backup = Path(f"{STATE}.backup")
    assert backup.is_file()
    STATE.unlink()
    with pytest.raises(StateError) as err:
        read_state()
    assert f"there is no state at {STATE.as_posix()}, but its backup" in err.value.message
    restore = f"cp -p {backup.as_posix()} {STATE.as_posix()}"
    assert f"`{restore}`" in err.value.hint
    for args in (("plan",), ("state", "list", "--env", "dev")):
        refused = engage(*args)
        assert refused.code == 1 and restore in refused.err, args
    # the command in the hint works: the plan continues from serial 1
    subprocess.run(restore.split(), check=True)
    restored = read_state()
    assert restored is not None and restored.serial == 1
    STATE.unlink()
    # starting from nothing is deliberate: move the backup away as the hint says
    discard = f"mv {backup.as_posix()} {backup.as_posix()}.discarded"
    assert f"`{discard}`" in err.value.hint
    subprocess.run(discard.split(), check=True)
    assert read_state() is None
    fresh = engage("plan")
    assert fresh.code == 2 and "13 to add" in fresh.out, fresh.out + fresh.err

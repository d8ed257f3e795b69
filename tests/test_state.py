"""State: format, corrupt and foreign files refused, backups, the `state` commands."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import RunEngage
from test_plan_support import (
    STATE,
    apply_now,
    edit,
    in_own_folder,  # noqa: F401 (autouse fixture)
    read_state,
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
        ('{"kind": "engage-state", "format_version": 1, "serial": 1}', "is corrupt: lineage"),
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
    workspace()
    apply_now()
    Path(".engage/state/prod.json").write_bytes(STATE.read_bytes())
    result = engage("state", "list")
    assert result.code == 1 and "several states" in result.err and "dev, prod" in result.err
    assert engage("state", "list", "--env", "dev").code == 0  # --env picks one


def test_state_path_is_configurable(engage: RunEngage) -> None:
    workspace()
    result = engage("plan", "--state", "elsewhere/s.json", "--out", "plans/x.plan.json")
    assert result.code == 2
    plan = json.loads(Path("plans/x.plan.json").read_text(encoding="utf-8"))
    assert plan["state"]["location"] == "elsewhere/s.json"

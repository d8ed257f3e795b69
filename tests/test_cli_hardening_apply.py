"""Hardening of `engage apply`: what a user or a CI job meets when things go wrong.

Every test runs the real CLI (in-process through `main`, or as a subprocess for signals and
crashes) on real files, and checks the exit code, that no traceback or internal error
appears, and that the message says what is wrong and what to do.
"""

from __future__ import annotations

from pathlib import Path

from conftest import RunEngage
from lxml import etree
from test_plan_support import (
    apply_now,
    edit,
    engage_process,
    make_plan,
    save_and_approve,
    workspace,
)

PLAN = Path("plans/p.plan.json")
HOOKS = {"ENGAGE_TEST_HOOKS": "1"}
NS = {"m": "http://soap.sforce.com/2006/04/metadata"}
DESTRUCTIVE = Path("out/salesforce/manifest/destructiveChanges.xml")


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

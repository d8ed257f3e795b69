"""Secrets never reach plans, state or output; personal-data classes are not secrets."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import RunEngage
from test_plan_support import (
    edit,
    in_own_folder,  # noqa: F401 (autouse fixture)
    read_state,
    save_and_approve,
    workspace,
)

from compiler.plan.planfile import load_plan
from compiler.redact import REDACTED, redact, redact_text, secret_key


@pytest.mark.parametrize(
    ("key", "secret"),
    [
        ("password", True),
        ("ApiKey__c", True),
        ("client_secret", True),
        ("api_token", True),
        ("SessionId", True),
        ("x-api-key", True),
        ("Keyword", False),
        ("Tokenizer", False),
        ("EmailAddress", False),
        ("Passed", False),
        ("personal_data", False),
    ],
)
def test_secret_keys(key: str, secret: bool) -> None:
    assert secret_key(key) is secret


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("password: hunter2", f"password: {REDACTED}"),
        ("call with token=abc123, then", f"call with token={REDACTED}, then"),
        ("Authorization: Bearer eyJ.x.y", f"Authorization: Bearer {REDACTED}"),
        ("the password policy is strict", "the password policy is strict"),
        ("keyword: fine", "keyword: fine"),
    ],
)
def test_inline_secrets_in_text(text: str, expected: str) -> None:
    assert redact_text(text) == expected


def test_values_under_secret_keys_are_redacted_but_definitions_kept() -> None:
    value = {
        "labels": {"api_token": "abc"},
        "fields": {
            "ApiKey__c": {"value": "s3cr3t", "from": None},
            "PasswordHash": {"type": "Text", "length": 64},
        },
        "personal_data": "sensitive",
    }
    out, hit = redact(value)
    assert hit
    assert out["labels"]["api_token"] == REDACTED
    assert out["fields"]["ApiKey__c"] == {"value": REDACTED, "from": None}
    assert out["fields"]["PasswordHash"] == {"type": "Text", "length": 64}
    assert out["personal_data"] == "sensitive"


SECRET = "hunter2"


def test_a_secret_written_inline_is_refused_before_any_plan(engage: RunEngage) -> None:
    """The first line of defence: E8020 at the value, which is never repeated."""
    root = workspace()
    edit(
        root / "data.yaml",
        "description: Newsletter subscribers of the retail brand.",
        f'description: "Loaded by the ftp job, password: {SECRET}"',
    )
    (root / "secret.yaml").write_text(
        "apiVersion: engage/v1\n"
        "sync_rules:\n"
        "  orders_constant:\n"
        "    integration: crm_to_mc\n"
        "    source: mc.Contact_Salesforce\n"
        "    target: mc.orders\n"
        "    fields:\n"
        "      OrderId: Id\n"
        f"      ContactId: {{value: 'token={SECRET}'}}\n",
        encoding="utf-8",
    )
    shown = engage("plan", "--out", "plans/s.plan.json")
    assert shown.code == 1
    assert shown.out.count("error[E8020]") == 2
    assert "ecosystem/secret.yaml:9:" in shown.out and "ecosystem/data.yaml:" in shown.out
    assert SECRET not in shown.out + shown.err
    assert not Path("plans/s.plan.json").exists()


def test_a_secret_under_a_secret_looking_key_never_reaches_plan_state_or_output(
    engage: RunEngage,
) -> None:
    """The second line: a value the YAML check cannot recognise (here under a label named
    like a secret) is redacted from plans, state and output."""
    root = workspace()
    edit(
        root / "data.yaml",
        "description: Newsletter subscribers of the retail brand.",
        "description: Newsletter subscribers of the retail brand.\n"
        f"    labels: {{api_token: {SECRET}x}}",
    )
    shown = engage("plan", "--out", "plans/s.plan.json")
    assert shown.code == 2, shown.err
    plan_text = Path("plans/s.plan.json").read_text(encoding="utf-8")
    md = engage("show", "plans/s.plan.json", "--format", "markdown").out
    js = engage("show", "plans/s.plan.json", "--format", "json").out
    save_and_approve(load_plan(Path("plans/s.plan.json")), Path("plans/s.plan.json"))
    applied = engage("apply", "plans/s.plan.json")
    assert applied.code == 0, applied.err
    state_text = Path(".engage/state/dev.json").read_text(encoding="utf-8")
    listed = engage("state", "show", "data_extension.newsletter").out
    for text in (shown.out, shown.err, plan_text, md, js, state_text, listed, applied.out):
        assert SECRET not in text
    assert REDACTED in plan_text and REDACTED in state_text
    state = read_state()
    assert state is not None and state.resources["data_extension.newsletter"].sensitive
    assert json.loads(plan_text)["changes"]

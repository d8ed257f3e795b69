"""Signed approvals: apply verifies each against the keys the plan's sources declare, and
refuses every forgery with its own message; ssh-keygen signs and verifies them too."""

from __future__ import annotations

import json
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import RunEngage
from test_plan_support import (
    KEYS,
    apply_now,
    edit,
    in_own_folder,  # noqa: F401 (autouse fixture)
    key_of,
    signer_of,
    workspace,
)

from compiler.plan.approvals import draft_approval, payload
from compiler.plan.planfile import load_plan, save_plan, seal

PLAN = "plans/p.plan.json"
SIDECAR = Path(f"{PLAN}.approvals.json")
needs_ssh_keygen = pytest.mark.skipif(
    shutil.which("ssh-keygen") is None, reason="ssh-keygen not installed (openssh-client)"
)


def consent_plan(engage: RunEngage) -> Path:
    """A plan that needs dpo's approval (consent_needs_dpo)."""
    root = workspace()
    apply_now()
    edit(root / "integrations.yaml", "max_propagation: 1h", "max_propagation: 4h")
    assert engage("plan", "--out", PLAN).code == 2
    return root


def sidecar() -> dict[str, Any]:
    return json.loads(SIDECAR.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def write_sidecar(data: dict[str, Any]) -> None:
    SIDECAR.write_text(json.dumps(data, indent=2), encoding="utf-8")


def approve(engage: RunEngage, name: str = "dpo", key: str | None = None) -> None:
    done = engage("approve", PLAN, "--as", name, "--key", key or key_of(name))
    assert done.code == 0, done.err


def refused(engage: RunEngage, *needles: str) -> str:
    result = engage("apply", PLAN)
    assert result.code == 1, result.out
    assert "Traceback" not in result.err
    for needle in needles:
        assert needle in result.err
    return result.err


def test_a_signed_approval_is_verified_and_applied(engage: RunEngage) -> None:
    consent_plan(engage)
    approve(engage)
    record = sidecar()["approvals"][0]
    assert record["signature"].startswith("-----BEGIN SSH SIGNATURE-----")
    assert record["environment"] == "dev" and record["policies"] == ["consent_needs_dpo"]
    shown = engage("show", PLAN)
    assert "dpo at " in shown.out and "✓ verified (SHA256:" in shown.out
    applied = engage("apply", PLAN)
    assert applied.code == 0, applied.err
    assert "unverified" not in applied.err


def test_a_hand_added_unsigned_record_does_not_count(engage: RunEngage) -> None:
    consent_plan(engage)
    plan = load_plan(Path(PLAN))
    forged = draft_approval(plan, "dpo", "").model_dump(mode="json")
    write_sidecar(
        {
            "kind": "engage-approvals",
            "format_version": 1,
            "plan_digest": plan.digest,
            "approvals": [forged],
        }
    )
    refused(
        engage,
        "missing approvals: consent_needs_dpo needs 1 more",
        "the approval(s) of dpo are not signed, and these policies require signatures",
    )
    assert "! unsigned" in engage("show", PLAN).out


def test_a_record_edited_after_signing_is_refused(engage: RunEngage) -> None:
    consent_plan(engage)
    approve(engage)
    data = sidecar()
    data["approvals"][0]["comment"] = "approved unconditionally"
    write_sidecar(data)
    refused(engage, "approvals refused: dpo: refused: the record was altered after it was signed")
    assert "✗ refused" in engage("show", PLAN).out


def test_an_approval_copied_from_another_plan_with_its_digest_edited_is_refused(
    engage: RunEngage,
) -> None:
    root = consent_plan(engage)
    approve(engage)
    old = sidecar()
    edit(root / "integrations.yaml", "max_propagation: 4h", "max_propagation: 6h")
    assert engage("plan", "--out", PLAN).code == 2
    digest = load_plan(Path(PLAN)).digest
    void = refused(engage, "missing approvals")  # copied as it was: void, not counted
    assert "1 approval(s) given to an earlier version of this plan are void" in void
    old["plan_digest"] = digest
    old["approvals"][0]["plan_digest"] = digest
    write_sidecar(old)
    refused(engage, "dpo: refused: the record was altered after it was signed")


def test_a_re_sealed_plan_with_rebound_approvals_is_refused(engage: RunEngage) -> None:
    consent_plan(engage)
    approve(engage)
    plan = load_plan(Path(PLAN))
    edited = seal(plan.model_copy(update={"required_approvals": []}))  # drop the requirement
    save_plan(edited, Path(PLAN))
    data = sidecar()
    data["plan_digest"] = edited.digest
    data["approvals"][0]["plan_digest"] = edited.digest
    write_sidecar(data)
    refused(engage, "dpo: refused: the record was altered after it was signed")
    data["approvals"] = []
    write_sidecar(data)  # no approvals at all: the rebuilt plan is not this one
    refused(engage, "the plan does not match what its sources and state produce")


def test_a_key_the_ecosystem_does_not_declare_is_refused(engage: RunEngage) -> None:
    consent_plan(engage)
    approve(engage, "dpo", (KEYS / "mallory").as_posix())
    refused(
        engage,
        "dpo: refused: it is signed with SHA256:",
        "a key the ecosystem does not declare for dpo (governance.keys)",
    )


def test_another_members_key_is_refused_naming_whose_it_is(engage: RunEngage) -> None:
    consent_plan(engage)
    approve(engage, "dpo", key_of("ana"))
    refused(engage, "dpo: refused: it is signed with ana's key SHA256:", "not dpo's")


def test_keys_in_the_approvals_file_or_the_plan_are_never_trusted(engage: RunEngage) -> None:
    """A signature carries its own public key: trusting it would accept any key."""
    consent_plan(engage)
    approve(engage, "dpo", (KEYS / "mallory").as_posix())
    assert "mallory" not in Path(PLAN).read_text(encoding="utf-8")
    refused(engage, "does not declare for dpo")


def test_a_key_removed_after_the_plan_is_refused(engage: RunEngage) -> None:
    root = consent_plan(engage)
    approve(engage)
    dpo_key = (KEYS / "dpo.pub").read_text(encoding="utf-8").split()[1]
    edit(root / "integrations.yaml", f"    dpo: [ssh-ed25519 {dpo_key}]\n", "")
    refused(
        engage,
        "the sources in ecosystem changed since the plan was made",
        "the key that signed the approval of dpo is no longer declared for them",
    )


@needs_ssh_keygen
def test_an_approval_signed_for_another_environment_is_refused(
    engage: RunEngage, tmp_path: Path
) -> None:
    consent_plan(engage)
    plan = load_plan(Path(PLAN))
    rebound = draft_approval(plan, "dpo", "").model_copy(update={"environment": "prod"})
    (tmp_path / "dpo.approval").write_bytes(payload(rebound))
    signature = signer_of("dpo")(payload(rebound))
    record = rebound.model_copy(update={"signature": signature}).model_dump(mode="json")
    write_sidecar(
        {
            "kind": "engage-approvals",
            "format_version": 1,
            "plan_digest": plan.digest,
            "approvals": [record],
        }
    )
    refused(engage, "dpo: refused: it was signed for environment 'prod', not 'dev' (re-bound)")


def test_optional_signatures_accept_unsigned_approvals_and_say_so(engage: RunEngage) -> None:
    root = consent_plan(engage)
    edit(
        root / "integrations.yaml",
        "      require: [{group: data_protection}]",
        "      require: [{group: data_protection}]\n      signatures: optional",
    )
    assert engage("plan", "--out", PLAN).code == 2
    assert engage("approve", PLAN, "--as", "dpo", "--unsigned").code == 0
    applied = engage("apply", PLAN)
    assert applied.code == 0, applied.err
    assert "the approval(s) of dpo are unsigned, so unverified" in applied.err


def test_optional_signatures_still_refuse_a_bad_signature(engage: RunEngage) -> None:
    root = consent_plan(engage)
    edit(
        root / "integrations.yaml",
        "      require: [{group: data_protection}]",
        "      require: [{group: data_protection}]\n      signatures: optional",
    )
    assert engage("plan", "--out", PLAN).code == 2
    approve(engage, "dpo", (KEYS / "mallory").as_posix())
    refused(engage, "approvals refused: dpo: refused")


def test_a_comment_holding_a_secret_is_not_recorded(engage: RunEngage) -> None:
    consent_plan(engage)
    result = engage(
        "approve",
        PLAN,
        "--as",
        "dpo",
        "--key",
        key_of("dpo"),
        "--comment",
        "ok, the sftp password: Hunter2xyz",
    )
    assert result.code == 1 and "the comment holds what looks like" in result.err
    assert "Hunter2xyz" not in result.err and not SIDECAR.exists()


def test_approving_without_a_key_or_agent_says_how(
    engage: RunEngage, monkeypatch: pytest.MonkeyPatch
) -> None:
    consent_plan(engage)
    monkeypatch.delenv("SSH_AUTH_SOCK", raising=False)
    result = engage("approve", PLAN, "--as", "dpo")
    assert result.code == 1 and "no key to sign with: pass --key PATH" in result.err


@needs_ssh_keygen
def test_ssh_keygen_signs_what_engage_records_and_verifies_what_engage_signed(
    engage: RunEngage,
) -> None:
    consent_plan(engage)
    wrote = engage("approve", PLAN, "--as", "dpo", "--write-payload", "dpo.approval")
    assert wrote.code == 0 and "ssh-keygen -Y sign -n engage-plan" in wrote.out
    subprocess.run(
        ["ssh-keygen", "-Y", "sign", "-n", "engage-plan", "-f", key_of("dpo"), "dpo.approval"],
        check=True,
        capture_output=True,
    )
    recorded = engage("approve", PLAN, "--as", "dpo", "--signed", "dpo.approval")
    assert recorded.code == 0, recorded.err
    assert engage("show", PLAN, "--audit", "audit").code == 0
    check = subprocess.run(
        [
            "ssh-keygen",
            "-Y",
            "verify",
            "-f",
            "audit/allowed_signers",
            "-I",
            "dpo",
            "-n",
            "engage-plan",
            "-s",
            "audit/dpo.approval.sig",
        ],
        input=Path("audit/dpo.approval").read_bytes(),
        capture_output=True,
    )
    assert check.returncode == 0 and b'Good "engage-plan" signature for dpo' in check.stdout
    assert engage("apply", PLAN).code == 0


@needs_ssh_keygen
def test_a_payload_edited_before_ssh_keygen_signs_it_is_refused(engage: RunEngage) -> None:
    consent_plan(engage)
    engage("approve", PLAN, "--as", "dpo", "--write-payload", "dpo.approval")
    text = Path("dpo.approval").read_text(encoding="utf-8")
    Path("dpo.approval").write_text(text.replace('"dev"', '"prod"'), encoding="utf-8")
    subprocess.run(
        ["ssh-keygen", "-Y", "sign", "-n", "engage-plan", "-f", key_of("dpo"), "dpo.approval"],
        check=True,
        capture_output=True,
    )
    result = engage("approve", PLAN, "--as", "dpo", "--signed", "dpo.approval")
    assert result.code == 0  # well-formed and signed: recorded; apply judges the binding
    refused(engage, "signed for environment 'prod', not 'dev' (re-bound)")


@pytest.fixture
def ssh_agent(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A real ssh-agent on a socket of its own, stopped after the test."""
    if shutil.which("ssh-agent") is None or shutil.which("ssh-add") is None:
        pytest.skip("ssh-agent is not installed (Debian openssh-client)")
    sock = tmp_path / "agent.sock"
    proc = subprocess.Popen(["ssh-agent", "-D", "-a", str(sock)], stdout=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 10
        while not sock.exists() and time.monotonic() < deadline:
            time.sleep(0.02)
        monkeypatch.setenv("SSH_AUTH_SOCK", str(sock))
        yield sock
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_ssh_agent_signs_an_approval_that_apply_verifies(
    engage: RunEngage, ssh_agent: Path, tmp_path: Path
) -> None:
    consent_plan(engage)
    private = tmp_path / "dpo_key"
    shutil.copy(KEYS / "dpo", private)
    private.chmod(0o600)  # ssh-add refuses a key others can read
    subprocess.run(["ssh-add", "-q", str(private)], check=True, capture_output=True)
    done = engage("approve", PLAN, "--as", "dpo")  # the agent's one key
    assert done.code == 0, done.err
    assert engage("apply", PLAN).code == 0
    with_pub = engage("approve", PLAN, "--as", "dpo", "--key", f"{key_of('dpo')}.pub")
    assert with_pub.code == 0, with_pub.err  # the plan is applied; the record still works

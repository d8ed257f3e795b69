"""Verifying approvals: each signature against the keys the ecosystem declares.

The keys come from the sources `engage apply` compiled (whose digest it checked equals the
plan's), never from the plan or the approvals file: whoever can write those files cannot
choose the keys their signatures are checked against. An approval is

  verified   signed by a key declared for its approver, over exactly its record;
  unsigned   no signature: counts only for policies with `signatures: optional`;
  refused    a signature that does not hold: forged, altered, re-bound, or by a key the
             ecosystem does not declare for that person. Any refused approval refuses the
             apply, whatever the policies say: it is evidence of tampering.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from compiler.model.governance import Governance
from compiler.plan.approvals import Approval, payload
from compiler.plan.definition import Plan, Requirement
from compiler.trust.keys import declared_keys
from compiler.trust.sshsig import SignatureError, SshKey, parse_signature, verify

Status = Literal["verified", "unsigned", "refused"]


@dataclass(frozen=True)
class Verdict:
    approval: Approval
    status: Status
    detail: str  # verified: the key's fingerprint; refused: why; unsigned: ""

    def describe(self) -> str:
        who = self.approval.name
        if self.status == "verified":
            return f"{who}: signature verified ({self.detail})"
        if self.status == "unsigned":
            return f"{who}: unsigned (unverified)"
        return f"{who}: refused: {self.detail}"


def _owner(key: SshKey, keys: Mapping[str, Sequence[SshKey]]) -> str | None:
    return next((n for n, ks in sorted(keys.items()) if any(k.blob == key.blob for k in ks)), None)


def _binding(plan: Plan, approval: Approval) -> str | None:
    """Why a correctly signed record does not bind to this plan, if it does not."""
    if approval.plan_digest != plan.digest:
        return f"it was signed for plan {approval.plan_digest}, not this one (replayed)"
    if approval.ecosystem != plan.ecosystem:
        return (
            f"it was signed for ecosystem {approval.ecosystem!r}, not {plan.ecosystem!r} (re-bound)"
        )
    if approval.environment != plan.environment:
        return (
            f"it was signed for environment {approval.environment or 'base'!r}, not "
            f"{plan.environment or 'base'!r} (re-bound)"
        )
    allowed = {r.policy for r in plan.required_approvals if approval.name in r.members}
    extra = sorted(set(approval.policies) - allowed)
    if extra:
        return f"it names policies {', '.join(extra)} that {approval.name} cannot approve here"
    return None


def judge(plan: Plan, approval: Approval, keys: Mapping[str, Sequence[SshKey]]) -> Verdict:
    if not approval.signature:
        return Verdict(approval, "unsigned", "")
    try:
        parse_signature(approval.signature)
        signer = verify(approval.signature, payload(approval))
    except SignatureError as err:
        reason = str(err)
        if "does not match the signed content" in reason:
            reason = (
                "the record was altered after it was signed (its signature does not match "
                "its content: digest, name, time, policies or comment edited)"
            )
        else:
            reason = f"its signature cannot be checked: {reason}"
        return Verdict(approval, "refused", reason)
    if not any(k.blob == signer.blob for k in keys.get(approval.name, ())):
        owner = _owner(signer, keys)
        if owner is not None:
            why = f"it is signed with {owner}'s key {signer.fingerprint}, not {approval.name}'s"
        elif approval.name not in keys or not keys[approval.name]:
            why = (
                f"it is signed with {signer.fingerprint}, but the ecosystem declares no key "
                f"for {approval.name} (governance.keys)"
            )
        else:
            why = (
                f"it is signed with {signer.fingerprint}, a key the ecosystem does not "
                f"declare for {approval.name} (governance.keys)"
            )
        return Verdict(approval, "refused", why)
    bound = _binding(plan, approval)
    if bound is not None:
        return Verdict(approval, "refused", bound)
    return Verdict(approval, "verified", signer.fingerprint)


def judge_all(plan: Plan, approvals: Sequence[Approval], governance: Governance) -> list[Verdict]:
    keys = declared_keys(governance)
    return [judge(plan, a, keys) for a in sorted(approvals, key=lambda a: a.name)]


def signatures_mode(requirement: Requirement, governance: Governance | None) -> str:
    """The policy's `signatures:` as the sources declare it (the plan's copy when none)."""
    if governance is not None and requirement.policy in governance.policies:
        return governance.policies[requirement.policy].signatures
    return requirement.signatures


def counted(
    requirement: Requirement, verdicts: Sequence[Verdict], governance: Governance | None
) -> set[str]:
    """Who counts toward a requirement: members whose approval is verified (and names its
    policy), or unsigned where the policy accepts that."""
    optional = signatures_mode(requirement, governance) == "optional"
    out = set()
    for v in verdicts:
        a = v.approval
        if a.name not in requirement.members:
            continue
        if v.status == "verified" and (not a.policies or requirement.policy in a.policies):
            out.add(a.name)
        elif v.status == "unsigned" and optional:
            out.add(a.name)
    return out

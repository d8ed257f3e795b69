"""Approvals: which changes need whose approval, and the records that give it.

A governance policy matches a change when every criterion it sets matches (risks, kinds,
actions and business units by intersection, environments by the plan's environment); it
then requires `count` approvals from each named group. Who belongs to a group is taken as
applied: when the group is already in state, only people in both the applied and the
proposed membership count, so nobody can approve a plan that adds them to the committee.

Approvals live beside the plan in `<plan>.approvals.json`, each bound to the plan's digest:
a changed plan has another digest, and the approvals given to the old one are void.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from compiler.fsutil import write_atomic
from compiler.model.governance import Governance, Policy
from compiler.plan.canonical import pretty_json
from compiler.plan.definition import Change, Plan, Requirement
from compiler.plan.errors import ApprovalError
from compiler.secrets import looks_secret


class Approval(BaseModel):
    """One person's approval of one plan. Everything but `signature` is what they signed
    (`payload`): an OpenSSH signature (SSHSIG, namespace engage-plan) by one of their
    keys declared in `governance.keys`."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str
    plan_digest: str
    at: str
    groups: list[str]
    comment: str = ""
    ecosystem: str = ""
    environment: str | None = None
    policies: list[str] = Field(
        default_factory=list, description="The plan's policies this approval counts for."
    )
    signature: str = Field(default="", description="Armored SSHSIG of `payload`; empty: unsigned.")


PAYLOAD_KIND = "engage-approval"


def payload(approval: Approval) -> bytes:
    """The exact bytes an approver signs: canonical JSON of the record without its signature."""
    fields = approval.model_dump(mode="json", exclude={"signature"})
    return (
        json.dumps({"kind": PAYLOAD_KIND, **fields}, sort_keys=True, ensure_ascii=True) + "\n"
    ).encode()


def parse_payload(data: bytes) -> Approval:
    """An approval from its payload bytes (what `engage approve --write-payload` wrote)."""
    try:
        raw: Any = json.loads(data.decode("utf-8"))
        if not isinstance(raw, dict) or raw.pop("kind", None) != PAYLOAD_KIND:
            raise ValueError(f'no "kind": "{PAYLOAD_KIND}"')
        raw.pop("signature", None)
        approval = Approval.model_validate(raw)
    except (ValueError, UnicodeDecodeError, ValidationError) as err:
        raise ApprovalError(
            f"not an approval payload: {str(err).splitlines()[0]}",
            hint="Pass the file `engage approve PLAN --as NAME --write-payload FILE` wrote, "
            "unchanged.",
        ) from None
    if payload(approval) != data:
        raise ApprovalError(
            "the approval payload was changed after engage wrote it (it is not byte for byte "
            "what engage writes)",
            hint="Write it again with `engage approve ... --write-payload FILE` and sign that.",
        )
    return approval


class ApprovalFile(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: Literal["engage-approvals"] = "engage-approvals"
    format_version: Literal[1] = 1
    plan_digest: str
    approvals: list[Approval] = Field(default_factory=list)


# ------------------------------------------------------------ requirements
def _kind(address: str) -> str:
    kind = address.split(".", 1)[0]
    return "governance" if kind == "group" else kind


def matches(policy: Policy, change: Change, environment: str | None) -> bool:
    when = policy.when
    checks = (
        not when.risks or bool(set(when.risks) & set(change.risks)),
        not when.kinds or _kind(change.address) in when.kinds,
        not when.actions or change.action in when.actions,
        not when.business_units or bool(set(when.business_units) & set(change.business_units)),
        not when.environments or environment in when.environments,
    )
    return all(checks)


def effective_members(
    governance: Governance, applied: Mapping[str, Sequence[str]]
) -> dict[str, list[str]]:
    """Group → members who may approve: proposed ∩ applied when the group is applied."""
    out: dict[str, list[str]] = {}
    for name, group in sorted(governance.groups.items()):
        members = set(group.members)
        if name in applied:
            members &= set(applied[name])
        out[name] = sorted(members)
    return out


def requirements(
    governance: Governance,
    changes: Iterable[Change],
    environment: str | None,
    members: Mapping[str, list[str]],
) -> list[Requirement]:
    changes = list(changes)
    out: list[Requirement] = []
    for name, policy in sorted(governance.policies.items()):
        hit = sorted(c.address for c in changes if matches(policy, c, environment))
        if not hit:
            continue
        for req in policy.require:
            out.append(
                Requirement(
                    policy=name,
                    description=policy.description,
                    group=req.group,
                    count=req.count,
                    members=members.get(req.group, []),
                    addresses=hit,
                    signatures=policy.signatures,
                )
            )
    return out


# ----------------------------------------------------------------- records
def approvals_path(plan_path: Path) -> Path:
    return Path(f"{plan_path}.approvals.json")


_SHORTER = "Check its permissions, and give the plan a shorter file name if it is too long."


def read_approvals(plan_path: Path) -> ApprovalFile | None:
    path = approvals_path(plan_path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except OSError as err:
        raise ApprovalError(
            f"cannot read the approvals file {path}: {err.strerror or err}", hint=_SHORTER
        ) from None
    except UnicodeDecodeError as err:
        raise _invalid(path, err) from None
    try:
        data: Any = json.loads(text)
        return ApprovalFile.model_validate(data)
    except (ValueError, ValidationError) as err:
        raise _invalid(path, err) from None


def _invalid(path: Path, err: Exception) -> ApprovalError:
    return ApprovalError(
        f"{path} is not a valid approvals file: {str(err).splitlines()[0]}",
        hint="Delete it and record the approvals again with `engage approve`.",
    )


def _write_record(plan_path: Path, record: ApprovalFile) -> None:
    path = approvals_path(plan_path)
    try:
        write_atomic(path, pretty_json(record.model_dump(mode="json")))
    except OSError as err:
        raise ApprovalError(
            f"cannot record the approval in {path}: {err.strerror or err}", hint=_SHORTER
        ) from None


def valid_approvals(plan: Plan, record: ApprovalFile | None) -> tuple[list[Approval], int]:
    """Approvals bound to this plan, and how many are void (given to another digest)."""
    if record is None:
        return [], 0
    good = [a for a in record.approvals if a.plan_digest == plan.digest]
    return good, len(record.approvals) - len(good)


def draft_approval(plan: Plan, name: str, comment: str, at: str | None = None) -> Approval:
    """NAME's approval of this exact plan, unsigned: what they sign."""
    groups = sorted(g for g, people in plan.approvers.items() if name in people)
    if not groups:
        listing = "; ".join(f"{g}: {', '.join(p) or 'nobody'}" for g, p in plan.approvers.items())
        raise ApprovalError(
            f"{name!r} is not a member of any governance group ({listing or 'none declared'})",
            hint="Approve as a member of a group named in `governance.groups`.",
        )
    what = looks_secret(comment)
    if what is not None:
        raise ApprovalError(
            f"the comment holds what looks like {what}; approvals are kept beside the plan "
            "and shown on the pull request, so it was not recorded",
            hint="Approve again with a comment that holds no password, token or key.",
        )
    policies = sorted({r.policy for r in plan.required_approvals if name in r.members})
    return Approval(
        name=name,
        plan_digest=plan.digest,
        at=at or time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        groups=groups,
        comment=comment,
        ecosystem=plan.ecosystem,
        environment=plan.environment,
        policies=policies,
    )


def record_approval(plan: Plan, plan_path: Path, approval: Approval) -> int:
    """Add (or replace) the approval of its approver; returns the count of void ones."""
    if approval.plan_digest != plan.digest:
        raise ApprovalError(
            f"the approval was given to plan {approval.plan_digest}, not to this plan "
            f"({plan.digest})",
            hint="Write the payload of this plan (`engage approve PLAN --as NAME "
            "--write-payload FILE`) and sign that.",
        )
    with _locked(plan_path):  # read, add, rewrite: one approver at a time
        good, void = valid_approvals(plan, read_approvals(plan_path))
        kept = [a for a in good if a.name != approval.name]
        record = ApprovalFile(plan_digest=plan.digest, approvals=[*kept, approval])
        _write_record(plan_path, record)
    return void


def add_approval(
    plan: Plan,
    plan_path: Path,
    name: str,
    comment: str,
    signer: Callable[[bytes], str] | None = None,
) -> tuple[Approval, int]:
    """Record NAME's approval of this exact plan, signed by `signer` (payload → armored
    SSHSIG) when given; returns it and the count of void ones."""
    approval = draft_approval(plan, name, comment)
    if signer is not None:
        approval = approval.model_copy(update={"signature": signer(payload(approval))})
    return approval, record_approval(plan, plan_path, approval)


@contextmanager
def _locked(plan_path: Path) -> Iterator[None]:
    """Hold `<plan>.approvals.json.lock` (an OS lock; the empty file stays behind).
    filelock is imported here, by `approve` only (`plan` imports this module)."""
    from filelock import FileLock, Timeout

    path = Path(f"{approvals_path(plan_path)}.lock")
    lock = FileLock(str(path), timeout=60)
    try:
        lock.acquire()
    except Timeout:
        raise ApprovalError(
            f"another `engage approve` has held {path} for a minute",
            hint="Try again when it has finished.",
        ) from None
    except OSError as err:
        raise ApprovalError(
            f"cannot lock {path} to record the approval: {err.strerror or err}", hint=_SHORTER
        ) from None
    try:
        yield
    finally:
        lock.release()


def missing(requirement: Requirement, approvals: Sequence[Approval]) -> int:
    """How many more approvals the requirement needs, counting signed ones (and unsigned
    ones where the policy accepts them). Whether the signatures verify is apply's check."""
    optional = requirement.signatures == "optional"
    names = {
        a.name
        for a in approvals
        if a.name in requirement.members
        and ((a.signature and (not a.policies or requirement.policy in a.policies)) or optional)
    }
    return max(0, requirement.count - len(names))


def unmet(plan: Plan, approvals: Sequence[Approval]) -> list[tuple[Requirement, int]]:
    """Requirements still short of approvals, with how many are missing."""
    out = []
    for req in plan.required_approvals:
        short = missing(req, approvals)
        if short:
            out.append((req, short))
    return out

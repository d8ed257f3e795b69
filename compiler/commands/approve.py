"""`engage approve PLAN --as NAME`: record a signed approval bound to this exact plan.

Signing: `--key PATH` with a private key signs here; `--key KEY.pub` (or no --key) asks
ssh-agent. Or sign with ssh-keygen itself: `--write-payload FILE` writes what to sign,
`ssh-keygen -Y sign -n engage-plan -f KEY FILE` signs it, `--signed FILE` records FILE and
FILE.sig.
"""

from __future__ import annotations

import shlex
from collections.abc import Callable
from pathlib import Path

import click

from compiler.commands.common import EXIT_OK
from compiler.commands.plan import report_error
from compiler.fsutil import write_atomic
from compiler.plan.approvals import (
    Approval,
    add_approval,
    draft_approval,
    parse_payload,
    payload,
    read_approvals,
    record_approval,
    unmet,
    valid_approvals,
)
from compiler.plan.definition import Plan
from compiler.plan.errors import ApprovalError, PlanError
from compiler.plan.planfile import load_plan
from compiler.trust import agent
from compiler.trust.sshsig import (
    NAMESPACE,
    SignatureError,
    load_private_key,
    parse_public_key,
    sign,
    verify,
)

_MAX_KEY_BYTES = 64 * 1024


def _read_small(path: Path, what: str) -> bytes:
    try:
        if not path.is_file():
            raise ApprovalError(f"{what} {path} is not a file", hint="Pass the path of the file.")
        if path.stat().st_size > _MAX_KEY_BYTES:
            raise ApprovalError(f"{what} {path} is too large to be one", hint="Check the path.")
        return path.read_bytes()
    except OSError as err:
        raise ApprovalError(
            f"cannot read {what} {path}: {err.strerror or err}", hint="Check the path."
        ) from None


def _signer(key: Path | None) -> Callable[[bytes], str]:
    """payload → armored SSHSIG: a private key file, or ssh-agent (with its .pub, or alone)."""
    try:
        if key is None:
            held = agent.identities()
            if len(held) != 1:
                raise SignatureError(
                    f"ssh-agent holds {len(held)} keys; pass the one to sign with as --key KEY.pub"
                )
            return lambda data: agent.sign_with_agent(held[0], data)
        data = _read_small(key, "the key")
        if data.lstrip().startswith(b"-----BEGIN"):
            private = load_private_key(data)
            return lambda message: sign(private, message)
        public = parse_public_key(data.decode("utf-8", "replace"))
        return lambda message: agent.sign_with_agent(public, message)
    except SignatureError as err:
        raise ApprovalError(str(err), hint=_SIGN_HINT) from None


_SIGN_HINT = (
    "Sign with --key ~/.ssh/id_ed25519 (or its .pub with the key in ssh-agent); the key must "
    "be declared for you in governance.keys."
)


def _from_files(saved: Plan, name: str, signed: Path) -> Approval:
    """An approval signed outside engage: FILE (the payload) and FILE.sig (ssh-keygen's)."""
    approval = parse_payload(_read_small(signed, "the approval payload"))
    if approval.name != name:
        raise ApprovalError(
            f"{signed} is the approval of {approval.name!r}, not of {name!r}",
            hint="Pass --as with the name the payload was written for.",
        )
    sig_path = Path(f"{signed}.sig")
    armored = _read_small(sig_path, "the signature").decode("utf-8", "replace")
    try:
        verify(armored, payload(approval))
    except SignatureError as err:
        raise ApprovalError(
            f"{sig_path} is not a signature of {signed}: {err}",
            hint=f"Sign the file unchanged: ssh-keygen -Y sign -n {NAMESPACE} -f KEY {signed}",
        ) from None
    return approval.model_copy(update={"signature": armored})


def _write_payload(saved: Plan, name: str, comment: str, out: Path) -> int:
    draft = draft_approval(saved, name, comment)
    try:
        write_atomic(out, payload(draft).decode())
    except OSError as err:
        raise ApprovalError(
            f"cannot write {out}: {err.strerror or err}", hint="Pick a writable path."
        ) from None
    shown = shlex.quote(str(out))
    click.echo(f"Wrote the approval payload of {name} for plan {saved.digest} to {out}.")
    click.echo(f"Sign it:   ssh-keygen -Y sign -n {NAMESPACE} -f ~/.ssh/id_ed25519 {shown}")
    click.echo(f"Record it: engage approve PLAN --as {shlex.quote(name)} --signed {shown}")
    return EXIT_OK


@click.command()
@click.argument("plan_file", metavar="PLAN", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--as", "name", required=True, metavar="NAME", help="Who approves (a group member).")
@click.option("--comment", default="", help="Why, or on what condition; kept with the approval.")
@click.option(
    "--key",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Your SSH private key (unencrypted), or the .pub of a key held by ssh-agent "
    "(default: the one key ssh-agent holds).",
)
@click.option(
    "--write-payload",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write what to sign to this file (for `ssh-keygen -Y sign`) instead of signing.",
)
@click.option(
    "--signed",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Record a payload signed with ssh-keygen: this file and its .sig beside it.",
)
@click.option(
    "--unsigned",
    is_flag=True,
    help="Record without a signature (counts only for policies with signatures: optional).",
)
def approve(
    plan_file: Path,
    name: str,
    comment: str,
    key: Path | None,
    write_payload: Path | None,
    signed: Path | None,
    unsigned: bool,
) -> int:
    """Approve PLAN as NAME, signed with NAME's SSH key. The approval holds for this plan
    only: a changed plan voids it."""
    try:
        saved = load_plan(plan_file)
        if write_payload is not None:
            return _write_payload(saved, name, comment, write_payload)
        earlier, _ = valid_approvals(saved, read_approvals(plan_file))
        already = next((a for a in earlier if a.name == name), None)
        if already is not None and already.comment == comment and signed is None:
            click.echo(
                f"{name}'s approval of plan {saved.digest} was already recorded "
                f"({already.at}); nothing changed."
            )
            return EXIT_OK
        if signed is not None:
            approval = _from_files(saved, name, signed)
            void = record_approval(saved, plan_file, approval)
        else:
            draft_approval(saved, name, comment)  # a stranger is refused before any key
            signer = None if unsigned else _signer(key)
            approval, void = add_approval(saved, plan_file, name, comment, signer)
        given, _ = valid_approvals(saved, read_approvals(plan_file))
    except PlanError as err:
        return report_error(err)
    how = "signed" if approval.signature else "unsigned"
    click.echo(
        f"Recorded the {how} approval of {approval.name} ({', '.join(approval.groups)}) for "
        f"plan {saved.digest}."
    )
    if void:
        click.echo(f"{void} approval(s) given to an earlier version of this plan are void.")
    short = unmet(saved, given)
    for req, n in short:
        click.echo(f"Still needed: {n} more from {req.group} for policy {req.policy}.")
    if not short:
        click.echo("Every approval this plan requires is given.")
    return EXIT_OK

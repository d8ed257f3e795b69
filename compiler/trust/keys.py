"""The approvers' keys declared in `governance.keys`: checked when the ecosystem resolves,
looked up when an approval is verified."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from compiler.diagnostics import Finding, code, make
from compiler.model.governance import Governance
from compiler.spans import SpanIndex

if TYPE_CHECKING:  # sshsig (and cryptography) are imported only when keys are declared
    from compiler.trust.sshsig import SshKey

E_KEY = code(
    "E8030",
    "Approver key that cannot be used",
    "`engage apply` verifies every signed approval against the keys in `governance.keys`; a "
    "key that cannot be read, is too weak, is declared twice or belongs to nobody who may "
    "approve would make approvals fail (or succeed) for the wrong reason.",
    "Paste the whole line of the member's public key file (e.g. ~/.ssh/id_ed25519.pub), "
    "declare each key for one person only, under a name that is a member of a group.",
    suppressible=False,
)


def declared_keys(governance: Governance) -> dict[str, list[SshKey]]:
    """Approver → the keys that can be read (unreadable ones are E8030 findings)."""
    from compiler.trust.sshsig import SignatureError, parse_public_key

    out: dict[str, list[SshKey]] = {}
    for name, lines in sorted(governance.keys.items()):
        keys = []
        for line in lines:
            try:
                keys.append(parse_public_key(line))
            except SignatureError:
                continue
        out[name] = keys
    return out


def key_findings(governance: Governance, index: SpanIndex) -> list[Finding]:
    return list(_problems(governance, index))


def _problems(governance: Governance, index: SpanIndex) -> Iterator[Finding]:
    if not governance.keys:
        return
    from compiler.trust.sshsig import SignatureError, parse_public_key

    members = {m for g in governance.groups.values() for m in g.members}
    owner: dict[bytes, str] = {}
    for name, lines in sorted(governance.keys.items()):
        path: tuple[str | int, ...] = ("governance", "keys", name)
        if name not in members:
            yield make(
                E_KEY,
                f"keys are declared for {name!r}, who is not a member of any governance group",
                index.at(path),
            )
        for i, line in enumerate(lines):
            try:
                key = parse_public_key(line)
            except SignatureError as err:
                yield make(
                    E_KEY, f"the key of {name!r} cannot be used: {err}", index.at((*path, i))
                )
                continue
            if key.blob in owner:
                yield make(
                    E_KEY,
                    f"the key {key.fingerprint} of {name!r} is also declared for "
                    f"{owner[key.blob]!r}; a signature must name one person",
                    index.at((*path, i)),
                )
            owner.setdefault(key.blob, name)

"""Deleted resources → the platform components to delete, from the manifest's records."""

from __future__ import annotations

from collections.abc import Mapping

from compiler.diagnostics import Finding, code, make
from compiler.emit.artifact import Deletion
from compiler.emit.manifest import Entry
from compiler.resolved import ResolvedEcosystem

W_UNKNOWN_DELETION = code(
    "W9813",
    "Deleted resource with no recorded component",
    "A deleted resource has no component recorded by an earlier generation in this output "
    "folder, so destructiveChanges.xml cannot name what to delete on the platform.",
    "Delete the component by hand, or generate into the folder used by earlier applies.",
)


def deleted_members(
    old: Mapping[str, Entry], deleted: frozenset[str], target: str
) -> tuple[list[Deletion], set[str]]:
    """The components of `target` that the manifest `old` recorded for the `deleted`
    resources, and which of those resources had any."""
    members: set[Deletion] = set()
    found: set[str] = set()
    for rel, entry in old.items():
        if entry.target != target:
            continue
        for mtype, name, owner in entry.members:
            if owner in deleted:
                members.add((rel.removeprefix(f"{target}/"), mtype, name))
                found.add(owner)
    return sorted(members), found


def unknown_deletions(
    resolved: ResolvedEcosystem, deleted: frozenset[str], found: set[str]
) -> list[Finding]:
    """W9813 for each deleted resource that surely had a Salesforce component but has no
    recorded one (`found`: those that had)."""
    findings: list[Finding] = []
    for address in sorted(deleted - found):
        if _names_salesforce_component(resolved, address):
            findings.append(
                make(
                    W_UNKNOWN_DELETION,
                    f"{address} is deleted, but no earlier generation here recorded its "
                    "Salesforce component",
                    None,
                    address=address,
                )
            )
    return findings


def _names_salesforce_component(resolved: ResolvedEcosystem, address: str) -> bool:
    """Whether a deleted resource surely had a Salesforce component (its own kind says so,
    or it was an object of a Salesforce system); a deleted integration user's system is
    not known any more, so it is not reported."""
    kind, _, rest = address.partition(".")
    if kind in ("duplicate_rule", "matching_rule", "custom_permission"):
        return True
    system = resolved.ecosystem.systems.get(rest.partition(".")[0])
    return kind == "object" and system is not None and system.type == "salesforce"

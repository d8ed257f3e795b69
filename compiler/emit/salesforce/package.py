"""The files that describe a generation: sfdx-project.json, package.xml, destructiveChanges.xml.

`package.xml` lists exactly the components of the files this run wrote (all of them on a
full generation; those of the applied resources when apply limits the run), so
`sf project deploy start --manifest manifest/package.xml` deploys what changed.
`destructiveChanges.xml` lists the components of deleted resources, as recorded by the
generation that created them; deploy it with `--post-destructive-changes`.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Sequence

from compiler.diagnostics import Finding
from compiler.emit.artifact import Deletion, Emitted
from compiler.emit.salesforce import xml
from compiler.emit.salesforce.common import API_VERSION, project_prefix, salesforce_systems
from compiler.resolved import ResolvedEcosystem

DEPLOYED_TYPES = frozenset(
    {
        "CustomField",
        "CustomPermission",
        "DuplicateRule",
        "Group",
        "MatchingRules",
        "PermissionSet",
        "Queue",
        "QueueRoutingConfig",
        "StandardValueSet",
    }
)
DELETED_TYPES = frozenset(
    {
        "CustomField",
        "CustomPermission",
        "DuplicateRule",
        "Group",
        "MatchingRule",
        "PermissionSet",
        "Queue",
        "QueueRoutingConfig",
    }
)


def manifest(members: Iterable[tuple[str, str]], *, version: bool = True) -> bytes:
    by_type: dict[str, set[str]] = defaultdict(set)
    for mtype, name in members:
        by_type[mtype].add(name)
    root = xml.root("Package")
    for mtype in sorted(by_type):
        types = xml.add(root, "types")
        for name in sorted(by_type[mtype]):
            xml.add(types, "members", name)
        xml.add(types, "name", mtype)
    if version:
        xml.add(root, "version", API_VERSION)
    return xml.to_bytes(root)


def login_url(resolved: ResolvedEcosystem) -> str:
    envs = resolved.ecosystem.ecosystem.environments
    env = envs.get(resolved.environment) if resolved.environment else None
    sandbox = env is not None and not env.production
    return "https://test.salesforce.com" if sandbox else "https://login.salesforce.com"


def project_json(resolved: ResolvedEcosystem, system: str) -> bytes:
    doc = {
        "packageDirectories": [{"path": "force-app", "default": True}],
        "name": f"{resolved.ecosystem.ecosystem.name} ({system})",
        "namespace": "",
        "sfdcLoginUrl": login_url(resolved),
        "sourceApiVersion": API_VERSION,
    }
    return (json.dumps(doc, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def _project(
    resolved: ResolvedEcosystem,
    system: str,
    selected: Sequence[Emitted],
    deleted: Sequence[Deletion],
) -> list[Emitted]:
    prefix = project_prefix(resolved, system)
    mine = [a for a in selected if a.path.startswith(prefix)]
    deploy = {(t, n) for a in mine for t, n, _ in a.members if t in DEPLOYED_TYPES}
    kept = {(t, n) for a in mine for t, n, _ in a.members}
    gone = {(t, n) for p, t, n in deleted if p.startswith(prefix) and t in DELETED_TYPES} - kept
    sources = tuple(sorted({s for a in mine for s in a.sources}))
    out = [
        Emitted(
            f"{prefix}sfdx-project.json", project_json(resolved, system), (f"system.{system}",)
        ),
        Emitted(f"{prefix}manifest/package.xml", manifest(deploy), sources),
    ]
    if gone:
        out.append(Emitted(f"{prefix}manifest/destructiveChanges.xml", manifest(gone)))
    return out


def finish(
    resolved: ResolvedEcosystem, selected: Sequence[Emitted], deleted: Sequence[Deletion]
) -> tuple[list[Emitted], list[Finding]]:
    systems = salesforce_systems(resolved)
    if len(systems) > 1:
        owned = tuple(f"{s}/" for s in systems)
        selected = [a for a in selected if a.path.startswith(owned)]
    out = [a for system in systems for a in _project(resolved, system, selected, deleted)]
    return out, []

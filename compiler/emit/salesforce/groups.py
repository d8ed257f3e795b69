"""Public groups: `groups/<Name>.group-meta.xml`, one file per group engage generates
(`Group` metadata; groups marked `existing: true` are the org's and are not written).

Elements in the order the Metadata API reference lists them and retrieved files carry
them (alphabetical): doesIncludeBosses (required; "Grant Access Using Hierarchies"), name
(the label, required; Group.Name holds 40 characters). The file name is the group's
developer name (Group.DeveloperName, 80 at most; letters, digits and single underscores,
starting with a letter). Members are not written: "Members of the public group aren't
migrated when you deploy the group type". Sources: Metadata API Developer Guide, "Group"
(API 24.0+); Salesforce Field Reference, Group (Name 40, DeveloperName 80); group files
retrieved into public Salesforce DX projects (`groups/*.group-meta.xml`); the Salesforce
CLI's source-deploy-retrieve registry (type Group: directory `groups`, suffix `group`).
"""

from __future__ import annotations

from compiler.diagnostics import Finding
from compiler.emit.artifact import Emitted
from compiler.emit.names import label_from
from compiler.emit.salesforce import xml
from compiler.emit.salesforce.common import clipped, salesforce_systems, source_path
from compiler.emit.salesforce.names import Named, developer_names
from compiler.resolved import ResolvedEcosystem

LABEL_LIMIT = 40
NAME_LIMIT = 80


def group_names(resolved: ResolvedEcosystem) -> tuple[dict[str, str], list[Finding]]:
    """Every declared group of a Salesforce org (existing ones too: queues name them by
    this developer name) → its developer name."""
    systems = set(salesforce_systems(resolved))
    entries = [
        Named(name, g.system, ("public_groups", name))
        for name, g in resolved.ecosystem.public_groups.items()
        if g.system in systems
    ]
    return developer_names(resolved, entries, NAME_LIMIT)


def emit(resolved: ResolvedEcosystem, names: dict[str, str]) -> tuple[list[Emitted], list[Finding]]:
    out: list[Emitted] = []
    findings: list[Finding] = []
    for name in sorted(names):
        group = resolved.ecosystem.public_groups[name]
        if group.existing:
            continue
        dev = names[name]
        address = f"public_group.{name}"
        path = ("public_groups", name)
        root = xml.root("Group")
        xml.add(root, "doesIncludeBosses", group.include_bosses)
        label = group.label or label_from(name)
        xml.add(
            root, "name", clipped(resolved, label, LABEL_LIMIT, (*path, "label"), "label", findings)
        )
        out.append(
            Emitted(
                source_path(resolved, group.system, f"groups/{dev}.group-meta.xml"),
                xml.to_bytes(root),
                (address,),
                (("Group", dev, address),),
            )
        )
    return out, findings

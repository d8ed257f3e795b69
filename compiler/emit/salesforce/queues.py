"""Queues: `queues/<Name>.queue-meta.xml`, one file per queue of the org (`Queue` metadata).

Elements in the order the Metadata API reference lists them and retrieved files carry
them (alphabetical): doesSendEmailToMembers, name (the label, at most 40 characters, as
the queue Group's Name), queueMembers (publicGroups, then roles), queueRoutingConfig (the
Omni-Channel routing configuration), one queueSobject per object the queue can own
(sorted). The file name is the queue's developer name (Group.DeveloperName, 80 at most).
Sources: Metadata API Developer Guide, "Queue" (API 24.0+; queueMembers and
queueRoutingConfig API 42.0+), and queues retrieved into public Salesforce DX projects
(e.g. a Social Queue holding Case and SocialPost, a Case queue routed by Omni-Channel).
A public group or routing configuration declared in the ecosystem is written by its
developer name (groups.py, queue_routing_configs.py), so queue and component agree.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from compiler.diagnostics import Finding
from compiler.emit.artifact import Emitted
from compiler.emit.names import label_from
from compiler.emit.salesforce import xml
from compiler.emit.salesforce.common import clipped, salesforce_systems, source_path
from compiler.emit.salesforce.names import Named, developer_names
from compiler.model.social import Queue
from compiler.resolved import ResolvedEcosystem

LABEL_LIMIT = 40
NAME_LIMIT = 80


def queue_names(resolved: ResolvedEcosystem) -> tuple[dict[str, str], list[Finding]]:
    systems = set(salesforce_systems(resolved))
    entries = [
        Named(name, q.system, ("queues", name))
        for name, q in resolved.ecosystem.queues.items()
        if q.system in systems
    ]
    return developer_names(resolved, entries, NAME_LIMIT)


def _queue(
    resolved: ResolvedEcosystem,
    name: str,
    queue: Queue,
    refs: References,
    findings: list[Finding],
) -> bytes:
    path = ("queues", name)
    root = xml.root("Queue")
    xml.add(root, "doesSendEmailToMembers", queue.email_members)
    label = queue.label or label_from(name)
    xml.add(
        root, "name", clipped(resolved, label, LABEL_LIMIT, (*path, "label"), "label", findings)
    )
    members = queue.members
    if members.public_groups or members.roles:
        element = xml.add(root, "queueMembers")
        if members.public_groups:
            groups = xml.add(element, "publicGroups")
            for group in sorted({refs.groups.get(g, g) for g in members.public_groups}):
                xml.add(groups, "publicGroup", group)
        if members.roles:
            roles = xml.add(element, "roles")
            for role in sorted(set(members.roles)):
                xml.add(roles, "role", role)
    if queue.omni_channel:
        xml.add(
            root, "queueRoutingConfig", refs.routing.get(queue.omni_channel, queue.omni_channel)
        )
    for obj in sorted(set(queue.objects)):
        xml.add(xml.add(root, "queueSobject"), "sobjectType", obj)
    return xml.to_bytes(root)


@dataclass(frozen=True)
class References:
    """Developer names of the public groups and routing configurations queues name (a name
    not declared is written as given: E3701 reports it)."""

    groups: dict[str, str] = field(default_factory=dict)
    routing: dict[str, str] = field(default_factory=dict)


def emit(
    resolved: ResolvedEcosystem, names: dict[str, str], refs: References | None = None
) -> tuple[list[Emitted], list[Finding]]:
    refs = refs or References()
    out: list[Emitted] = []
    findings: list[Finding] = []
    for name in sorted(names):
        queue = resolved.ecosystem.queues[name]
        dev = names[name]
        address = f"queue.{name}"
        out.append(
            Emitted(
                source_path(resolved, queue.system, f"queues/{dev}.queue-meta.xml"),
                _queue(resolved, name, queue, refs, findings),
                (address,),
                (("Queue", dev, address),),
            )
        )
    return out, findings

"""Campaign member statuses: `standardValueSets/CampaignMemberStatus.standardValueSet-meta.xml`.

The labels a campaign member's Status can take are the org's CampaignMemberStatus standard
value set (Metadata API, StandardValueSet: `sorted`, then one `standardValue` per value with
`fullName`, `default` and `label`, in the order retrieved files write them, e.g.
trailheadapps/dreamhouse-lwc's
`force-app/main/default/standardValueSets/CampaignMemberStatus.standardValueSet-meta.xml`).
Which of them a campaign uses, which is its default and which count as responded are
CampaignMemberStatus *records* of that campaign (IsDefault, HasResponded; Object Reference,
'CampaignMemberStatus': since API 39.0 every campaign has one default status and at least
one responded status), data rather than metadata, so the value set carries no responded
flag and marks no value as default; `campaign_member_records.py` writes those records.

engage writes one value set per org: the union of the statuses of the org's campaigns, in
a deterministic order (campaigns by name, each one's statuses in the order declared, a
label once, at its first use), with Salesforce's defaults for a new campaign, Sent and
Responded, always kept: deploying a standard value set replaces the whole list, and a
campaign that declares no statuses uses those two. `sorted` is false, so the picklist shows
the values in that order. A label is the value's API name too (the platform's standard
values use the label as `fullName`).
"""

from __future__ import annotations

from compiler.diagnostics import Finding
from compiler.emit.artifact import Emitted
from compiler.emit.salesforce import xml
from compiler.emit.salesforce.common import salesforce_systems, source_path
from compiler.resolved import ResolvedEcosystem

PLATFORM_DEFAULTS = ("Sent", "Responded")
VALUE_SET = "CampaignMemberStatus"


def status_labels(resolved: ResolvedEcosystem, system: str) -> list[str]:
    """The member statuses of `system`'s campaigns, first use first, defaults last."""
    labels: dict[str, None] = {}
    campaigns = resolved.ecosystem.campaigns
    for name in sorted(campaigns):
        if campaigns[name].system == system:
            labels.update((s.label, None) for s in campaigns[name].member_statuses)
    labels.update((label, None) for label in PLATFORM_DEFAULTS)
    return list(labels)


def value_set(labels: list[str]) -> bytes:
    root = xml.root("StandardValueSet")
    xml.add(root, "sorted", False)
    for label in labels:
        value = xml.add(root, "standardValue")
        xml.add(value, "fullName", label)
        xml.add(value, "default", False)
        xml.add(value, "label", label)
    return xml.to_bytes(root)


def emit(resolved: ResolvedEcosystem) -> tuple[list[Emitted], list[Finding]]:
    out: list[Emitted] = []
    campaigns = resolved.ecosystem.campaigns
    for system in salesforce_systems(resolved):
        owners = tuple(f"campaign.{n}" for n in sorted(campaigns) if campaigns[n].system == system)
        if not owners:
            continue
        path = f"standardValueSets/{VALUE_SET}.standardValueSet-meta.xml"
        out.append(
            Emitted(
                source_path(resolved, system, path),
                value_set(status_labels(resolved, system)),
                owners,
                tuple(("StandardValueSet", VALUE_SET, owner) for owner in owners),
            )
        )
    return out, []

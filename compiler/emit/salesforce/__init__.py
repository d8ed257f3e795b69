"""Salesforce metadata in source format, deployable with the Salesforce CLI.

Layout (one sfdx project; `salesforce/<system>/` per org when the ecosystem has several):

    salesforce/sfdx-project.json
    salesforce/manifest/package.xml            (+ destructiveChanges.xml after deletions)
    salesforce/force-app/main/default/
        duplicateRules/<Object>.<Rule>.duplicateRule-meta.xml
        matchingRules/<Object>.matchingRule-meta.xml
        permissionsets/<User>.permissionset-meta.xml
        customPermissions/<Name>.customPermission-meta.xml
        queues/<Name>.queue-meta.xml
        groups/<Name>.group-meta.xml                     (public groups)
        queueRoutingConfigs/<Name>.queueRoutingConfig-meta.xml   (Omni-Channel routing)
        objects/<Object>/fields/<Field>.field-meta.xml   (+ custom permissions' User fields)
        standardValueSets/CampaignMemberStatus.standardValueSet-meta.xml   (campaigns' statuses)
"""

from __future__ import annotations

from compiler.diagnostics import Finding
from compiler.emit.artifact import Emitted
from compiler.emit.salesforce import (
    campaign_member_records,
    campaign_statuses,
    custom_fields,
    custom_permissions,
    duplicate_rules,
    groups,
    matching_rules,
    permission_sets,
    queue_routing_configs,
    queues,
)
from compiler.emit.salesforce.common import salesforce_systems
from compiler.emit.salesforce.package import finish
from compiler.resolved import ResolvedEcosystem


def emit(resolved: ResolvedEcosystem) -> tuple[list[Emitted], list[Finding]]:
    findings: list[Finding] = []
    matching, more = matching_rules.matching_rule_names(resolved)
    findings.extend(more)
    duplicates, more = duplicate_rules.duplicate_rule_names(resolved)
    findings.extend(more)
    permissions, more = custom_permissions.custom_permission_names(resolved)
    findings.extend(more)
    queue_names, more = queues.queue_names(resolved)
    findings.extend(more)
    group_names, more = groups.group_names(resolved)
    findings.extend(more)
    routing_names, more = queue_routing_configs.routing_config_names(resolved)
    findings.extend(more)
    refs = queues.References(group_names, routing_names)
    out: list[Emitted] = []
    for arts, more in (
        matching_rules.emit(resolved, matching),
        duplicate_rules.emit(resolved, duplicates, matching),
        permission_sets.emit(resolved, salesforce_systems(resolved), permissions),
        custom_permissions.emit(resolved, permissions),
        custom_fields.emit(resolved),
        campaign_statuses.emit(resolved),
        campaign_member_records.emit(resolved),
        queues.emit(resolved, queue_names, refs),
        groups.emit(resolved, group_names),
        queue_routing_configs.emit(resolved, routing_names, queue_names),
    ):
        out.extend(arts)
        findings.extend(more)
    return sorted(out, key=lambda a: a.path), findings


__all__ = ["emit", "finish"]

"""Omni-Channel routing configurations:
`queueRoutingConfigs/<Name>.queueRoutingConfig-meta.xml`, one file per configuration
engage generates (`QueueRoutingConfig` metadata; `existing: true` ones are not written).

Elements in the order the Metadata API reference lists them and retrieved files carry
them (alphabetical): capacityPercentage, capacityWeight (one of the two; doubles, written
as retrieved files write them, `1.0`), label (required; MasterLabel holds 80 characters),
pushTimeout (seconds; 0 is off), queueOverflowAssignee (the overflow queue's developer
name), routingModel (required: LEAST_ACTIVE, MOST_AVAILABLE or EXTERNAL_ROUTING),
routingPriority (required; lower values are routed first). The file name is the
configuration's developer name (80 at most). Sources: Metadata API Developer Guide,
"QueueRoutingConfig" (API 44.0+, only with Omni-Channel enabled); Salesforce Field
Reference, QueueRoutingConfig (MasterLabel 80, DeveloperName 80); routing configurations
retrieved into public Salesforce DX projects (`queueRoutingConfigs/`); the Salesforce
CLI's source-deploy-retrieve registry (type QueueRoutingConfig: directory
`queueRoutingConfigs`, suffix `queueRoutingConfig`).
"""

from __future__ import annotations

from compiler.diagnostics import Finding
from compiler.emit.artifact import Emitted
from compiler.emit.names import label_from
from compiler.emit.salesforce import xml
from compiler.emit.salesforce.common import clipped, salesforce_systems, source_path
from compiler.emit.salesforce.names import Named, developer_names
from compiler.model.routing import RoutingConfig
from compiler.resolved import ResolvedEcosystem

LABEL_LIMIT = 80
NAME_LIMIT = 80
ROUTING_MODEL = {
    "most_available": "MOST_AVAILABLE",
    "least_active": "LEAST_ACTIVE",
    "external_routing": "EXTERNAL_ROUTING",
}


def routing_config_names(resolved: ResolvedEcosystem) -> tuple[dict[str, str], list[Finding]]:
    """Every declared routing configuration of a Salesforce org → its developer name."""
    systems = set(salesforce_systems(resolved))
    entries = [
        Named(name, c.system, ("routing_configs", name))
        for name, c in resolved.ecosystem.routing_configs.items()
        if c.system in systems
    ]
    return developer_names(resolved, entries, NAME_LIMIT)


def _double(value: float) -> str:
    """A double the way retrieved files write it: `1.0`, `2.5` (repr is exact and stable)."""
    return repr(float(value))


def _config(
    resolved: ResolvedEcosystem,
    name: str,
    config: RoutingConfig,
    queues: dict[str, str],
    findings: list[Finding],
) -> bytes:
    path = ("routing_configs", name)
    root = xml.root("QueueRoutingConfig")
    if config.capacity_percentage is not None:
        xml.add(root, "capacityPercentage", _double(config.capacity_percentage))
    if config.capacity_weight is not None:
        xml.add(root, "capacityWeight", _double(config.capacity_weight))
    label = config.label or label_from(name)
    xml.add(
        root, "label", clipped(resolved, label, LABEL_LIMIT, (*path, "label"), "label", findings)
    )
    if config.push_timeout is not None:
        xml.add(root, "pushTimeout", config.push_timeout)
    overflow = queues.get(config.overflow_queue) if config.overflow_queue else None
    if overflow is not None:
        xml.add(root, "queueOverflowAssignee", overflow)
    xml.add(root, "routingModel", ROUTING_MODEL[config.model])
    xml.add(root, "routingPriority", config.priority)
    return xml.to_bytes(root)


def emit(
    resolved: ResolvedEcosystem, names: dict[str, str], queues: dict[str, str]
) -> tuple[list[Emitted], list[Finding]]:
    out: list[Emitted] = []
    findings: list[Finding] = []
    for name in sorted(names):
        config = resolved.ecosystem.routing_configs[name]
        if config.existing:
            continue
        dev = names[name]
        address = f"routing_config.{name}"
        out.append(
            Emitted(
                source_path(
                    resolved,
                    config.system,
                    f"queueRoutingConfigs/{dev}.queueRoutingConfig-meta.xml",
                ),
                _config(resolved, name, config, queues, findings),
                (address,),
                (("QueueRoutingConfig", dev, address),),
            )
        )
    return out, findings

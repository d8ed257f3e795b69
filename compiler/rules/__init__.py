"""Analysis rules: the registry and every rule module (importing this registers all codes).

`analyze(resolved)` builds the graph (unless given) and runs every rule; findings are
not yet suppressed or sorted (compiler.rules.check.check_path does the whole `check`).
Importing this package also registers the suppression codes (compiler.suppress), so
REGISTRY then holds every code `engage check` can emit.
"""

from __future__ import annotations

from dataclasses import replace

from compiler import suppress  # noqa: F401  (registers E9901, W9902)
from compiler.diagnostics import Finding
from compiler.graph import EcosystemGraph, build_graph
from compiler.model import RESOURCE_SECTIONS
from compiler.resolved import ResolvedEcosystem
from compiler.rules import (  # noqa: F401  (imported to register their rules and codes)
    audiences,
    campaign_names,
    campaigns,
    cloud_duplicates,
    consent,
    customer_360,
    data_extensions,
    dataflow,
    datamodel,
    dedupe,
    environment_ids,
    formats,
    hygiene,
    personas,
    platform_limits,
    privacy,
    queries,
    routing,
    schedules,
    social_care,
    subscriber_keys,
    typefit,
    unit_consent,
    unit_leads,
    units,
    users,
)
from compiler.rules.context import Context
from compiler.rules.platform import Limits
from compiler.rules.registry import RULES, Rule, run_rules


def analyze(
    resolved: ResolvedEcosystem,
    graph: EcosystemGraph | None = None,
    *,
    limits: Limits | None = None,
    debug: bool = False,
) -> list[Finding]:
    """Run every registered rule over one resolved ecosystem."""
    ctx = Context(resolved, graph or build_graph(resolved), limits)
    return [imported_from(resolved, f) for f in run_rules(ctx, debug=debug)]


def imported_from(resolved: ResolvedEcosystem, finding: Finding) -> Finding:
    """Name the retrieved file a finding's resource was imported from (`engage import`
    records it as the label `imported_from`), unless the message already does."""
    kind, _, name = finding.address.partition(".")
    section = {v: k for k, v in RESOURCE_SECTIONS.items()}.get(kind)
    resource = getattr(resolved.ecosystem, section, {}).get(name) if section else None
    labels = getattr(resource, "labels", None) or {}
    source = labels.get("imported_from")
    if not source or source in finding.message:
        return finding
    return replace(finding, message=f"{finding.message} (imported from {source})")


__all__ = ["RULES", "Context", "Limits", "Rule", "analyze"]

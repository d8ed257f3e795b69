"""Analysis rules: the registry and every rule module (importing this registers all codes).

`analyze(resolved)` builds the graph (unless given) and runs every rule; findings are
not yet suppressed or sorted (compiler.rules.check.check_path does the whole `check`).
Importing this package also registers the suppression codes (compiler.suppress), so
REGISTRY then holds every code `engage check` can emit.
"""

from __future__ import annotations

from compiler import suppress  # noqa: F401  (registers E9901, W9902)
from compiler.diagnostics import Finding
from compiler.graph import EcosystemGraph, build_graph
from compiler.resolved import ResolvedEcosystem
from compiler.rules import (  # noqa: F401  (imported to register their rules and codes)
    campaigns,
    consent,
    data_extensions,
    dataflow,
    datamodel,
    dedupe,
    environment_ids,
    hygiene,
    platform_limits,
    privacy,
    schedules,
    typefit,
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
    return run_rules(ctx, debug=debug)


__all__ = ["RULES", "Context", "Limits", "Rule", "analyze"]

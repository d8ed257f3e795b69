"""Declared and unused: resources nothing refers to."""

from __future__ import annotations

from collections.abc import Iterator

from compiler.diagnostics import Finding, code
from compiler.rules.context import Context
from compiler.rules.registry import rule

W_UNUSED = code(
    "W9001",
    "Declared and unused",
    "A resource that nothing uses still costs review time, may still be deployed (an "
    "integration user with access, a data extension with personal data) and misleads "
    "readers about what the ecosystem does.",
    "Remove it, or use it; if it is deliberately kept, suppress this finding with a reason.",
)


def _objects_used(ctx: Context) -> set[str]:
    """`system.Object` keys referred to anywhere."""
    eco = ctx.eco
    used = {k for s in eco.sync_rules.values() for k in (s.source, s.target)}
    used |= {f"{m.system}.{m.object}" for m in eco.matching_rules.values()}
    used |= {f"{d.system}.{d.object}" for d in eco.duplicate_rules.values()}
    # a duplicate rule's bypass checkboxes (User's or its object's), a user's own ones
    used |= {
        f"{d.system}.{f.object}" for d in eco.duplicate_rules.values() for f in d.exempt.fields
    }
    used |= {f"{u.system}.User" for u in eco.integration_users.values() if u.bypass_fields}
    used |= {f"{u.system}.{o}" for u in eco.integration_users.values() for o in u.permissions}
    for cc in eco.consent.channels.values():
        used |= {f"{system}.{st.object}" for system, st in cc.storage.items()}
        units = cc.per_unit.storage if cc.per_unit is not None else {}
        used |= {f"{system}.{st.object}" for system, st in units.items()}
    for integ in eco.integrations.values():
        mcc = integ.marketing_cloud_connect
        used |= {f"{integ.from_}.{o}" for o in (mcc.objects if mcc else {})}
    return used


def _systems_used(ctx: Context) -> set[str]:
    graph = ctx.graph.resources
    return {
        node.partition(".")[2]
        for node in graph
        if node.startswith("system.") and graph.out_degree(node) > 0
    }


def _unused(ctx: Context) -> Iterator[tuple[str, str, tuple[str, ...]]]:
    """(address, what, path) of every unused resource."""
    eco = ctx.eco
    users = {i.user for i in eco.integrations.values()} | {
        u for d in eco.duplicate_rules.values() for u in d.bypass
    }
    for name in eco.integration_users:
        if name not in users:
            yield f"integration_user.{name}", "integration user", ("integration_users", name)
    for name, integ in eco.integrations.items():
        has_work = integ.marketing_cloud_connect or integ.account_engagement or integ.social_care
        if not has_work and name not in ctx.rules_by_integration:
            yield f"integration.{name}", "integration (no sync rule)", ("integrations", name)
    matching = {m for d in eco.duplicate_rules.values() for m in d.match_rules}
    cares = [i.social_care for i in eco.integrations.values() if i.social_care is not None]
    matching |= {c.personas.matching_rule for c in cares if c.personas.matching_rule}
    routed = {route.queue for c in cares for route in c.routes}
    routed |= {c.overflow_queue for c in eco.routing_configs.values() if c.overflow_queue}
    for name in eco.queues:
        if name not in routed:
            yield f"queue.{name}", "queue", ("queues", name)
    for name in eco.matching_rules:
        if name not in matching:
            yield f"matching_rule.{name}", "matching rule", ("matching_rules", name)
    objects = _objects_used(ctx)
    for name in eco.data_extensions:
        spec = ctx.object_of_de(name)
        if spec is not None and f"{spec.system}.{name}" not in objects:
            yield f"data_extension.{name}", "data extension", ("data_extensions", name)
    for key in eco.objects:
        if key not in objects:
            yield f"object.{key}", "object", ("objects", key)
    systems = _systems_used(ctx)
    for name in eco.systems:
        if name not in systems:
            yield f"system.{name}", "system", ("systems", name)
    yield from _governance_unused(ctx)


def _governance_unused(ctx: Context) -> Iterator[tuple[str, str, tuple[str, ...]]]:
    gov = ctx.eco.governance
    required = {r.group for p in gov.policies.values() for r in p.require}
    for name in gov.groups:
        if name not in required:
            yield f"group.{name}", "group", ("governance", "groups", name)
    purposes = {c.purpose for c in ctx.eco.consent.channels.values()}
    purposes |= {a.purpose for a in ctx.eco.audiences.values()}
    for name in ctx.eco.consent.purposes:
        if name not in purposes:
            yield f"purpose.{name}", "consent purpose", ("consent", "purposes", name)


@rule("unused-resources", W_UNUSED)
def unused(ctx: Context) -> Iterator[Finding]:
    """Declared resources that nothing uses."""
    for address, what, path in sorted(_unused(ctx)):
        yield ctx.finding(
            W_UNUSED,
            f"{what} {path[-1]!r} is declared but nothing uses it",
            path,
            address=address,
        )

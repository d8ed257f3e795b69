"""Buyer personas: every field a persona is decided on reaches the deciding cloud.

A Marketing Cloud data extension holds only what a sync, an import or a query activity
writes into it, and a synchronized data extension only the fields Marketing Cloud Connect
synchronizes: a persona defined on any other field selects nobody (or, with `match: any`,
ignores that condition), silently.
"""

from __future__ import annotations

from collections.abc import Iterator

from compiler.diagnostics import Finding, code
from compiler.rules.context import Context
from compiler.rules.registry import rule

E_PERSONA_FIELD = code(
    "E3201",
    "Persona decided on a field the deciding cloud never receives",
    "A persona's condition reads a field of a data extension (or a synchronized data "
    "extension) that no data flow fills. A data extension holds only what imports, query "
    "activities and API writes put in it, and a synchronized data extension only the "
    "fields Marketing Cloud Connect is set to synchronize (Salesforce Help, 'Marketing Cloud "
    "Connect: Synchronized Data Sources', select the fields to synchronize); a data filter "
    "or segment on an empty field matches nobody, so the persona's audience is empty or "
    "wrong and nothing reports it.",
    "Add a sync rule (or the field to the Marketing Cloud Connect objects) that fills the "
    "field, or decide the persona where the data is held.",
)

# Objects whose fields exist only when a data flow fills them.
FILLED_ONLY = frozenset({"data_extension", "synchronized"})


@rule("persona-fields", E_PERSONA_FIELD)
def persona_fields(ctx: Context) -> Iterator[Finding]:
    """Persona conditions on fields no data flow brings to the deciding cloud."""
    flow = ctx.graph.dataflow
    for name in sorted(ctx.eco.personas):
        persona = ctx.eco.personas[name]
        spec = ctx.object(persona.system, persona.object)
        if spec is None or spec.kind not in FILLED_ONLY:
            continue
        for i, cond in enumerate(persona.conditions):
            node = f"{persona.system}:{persona.object}.{cond.field}"
            if node in flow and flow.in_degree(node) > 0:
                continue
            yield ctx.finding(
                E_PERSONA_FIELD,
                f"persona {name!r} is decided on {node}, which no data flow fills: "
                f"{persona.system!r} never receives it",
                ("personas", name, "conditions", i, "field"),
                address=f"persona.{name}",
                related=[(("personas", name, "object"), "decided on this object")],
            )

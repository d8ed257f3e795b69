"""Small helpers shared by rule modules: declared fields, data-flow edge access."""

from __future__ import annotations

from dataclasses import dataclass

from compiler.graph import FlowEdge, flow_edge
from compiler.model import RESOURCE_SECTIONS
from compiler.model.sync import FieldMapping
from compiler.resolved import FieldSpec
from compiler.rules.context import Context

Path = tuple[str | int, ...]


def declared(spec: FieldSpec | None) -> bool:
    """True when the field is declared in the ecosystem (not only in engage's catalog)."""
    return spec is not None and bool(spec.path) and spec.path[0] in RESOURCE_SECTIONS


@dataclass(frozen=True, slots=True)
class Flow:
    """One data-flow edge, with what rules usually need from it (slots: a flow per edge
    lives through most of the rules, ~160,000 at 100k resources; no instance dict)."""

    source: str
    target: str
    key: str
    edge: FlowEdge

    @property
    def path(self) -> Path:
        return self.edge.path

    @property
    def reverse(self) -> bool:
        return self.edge.reverse

    @property
    def rule_name(self) -> str | None:
        kind, _, name = self.key.partition(".")
        return name if kind == "sync_rule" else None

    @property
    def transforms(self) -> tuple[str, ...]:
        return self.edge.transform

    def mapping(self, ctx: Context) -> FieldMapping | str | None:
        name = self.rule_name
        if name is None:
            return None
        rule = ctx.eco.sync_rules.get(name)
        return rule.fields.get(str(self.path[-1])) if rule is not None else None


def flows(ctx: Context) -> list[Flow]:
    """Every data-flow edge, in a deterministic order (built once per analysis)."""
    cached: list[Flow] | None = ctx.memo.get("flows")
    if cached is None:
        edges = ctx.graph.dataflow.edges(keys=True, data=True)
        cached = [Flow(source, target, key, flow_edge(data)) for source, target, key, data in edges]
        ctx.memo["flows"] = cached
    return cached

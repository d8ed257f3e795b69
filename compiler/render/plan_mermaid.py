"""The systems and flows a plan touches as a Mermaid flowchart (GitHub renders it).

One node per system, labelled with the number of its changes; one edge per pair of
systems a changed sync rule carries data between (an integration with no changed sync rule
is drawn as a plain link). At most `MAX_EDGES` edges, so GitHub's renderer accepts the
chart whatever the size of the change; the rest are counted in a note node.
"""

from __future__ import annotations

from compiler.render.plan_affected import Affected

MAX_EDGES = 60
_NAMES = 3  # flow names written on an edge


def _quote(text: str) -> str:
    escaped = text.replace("&", "#amp;").replace('"', "#quot;")
    return '"' + escaped.replace("<", "#lt;").replace(">", "#gt;") + '"'


def _edge_label(names: tuple[str, ...]) -> str:
    shown = ", ".join(names[:_NAMES])
    return shown + (f" +{len(names) - _NAMES}" if len(names) > _NAMES else "")


def plan_mermaid(touched: Affected) -> str:
    """The chart's text without the fence ('' when the plan touches no system)."""
    if not touched.systems:
        return ""
    ids = {s: f"s{i}" for i, s in enumerate(touched.systems)}
    lines = ["flowchart LR"]
    for system in touched.systems:
        n = sum(touched.groups.get(system, {}).values())
        label = touched.label(system) + (f" ({n} change{'s' if n != 1 else ''})" if n else "")
        lines.append(f"  {ids[system]}[{_quote(label)}]")
    for flow in touched.flows[:MAX_EDGES]:
        arrow = "-->" if flow.directed else "---"
        label = _quote(_edge_label(flow.names))
        lines.append(f"  {ids[flow.source]} {arrow}|{label}| {ids[flow.target]}")
    if len(touched.flows) > MAX_EDGES:
        more = len(touched.flows) - MAX_EDGES
        lines.append(f"  more[{_quote(f'{more} more flows: see the changes below')}]")
    return "\n".join(lines) + "\n"

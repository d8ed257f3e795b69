"""The systems and flows a plan touches as inline SVG, drawn without any script.

The system most flows touch sits in the middle (ties: by name), the others on an ellipse
around it in name order (deterministic); a flow is a curved arrow from
the system data comes from to the one it goes to, bent to one side so that flows both
ways between two systems stay apart. At most `MAX_FLOWS` arrows are drawn (the page lists
every flow as text beside the drawing).
"""

from __future__ import annotations

import html
import math

from compiler.render.plan_affected import Affected, Flow

MAX_FLOWS = 80
_W, _H = 1100, 720
_BOX_W, _BOX_H = 230, 70
_CHANGED = "#0b5cad"
_UNCHANGED = "#5c6670"


def _e(text: str) -> str:
    return html.escape(text, quote=True)


def _hub(touched: Affected) -> str | None:
    """The system in the middle: the one most flows touch, when there are enough systems."""
    if len(touched.systems) < 4 or not touched.flows:
        return None
    degree = {s: 0 for s in touched.systems}
    for f in touched.flows:
        degree[f.source] += 1
        degree[f.target] += 1
    return min(touched.systems, key=lambda s: (-degree[s], s))


def _positions(touched: Affected) -> dict[str, tuple[float, float]]:
    hub = _hub(touched)
    ring = [s for s in touched.systems if s != hub]
    out = {hub: (_W / 2, _H / 2)} if hub else {}
    n = len(ring)
    if n == 1 and not hub:
        return {ring[0]: (_W / 2, _H / 2)}
    rx, ry = _W / 2 - _BOX_W / 2 - 20, _H / 2 - _BOX_H / 2 - 20
    for i, s in enumerate(ring):
        angle = -math.pi / 2 + 2 * math.pi * i / n
        out[s] = (round(_W / 2 + rx * math.cos(angle), 1), round(_H / 2 + ry * math.sin(angle), 1))
    return out


def _edge_end(cx: float, cy: float, tx: float, ty: float) -> tuple[float, float]:
    """Where the line from a box's centre towards (tx, ty) leaves the box."""
    dx, dy = tx - cx, ty - cy
    if dx == 0 and dy == 0:
        return cx, cy
    scale = min(
        (_BOX_W / 2 + 6) / abs(dx) if dx else math.inf,
        (_BOX_H / 2 + 6) / abs(dy) if dy else math.inf,
    )
    return cx + dx * scale, cy + dy * scale


def _control(
    x1: float, y1: float, x2: float, y2: float, directed: bool, around: bool
) -> tuple[float, float]:
    """The curve's control point: bent to the right of travel, or, for a flow that would
    cross the system in the middle, pushed out so the curve passes around it."""
    length = math.hypot(x2 - x1, y2 - y1) or 1.0
    bend = 40.0 if directed else 0.0
    mx, my = (x1 + x2) / 2 + bend * (y2 - y1) / length, (y1 + y2) / 2 - bend * (x2 - x1) / length
    if not around:
        return mx, my
    cx, cy = _W / 2, _H / 2
    ux, uy = mx - cx, my - cy
    norm = math.hypot(ux, uy)
    if norm < 1:
        ux, uy, norm = (y2 - y1), -(x2 - x1), length
    reach = _BOX_W * 0.75 + 20  # where the curve's middle passes: clear of the centre box
    tx, ty = cx + ux / norm * reach, cy + uy / norm * reach
    # a quadratic curve's middle is halfway between the chord's middle and the control
    return 2 * tx - (x1 + x2) / 2, 2 * ty - (y1 + y2) / 2


def _crosses_centre(x1: float, y1: float, x2: float, y2: float) -> bool:
    cx, cy = _W / 2, _H / 2
    dx, dy = x2 - x1, y2 - y1
    t = max(0.0, min(1.0, ((cx - x1) * dx + (cy - y1) * dy) / ((dx * dx + dy * dy) or 1.0)))
    return math.hypot(x1 + t * dx - cx, y1 + t * dy - cy) < _BOX_W * 0.6


def _flow(flow: Flow, pos: dict[str, tuple[float, float]], hub: str | None) -> str:
    (x1, y1), (x2, y2) = pos[flow.source], pos[flow.target]
    around = hub not in (None, flow.source, flow.target) and _crosses_centre(x1, y1, x2, y2)
    mx, my = _control(x1, y1, x2, y2, flow.directed, around)
    sx, sy = _edge_end(x1, y1, mx, my)
    ex, ey = _edge_end(x2, y2, mx, my)
    marker = ' marker-end="url(#arrow)"' if flow.directed else ' stroke-dasharray="6 4"'
    title = f"{flow.source} → {flow.target}: {', '.join(flow.names)}"
    return (
        f'<path d="M{sx:.1f},{sy:.1f} Q{mx:.1f},{my:.1f} {ex:.1f},{ey:.1f}" fill="none" '
        f'stroke="#3d4650" stroke-width="2"{marker}><title>{_e(title)}</title></path>'
    )


def _box(system: str, touched: Affected, x: float, y: float) -> str:
    n = sum(touched.groups.get(system, {}).values())
    name, _, platform = touched.label(system).partition(": ")
    colour = _CHANGED if n else _UNCHANGED
    count = f"{n} change{'s' if n != 1 else ''}" if n else "no change of its own"
    platform = platform if len(platform) <= 30 else platform[:29] + "…"
    top = y - _BOX_H / 2
    return (
        f'<g class="system" data-system="{_e(system)}">'
        f'<rect x="{x - _BOX_W / 2:.1f}" y="{top:.1f}" width="{_BOX_W}" '
        f'height="{_BOX_H}" rx="8" fill="#ffffff" stroke="{colour}" stroke-width="2.5"/>'
        f'<text x="{x:.1f}" y="{top + 22:.1f}" text-anchor="middle" font-size="17" '
        f'font-weight="700" fill="#1a1a1a">{_e(name)}</text>'
        f'<text x="{x:.1f}" y="{top + 41:.1f}" text-anchor="middle" font-size="13" '
        f'fill="#3d4650">{_e(platform)}</text>'
        f'<text x="{x:.1f}" y="{top + 59:.1f}" text-anchor="middle" font-size="13" '
        f'fill="#3d4650">{_e(count)}</text></g>'
    )


def plan_svg(touched: Affected) -> str:
    """The drawing ('' when the plan touches no system)."""
    if not touched.systems:
        return ""
    pos = _positions(touched)
    hub = _hub(touched)
    flows = "".join(_flow(f, pos, hub) for f in touched.flows[:MAX_FLOWS])
    boxes = "".join(_box(s, touched, *pos[s]) for s in touched.systems)
    names = ", ".join(touched.systems)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {_W} {_H}" role="img" '
        f'aria-labelledby="diagram-title" font-family="system-ui, Arial, sans-serif">'
        f'<title id="diagram-title">Systems this change touches: {_e(names)}</title>'
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="8" '
        'markerHeight="8" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" '
        'fill="#3d4650"/></marker></defs>'
        f"{flows}{boxes}</svg>"
    )

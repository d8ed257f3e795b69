"""A plan as markdown for a pull-request comment, in the order a reviewer reads it: one
summary line, a table of changes per cloud, the conflicts (from `engage check`), the risks,
the approvals still needed, a Mermaid diagram of the systems and flows the change touches,
then every change's details folded.

Never longer than GitHub's comment limit (65,536 characters), however large the change:
the tables are capped by rows, the diagram by edges, and change details are dropped from
the end, with a note saying how many were trimmed and how to see them all.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence

from compiler.plan.approvals import Approval, missing
from compiler.plan.conflicts import recorded_findings
from compiler.plan.definition import SYMBOLS, AttributeChange, Change, Plan
from compiler.render.findings_markdown import finding_rows
from compiler.render.plan_affected import ACTIONS, Affected, affected
from compiler.render.plan_mermaid import plan_mermaid
from compiler.render.plan_text import expand
from compiler.render.plan_values import (
    headline,
    interrupted_line,
    review_line,
    risk_list,
    risky_first,
    targeted_line,
    value,
    visible,
)

LIMIT = 65_536
_ROW_BUDGET = 100  # risk rows shown at most before "... and N more"
_CELL_BUDGET = 300  # characters of one "why" cell
_TARGETS = 10  # addresses listed per approval requirement
_CONFLICT_ROWS = 50  # conflicts listed at most (`engage check` lists them all)


def _cell(text: str) -> str:
    return html.escape(text, quote=False).replace("|", "\\|").replace("\n", " ")


def _short(text: str, budget: int) -> str:
    return text if len(text) <= budget else text[: budget - 3] + "..."


def _code(text: str) -> str:
    """Inline code that survives any backticks inside."""
    longest = max((len(m) for m in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def _head(plan: Plan) -> list[str]:
    env = plan.environment or "default"
    prod = " (production)" if plan.production else ""
    s = plan.summary
    lines = [f"### engage plan: {_cell(plan.ecosystem)}, environment {_cell(env)}{prod}", ""]
    lines += [f"**{review_line(plan)}**", ""]
    if not plan.has_changes:
        return [*lines, f"No changes: {s.unchanged} resources up to date.", ""]
    if plan.interrupted_apply is not None:
        lines += [f"> {_cell(interrupted_line(plan))}", ""]
    if plan.targets:
        lines += [f"> {_cell(targeted_line(plan))}", ""]
    if not plan.changes:
        return lines
    unchanged = [f"{s.unchanged} resources unchanged.", ""] if s.unchanged else []
    return [*lines, *_per_cloud(affected(plan)), *unchanged]


def _per_cloud(touched: Affected) -> list[str]:
    """One row per cloud (system) or category, one column per action."""
    header = " | ".join(f"`{SYMBOLS[a]}` {a if a != 'delete' else 'destroy'}" for a in ACTIONS)
    lines = [f"| cloud | {header} |", "|---|" + "---:|" * len(ACTIONS)]
    for group, counts in touched.groups.items():
        cells = " | ".join(str(counts[a]) if counts[a] else "" for a in ACTIONS)
        lines.append(f"| {_cell(touched.label(group))} | {cells} |")
    return [*lines, ""]


def _conflicts(plan: Plan) -> list[str]:
    """The conflicts the plan recorded (check's unsuppressed findings), errors first."""
    title = "#### Conflicts" + (
        " (allowed with --allow-conflicts)" if plan.conflicts_allowed else ""
    )
    found = recorded_findings(plan)
    if not found:
        return [title, "", "None: `engage check` finds no unsuppressed conflict.", ""]
    lines = [title, "", "| code | where | finding | how to fix |", "|---|---|---|---|"]
    lines += finding_rows(found[:_CONFLICT_ROWS], _CELL_BUDGET, address=True)
    if len(found) > _CONFLICT_ROWS:
        lines.append(f"| | | ... and {len(found) - _CONFLICT_ROWS} more: `engage check` | |")
    return [*lines, ""]


def _diagram(plan: Plan) -> list[str]:
    chart = plan_mermaid(affected(plan))
    if not chart:
        return []
    return ["#### Systems and flows this change touches", "", "```mermaid", chart + "```", ""]


def _risks(plan: Plan) -> list[str]:
    risky = risky_first(plan.changes)
    if not risky:
        return []
    lines = ["#### Risks", "", "| | resource | risks | why |", "|---|---|---|---|"]
    for c in risky[:_ROW_BUDGET]:
        why = _short("; ".join([*c.notes, *c.reasons]) or "-", _CELL_BUDGET)
        lines.append(
            f"| `{SYMBOLS[c.action]}` | {_code(c.address)} | {_cell(risk_list(c))} | {_cell(why)} |"
        )
    if len(risky) > _ROW_BUDGET:
        lines.append(f"| | ... and {len(risky) - _ROW_BUDGET} more risky changes | | |")
    return [*lines, ""]


def _approvals(plan: Plan, given: Sequence[Approval] | None) -> list[str]:
    if not plan.required_approvals:
        return []
    lines = ["#### Approvals required", "", "| policy | group | needed | given | for |"]
    lines.append("|---|---|---:|---:|---|")
    for req in plan.required_approvals:
        got = "-" if given is None else str(req.count - missing(req, given))
        who = f"{req.group} ({', '.join(req.members) or 'nobody'})"
        targets = ", ".join(req.addresses[:_TARGETS])
        if len(req.addresses) > _TARGETS:
            targets += f" and {len(req.addresses) - _TARGETS} more"
        lines.append(
            f"| {_cell(req.policy)} | {_cell(who)} | {req.count} | {got} | {_cell(targets)} |"
        )
    return [*lines, ""]


def _diff_line(a: AttributeChange) -> list[str]:
    force = "   # forces replacement" if a.forces_replacement else ""
    if a.op == "add":
        return [f"+ {a.path} = {value(a.after)}{force}"]
    if a.op == "remove":
        return [f"- {a.path} = {value(a.before)}{force}"]
    return [f"- {a.path} = {value(a.before)}", f"+ {a.path} = {value(a.after)}{force}"]


def _details(index: int, c: Change) -> str:
    risks = f" ({_cell(risk_list(c))})" if c.risks else ""
    body = [line for a in expand(c.attributes, c.action) for line in _diff_line(a)]
    fence = "~~~~" if any("~~~" in line for line in body) else "~~~"
    summary = f"<code>{html.escape(SYMBOLS[c.action])}</code> {index}. {_cell(headline(c))}{risks}"
    parts = ["<details>", f"<summary>{summary}</summary>", ""]
    parts += [f"- because {_cell(r)}" for r in c.reasons]
    if c.reasons:
        parts.append("")
    parts += [f"{fence}diff", *body, fence, "", "</details>", ""]
    return "\n".join(parts)


def _footer(plan: Plan) -> str:
    lineage = plan.state.lineage or "none yet"
    return (
        f"<sub>plan digest {_code(plan.digest)} · sources {_code(plan.source.digest)} · "
        f"state lineage {lineage}, serial {plan.state.serial}</sub>\n"
    )


def _trimmed(shown: int, total: int) -> str:
    return (
        f"> Details of {total - shown} of {total} changes were trimmed to stay under the "
        f"{LIMIT:,}-character comment limit; `engage show PLAN` prints them all.\n\n"
    )


def render_markdown(
    plan: Plan,
    given: Sequence[Approval] | None = None,
    limit: int = LIMIT,
) -> str:
    """The comment, control characters made visible, never over `limit` characters (shown
    control characters take more room: the budget shrinks by what they add)."""
    budget = limit
    while True:
        out = visible(_render(plan, given, budget))
        if len(out) <= limit or budget <= 0:
            return out[:limit]
        budget -= len(out) - limit


def _render(plan: Plan, given: Sequence[Approval] | None, limit: int) -> str:
    footer = _footer(plan)
    sections = _head(plan) + _conflicts(plan) + _risks(plan) + _approvals(plan, given)
    head = "\n".join(sections + _diagram(plan)) + "\n"
    if len(head) + len(footer) > limit:  # only with absurdly long names: keep the top
        cut = "\n\n> Trimmed to stay under the comment limit; `engage show PLAN` prints all.\n\n"
        return head[: limit - len(footer) - len(cut)] + cut + footer
    if not plan.changes:
        return head + footer
    total = len(plan.changes)
    fixed = len(head) + len(footer) + len("#### Changes\n\n\n") + len(_trimmed(0, total))
    budget = limit - fixed
    shown: list[str] = []
    for i, change in enumerate(plan.changes, start=1):
        section = _details(i, change)
        if len(section) > budget:
            break
        shown.append(section)
        budget -= len(section)
    note = _trimmed(len(shown), total) if len(shown) < total else ""
    return head + "#### Changes\n\n" + "".join(shown) + "\n" + note + footer

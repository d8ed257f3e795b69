"""A plan as text, Terraform-style: legend, risky changes first, attribute diffs, summary.

Returns rich markup; `plain()` strips it (golden files, logs).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from rich.markup import escape
from rich.text import Text

from compiler.plan.approvals import Approval, missing
from compiler.plan.definition import SYMBOLS, AttributeChange, Change, Plan
from compiler.render.plan_values import (
    ACTION_WORDS,
    headline,
    interrupted_line,
    risk_list,
    risky_first,
    summary_line,
    targeted_line,
    value,
    visible,
)

_STYLE = {
    "create": "green",
    "update": "yellow",
    "replace": "magenta",
    "delete": "red",
    "move": "cyan",
}
_OP = {"add": ("+", "green"), "remove": ("-", "red"), "change": ("~", "yellow")}


def plain(markup: str) -> str:
    return Text.from_markup(markup).plain


def _symbol(action: str) -> str:
    return f"[{_STYLE[action]}]{SYMBOLS[action]:>3}[/]"


def _header(plan: Plan) -> list[str]:
    env = plan.environment or "default"
    prod = " (production)" if plan.production else ""
    lineage = plan.state.lineage or "none yet"
    return [
        f"engage plan for ecosystem {escape(plan.ecosystem)}, environment {escape(env)}{prod}",
        f"State: {escape(plan.state.location)} (lineage {lineage}, serial {plan.state.serial})",
        "",
    ]


def _legend(plan: Plan) -> list[str]:
    used = [a for a in SYMBOLS if any(c.action == a for c in plan.changes)]
    lines = ["Resource actions are indicated with the following symbols:"]
    lines += [f"{_symbol(a)} {ACTION_WORDS[a]}" for a in used]
    return [*lines, ""]


def _risks(plan: Plan) -> list[str]:
    risky = risky_first(plan.changes)
    if not risky:
        return []
    lines = ["[bold]Risky changes, read these first:[/]"]
    for c in risky:
        lines.append(f"{_symbol(c.action)} {escape(c.address)}  [bold red]({risk_list(c)})[/]")
        lines += [f"        {escape(n)}" for n in [*c.notes, *c.reasons]]
    return [*lines, ""]


def _empty(v: object) -> bool:
    return v is None or v == "" or v == [] or v == {}


def expand(attrs: Sequence[AttributeChange], action: str) -> list[AttributeChange]:
    """For creates and deletes: empty values dropped, mappings opened one level."""
    if action not in ("create", "delete"):
        return list(attrs)
    out: list[AttributeChange] = []
    for a in attrs:
        v = a.after if a.op == "add" else a.before
        if _empty(v):
            continue
        if isinstance(v, dict):
            out += [
                AttributeChange(
                    path=f"{a.path}.{k}", op=a.op, **{"after" if a.op == "add" else "before": v[k]}
                )
                for k in sorted(v)
            ]
        else:
            out.append(a)
    return out


def _attribute(attr: AttributeChange) -> str:
    sign, style = _OP[attr.op]
    if attr.op == "add":
        text = f"{attr.path} = {value(attr.after)}"
    elif attr.op == "remove":
        text = f"{attr.path} = {value(attr.before)} -> null"
    else:
        text = f"{attr.path}: {value(attr.before)} -> {value(attr.after)}"
    note = "  [bold red]# forces replacement[/]" if attr.forces_replacement else ""
    return f"      [{style}]{sign}[/] {escape(text)}{note}"


def _change(index: int, c: Change) -> list[str]:
    risks = f" (risks: {risk_list(c)})" if c.risks else ""
    lines = [f"  [bold]# {index}. {escape(headline(c))}[/]{risks}"]
    lines += [f"  #    because {escape(r)}" for r in c.reasons]
    lines.append(f"{_symbol(c.action)} {escape(c.address)} {{")
    lines += [_attribute(a) for a in expand(c.attributes, c.action)]
    return [*lines, "    }", ""]


def _approvals(plan: Plan, given: Sequence[Approval] | None) -> list[str]:
    if not plan.required_approvals:
        return []
    lines = ["", "Approvals required:"]
    for req in plan.required_approvals:
        who = ", ".join(req.members) or "nobody may approve"
        status = ""
        if given is not None:
            status = f" [{req.count - missing(req, given)} of {req.count} given]"
        lines.append(
            f"  {escape(req.policy)}: {req.count} from {escape(req.group)} ({escape(who)}) "
            f"for {escape(', '.join(req.addresses))}{escape(status)}"
        )
    return lines


def _footer(plan: Plan) -> list[str]:
    lines = [f"[bold]{summary_line(plan)}[/]"]
    if plan.summary.move:
        lines.append(f"{plan.summary.move} resource(s) move to a new address; nothing is lost.")
    if plan.interrupted_apply is not None:
        lines.append(interrupted_line(plan))
    if plan.targets:
        lines.append(f"[yellow]{escape(targeted_line(plan))}[/]")
    return lines


def render_text(plan: Plan, given: Sequence[Approval] | None = None) -> str:
    """The whole plan as rich markup (control characters made visible)."""
    return "".join(text_chunks(plan, given))


def text_chunks(
    plan: Plan, given: Sequence[Approval] | None = None, size: int = 1 << 16
) -> Iterator[str]:
    """`render_text(plan, given)` in pieces of whole lines, each about `size` characters or
    one change's lines if longer. Each piece ends where a change begins, at its `  [bold]`,
    so no markup tag of the whole text spans two pieces (a tag holds no `[` but its first)
    and none is left open at the end of one (every line closes its own): rich renders the
    pieces one by one as it renders the whole text, which is never held whole."""
    pending: list[str] = []
    held = 0
    for part in _render(plan, given):
        if held >= size:
            yield visible("".join(pending))
            pending.clear()
            held = 0
        pending.append(part)
        held += len(part)
    if pending:
        yield visible("".join(pending))


def _conflicts(plan: Plan) -> list[str]:
    """The unsuppressed check findings, errors first (issue 13 restyles this)."""
    if not plan.conflicts:
        return []
    allowed = " (allowed with --allow-conflicts)" if plan.conflicts_allowed else ""
    lines = [f"[bold]Conflicts reported by `engage check`{allowed}:[/]"]
    for c in sorted(plan.conflicts, key=lambda c: c.severity != "error"):
        style = "red" if c.severity == "error" else "yellow"
        where = f"{c.file}:{c.line}:{c.column}: " if c.file else ""
        lines.append(
            f"  [{style}]{c.severity} {c.code}[/] {escape(where)}{escape(c.message)}"
            + (f" ({escape(c.address)})" if c.address else "")
        )
    return [*lines, ""]


def _render(plan: Plan, given: Sequence[Approval] | None) -> Iterator[str]:
    """The text's markup: its head, each change's lines, then its foot, each part whole
    lines ending with a line break."""
    lines = _header(plan) + _conflicts(plan)
    if not plan.has_changes:
        lines.append(
            "No changes. The ecosystem matches the state "
            f"({plan.summary.unchanged} resources up to date)."
        )
        yield _joined(lines)
        return
    if plan.changes:
        lines += _legend(plan) + _risks(plan)
        lines.append("engage will perform the following actions, in this order:")
        lines.append("")
    yield _joined(lines)
    for i, change in enumerate(plan.changes, start=1):
        yield _joined(_change(i, change))
    yield _joined(_footer(plan) + _approvals(plan, given))


def _joined(lines: list[str]) -> str:
    return "".join(f"{line}\n" for line in lines)

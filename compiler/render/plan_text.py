"""A plan as text, Terraform-style: legend, risky changes first, attribute diffs, summary.

The text is built as (text, style) pieces, never as rich markup: user text (names,
descriptions, notes, reasons, the state's location, messages) holding `[` was read as
markup by rich, which raised MarkupError or dropped text, and `rich.markup.escape`
cannot be made safe for every text that follows. `plain()` joins the pieces' text
(golden files, logs, `show --out`); `styled()` makes a rich Text of them for a terminal.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING

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

if TYPE_CHECKING:  # rich is imported only to colour a terminal's text
    from rich.text import Text

Piece = tuple[str, str | None]  # (text, rich style or None); no markup in either
Line = list[Piece]

_STYLE = {
    "create": "green",
    "update": "yellow",
    "replace": "magenta",
    "delete": "red",
    "move": "cyan",
}
_OP = {"add": ("+", "green"), "remove": ("-", "red"), "change": ("~", "yellow")}


def plain(pieces: Sequence[Piece]) -> str:
    """The pieces' text, control characters made visible: what a console without colour
    prints (tabs aside, which a console expands)."""
    return visible("".join(text for text, _ in pieces))


def styled(pieces: Sequence[Piece]) -> Text:
    """The pieces as one rich Text, each piece's text taken as it is (never as markup)."""
    from rich.text import Text

    out = Text()
    for text, style in pieces:
        out.append(visible(text), style)
    return out


def print_chunks(chunks: Iterable[Sequence[Piece]]) -> None:
    """The pieces printed to stdout: without colour (a pipe, a CI log, NO_COLOR) their text
    is written as rich would print it, without rich; on a terminal, each chunk as a rich
    Text."""
    from compiler.render.console import make_console, plain_stream
    from compiler.render.findings_text import as_printed

    stream = plain_stream()
    if stream is not None:
        for chunk in chunks:
            stream.write(as_printed(plain(chunk)))
        stream.flush()
        return
    console = make_console()
    for chunk in chunks:
        console.print(styled(chunk), end="")


def _symbol(action: str) -> Piece:
    return (f"{SYMBOLS[action]:>3}", _STYLE[action])


def _header(plan: Plan) -> list[Line]:
    env = plan.environment or "default"
    prod = " (production)" if plan.production else ""
    lineage = plan.state.lineage or "none yet"
    return [
        [(f"engage plan for ecosystem {plan.ecosystem}, environment {env}{prod}", None)],
        [
            (
                f"State: {plan.state.location} (lineage {lineage}, serial {plan.state.serial})",
                None,
            )
        ],
        [],
    ]


def _legend(plan: Plan) -> list[Line]:
    used = [a for a in SYMBOLS if any(c.action == a for c in plan.changes)]
    lines: list[Line] = [[("Resource actions are indicated with the following symbols:", None)]]
    lines += [[_symbol(a), (f" {ACTION_WORDS[a]}", None)] for a in used]
    return [*lines, []]


def _risks(plan: Plan) -> list[Line]:
    risky = risky_first(plan.changes)
    if not risky:
        return []
    lines: list[Line] = [[("Risky changes, read these first:", "bold")]]
    for c in risky:
        lines.append(
            [_symbol(c.action), (f" {c.address}  ", None), (f"({risk_list(c)})", "bold red")]
        )
        lines += [[(f"        {n}", None)] for n in [*c.notes, *c.reasons]]
    return [*lines, []]


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


def _attribute(attr: AttributeChange) -> Line:
    sign, style = _OP[attr.op]
    if attr.op == "add":
        text = f"{attr.path} = {value(attr.after)}"
    elif attr.op == "remove":
        text = f"{attr.path} = {value(attr.before)} -> null"
    else:
        text = f"{attr.path}: {value(attr.before)} -> {value(attr.after)}"
    line: Line = [("      ", None), (sign, style), (f" {text}", None)]
    if attr.forces_replacement:
        line += [("  ", None), ("# forces replacement", "bold red")]
    return line


def _change(index: int, c: Change) -> list[Line]:
    risks = f" (risks: {risk_list(c)})" if c.risks else ""
    lines: list[Line] = [[("  ", None), (f"# {index}. {headline(c)}", "bold"), (risks, None)]]
    lines += [[(f"  #    because {r}", None)] for r in c.reasons]
    lines.append([_symbol(c.action), (f" {c.address} {{", None)])
    lines += [_attribute(a) for a in expand(c.attributes, c.action)]
    return [*lines, [("    }", None)], []]


def _approvals(plan: Plan, given: Sequence[Approval] | None) -> list[Line]:
    if not plan.required_approvals:
        return []
    lines: list[Line] = [[], [("Approvals required:", None)]]
    for req in plan.required_approvals:
        who = ", ".join(req.members) or "nobody may approve"
        status = ""
        if given is not None:
            status = f" [{req.count - missing(req, given)} of {req.count} given]"
        lines.append(
            [
                (
                    f"  {req.policy}: {req.count} from {req.group} ({who}) "
                    f"for {', '.join(req.addresses)}{status}",
                    None,
                )
            ]
        )
    return lines


def _footer(plan: Plan) -> list[Line]:
    lines: list[Line] = [[(summary_line(plan), "bold")]]
    if plan.summary.move:
        lines.append(
            [(f"{plan.summary.move} resource(s) move to a new address; nothing is lost.", None)]
        )
    if plan.interrupted_apply is not None:
        lines.append([(interrupted_line(plan), None)])
    if plan.targets:
        lines.append([(targeted_line(plan), "yellow")])
    return lines


def render_text(plan: Plan, given: Sequence[Approval] | None = None) -> list[Piece]:
    """The whole plan as (text, style) pieces; `plain()` makes its text."""
    return [piece for chunk in text_chunks(plan, given) for piece in chunk]


def text_chunks(
    plan: Plan, given: Sequence[Approval] | None = None, size: int = 1 << 16
) -> Iterator[list[Piece]]:
    """`render_text(plan, given)` in pieces of whole lines, each about `size` characters of
    text or one change's lines if longer, split where a change begins: a console prints
    them one by one as it prints the whole text, which is never held whole."""
    pending: list[Piece] = []
    held = 0
    for part, length in _render(plan, given):
        if held >= size:
            yield pending
            pending = []
            held = 0
        pending += part
        held += length
    if pending:
        yield pending


def _conflicts(plan: Plan) -> list[Line]:
    """The unsuppressed check findings, errors first (issue 13 restyles this)."""
    if not plan.conflicts:
        return []
    allowed = " (allowed with --allow-conflicts)" if plan.conflicts_allowed else ""
    lines: list[Line] = [[(f"Conflicts reported by `engage check`{allowed}:", "bold")]]
    for c in sorted(plan.conflicts, key=lambda c: c.severity != "error"):
        style = "red" if c.severity == "error" else "yellow"
        where = f"{c.file}:{c.line}:{c.column}: " if c.file else ""
        lines.append(
            [
                ("  ", None),
                (f"{c.severity} {c.code}", style),
                (f" {where}{c.message}" + (f" ({c.address})" if c.address else ""), None),
            ]
        )
    return [*lines, []]


def _render(plan: Plan, given: Sequence[Approval] | None) -> Iterator[tuple[list[Piece], int]]:
    """The text: its head, each change's lines, then its foot, each part whole lines
    ending with a line break, with the length of its text."""
    lines = _header(plan) + _conflicts(plan)
    if not plan.has_changes:
        lines.append(
            [
                (
                    "No changes. The ecosystem matches the state "
                    f"({plan.summary.unchanged} resources up to date).",
                    None,
                )
            ]
        )
        yield _joined(lines)
        return
    if plan.changes:
        lines += _legend(plan) + _risks(plan)
        lines.append([("engage will perform the following actions, in this order:", None)])
        lines.append([])
    yield _joined(lines)
    for i, change in enumerate(plan.changes, start=1):
        yield _joined(_change(i, change))
    yield _joined(_footer(plan) + _approvals(plan, given))


_NEWLINE: Piece = ("\n", None)


def _joined(lines: list[Line]) -> tuple[list[Piece], int]:
    out: list[Piece] = []
    for line in lines:
        out += line
        out.append(_NEWLINE)
    return out, sum(len(text) for text, _ in out)

"""Findings as Markdown for a pull-request comment or a CI step summary.

Never longer than GitHub's comment limit (65,536 characters): the counts always stay,
rows are listed until the budget is spent and a closing line says how many were left
out (`engage check` in a terminal, or `--format json`, lists them all).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from compiler.diagnostics import Finding, Severity

LIMIT = 65_536
_CELL = 1_000  # characters of one message or hint cell

_ICON = {
    Severity.ERROR: ":x:",
    Severity.WARNING: ":warning:",
    Severity.INFO: ":information_source:",
}


def _cell(text: str, budget: int = _CELL) -> str:
    text = text if len(text) <= budget else text[: budget - 3] + "..."
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", "<br>")


def _where(finding: Finding, address: bool = False) -> str:
    where = f"`{finding.span}`" if finding.span else ""
    if address and finding.address:
        where += ("<br>" if where else "") + f"`{_cell(finding.address, 200)}`"
    return where


def _row(finding: Finding, budget: int = _CELL, address: bool = False) -> str:
    related = finding.related[:5]
    notes = "".join(f"<br>↳ {_cell(r.message, budget)} at `{r.span}`" for r in related)
    if len(finding.related) > len(related):
        notes += f"<br>↳ and {len(finding.related) - len(related)} more places"
    return (
        f"| {_ICON[finding.severity]} {finding.code} | {_where(finding, address)} | "
        f"{_cell(finding.message, budget)}{notes} | {_cell(finding.hint, budget)} |"
    )


def finding_rows(
    findings: Sequence[Finding], budget: int = _CELL, address: bool = False
) -> list[str]:
    """Table rows (code, where, finding, how to fix), each cell cut to `budget` characters;
    with `address`, the resource's address under the position (a plan's review)."""
    return [_row(f, budget, address) for f in findings]


def _fit(rows: list[str], budget: int) -> tuple[list[str], int]:
    """The rows that fit in `budget` characters (one newline each), and how many did not."""
    kept: list[str] = []
    for row in rows:
        if len(row) + 1 > budget:
            break
        kept.append(row)
        budget -= len(row) + 1
    return kept, len(rows) - len(kept)


def render_markdown(
    findings: Sequence[Finding], *, title: str = "engage check", limit: int = LIMIT
) -> str:
    """The counts, the active findings, the suppressed ones folded; at most `limit` chars."""
    active = [f for f in findings if f.suppressed is None]
    suppressed = [f for f in findings if f.suppressed is not None]
    counts = Counter(f.severity for f in active)
    lines = [
        f"### {title}",
        "",
        f"**{counts[Severity.ERROR]}** errors, **{counts[Severity.WARNING]}** warnings, "
        f"**{counts[Severity.INFO]}** info, **{len(suppressed)}** suppressed",
        "",
    ]
    note = (
        "> {n} more findings were left out to stay under the {limit:,}-character comment "
        "limit; `engage check` (or `--format json`) lists them all."
    )
    reserve = len(note) + 40 + 400  # the note and the suppressed section's frame
    budget = limit - len("\n".join(lines)) - reserve
    left_out = 0
    if active:
        rows, left_out = _fit(finding_rows(active), budget - 60)
        budget -= sum(len(r) + 1 for r in rows) + 60
        lines += ["| code | where | finding | how to fix |", "|---|---|---|---|", *rows, ""]
    if suppressed:
        rows, more = _fit([_suppressed_row(f) for f in suppressed], budget - 120)
        left_out += more
        lines += [f"<details><summary>{len(suppressed)} suppressed</summary>", ""]
        lines += ["| code | where | finding | reason |", "|---|---|---|---|", *rows]
        lines += ["", "</details>", ""]
    if left_out:
        lines += [note.format(n=left_out, limit=limit), ""]
    return "\n".join(lines)[:limit]


def _suppressed_row(f: Finding) -> str:
    reason = f.suppressed.reason if f.suppressed else ""
    return f"| {f.code} | {_where(f)} | {_cell(f.message)} | {_cell(reason)} |"

"""Findings as Markdown for a pull-request comment or a CI step summary."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from compiler.diagnostics import Finding, Severity

_ICON = {
    Severity.ERROR: ":x:",
    Severity.WARNING: ":warning:",
    Severity.INFO: ":information_source:",
}


def _cell(text: str) -> str:
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", "<br>")


def _where(finding: Finding) -> str:
    return f"`{finding.span}`" if finding.span else ""


def _row(finding: Finding) -> str:
    notes = "".join(f"<br>↳ {_cell(r.message)} at `{r.span}`" for r in finding.related)
    return (
        f"| {_ICON[finding.severity]} {finding.code} | {_where(finding)} | "
        f"{_cell(finding.message)}{notes} | {_cell(finding.hint)} |"
    )


def render_markdown(findings: Sequence[Finding], *, title: str = "engage check") -> str:
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
    if active:
        lines += ["| code | where | finding | how to fix |", "|---|---|---|---|"]
        lines += [_row(f) for f in active]
        lines.append("")
    if suppressed:
        lines += [f"<details><summary>{len(suppressed)} suppressed</summary>", ""]
        lines += ["| code | where | finding | reason |", "|---|---|---|---|"]
        for f in suppressed:
            reason = f.suppressed.reason if f.suppressed else ""
            lines.append(f"| {f.code} | {_where(f)} | {_cell(f.message)} | {_cell(reason)} |")
        lines += ["", "</details>", ""]
    return "\n".join(lines)

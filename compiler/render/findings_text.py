"""Findings as a compiler would print them: code, message, position, source line, hint."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from rich.console import Console
from rich.markup import escape

from compiler import excerpts
from compiler.diagnostics import NO_EXCERPT, Finding, Severity

_STYLE = {Severity.ERROR: "bold red", Severity.WARNING: "bold yellow", Severity.INFO: "bold blue"}


class SourceLines:
    """The source excerpt under a finding: only lines the loader accepted (never a file it
    refused, never a line holding a secret; see compiler/excerpts.py). `files` lets a
    caller that holds the texts itself (docsgen's examples) supply them."""

    def __init__(self) -> None:
        self.files: dict[str, list[str]] = {}

    def line(self, file: str, number: int) -> str | None:
        if file not in self.files:
            return excerpts.line(file, number)
        lines = self.files[file]
        return lines[number - 1] if 0 < number <= len(lines) else None


def _excerpt(console: Console, finding: Finding, sources: SourceLines) -> None:
    span = finding.span
    if span is None or finding.code in NO_EXCERPT:
        return
    text = sources.line(span.file, span.line)
    if text is None or len(text) > 300:
        return
    gutter = len(str(span.line))
    width = 1
    if span.end_line == span.line and span.end_column > span.column:
        width = span.end_column - span.column
    console.print(f"{' ' * gutter} [dim]|[/]")
    console.print(f"[dim]{span.line} |[/] {escape(text)}")
    marker = f"[{_STYLE[finding.severity]}]{'^' * width}[/]"
    console.print(f"{' ' * gutter} [dim]|[/] {' ' * (span.column - 1)}{marker}")


def render_finding(console: Console, finding: Finding, sources: SourceLines) -> None:
    style = _STYLE[finding.severity]
    console.print(
        f"[{style}]{finding.severity.value}[{finding.code}][/] [bold]{escape(finding.message)}[/]"
    )
    if finding.span is not None:
        console.print(f"  [dim]-->[/] {escape(str(finding.span))}")
    _excerpt(console, finding, sources)
    for rel in finding.related:
        console.print(f"  [dim]note:[/] {escape(rel.message)} at {escape(str(rel.span))}")
    if finding.hint:
        console.print(f"  [dim]= hint:[/] {escape(finding.hint)}")
    console.print()


def summary_line(findings: Sequence[Finding]) -> str:
    active = [f for f in findings if f.suppressed is None]
    counts = Counter(f.severity for f in active)
    parts = [
        f"{counts[Severity.ERROR]} error{'s' * (counts[Severity.ERROR] != 1)}",
        f"{counts[Severity.WARNING]} warning{'s' * (counts[Severity.WARNING] != 1)}",
        f"{counts[Severity.INFO]} info",
    ]
    suppressed = len(findings) - len(active)
    if suppressed:
        parts.append(f"{suppressed} suppressed")
    return ", ".join(parts)


def render_findings(
    console: Console, findings: Sequence[Finding], *, show_suppressed: bool = True
) -> None:
    sources = SourceLines()
    for finding in findings:
        if finding.suppressed is None:
            render_finding(console, finding, sources)
    suppressed = [f for f in findings if f.suppressed is not None]
    if suppressed and show_suppressed:
        console.print(f"[dim]Suppressed ({len(suppressed)}):[/]")
        for f in suppressed:
            reason = f.suppressed.reason if f.suppressed else ""
            where = f" at {f.span}" if f.span else ""
            console.print(
                f"  [dim]{f.code} {escape(f.message)}{escape(where)} — reason: {escape(reason)}[/]"
            )
        console.print()

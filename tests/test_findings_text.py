"""The text renderer of findings prints, in one write, the bytes that printing each line
through rich markup printed (the oracle below is that former renderer, line for line)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from rich.console import Console
from rich.markup import escape

from compiler.diagnostics import NO_EXCERPT, Finding, Related, Severity, Span, Suppression
from compiler.render.findings_text import SourceLines, render_findings

_STYLE = {Severity.ERROR: "bold red", Severity.WARNING: "bold yellow", Severity.INFO: "bold blue"}


def _oracle(console: Console, findings: list[Finding], sources: SourceLines) -> None:
    for finding in findings:
        if finding.suppressed is not None:
            continue
        style = _STYLE[finding.severity]
        console.print(
            f"[{style}]{finding.severity.value}[{finding.code}][/] "
            f"[bold]{escape(finding.message)}[/]"
        )
        span = finding.span
        if span is not None:
            console.print(f"  [dim]-->[/] {escape(str(span))}")
        if span is not None and finding.code not in NO_EXCERPT:
            text = sources.line(span.file, span.line)
            if text is not None and len(text) <= 300:
                gutter = len(str(span.line))
                width = 1
                if span.end_line == span.line and span.end_column > span.column:
                    width = span.end_column - span.column
                console.print(f"{' ' * gutter} [dim]|[/]")
                console.print(f"[dim]{span.line} |[/] {escape(text)}")
                marker = f"[{style}]{'^' * width}[/]"
                console.print(f"{' ' * gutter} [dim]|[/] {' ' * (span.column - 1)}{marker}")
        for rel in finding.related:
            console.print(f"  [dim]note:[/] {escape(rel.message)} at {escape(str(rel.span))}")
        if finding.hint:
            console.print(f"  [dim]= hint:[/] {escape(finding.hint)}")
        console.print()
    suppressed = [f for f in findings if f.suppressed is not None]
    if suppressed:
        console.print(f"[dim]Suppressed ({len(suppressed)}):[/]")
        for f in suppressed:
            reason = f.suppressed.reason if f.suppressed else ""
            where = f" at {f.span}" if f.span else ""
            console.print(
                f"  [dim]{f.code} {escape(f.message)}{escape(where)} — reason: {escape(reason)}[/]"
            )
        console.print()


def _console(color: str | None) -> Console:
    return Console(
        file=io.StringIO(),
        color_system=color,  # type: ignore[arg-type]
        highlight=False,
        soft_wrap=True,
        emoji=False,
        width=200,
    )


@pytest.fixture
def findings(tmp_path: Path) -> list[Finding]:
    src = tmp_path / "eco.yaml"
    src.write_text(
        "systems:\n  crm: {type: [bold]x[/bold]}\n\tname:\ttabbed [red]\n  wide: 名前\x07bell\n",
        encoding="utf-8",
    )
    file = src.as_posix()
    return [
        Finding(
            "E1001",
            Severity.ERROR,
            "value [bold]not[/] markup \\[escaped] and a tab\there",
            Span(file, 2, 8, 2, 26),
            hint="hint with [link=x]brackets[/link] and\ra carriage return",
            related=(Related(Span(file, 3, 2), "declared [here]"),),
        ),
        Finding("W2001", Severity.WARNING, "tab line\tand\x1b[31m escape", Span(file, 3, 3)),
        Finding("I3001", Severity.INFO, "wide 名前 line", Span(file, 4, 9, 4, 11)),
        Finding("E4001", Severity.ERROR, "multi\nline\tmessage", None, hint="h"),
        Finding("E5001", Severity.ERROR, "no such line", Span(file, 99, 1)),
        Finding(
            "W6001",
            Severity.WARNING,
            "accepted [x]",
            Span(file, 2, 3),
            suppressed=Suppression("known [issue]\tfor now"),
        ),
        Finding("W6002", Severity.WARNING, "accepted, no span", None, suppressed=Suppression("")),
    ]


@pytest.mark.parametrize("color", [None, "standard", "truecolor"])
def test_same_bytes_as_printing_each_line_through_markup(
    findings: list[Finding], color: str | None
) -> None:
    expected, actual = _console(color), _console(color)
    _oracle(expected, findings, SourceLines())
    render_findings(actual, findings)
    assert isinstance(actual.file, io.StringIO) and isinstance(expected.file, io.StringIO)
    assert actual.file.getvalue() == expected.file.getvalue()
    assert ("\x1b[0m" in actual.file.getvalue()) == (color is not None)


def test_suppressed_hidden_on_request(findings: list[Finding]) -> None:
    console = _console(None)
    render_findings(console, findings, show_suppressed=False)
    assert isinstance(console.file, io.StringIO)
    out = console.file.getvalue()
    assert "E1001" in out and "Suppressed" not in out and "W6001" not in out


def test_nothing_printed_for_no_findings() -> None:
    console = _console(None)
    render_findings(console, [])
    assert isinstance(console.file, io.StringIO)
    assert console.file.getvalue() == ""

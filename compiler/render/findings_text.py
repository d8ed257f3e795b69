"""Findings as a compiler would print them: code, message, position, source line, hint.

The text is built as a list of lines of (text, style) pieces and written to the console
once. Without colour (a pipe, a CI log, NO_COLOR) the plain text goes straight to the
console's file, with what rich would do to it (control codes dropped, tabs expanded),
so the bytes are those rich printed when it rendered each line from markup; with colour,
one rich Text is printed, built from the pieces and their styles (no markup to parse in
computed text). Printing each line through `Console.print` made rendering about 40% of
`engage check` on an ecosystem with thousands of findings.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import TYPE_CHECKING

from compiler import excerpts
from compiler.diagnostics import NO_EXCERPT, Finding, Severity

if TYPE_CHECKING:  # rich is imported only for colour and for lines that need its rules
    from rich.console import Console

    from compiler.render.console import PlainConsole

_STYLE = {Severity.ERROR: "bold red", Severity.WARNING: "bold yellow", Severity.INFO: "bold blue"}

# Characters after which a line needs rich's own treatment (Text drops these control
# codes and expands tabs); any other line is printed as it is.
_SPECIAL = frozenset("\t\x07\x08\x0b\x0c\r")

Piece = tuple[str, str | None]  # (text, rich style or None)

# Lines held before a plain console is written to (`TextOut.spill`): a finding is about
# eight lines.
_SPILL = 512


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


class TextOut:
    """Lines of styled pieces, written to a console in one go."""

    def __init__(self) -> None:
        self.lines: list[list[Piece]] = []

    def line(self, *pieces: Piece) -> None:
        self.lines.append(list(pieces))

    def spill(self, console: Console | PlainConsole) -> None:
        """Without colour, write the lines held so far (unflushed) and forget them: the
        bytes are those one `write` at the end prints, without every finding's pieces
        held at once (issue 11: the peak RSS of `check` at 100,000 resources was in the
        text of its 10,000 findings). With colour, nothing: one rich Text is printed."""
        if len(self.lines) >= _SPILL and console.color_system is None:
            self._write_plain(console)

    def _write_plain(self, console: Console | PlainConsole) -> None:
        console.file.write("".join(_plain(line) + "\n" for line in self.lines))
        self.lines.clear()

    def write(self, console: Console | PlainConsole) -> None:
        if console.color_system is None:
            if self.lines:
                self._write_plain(console)
            console.file.flush()
        elif self.lines:
            from rich.text import Text

            text = Text()
            for number, line in enumerate(self.lines):
                if number:
                    text.append("\n")
                for piece, style in line:
                    text.append(piece, style)
            console.print(text)
        self.lines.clear()


def _plain(line: list[Piece]) -> str:
    return as_printed("".join(piece for piece, _ in line))


def as_printed(joined: str) -> str:
    """Plain text as a rich console without colour prints it (control codes dropped, tabs
    expanded), rich imported only when the text needs it."""
    if _SPECIAL.isdisjoint(joined):
        return joined
    from rich.text import Text

    text = Text(joined)  # drops control codes as rich does
    text.expand_tabs()
    return text.plain


def _excerpt(out: TextOut, finding: Finding, sources: SourceLines) -> None:
    span = finding.span
    if span is None or finding.code in NO_EXCERPT:
        return
    text = sources.line(span.file, span.line)
    if text is None or len(text) > 300:
        return
    gutter = " " * len(str(span.line))
    width = 1
    if span.end_line == span.line and span.end_column > span.column:
        width = span.end_column - span.column
    out.line((f"{gutter} ", None), ("|", "dim"))
    out.line((f"{span.line} |", "dim"), (f" {text}", None))
    out.line(
        (f"{gutter} ", None),
        ("|", "dim"),
        (f" {' ' * (span.column - 1)}", None),
        ("^" * width, _STYLE[finding.severity]),
    )


def finding_lines(out: TextOut, finding: Finding, sources: SourceLines) -> None:
    out.line(
        (f"{finding.severity.value}[{finding.code}]", _STYLE[finding.severity]),
        (" ", None),
        (finding.message, "bold"),
    )
    if finding.span is not None:
        out.line(("  ", None), ("-->", "dim"), (f" {finding.span}", None))
    _excerpt(out, finding, sources)
    for rel in finding.related:
        out.line(("  ", None), ("note:", "dim"), (f" {rel.message} at {rel.span}", None))
    if finding.hint:
        out.line(("  ", None), ("= hint:", "dim"), (f" {finding.hint}", None))
    out.line()


def render_finding(console: Console | PlainConsole, finding: Finding, sources: SourceLines) -> None:
    out = TextOut()
    finding_lines(out, finding, sources)
    out.write(console)


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


def print_pieces(console: Console, *pieces: Piece, **options: bool) -> None:
    """One line of (text, style) pieces printed through rich, its text never read as
    markup (a path, name or message holding `[` is printed as it is)."""
    from rich.text import Text

    console.print(Text.assemble(*pieces), **options)  # type: ignore[arg-type]


def render_findings(
    console: Console | PlainConsole, findings: Sequence[Finding], *, show_suppressed: bool = True
) -> None:
    sources = SourceLines()
    out = TextOut()
    for finding in findings:
        if finding.suppressed is None:
            finding_lines(out, finding, sources)
            out.spill(console)
    suppressed = [f for f in findings if f.suppressed is not None]
    if suppressed and show_suppressed:
        out.line((f"Suppressed ({len(suppressed)}):", "dim"))
        for f in suppressed:
            reason = f.suppressed.reason if f.suppressed else ""
            where = f" at {f.span}" if f.span else ""
            out.line(("  ", None), (f"{f.code} {f.message}{where} — reason: {reason}", "dim"))
            out.spill(console)
        out.line()
    out.write(console)

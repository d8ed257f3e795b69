"""Without colour, the findings' text is written every few hundred lines (`TextOut.spill`),
not held whole to the end (issue 11: check's peak RSS at 100,000 resources was in the
text of its 10,000 findings): the same bytes as one write, flushed once at the end. With
colour, one rich Text is printed, as before."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from rich.console import Console

from compiler.diagnostics import Finding, Related, Severity, Span, Suppression
from compiler.render import findings_text
from compiler.render.console import PlainConsole
from compiler.render.findings_text import render_findings


class _Stream(io.StringIO):
    """A stream recording each write and flush, in order."""

    def __init__(self) -> None:
        super().__init__()
        self.calls: list[str] = []

    def write(self, text: str) -> int:
        self.calls.append("write")
        return super().write(text)

    def flush(self) -> None:
        self.calls.append("flush")
        super().flush()


def _findings(tmp_path: Path, active: int, suppressed: int) -> list[Finding]:
    src = tmp_path / "eco.yaml"
    src.write_text("".join(f"key{i}: value\twith a tab {i}\n" for i in range(50)), "utf-8")
    file = src.as_posix()
    out = [
        Finding(
            f"W{i % 7}00{i % 3}",
            Severity.WARNING if i % 2 else Severity.ERROR,
            f"finding {i} [not markup]\tand a tab",
            Span(file, 1 + i % 50, 3, 1 + i % 50, 9),
            hint=f"hint {i}" if i % 3 else "",
            related=(Related(Span(file, 2, 1), f"related {i}"),) if i % 4 == 0 else (),
        )
        for i in range(active)
    ]
    out += [
        Finding(
            "W9001",
            Severity.WARNING,
            f"accepted {i}",
            Span(file, 1 + i % 50, 1) if i % 2 else None,
            suppressed=Suppression(f"reason {i}"),
        )
        for i in range(suppressed)
    ]
    return out


def _plain(findings: list[Finding]) -> tuple[str, list[str]]:
    stream = _Stream()
    render_findings(PlainConsole(stream), findings)
    return stream.getvalue(), stream.calls


@pytest.mark.parametrize(("active", "suppressed"), [(400, 0), (400, 1500), (0, 1500), (3, 2)])
def test_spilled_text_is_the_text_written_at_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, active: int, suppressed: int
) -> None:
    findings = _findings(tmp_path, active, suppressed)
    spilled, calls = _plain(findings)
    monkeypatch.setattr(findings_text, "_SPILL", 10**9)
    whole, whole_calls = _plain(findings)
    assert spilled == whole and whole
    assert whole_calls == ["write", "flush"]
    assert calls[-1] == "flush" and calls.count("flush") == 1
    lines = whole.count("\n")
    # a write once 512 lines are held (a finding adds at most eight), and the rest at the end
    assert calls.count("write") == (1 if lines < 512 else pytest.approx(lines / 512, abs=2))
    assert calls.count("write") > 1 or lines < 512


def test_each_write_holds_a_bounded_number_of_lines(tmp_path: Path) -> None:
    chunks: list[str] = []

    class Chunks(_Stream):
        def write(self, text: str) -> int:
            chunks.append(text)
            return super().write(text)

    render_findings(PlainConsole(Chunks()), _findings(tmp_path, 1000, 1000))
    assert len(chunks) > 5
    assert max(chunk.count("\n") for chunk in chunks) < 512 + 8


def test_no_findings_write_nothing() -> None:
    stream = _Stream()
    render_findings(PlainConsole(stream), [])
    assert stream.getvalue() == "" and "write" not in stream.calls


@pytest.mark.parametrize("color", [None, "standard"])
def test_rich_consoles_print_the_same_text(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, color: str | None
) -> None:
    findings = _findings(tmp_path, 300, 300)

    def printed() -> str:
        console = Console(
            file=io.StringIO(),
            color_system=color,  # type: ignore[arg-type]
            highlight=False,
            soft_wrap=True,
            emoji=False,
            width=200,
        )
        render_findings(console, findings)
        assert isinstance(console.file, io.StringIO)
        return console.file.getvalue()

    spilled = printed()
    monkeypatch.setattr(findings_text, "_SPILL", 10**9)
    assert printed() == spilled
    assert ("\x1b[" in spilled) == (color is not None)

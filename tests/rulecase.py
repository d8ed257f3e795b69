"""The one helper for rule-case tests: small ecosystems built from real fixture files, the
real `check`, findings by code with file:line:column, and the fire/silent pair.

A suite's case folders (tests/fixtures/<suite>/<case>/) hold only what differs from the
rule fixtures' clean base (tests/fixtures/rules/_base/): `Suite.eco` copies the base to
`tmp_path/eco`, then the suite's base layers (social care's `_care`, Customer 360's
`_view`), then the cases named, a file of the same name replacing the one before.

A firing case names every finding of its code (position and related positions) and every
other code it also shows; its silent twin shows nothing at all. Findings a fixture
suppresses (with a reason) are not findings, but they are named too (`suppressed=`), so a
rule that stops firing behind a suppression is noticed.
"""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from compiler.diagnostics import Finding, Span
from compiler.rules.check import check_path
from compiler.rules.platform import Limits

FIXTURES = Path(__file__).parent / "fixtures"
BASE = FIXTURES / "rules" / "_base"
Position = tuple[str, int, int]  # (file name, line, column)
Located = tuple[Position, tuple[Position, ...]]  # a finding's position and its related ones


class RuleCase(NamedTuple):
    """One rule's firing fixture beside its near-identical silent one."""

    code: str
    fires: str  # case folder; "" is the suite's base alone
    silent: str
    expected: list[Located]  # every finding of `code` in `fires`, in report order
    also: tuple[str, ...] = ()  # the other codes `fires` shows, sorted
    suppressed: tuple[str, ...] = ()  # codes `fires` suppresses, sorted
    silent_suppressed: tuple[str, ...] = ()  # codes `silent` suppresses, sorted


def case_id(case: RuleCase) -> str:
    return f"{case.code}-{case.fires or 'base'}-{case.silent or 'base'}"


def position_of(span: Span) -> Position:
    return (Path(span.file).name, span.line, span.column)


def position(finding: Finding) -> Position:
    assert finding.span is not None, finding
    return position_of(finding.span)


def at(findings: Sequence[Finding], code: str) -> list[Located]:
    """Every finding of `code`: its position and its related positions."""
    return [
        (position(f), tuple(position_of(r.span) for r in f.related))
        for f in findings
        if f.code == code
    ]


def spots(findings: Sequence[Finding]) -> list[tuple[str, int, int]]:
    """(code, line, column) of every finding, in report order; each must have a position."""
    out = []
    for f in findings:
        assert f.span is not None, f
        out.append((f.code, f.span.line, f.span.column))
    return out


def active(findings: Sequence[Finding]) -> list[Finding]:
    """The findings a fixture does not suppress."""
    return [f for f in findings if f.suppressed is None]


def copy_case(eco: Path, root: Path, case: str) -> None:
    for file in sorted((root / case).iterdir()):
        shutil.copy(file, eco / file.name)


def edit(eco: Path, file: str, old: str, new: str, count: int = -1) -> None:
    """Replace `old` (which must be there) by `new` in one of the ecosystem's files."""
    text = (eco / file).read_text(encoding="utf-8")
    assert old in text, (file, old)
    (eco / file).write_text(text.replace(old, new, count), encoding="utf-8")


def suppress(eco: Path, file: str, code: str, reason: str) -> None:
    """Suppress `code`, with its reason, on the last resource of one of the ecosystem's
    files (a resource at two-space indent, its keys at four)."""
    text = (eco / file).read_text(encoding="utf-8")
    assert text.endswith("\n") and text.splitlines()[-1].startswith("    "), (file, text[-80:])
    line = f"    suppress:\n      - {{code: {code}, reason: {reason}}}\n"
    (eco / file).write_text(text + line, encoding="utf-8")


def checked(eco: Path, limits: Limits | None = None) -> list[Finding]:
    """Check an ecosystem that must analyze: every finding, suppressed ones too."""
    result = check_path(eco, limits=limits)
    assert result.analyzed, [f"{f.span} {f.message}" for f in result.findings]
    return list(result.findings)


def refused(eco: Path) -> list[tuple[str, int, int]]:
    """Check an ecosystem that must fail validation: (code, line, column) of its findings
    that have a position."""
    result = check_path(eco)
    assert not result.analyzed
    return [(f.code, f.span.line, f.span.column) for f in result.findings if f.span is not None]


@dataclass(frozen=True)
class Suite:
    """The case folders under `root`, each copied over the rule fixtures' base and the
    suite's own base layers (`layers`: (folder of case folders, case) pairs)."""

    root: Path
    layers: tuple[tuple[Path, str], ...] = ()

    def eco(self, tmp_path: Path, *cases: str) -> Path:
        eco = tmp_path / "eco"
        shutil.copytree(BASE, eco)
        for root, case in self.layers:
            copy_case(eco, root, case)
        for case in cases:
            if case:
                copy_case(eco, self.root, case)
        return eco

    def check(self, tmp_path: Path, *cases: str, limits: Limits | None = None) -> list[Finding]:
        """Every finding (suppressed ones too) of the cases; they must analyze."""
        return checked(self.eco(tmp_path, *cases), limits)

    def fires_and_stays_silent(self, tmp_path: Path, case: RuleCase) -> None:
        """The pair: `fires` shows exactly the expected findings of its code (and the
        codes named besides), each saying how to fix it and where; `silent` shows none."""
        found = self.check(tmp_path / "fires", case.fires)
        shown = active(found)
        assert at(shown, case.code) == case.expected
        assert sorted(f.code for f in shown if f.code != case.code) == list(case.also)
        assert sorted(f.code for f in found if f.suppressed) == list(case.suppressed)
        for f in shown:
            assert f.hint and f.address, f
        quiet = self.check(tmp_path / "silent", case.silent)
        assert [(f.code, f.message) for f in active(quiet)] == []
        assert sorted(f.code for f in quiet if f.suppressed) == list(case.silent_suppressed)

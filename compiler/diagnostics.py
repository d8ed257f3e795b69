"""One finding type for everything, from a YAML syntax error to a consent gap.

Codes follow cfn-lint: the letter is the default severity (E error, W warning, I info),
the first digit the stage or concern:

  0  loading (YAML syntax, limits, includes)
  1  schema (unknown keys, wrong types, missing values)
  2  references and templating (undeclared names, overlays, for_each)
  3  data flow (two writers, cycles, type fit)
  4  integration users and access
  5  duplicate and matching rules
  6  consent
  7  business units, brands and data extensions
  8  data model, privacy and platform limits
  9  governance, hygiene (unused resources), suppressions and internal errors; 991x are
     engage import's findings on retrieved files (they name no YAML position)

Every code is registered once, with a title, rationale and hint; the registry refuses
duplicates and feeds the generated pages under docs/rules/.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from enum import StrEnum


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        return {"error": 3, "warning": 2, "info": 1}[self.value]


@dataclass(frozen=True, slots=True, order=True)
class Span:
    """A region of a source file: 1-based line and column of its first character, and
    `end_line`/`end_column` of the position just after its last one (exclusive, as SARIF's
    endColumn: a key `abc` at column 5 ends at column 8); 0 when the end is unknown."""

    file: str
    line: int
    column: int
    end_line: int = 0
    end_column: int = 0

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}"

    def to_json(self) -> dict[str, object]:
        return {
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "end_line": self.end_line or self.line,
            "end_column": self.end_column or self.column,
        }


@dataclass(frozen=True, slots=True)
class Related:
    span: Span
    message: str

    def to_json(self) -> dict[str, object]:
        return {"message": self.message, **self.span.to_json()}


@dataclass(frozen=True, slots=True)
class Suppression:
    reason: str
    span: Span | None = None


@dataclass(frozen=True, slots=True)
class Finding:
    code: str
    severity: Severity
    message: str
    span: Span | None
    hint: str = ""
    related: tuple[Related, ...] = ()
    address: str = ""
    suppressed: Suppression | None = None
    # The environment whose compilation reported it; None: the base (so every environment
    # whose overlays leave the cause alone has it too).
    environment: str | None = None

    @property
    def sort_key(self) -> tuple[str, int, int, str, str]:
        s = self.span
        return (
            s.file if s else "",
            s.line if s else 0,
            s.column if s else 0,
            self.code,
            self.message,
        )

    def to_json(self) -> dict[str, object]:
        out: dict[str, object] = {
            "code": self.code,
            "severity": self.severity.value,
            "message": self.message,
            "hint": self.hint,
            "address": self.address,
            "location": self.span.to_json() if self.span else None,
            "related": [r.to_json() for r in self.related],
            "environment": self.environment,
        }
        if self.suppressed is not None:
            out["suppressed"] = {"reason": self.suppressed.reason}
        return out


@dataclass(frozen=True, slots=True)
class CodeInfo:
    code: str
    title: str
    rationale: str
    hint: str
    suppressible: bool = True
    category: str = ""

    @property
    def severity(self) -> Severity:
        return {"E": Severity.ERROR, "W": Severity.WARNING, "I": Severity.INFO}[self.code[0]]


@dataclass
class CodeRegistry:
    codes: dict[str, CodeInfo] = field(default_factory=dict)

    def register(self, info: CodeInfo) -> CodeInfo:
        if len(info.code) != 5 or info.code[0] not in "EWI" or not info.code[1:].isdigit():
            raise ValueError(f"malformed finding code {info.code!r}")
        if info.code in self.codes or any(c[1:] == info.code[1:] for c in self.codes):
            raise ValueError(f"finding code {info.code} is registered twice")
        self.codes[info.code] = info
        return info

    def get(self, code: str) -> CodeInfo:
        return self.codes[code]

    def __iter__(self) -> Iterator[CodeInfo]:
        return iter(sorted(self.codes.values(), key=lambda c: c.code))


REGISTRY = CodeRegistry()
# Codes whose source line a renderer must not print (the line holds what must not spread).
NO_EXCERPT: set[str] = set()


def code(
    code_: str, title: str, rationale: str, hint: str, *, suppressible: bool = True
) -> CodeInfo:
    """Register a finding code; call at import time of the module that emits it."""
    categories = {
        "0": "loading",
        "1": "schema",
        "2": "references",
        "3": "data flow",
        "4": "integration users",
        "5": "duplicates",
        "6": "consent",
        "7": "business units",
        "8": "data model",
        "9": "governance",
    }
    info = CodeInfo(code_, title, rationale, hint, suppressible, categories[code_[1]])
    return REGISTRY.register(info)


def make(
    info: CodeInfo,
    message: str,
    span: Span | None,
    *,
    hint: str | None = None,
    related: Iterable[Related] = (),
    address: str = "",
    severity: Severity | None = None,
) -> Finding:
    return Finding(
        code=info.code,
        severity=severity or info.severity,
        message=message,
        span=span,
        hint=info.hint if hint is None else hint,
        related=tuple(related),
        address=address,
    )


def sort_findings(findings: Iterable[Finding]) -> list[Finding]:
    """Deterministic order, duplicates (same code, place and message) dropped."""
    seen: set[tuple[object, ...]] = set()
    out: list[Finding] = []
    for f in sorted(findings, key=lambda f: f.sort_key):
        key = (f.code, f.span, f.message)
        if key not in seen:
            seen.add(key)
            out.append(f)
    return out


def has_errors(findings: Iterable[Finding]) -> bool:
    return any(f.severity is Severity.ERROR and f.suppressed is None for f in findings)

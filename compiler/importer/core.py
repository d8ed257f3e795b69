"""What an importer produces: resources in engage/v1 values, report entries, findings.

Readers (`sfdx.py`, `mcdev.py`) never write files and never raise on bad input: a file
they cannot read becomes a finding with its position, and every element they read is
accounted for in the report as imported, partly imported or not imported, with why.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from compiler.diagnostics import NO_EXCERPT, Finding, Span, code, make
from compiler.model import RESOURCE_SECTIONS

E_BAD_FILE = code(
    "E9910",
    "Imported file cannot be read",
    "A file of the retrieved project is not well-formed XML or JSON, or not the shape its "
    "metadata type has; engage cannot know what it holds, so nothing of it is imported.",
    "Retrieve the component again (`sf project retrieve start`, `mcdev retrieve`) or fix "
    "the file; the position is where the parser stopped.",
)
W_UNKNOWN_TYPE = code(
    "W9911",
    "Unknown metadata type",
    "A folder or file of the retrieved project is not a metadata type engage knows, so it "
    "is not imported; it is listed in the import report.",
    "Nothing to do if the type is not part of the engagement ecosystem; otherwise report "
    "it as a missing importer.",
)
E_BAD_QUERY = code(
    "E9912",
    "Query activity SQL does not parse",
    "The SQL of a query activity could not be parsed as T-SQL, so its data flow (sources, "
    "target columns, filters) is unknown and the query is not imported.",
    "Fix the SQL in Marketing Cloud (Automation Studio validates it on save) and retrieve "
    "again; the position is where the parser stopped.",
)
E_IMPORT_SECRET = code(
    "E9913",
    "Credential in an imported file",
    "A file of the retrieved project holds a password, client secret, token or key. engage "
    "never copies it into the ecosystem it writes, but the credential is in your repository.",
    "Move it out of the project (mcdev keeps credentials in the git-ignored "
    ".mcdev-auth.json; sf keeps them in its own auth store) and rotate it.",
    suppressible=False,
)
NO_EXCERPT.add(E_IMPORT_SECRET.code)  # the line holds the credential: never print it
W_ASK_USER = code(
    "W9914",
    "Integration user not recognised",
    "engage recognises the integration users of an org from the names of their permission "
    "sets (integration, connector, API, sync). An integration that needs a user has none "
    "recognised, so the imported ecosystem names none for it.",
    "Add the integration user to integration_users.yaml (system, username, the permission "
    "set's access) and name it as the integration's `user:`.",
)
E_NOT_A_PROJECT = code(
    "E9915",
    "Not a Salesforce DX or mcdev project",
    "`engage import` reads Salesforce DX projects (with sfdx-project.json) and Marketing "
    "Cloud DevTools projects (with .mcdevrc.json); this path has neither.",
    "Pass the folder that holds sfdx-project.json or .mcdevrc.json.",
)


class Status(StrEnum):
    IMPORTED = "imported"
    PARTIAL = "partly imported"
    NOT_IMPORTED = "not imported"


@dataclass(frozen=True)
class Entry:
    """One element of one source file, and what became of it."""

    file: str
    element: str
    status: Status
    reason: str = ""
    address: str = ""

    def to_json(self) -> dict[str, str]:
        return {
            "file": self.file,
            "element": self.element,
            "status": self.status.value,
            "reason": self.reason,
            "address": self.address,
        }


@dataclass
class Imported:
    """One resource for the writer: section, name, engage/v1 value, where it came from."""

    section: str
    name: str
    value: dict[str, Any]
    source: str
    document: str  # the output file (house layout), e.g. dedupe.yaml


@dataclass
class ImportResult:
    resources: list[Imported] = field(default_factory=list)
    entries: list[Entry] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    # system name → its value (systems.yaml), overlays: file → environment overlay value
    systems: dict[str, dict[str, Any]] = field(default_factory=dict)
    overlay: dict[str, Any] = field(default_factory=dict)
    sources: list[str] = field(default_factory=list)
    # duplicate rule → usernames its filter exempts (`User.Username notEqual …`)
    exemptions: dict[str, list[str]] = field(default_factory=dict)

    def entry(
        self, file: str, element: str, status: Status, reason: str = "", address: str = ""
    ) -> None:
        self.entries.append(Entry(file, element, status, reason, address))

    def add(self, resource: Imported, element: str, partial: list[str] | None = None) -> None:
        self.resources.append(resource)
        address = f"{RESOURCE_SECTIONS[resource.section]}.{resource.name}"
        if partial:
            self.entry(resource.source, element, Status.PARTIAL, "; ".join(partial), address)
        else:
            self.entry(resource.source, element, Status.IMPORTED, "", address)

    def finding(
        self,
        info: Any,
        message: str,
        file: str,
        line: int = 1,
        column: int = 1,
        hint: str | None = None,
    ) -> None:
        self.findings.append(make(info, message, Span(file, line, column), hint=hint))

    def merge(self, other: ImportResult) -> None:
        self.resources.extend(other.resources)
        self.entries.extend(other.entries)
        self.findings.extend(other.findings)
        self.systems.update(other.systems)
        _deep_merge(self.overlay, other.overlay)
        self.sources.extend(other.sources)
        self.exemptions.update(other.exemptions)


def _deep_merge(into: dict[str, Any], other: dict[str, Any]) -> None:
    for key, value in other.items():
        if isinstance(value, dict) and isinstance(into.get(key), dict):
            _deep_merge(into[key], value)
        else:
            into[key] = value


def resource_name(text: str, taken: set[str] | None = None) -> str:
    """A metadata name → an engage resource name (letters, digits, `_`, `-`; 80 at most)."""
    name = re.sub(r"[^A-Za-z0-9_-]+", "_", text).strip("_-") or "imported"
    if not name[0].isalpha():
        name = f"x_{name}"
    name = name[:80]
    if taken is not None:
        base, n = name, 2
        while name.lower() in taken:
            suffix = f"_{n}"
            name, n = base[: 80 - len(suffix)] + suffix, n + 1
        taken.add(name.lower())
    return name

"""What every Salesforce generator shares: API version, project layout, finding helper."""

from __future__ import annotations

from compiler.diagnostics import CodeInfo, Finding, code, make
from compiler.resolved import ResolvedEcosystem
from compiler.spans import Path

API_VERSION = "62.0"
SOURCE_DIR = "force-app/main/default"


def salesforce_systems(resolved: ResolvedEcosystem) -> list[str]:
    systems = resolved.ecosystem.systems
    return sorted(name for name, s in systems.items() if s.type == "salesforce")


def project_prefix(resolved: ResolvedEcosystem, system: str) -> str:
    """Folder of a system's sfdx project inside `salesforce/`: the folder itself when the
    ecosystem has one org, `<system>/` per org when it has several."""
    return "" if len(salesforce_systems(resolved)) <= 1 else f"{system}/"


def source_path(resolved: ResolvedEcosystem, system: str, rest: str) -> str:
    return f"{project_prefix(resolved, system)}{SOURCE_DIR}/{rest}"


def finding(
    resolved: ResolvedEcosystem, info: CodeInfo, message: str, path: Path, address: str = ""
) -> Finding:
    return make(info, message, resolved.span(path), address=address)


W_CLIPPED = code(
    "W8610",
    "Text longer than the platform allows",
    "Salesforce refuses labels over 80 characters and descriptions over 255 (and similar "
    "limits); the generated file carries the text cut to the limit.",
    "Shorten the label or description in the YAML.",
)
E_NO_DEVELOPER_NAME = code(
    "E8611",
    "Name cannot become a Salesforce developer name",
    "Salesforce component names hold letters, digits and single underscores, start with a "
    "letter and are at most 40 (or 80) characters; two resources must not map to one name.",
    "Rename the resource so that it starts with a letter, uses letters, digits, `_` or `-`, "
    "and differs from the others in more than punctuation.",
    suppressible=False,
)


def clipped(
    resolved: ResolvedEcosystem,
    text: str,
    limit: int,
    path: Path,
    what: str,
    findings: list[Finding],
) -> str:
    """`text` cut to `limit` characters, with a W8610 finding when it was longer."""
    if len(text) <= limit:
        return text
    findings.append(
        finding(
            resolved,
            W_CLIPPED,
            f"{what} is {len(text)} characters long; Salesforce allows {limit}, so it is cut",
            path,
        )
    )
    return text[: limit - 1] + "…"

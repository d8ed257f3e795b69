"""Developer names for the components engage generates, checked for validity and collisions."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from compiler.diagnostics import Finding
from compiler.emit.names import developer_name
from compiler.emit.salesforce.common import E_NO_DEVELOPER_NAME, finding
from compiler.resolved import ResolvedEcosystem
from compiler.spans import Path


@dataclass(frozen=True)
class Named:
    """A resource to name: its name, the scope names must be unique in, where it is declared."""

    name: str
    scope: str
    path: Path


def developer_names(
    resolved: ResolvedEcosystem, entries: Iterable[Named], max_length: int = 40
) -> tuple[dict[str, str], list[Finding]]:
    """Resource name → developer name; refused names and collisions become findings."""
    out: dict[str, str] = {}
    findings: list[Finding] = []
    taken: dict[tuple[str, str], str] = {}
    for entry in sorted(entries, key=lambda e: (e.scope, e.name)):
        dev = developer_name(entry.name, max_length)
        if dev is None:
            findings.append(
                finding(
                    resolved,
                    E_NO_DEVELOPER_NAME,
                    f"{entry.name!r} cannot become a Salesforce developer name (letters, digits "
                    f"and single underscores, starting with a letter, {max_length} at most)",
                    entry.path,
                )
            )
            continue
        other = taken.get((entry.scope, dev.lower()))
        if other is not None:
            findings.append(
                finding(
                    resolved,
                    E_NO_DEVELOPER_NAME,
                    f"{entry.name!r} and {other!r} both become the developer name {dev!r} "
                    f"in {entry.scope}",
                    entry.path,
                )
            )
            continue
        taken[(entry.scope, dev.lower())] = entry.name
        out[entry.name] = dev
    return out, findings

"""`engage import`: Salesforce DX and mcdev projects → an engage ecosystem.

`detect` says what a path is; `import_paths` reads every project (sfdx.py, mcdev.py,
lineage.py for query SQL), links what spans them (the Marketing Cloud Connect user, the
CRM the synchronized data extensions come from) and returns one ImportResult; writer.py
writes it in the house layout, report.py says what became of every element.
"""

from __future__ import annotations

import re
from pathlib import Path

from compiler.importer.core import E_NOT_A_PROJECT, W_ASK_USER, Imported, ImportResult, Status

CONNECT_USER = re.compile(r"(?i)marketing|mc_|connect")


def detect(path: Path) -> str | None:
    if (path / "sfdx-project.json").is_file():
        return "sfdx"
    if (path / ".mcdevrc.json").is_file():
        return "mcdev"
    return None


def import_paths(paths: list[Path], labels: list[str] | None = None) -> ImportResult:
    from compiler.importer import mcdev, sfdx

    result = ImportResult()
    for i, path in enumerate(paths):
        label = labels[i] if labels else path.as_posix()
        kind = detect(path)
        if kind == "sfdx":
            result.merge(sfdx.read_project(path, label))
        elif kind == "mcdev":
            result.merge(mcdev.read_project(path, label))
        else:
            result.finding(
                E_NOT_A_PROJECT,
                f"{label}: neither sfdx-project.json nor .mcdevrc.json found",
                label,
            )
    _link(result)
    return result


def exempt(result: ImportResult, usernames: dict[str, str]) -> list[str]:
    """Set `bypass` on the imported duplicate rules whose filter exempts a known username
    (username → integration user); returns the usernames no user has."""
    unknown = []
    for res in result.resources:
        if res.section != "duplicate_rules":
            continue
        names = result.exemptions.get(res.name, [])
        users = sorted({usernames[u] for u in names if u in usernames})
        unknown += [u for u in names if u not in usernames]
        if users:
            res.value["bypass"] = users
    return unknown


def _link(result: ImportResult) -> None:
    connect = next(
        (r for r in result.resources if r.section == "integrations" and r.name == "mc_connect"),
        None,
    )
    if connect is None:
        return
    if "crm" not in result.systems:
        result.systems["crm"] = {
            "type": "salesforce",
            "region": "eu",
            "personal_data": "personal",
            "description": "The org Marketing Cloud Connect synchronizes "
            "(no sfdx project imported).",
        }
    users = sorted(
        r.name
        for r in result.resources
        if r.section == "integration_users" and CONNECT_USER.search(r.name)
    )
    if users:
        connect.value["user"] = users[0]
        return
    result.finding(
        W_ASK_USER,
        "the retrieve has synchronized data extensions (Marketing Cloud Connect) but "
        "no permission set engage recognises as its connector user's",
        connect.source,
        hint="Add the Marketing Cloud Connect user to integration_users.yaml and set "
        "integrations.mc_connect.user.",
    )


__all__ = ["ImportResult", "Imported", "Status", "detect", "import_paths"]

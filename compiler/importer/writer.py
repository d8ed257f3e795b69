"""Writes imported resources as an engage ecosystem in the house layout (like `ecosystem/`).

One file per concern (systems, business units, data model, data extensions per business
unit, integration users, integrations, query sync rules, dedupe), an environment overlay
for the ids that differ per environment (MIDs), and a comment above every resource
naming the file it came from. Output is deterministic: files, sections and resources are
sorted by name; the keys of a resource keep the order the readers give them.
"""

from __future__ import annotations

import io
from collections import defaultdict
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap

from compiler.importer.core import Imported, ImportResult

HEADERS = {
    "ecosystem.yaml": "The imported ecosystem. Review every file, then `engage check`.",
    "systems.yaml": "The clouds the retrieved projects describe.",
    "business_units.yaml": "One business unit per Marketing Cloud business unit of the "
    "mcdev project.",
    "data_model.yaml": "Custom fields of the CRM, from objects/<Object>/fields/.",
    "integration_users.yaml": "Integration users, recognised from their permission sets.",
    "integrations.yaml": "Marketing Cloud Connect and the automations that run query activities.",
    "sync/queries.yaml": "Query activities: the SQL is kept as retrieved; fields, filter and mode "
    "are its data flow, derived from the SQL.",
    "dedupe.yaml": "Matching and duplicate rules, and the custom permissions that exempt from "
    "them.",
    "environments/production.yaml": "Ids that differ per environment (MIDs), as retrieved.",
}


def _yaml() -> YAML:
    yaml = YAML(typ="rt")
    yaml.width = 100
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.default_flow_style = False
    return yaml


def _mapping(value: Any) -> Any:
    """Plain values → ruamel's commented maps (keys in the importer's order)."""
    if isinstance(value, dict):
        out = CommentedMap()
        for key, item in value.items():
            out[key] = _mapping(item)
        return out
    if isinstance(value, list):
        return [_mapping(v) for v in value]
    return value


def _merge_objects(items: list[Imported]) -> list[Imported]:
    merged: dict[str, Imported] = {}
    for item in items:
        if item.section != "objects":
            continue
        if item.name not in merged:
            merged[item.name] = Imported(
                "objects", item.name, {"fields": {}}, item.source, item.document
            )
        merged[item.name].value["fields"].update(item.value.get("fields", {}))
    return [m for m in merged.values()]


def documents(result: ImportResult, name: str) -> dict[str, str]:
    """Output file → its YAML text."""
    by_doc: dict[str, dict[str, list[Imported]]] = defaultdict(lambda: defaultdict(list))
    resources = [r for r in result.resources if r.section != "objects"] + _merge_objects(
        result.resources
    )
    for res in resources:
        by_doc[res.document][res.section].append(res)
    out = {"ecosystem.yaml": _dump(_ecosystem(name, result), "ecosystem.yaml")}
    out["systems.yaml"] = _dump(
        _section("systems", dict(sorted(result.systems.items()))), "systems.yaml"
    )
    for doc, sections in sorted(by_doc.items()):
        body = CommentedMap()
        body["apiVersion"] = "engage/v1"
        for section, items in sorted(sections.items()):
            entries = CommentedMap()
            for res in sorted(items, key=lambda r: r.name):
                value = dict(res.value)
                labels = dict(value.pop("labels", {}))
                labels.setdefault("imported_from", res.source)
                value["labels"] = labels
                entries[res.name] = _mapping(value)
                entries.yaml_set_comment_before_after_key(
                    res.name, before=f"from {res.source}", indent=2
                )
            body[section] = entries
        out[doc] = _dump(body, doc)
    if result.overlay:
        overlay = CommentedMap()
        overlay["apiVersion"] = "engage/v1"
        overlay["environment"] = "production"
        for key, value in result.overlay.items():
            overlay[key] = _mapping(value)
        out["environments/production.yaml"] = _dump(overlay, "environments/production.yaml")
    return out


def _ecosystem(name: str, result: ImportResult) -> CommentedMap:
    body = CommentedMap()
    body["apiVersion"] = "engage/v1"
    body["ecosystem"] = _mapping(
        {
            "name": name,
            "description": "Imported by engage import from "
            + ", ".join(sorted(result.sources))
            + ".",
            "environments": {
                "production": {
                    "description": "The org and account the projects were retrieved from.",
                    "production": True,
                }
            },
        }
    )
    return body


def _section(section: str, items: dict[str, dict[str, Any]]) -> CommentedMap:
    body = CommentedMap()
    body["apiVersion"] = "engage/v1"
    entries = CommentedMap()
    for key, value in items.items():
        entries[key] = _mapping(value)
    body[section] = entries
    return body


def _dump(body: CommentedMap, doc: str) -> str:
    stream = io.StringIO()
    _yaml().dump(body, stream)
    header = HEADERS.get(doc) or "Imported data extensions of one business unit."
    return f"# {header}\n# Written by engage import.\n" + stream.getvalue()


def write(result: ImportResult, out: Path, name: str) -> list[Path]:
    written = []
    for doc, text in sorted(documents(result, name).items()):
        path = out / doc
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written

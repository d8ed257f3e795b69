"""Writes imported resources as an engage ecosystem in the house layout (like `ecosystem/`).

One file per concern (systems, business units, data model, data extensions per business
unit, integration users, integrations, query sync rules, dedupe), an environment overlay
for the ids that differ per environment (MIDs), and a comment above every resource
naming the file it came from. Output is deterministic: files, sections and resources are
sorted by name; the keys of a resource keep the order the readers give them.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from pathlib import Path
from typing import Any

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


# A plain scalar needs no quotes: it starts with a letter or `_`, holds no indicator that
# could end or change it (`: `, ` #`, quotes, brackets) and is no word YAML reads as a
# boolean or null. Anything else is written as a JSON string, which is a valid YAML
# double-quoted scalar; characters YAML does not allow in a stream, and the line breaks
# of YAML 1.1 beyond \n (NEL, U+2028, U+2029), are escaped.
PLAIN = re.compile(r"[^\W\d][\w .,()/@+$-]*")
# Durations (`1d`, `15m`): digits, then a letter no number notation uses (0x, 0o, 0b, 1e3).
DURATION = re.compile(r"[0-9]+[ac-df-nq-wyzAC-DF-NQ-WYZ][A-Za-z0-9]*")
KEYWORDS = frozenset(
    ["y", "n", "yes", "no", "on", "off", "true", "false", "null"]
)  # YAML 1.1 and 1.2 readers alike, any case
NOT_PRINTABLE = re.compile(
    "[^\t\n\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]"
)


def _quoted(text: str) -> str:
    return NOT_PRINTABLE.sub(
        lambda m: f"\\u{ord(m.group()):04x}" if ord(m.group()) < 0x10000 else "?",
        json.dumps(text, ensure_ascii=False),
    )


def scalar(value: Any) -> str:
    """One value on one line, as YAML reads it back."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return json.dumps(value)
    text = str(value)
    if DURATION.fullmatch(text):
        return text
    if PLAIN.fullmatch(text) and text == text.rstrip() and text.lower() not in KEYWORDS:
        return text
    return _quoted(text)


def _literal(text: str) -> str | None:
    """`|` or `|-` when a literal block holds the text exactly (multi-line SQL), else None."""
    if "\n" not in text.rstrip("\n") or text.endswith("\n\n") or text[:1] in (" ", "\t"):
        return None
    if NOT_PRINTABLE.search(text) or "\r" in text or "\t" in text:
        return None
    if any(line.strip() == "" and line for line in text.split("\n")):
        return None
    return "|" if text.endswith("\n") else "|-"


def _lines(value: Any, indent: int, out: list[str], comments: dict[str, str]) -> None:
    """A mapping's entries at `indent` spaces (sequences: dash 2 in, content 4 in)."""
    pad = " " * indent
    for key, item in value.items():
        if key in comments:
            out.append(f"{pad}# {comments[key]}")
        head = f"{pad}{scalar(key)}:"
        if isinstance(item, dict) and item:
            out.append(head)
            _lines(item, indent + 2, out, {})
        elif isinstance(item, list) and item:
            out.append(head)
            _items(item, indent + 2, out)
        elif isinstance(item, str) and (style := _literal(item)):
            out.append(f"{head} {style}")
            out.extend(f"{pad}  {line}" if line else "" for line in item.rstrip("\n").split("\n"))
        else:
            out.append(f"{head} {_empty(item)}")


def _items(value: list[Any], indent: int, out: list[str]) -> None:
    pad = " " * indent
    for item in value:
        if isinstance(item, dict) and item:
            inner: list[str] = []
            _lines(item, indent + 2, inner, {})
            out.append(f"{pad}- {inner[0][indent + 2 :]}")
            out.extend(inner[1:])
        elif isinstance(item, list) and item:
            out.append(f"{pad}-")
            _items(item, indent + 2, out)
        else:
            out.append(f"{pad}- {_empty(item)}")


def _empty(value: Any) -> str:
    if isinstance(value, dict):
        return "{}"
    if isinstance(value, list):
        return "[]"
    return scalar(value)


def _comment(text: str) -> str:
    """A comment stays one line whatever a file name holds."""
    return (
        _quoted(text)[1:-1] if NOT_PRINTABLE.search(text) or "\n" in text or "\r" in text else text
    )


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
        {"apiVersion": "engage/v1", "systems": dict(sorted(result.systems.items()))},
        "systems.yaml",
    )
    for doc, sections in sorted(by_doc.items()):
        body: dict[str, Any] = {"apiVersion": "engage/v1"}
        comments: dict[tuple[str, str], str] = {}
        for section, items in sorted(sections.items()):
            entries: dict[str, Any] = {}
            for res in sorted(items, key=lambda r: r.name):
                value = dict(res.value)
                labels = dict(value.pop("labels", {}))
                labels.setdefault("imported_from", res.source)
                value["labels"] = labels
                entries[res.name] = value
                comments[(section, res.name)] = f"from {_comment(res.source)}"
            body[section] = entries
        out[doc] = _dump(body, doc, comments)
    if result.overlay:
        overlay: dict[str, Any] = {"apiVersion": "engage/v1", "environment": "production"}
        overlay.update(result.overlay)
        out["environments/production.yaml"] = _dump(overlay, "environments/production.yaml")
    return out


def _ecosystem(name: str, result: ImportResult) -> dict[str, Any]:
    return {
        "apiVersion": "engage/v1",
        "ecosystem": {
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
        },
    }


def _dump(
    body: dict[str, Any], doc: str, comments: dict[tuple[str, str], str] | None = None
) -> str:
    """The document as block YAML: top-level keys, each section's resources two spaces in,
    a comment above each resource naming its source."""
    lines: list[str] = []
    for key, value in body.items():
        if isinstance(value, dict) and value:
            lines.append(f"{scalar(key)}:")
            own = {
                name: text for (section, name), text in (comments or {}).items() if section == key
            }
            _lines(value, 2, lines, own)
        else:
            lines.append(f"{scalar(key)}: {_empty(value)}")
    header = HEADERS.get(doc) or "Imported data extensions of one business unit."
    return f"# {header}\n# Written by engage import.\n" + "\n".join(lines) + "\n"


def write(result: ImportResult, out: Path, name: str) -> list[Path]:
    written = []
    for doc, text in sorted(documents(result, name).items()):
        path = out / doc
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written

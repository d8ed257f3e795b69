"""The published JSON Schema of `engage check|validate --format json` (format_version 1).

Regenerate after changing `compiler.render.findings_json`:

    python -m compiler.render.findings_schema   # writes schemas/findings-v1.schema.json

A test fails while the checked-in file differs from what this produces, and validates the
output of both commands, valid and broken, against it.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from compiler.fsutil import write_atomic
from compiler.plan.canonical import pretty_json
from compiler.render.findings_json import FINDINGS_KIND, FORMAT_VERSION

SCHEMA_ID = "https://engage.dev/schemas/findings-v1.schema.json"
SCHEMA_PATH = Path("schemas") / "findings-v1.schema.json"

_POSITION: dict[str, Any] = {
    "type": "object",
    "required": ["file", "line", "column", "end_line", "end_column"],
    "properties": {
        "file": {"type": "string", "description": "Relative to the working directory."},
        "line": {"type": "integer", "minimum": 1},
        "column": {"type": "integer", "minimum": 1},
        "end_line": {"type": "integer", "minimum": 1},
        "end_column": {"type": "integer", "minimum": 1},
    },
}
_COUNT = {"type": "integer", "minimum": 0}


def _finding() -> dict[str, Any]:
    related = {
        "type": "object",
        "required": ["message", *_POSITION["required"]],
        "additionalProperties": False,
        "properties": {"message": {"type": "string"}, **_POSITION["properties"]},
    }
    return {
        "type": "object",
        "required": [
            "code",
            "severity",
            "message",
            "hint",
            "address",
            "location",
            "related",
            "environment",
        ],
        "additionalProperties": False,
        "properties": {
            "code": {"type": "string", "pattern": "^[EWI][0-9]{4}$"},
            "severity": {"enum": ["error", "warning", "info"]},
            "message": {"type": "string"},
            "hint": {"type": "string"},
            "address": {"type": "string", "description": "The resource, '' when none."},
            "location": {"oneOf": [{"type": "null"}, {**_POSITION, "additionalProperties": False}]},
            "related": {"type": "array", "items": related},
            "environment": {
                "type": ["string", "null"],
                "description": "The environment whose compilation reported the finding; "
                "null: the base (and every environment whose overlays leave its cause alone).",
            },
            "suppressed": {
                "type": "object",
                "required": ["reason"],
                "additionalProperties": False,
                "properties": {"reason": {"type": "string", "minLength": 1}},
            },
        },
    }


def findings_schema() -> dict[str, Any]:
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": f"engage findings (format_version {FORMAT_VERSION})",
        "description": "What `engage check --format json` and `engage validate --format json` "
        "print: the findings, suppressed ones included (with their reason), and their counts.",
        "type": "object",
        "required": ["kind", "format_version", "tool", "summary", "findings"],
        "additionalProperties": False,
        "properties": {
            "kind": {"const": FINDINGS_KIND},
            "format_version": {"const": FORMAT_VERSION},
            "tool": {
                "type": "object",
                "required": ["name", "version"],
                "properties": {"name": {"const": "engage"}, "version": {"type": "string"}},
            },
            "valid": {"type": "boolean", "description": "validate: no error was found."},
            "analyzed": {
                "type": "boolean",
                "description": "check: the rules ran (false when validation failed first).",
            },
            "environment": {"type": ["string", "null"], "description": "--env, null without."},
            "environments": {
                "type": "array",
                "items": {"type": "string"},
                "description": "check: every environment compiled ('base' for the base).",
            },
            "files": {"type": "array", "items": {"type": "string"}},
            "summary": {
                "type": "object",
                "required": ["errors", "warnings", "info", "suppressed"],
                "additionalProperties": False,
                "properties": {
                    "errors": _COUNT,
                    "warnings": _COUNT,
                    "info": _COUNT,
                    "suppressed": _COUNT,
                },
            },
            "findings": {"type": "array", "items": _finding()},
        },
    }


def schema_text() -> str:
    return pretty_json(findings_schema())


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    target = Path(args[0]) if args else SCHEMA_PATH
    write_atomic(target, schema_text())
    print(f"wrote {target}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

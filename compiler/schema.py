"""The published JSON Schema of the engage/v1 language, generated from the models.

Base documents validate against the full document schema; overlay documents (those with
`environment:`) hold partial values, so for them every `required` is dropped.
"""

from __future__ import annotations

import copy
import json
from typing import Any

from compiler import API_VERSION
from compiler.model import DocumentModel

SCHEMA_ID = "https://engage.dev/schemas/engage-v1.schema.json"
SCHEMA_FILE = "engage-v1.schema.json"


def _close_pattern_properties(node: Any) -> None:
    """pydantic emits patternProperties for constrained keys; forbid keys that don't match."""
    if isinstance(node, dict):
        if "patternProperties" in node and "additionalProperties" not in node:
            node["additionalProperties"] = False
        for value in node.values():
            _close_pattern_properties(value)
    elif isinstance(node, list):
        for value in node:
            _close_pattern_properties(value)


def _drop_required(node: Any) -> Any:
    """The overlay form of a schema: nothing required. An overlay may leave out a union's
    `type`, so every branch may match: `oneOf` becomes `anyOf`, its discriminator goes."""
    if isinstance(node, dict):
        return {
            "anyOf" if k == "oneOf" else k: _drop_required(v)
            for k, v in node.items()
            if k not in ("required", "discriminator")
        }
    if isinstance(node, list):
        return [_drop_required(v) for v in node]
    return node


def document_schema() -> dict[str, Any]:
    full = DocumentModel.model_json_schema(by_alias=True, mode="validation")
    _close_pattern_properties(full)
    defs = full.pop("$defs", {})
    partial_defs = {f"Partial{k}": _drop_required(v) for k, v in defs.items()}
    partial = _drop_required(copy.deepcopy(full))
    text = json.dumps(partial)
    for name in defs:
        text = text.replace(f'"#/$defs/{name}"', f'"#/$defs/Partial{name}"')
    partial = json.loads(text)
    partial_defs_text = json.dumps(partial_defs)
    for name in defs:
        partial_defs_text = partial_defs_text.replace(
            f'"#/$defs/{name}"', f'"#/$defs/Partial{name}"'
        )
    partial["required"] = ["apiVersion", "environment"]
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": f"engage ecosystem document ({API_VERSION})",
        "description": "One YAML document of an engage ecosystem. Documents with `environment:` "
        "are overlays and may hold partial values.",
        "if": {"required": ["environment"]},
        "then": {"$ref": "#/$defs/Overlay"},
        "else": {"$ref": "#/$defs/Document"},
        "$defs": {
            "Document": full,
            "Overlay": partial,
            **defs,
            **json.loads(partial_defs_text),
        },
    }


def schema_text() -> str:
    return json.dumps(document_schema(), indent=2, sort_keys=True) + "\n"

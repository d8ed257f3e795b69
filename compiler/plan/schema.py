"""The published JSON Schema of saved plans, generated from the pydantic Plan model.

Regenerate after changing `compiler.plan.definition`:

    python -m compiler.plan.schema        # writes schemas/plan-v1.schema.json

A test fails while the checked-in file differs from what this produces.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from compiler.fsutil import write_atomic
from compiler.plan.canonical import pretty_json
from compiler.plan.definition import Plan

SCHEMA_ID = "https://engage.dev/schemas/plan-v1.schema.json"
SCHEMA_PATH = Path("schemas") / "plan-v1.schema.json"


def plan_schema() -> dict[str, Any]:
    schema = Plan.model_json_schema(mode="serialization")
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        **schema,
        "title": "engage saved plan (format_version 1)",
        "description": "What `engage plan --out` writes and `engage show --format json` prints: "
        "the changes in apply order, the state and sources they were computed against, the "
        "approvals they require, and a digest over all of it.",
    }


def schema_text() -> str:
    return pretty_json(plan_schema())


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    target = Path(args[0]) if args else SCHEMA_PATH
    write_atomic(target, schema_text())
    print(f"wrote {target}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

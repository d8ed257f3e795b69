"""Saved plans: JSON with a digest over everything else, checked when read back."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from compiler.fsutil import write_atomic
from compiler.plan.canonical import digest, pretty_json
from compiler.plan.definition import PLAN_FORMAT, PLAN_KIND, Plan
from compiler.plan.errors import PlanError


def plan_document(plan: Plan) -> dict[str, Any]:
    return plan.model_dump(mode="json")


def compute_digest(plan: Plan) -> str:
    return digest(plan.model_dump(mode="json", exclude={"digest"}))


def seal(plan: Plan) -> Plan:
    """The plan with its digest filled in."""
    return plan.model_copy(update={"digest": compute_digest(plan)})


def plan_json(plan: Plan) -> str:
    return pretty_json(plan_document(plan))


def save_plan(plan: Plan, path: Path) -> None:
    write_atomic(path, plan_json(plan))


def _parse(text: str, where: str) -> Plan:
    try:
        data = json.loads(text)
    except ValueError as err:
        raise PlanError(
            f"{where} is not valid JSON ({err})", hint="Run `engage plan` again."
        ) from None
    if not isinstance(data, dict) or data.get("kind") != PLAN_KIND:
        raise PlanError(f'{where} is not an engage plan file (no `"kind": "{PLAN_KIND}"`)')
    if data.get("format_version") != PLAN_FORMAT:
        raise PlanError(
            f"{where} has plan format {data.get('format_version')}; this engage reads "
            f"{PLAN_FORMAT}",
            hint="Make the plan again with this version of engage.",
        )
    try:
        return Plan.model_validate(data)
    except ValidationError as err:
        first = err.errors()[0]
        loc = ".".join(str(p) for p in first["loc"])
        raise PlanError(f"{where} is not a valid plan: {loc}: {first['msg']}") from None


def load_plan(path: Path) -> Plan:
    """Read a plan and check it is exactly what engage wrote."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise PlanError(f"cannot read plan {path}: {err}") from None
    plan = _parse(text, str(path))
    if plan.digest != compute_digest(plan):
        raise PlanError(
            f"{path} was modified after engage wrote it (its digest does not match its content)",
            hint="Never edit a plan by hand: run `engage plan --out ...` again and have it "
            "approved again.",
        )
    return plan

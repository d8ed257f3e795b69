"""Saved plans: JSON with a digest over everything else, checked when read back."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from compiler.fsutil import write_atomic
from compiler.plan.canonical import digest, pretty_sealed
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
    """The plan file's text (its digest, when it holds, spares a second encoding)."""
    return pretty_sealed(plan_document(plan))


def save_plan(plan: Plan, path: Path) -> None:
    try:
        write_atomic(path, plan_json(plan))
    except OSError as err:
        raise PlanError(
            f"cannot save the plan to {path}: {err.strerror or err}",
            hint="Pass an --out file in a folder this user can write (e.g. plans/NAME.plan.json).",
        ) from None


_AGAIN = "Make it again with `engage plan --out ...` (and have it approved again)."


def _parse(text: str, where: str) -> Plan:
    if not text.strip():
        raise PlanError(f"{where} is empty: not an engage plan", hint=_AGAIN)
    try:
        data = json.loads(text)
    except ValueError as err:
        raise PlanError(f"{where} is not valid JSON ({err})", hint=_AGAIN) from None
    if not isinstance(data, dict) or data.get("kind") != PLAN_KIND:
        raise PlanError(
            f'{where} is not an engage plan file (no `"kind": "{PLAN_KIND}"`)',
            hint=f"Pass the file `engage plan --out` wrote. {_AGAIN}",
        )
    if data.get("format_version") != PLAN_FORMAT:
        raise PlanError(
            f"{where} has plan format {data.get('format_version')}; this engage reads "
            f"{PLAN_FORMAT}",
            hint="Make the plan again with this version of engage (`engage plan --out ...`).",
        )
    try:
        return Plan.model_validate(data)
    except ValidationError as err:
        first = err.errors()[0]
        loc = ".".join(str(p) for p in first["loc"])
        raise PlanError(
            f"{where} is not a valid plan: {loc}: {first['msg']}", hint=_AGAIN
        ) from None


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise PlanError(
            f"plan {path} does not exist",
            hint="Check the path; save a plan with `engage plan --out PATH`.",
        ) from None
    except UnicodeDecodeError:
        raise PlanError(f"{path} is not an engage plan (not UTF-8 text)", hint=_AGAIN) from None
    except OSError as err:
        raise PlanError(
            f"cannot read plan {path}: {err.strerror or err}",
            hint="Pass the plan file `engage plan --out` wrote (a readable file).",
        ) from None


def load_plan(path: Path) -> Plan:
    """Read a plan and check it is exactly what engage wrote."""
    plan = _parse(_read(path), str(path))
    if plan.digest != compute_digest(plan):
        raise PlanError(
            f"{path} was modified after engage wrote it (its digest does not match its content)",
            hint="Never edit a plan by hand: run `engage plan --out ...` again and have it "
            "approved again.",
        )
    return plan

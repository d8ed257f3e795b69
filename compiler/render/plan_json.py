"""A plan as JSON for machines: the saved plan document itself, schema-valid and stable."""

from __future__ import annotations

from compiler.plan.definition import Plan
from compiler.plan.planfile import plan_json


def render_json(plan: Plan) -> str:
    return plan_json(plan)

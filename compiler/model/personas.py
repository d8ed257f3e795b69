"""Buyer personas (seed 000, consideration 7): a definition over data a cloud holds.

A persona is decided in one system (the cloud whose segmentation assigns it: a Marketing
Cloud data extension filtered into a journey audience, an Account Engagement dynamic list,
a CRM report or field), on one object of that system, by conditions on its fields, the
way those tools define segments (Marketing Cloud data filters and Account Engagement
dynamic lists are criteria on fields, combined with all/any).
"""

from typing import Literal

from pydantic import Field

from compiler.model.base import NameRef, ObjectName, Resource, Text
from compiler.model.sync import Condition


class Persona(Resource):
    label: Text = Field(default="", description="The persona's name, e.g. Eco homeowner.")
    business_unit: NameRef | None = Field(default=None, description="The brand it belongs to.")
    system: NameRef = Field(description="The system that decides who the persona is.")
    object: ObjectName = Field(
        description="The object or data extension of that system the conditions read."
    )
    match: Literal["all", "any"] = Field(
        default="all", description="all: every condition holds; any: one does."
    )
    conditions: list[Condition] = Field(
        min_length=1, description="Conditions on the object's fields that define it."
    )

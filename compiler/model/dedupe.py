"""Duplicate and matching rules (Salesforce DuplicateRule / MatchingRule semantics)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from compiler.model.base import ApiNameRef, Model, NameRef, Resource, Text

Method = Literal[
    "exact",
    "fuzzy",
    "first_name",
    "last_name",
    "company_name",
    "phone",
    "city",
    "street",
    "zip",
    "title",
]


class MatchItem(Model):
    field: ApiNameRef
    method: Method = "exact"
    blank: Literal["match_blanks", "null_not_allowed"] = "null_not_allowed"


class MatchingRule(Resource):
    system: NameRef
    object: ApiNameRef
    label: Text = ""
    items: list[MatchItem] = Field(min_length=1, max_length=10)
    boolean_filter: Text | None = None
    active: bool = True


class RuleAction(Model):
    action: Literal["allow", "block"] = "allow"
    alert: bool = True
    report: bool = False


class DuplicateRule(Resource):
    system: NameRef
    object: ApiNameRef
    label: Text = ""
    matching_rule: NameRef
    compare_object: ApiNameRef | None = Field(
        default=None, description="Cross-object rule: compare records of `object` against these."
    )
    on_create: RuleAction = Field(default_factory=RuleAction)
    on_update: RuleAction = Field(default_factory=RuleAction)
    bypass: list[NameRef] = Field(
        default_factory=list, description="Integration users this rule does not apply to."
    )
    active: bool = True

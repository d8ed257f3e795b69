"""Governance: the administration committee's groups and the approvals changes need."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from compiler.model.base import Model, Name, NameRef, Text

Risk = Literal["data_loss", "consent", "permissions", "duplicate_rules", "destroy", "personal_data"]
Action = Literal["create", "update", "replace", "delete", "move"]


class Group(Model):
    description: Text = ""
    members: list[NameRef] = Field(min_length=1)


class PolicyMatch(Model):
    risks: list[Risk] = Field(default_factory=list)
    kinds: list[NameRef] = Field(default_factory=list)
    actions: list[Action] = Field(default_factory=list)
    business_units: list[NameRef] = Field(default_factory=list)
    environments: list[NameRef] = Field(default_factory=list)


class Requirement(Model):
    group: NameRef
    count: int = Field(default=1, ge=1, le=20)


class Policy(Model):
    description: Text = ""
    when: PolicyMatch = Field(default_factory=PolicyMatch)
    require: list[Requirement] = Field(min_length=1)


class Governance(Model):
    groups: dict[Name, Group] = Field(default_factory=dict)
    policies: dict[Name, Policy] = Field(default_factory=dict)


class Moved(Model):
    from_: Text = Field(alias="from", description="The old address, e.g. data_extension.old.")
    to: Text

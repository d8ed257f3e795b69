"""Sync rules: what flows from where to where, field by field."""

from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from compiler.model.base import (
    Channel,
    FieldName,
    FieldNameRef,
    Model,
    NameRef,
    ObjectRef,
    Resource,
    Text,
)

Precedence = Literal["source_wins", "target_wins", "most_recent"]
Transform = Literal[
    "none",
    "lower",
    "upper",
    "trim",
    "truncate",
    "e164",
    "iso_country",
    "to_date",
    "to_number",
    "to_boolean",
    "invert",
    "sha256",
]
Scalar = str | int | float | bool


class FieldMapping(Model):
    from_: FieldNameRef | None = Field(default=None, alias="from", description="Source field.")
    value: Scalar | None = Field(default=None, description="A constant instead of a source field.")
    transform: list[Transform] | Transform = "none"
    precedence: Precedence | None = None
    values: dict[Text, Text] = Field(
        default_factory=dict, description="Picklist value translation, source → target."
    )


class Condition(Model):
    field: FieldNameRef
    op: Literal["eq", "ne", "in", "not_in", "gt", "ge", "lt", "le", "is_null", "not_null"] = "eq"
    value: Scalar | list[Scalar] | None = None


class Gate(Model):
    """Which records may cross at all, e.g. only marketing-qualified prospects."""

    marketing_qualified: bool = False
    min_score: int | None = Field(default=None, ge=0)
    min_grade: (
        Literal["A+", "A", "A-", "B+", "B", "B-", "C+", "C", "C-", "D+", "D", "D-", "F"] | None
    ) = None


class Match(Model):
    source: FieldNameRef
    target: FieldNameRef


class KeptQuery(Model):
    """A query activity kept as written (by `engage import`): generate re-emits its SQL,
    key and name instead of building a query from the rule; the rule's fields, filter and
    mode still carry its data flow to the graph and the checks."""

    key: Annotated[str, StringConstraints(min_length=1, max_length=200)] = Field(
        description="The query activity's customer key."
    )
    name: Text = Field(default="", description="Its display name; defaults to the key.")
    sql: Annotated[str, StringConstraints(min_length=1, max_length=200_000)] = Field(
        description="The T-SQL of the query activity, as retrieved."
    )


class SyncRule(Resource):
    integration: NameRef
    source: ObjectRef = Field(description="system.Object, e.g. crm.Contact or mc.newsletter.")
    target: ObjectRef
    direction: Literal["one_way", "two_way"] = "one_way"
    mode: Literal["insert", "update", "upsert", "overwrite"] = Field(
        default="upsert",
        description="insert adds rows, update changes matching rows, upsert does both; "
        "overwrite replaces every row of a data extension target on each run, so records "
        "that no longer qualify (e.g. who opted out) leave it.",
    )
    match: Match | None = None
    fields: dict[FieldName, FieldNameRef | FieldMapping] = Field(
        description="Target field → source field, or a mapping with a transform or precedence."
    )
    precedence: Precedence | None = Field(
        default=None, description="Default precedence for every field of this rule."
    )
    filter: list[Condition] = Field(default_factory=list)
    gate: Gate | None = None
    respect_consent: list[Channel] = Field(
        default_factory=list,
        description="Channels whose opted-out records this rule never selects.",
    )
    order_by: FieldNameRef | None = Field(
        default=None, description="Field deciding the most recent record among duplicates."
    )
    business_unit: NameRef | None = None
    query: KeptQuery | None = Field(
        default=None,
        description="A Marketing Cloud query activity kept as written (imported); only for "
        "rules between objects of one Marketing Cloud system.",
    )

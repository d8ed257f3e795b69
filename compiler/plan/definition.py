"""The Plan: what a saved plan file holds (format_version 1), as frozen pydantic models.

`schemas/plan-v1.schema.json` is generated from these models (`compiler.plan.schema`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Annotated, Any, Literal, Self

from pydantic import BaseModel, ConfigDict, Field

from compiler.model.compact import share
from compiler.model.governance import Risk

PLAN_KIND = "engage-plan"
PLAN_FORMAT = 1
Action = Literal["create", "update", "replace", "delete", "move"]
Op = Literal["add", "remove", "change"]
# The order a reviewer reads risks in: what cannot be undone first.
RISK_ORDER: tuple[str, ...] = (
    "data_loss",
    "destroy",
    "consent",
    "permissions",
    "personal_data",
    "duplicate_rules",
)
SYMBOLS: dict[str, str] = {
    "create": "+",
    "update": "~",
    "replace": "-/+",
    "delete": "-",
    "move": ">",
}


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


# One attribute's change: a slotted frozen dataclass, not a model. A plan holds one per
# top-level attribute of every created resource (148,000 at 10,000 resources), and a model
# cost about 4 µs each to validate. Pydantic validates it inside `Change` when a plan file
# is read (unknown keys refused, as `_Frozen`'s extra="forbid"), passes instances through
# unchecked, serializes it as a mapping and gives it the JSON Schema of the model it
# replaced. No docstring: the schema would carry it as a description.
@dataclass(frozen=True, slots=True)
class AttributeChange:
    __pydantic_config__ = ConfigDict(extra="forbid")

    path: Annotated[str, Field(description="Attribute path, e.g. fields.EmailAddress.length.")]
    op: Op
    before: Any = None
    after: Any = None
    forces_replacement: bool = False
    metadata: Annotated[
        bool, Field(description="Describes the resource only (description, labels...).")
    ] = False


class Change(_Frozen):
    address: str
    kind: str
    action: Action
    previous_address: str | None = Field(
        default=None, description="The address the resource had before a declared move."
    )
    risks: list[Risk] = Field(default_factory=list)
    reasons: list[str] = Field(
        default_factory=list, description="Why the resource must be replaced."
    )
    notes: list[str] = Field(
        default_factory=list, description="What the risks mean here, one sentence each."
    )
    metadata_only: bool = False
    business_units: list[str] = Field(default_factory=list)
    dependencies: list[str] = Field(default_factory=list)
    attributes: list[AttributeChange] = Field(default_factory=list)
    before_digest: str | None = None
    after_digest: str | None = None
    sensitive: bool = Field(default=False, description="Some values were redacted.")
    policies: list[str] = Field(
        default_factory=list, description="Governance policies this change falls under."
    )

    @property
    def symbol(self) -> str:
        return SYMBOLS[self.action]

    def model_post_init(self, context: Any, /) -> None:
        """As `compiler.model.base.Model`'s: the changes given the same fields share one
        set of their names (728 bytes each past four names; a plan holds one change per
        resource, of a few contents), and the field values move into a dict sharing its
        key table with the other changes (`compiler.model.compact.share`). Safe: a change is frozen
        (pydantic adds to the set only on assignment, which it refuses) and `model_copy`
        copies the set before it adds the updated names."""
        share(self)

    def model_copy(self, *, update: Mapping[str, Any] | None = None, deep: bool = False) -> Self:
        """pydantic's copy (the builder adds each change's `policies` so), sharing as a
        validated change does: `model_copy` does not run `model_post_init`."""
        copied = super().model_copy(update=update, deep=deep)
        share(copied)
        return copied


class Summary(_Frozen):
    add: int = 0
    change: int = 0
    replace: int = 0
    destroy: int = 0
    move: int = 0
    unchanged: int = 0


class SourceRef(_Frozen):
    path: str
    digest: str


class StateRef(_Frozen):
    backend: Literal["local"] = "local"
    location: str
    lineage: str | None = Field(description="None: computed against no state at all.")
    serial: int = Field(ge=0)


class Requirement(_Frozen):
    policy: str
    description: str = ""
    group: str
    count: int = Field(ge=1)
    members: list[str] = Field(description="Who may approve: the group as applied.")
    addresses: list[str] = Field(description="The changes that need this approval.")
    signatures: Literal["required", "optional"] = Field(
        default="required",
        description="As the policy declares; apply reads it from the sources, not from here.",
    )


class Conflict(_Frozen):
    """An unsuppressed finding of `check` on the plan's sources."""

    code: str
    severity: Literal["error", "warning"]
    message: str
    address: str = ""
    file: str = ""
    line: int = 0
    column: int = 0


class InterruptedApply(_Frozen):
    """A previous apply stopped midway; its recorded resources still need artifacts."""

    plan_digest: str
    recorded: list[str]
    deleted: list[str] = Field(
        default_factory=list, description="Addresses it removed: deleted or moved away."
    )


class Plan(_Frozen):
    kind: Literal["engage-plan"] = "engage-plan"
    format_version: Literal[1] = 1
    engage_version: str
    ecosystem: str
    environment: str | None
    production: bool = False
    source: SourceRef
    state: StateRef
    summary: Summary
    changes: list[Change] = Field(description="In apply order: dependencies first.")
    required_approvals: list[Requirement] = Field(default_factory=list)
    approvers: dict[str, list[str]] = Field(
        default_factory=dict, description="Every governance group → who may approve for it."
    )
    interrupted_apply: InterruptedApply | None = None
    assumed_empty: list[str] = Field(
        default_factory=list,
        description="Data extensions declared empty (--assume-empty): key changes in place.",
    )
    targets: list[str] = Field(
        default_factory=list,
        description="Made with --target: only these resources and what they depend on are "
        "planned; empty: the whole ecosystem.",
    )
    conflicts: list[Conflict] = Field(
        default_factory=list,
        description="The unsuppressed check findings (errors, warnings) of the sources.",
    )
    conflicts_allowed: bool = Field(
        default=False,
        description="Made with --allow-conflicts despite conflict errors: the policies "
        "covering the conflicting resources must approve it.",
    )
    digest: str = Field(
        default="", description="sha256 of this document's canonical JSON without `digest`."
    )

    @property
    def has_changes(self) -> bool:
        return bool(self.changes) or self.interrupted_apply is not None

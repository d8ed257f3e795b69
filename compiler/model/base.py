"""Shared building blocks of the engage/v1 models: frozen, unknown keys forbidden."""

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from compiler.model.compact import share


class Model(BaseModel):
    """Every model is immutable and refuses keys it does not know."""

    # Keys are validated by their alias only (`from`, `apiVersion`): the Python names
    # (`from_`, `api_version`) are not part of the language and must be unknown keys.
    # Infinite and NaN floats (`.inf`, `.nan` in YAML) mean nothing in an ecosystem and
    # would reach generated SQL; they are refused like any other wrong value.
    model_config = ConfigDict(
        frozen=True,
        extra="forbid",
        validate_by_alias=True,
        validate_by_name=False,
        strict=True,
        allow_inf_nan=False,
    )

    def model_post_init(self, context: Any, /) -> None:
        """Models that were given the same fields share one set of their names
        (`model_fields_set`): past four names a set is 728 bytes, and the models of
        10,000 resources held 28,600 sets, 8.5 MiB, of a few dozen contents (issue 11:
        memory per resource). Safe because the model is frozen (pydantic adds to the
        set only on assignment, which it refuses) and `model_copy` copies the set
        before it adds the updated names.

        Then the field values move into a dict sharing its key table with the other
        models of the class: both halves are `compiler.model.compact.share`."""
        share(self)


# A resource name, the key of a section entry; `name[instance]` is what for_each makes.
NAME_PATTERN = r"^[A-Za-z][A-Za-z0-9_-]{0,79}(\[[A-Za-z0-9_-]{1,80}\])?$"
Name = Annotated[str, StringConstraints(pattern=NAME_PATTERN)]
# A Salesforce-style API name (objects, fields, data extension fields): no quotes,
# brackets or punctuation can reach generated XML or SQL through one.
API_NAME_PATTERN = r"^[A-Za-z][A-Za-z0-9_]{0,79}$"
ApiName = Annotated[str, StringConstraints(pattern=API_NAME_PATTERN)]
# A field name that may hold spaces between its words, as most fields of real Marketing
# Cloud data extensions do ("First Name", "Email Address"): letters, digits, `_` and `-`,
# words separated by single spaces, starting with a letter, at most 128 characters. No
# quote, bracket, dot or control character can reach generated SQL, JSON or Python through
# one; generated SQL brackets every identifier (compiler/emit/sql.py).
FIELD_NAME_PATTERN = r"^[A-Za-z][A-Za-z0-9_-]*(?: [A-Za-z0-9_-]+)*$"
MAX_FIELD_NAME = 128
FIELD_NAME_HINT = (
    "A field name holds letters, digits, '_' and '-', its words separated by single spaces "
    '("First Name"), starts with a letter and has at most 128 characters.'
)
FieldName = Annotated[str, StringConstraints(pattern=FIELD_NAME_PATTERN, max_length=MAX_FIELD_NAME)]
# `system.Object`, e.g. crm.Contact or mc.retail_newsletter[brand_retail].
OBJECT_KEY_PATTERN = (
    r"^[A-Za-z][A-Za-z0-9_-]{0,79}\.[A-Za-z_][A-Za-z0-9_]{0,79}(\[[A-Za-z0-9_-]{1,80}\])?$"
)
ObjectKey = Annotated[str, StringConstraints(pattern=OBJECT_KEY_PATTERN)]
# Values (not keys) may instead hold a `${each...}` placeholder inside a for_each
# definition, so editors validating templates against the schema accept them; assemble
# replaces every placeholder before the models see the value, and reports (E2004) any it
# cannot replace, so no placeholder survives into a compiled ecosystem.
TEMPLATE_ALTERNATIVE = r"\$\{each(\.[A-Za-z0-9_-]+)*\}"


def or_template(pattern: str) -> str:
    return f"(?:{pattern})|{TEMPLATE_ALTERNATIVE}"


NameRef = Annotated[str, StringConstraints(pattern=or_template(NAME_PATTERN))]
ApiNameRef = Annotated[str, StringConstraints(pattern=or_template(API_NAME_PATTERN))]
FieldNameRef = Annotated[
    str, StringConstraints(pattern=or_template(FIELD_NAME_PATTERN), max_length=MAX_FIELD_NAME)
]
ObjectRef = Annotated[str, StringConstraints(pattern=or_template(OBJECT_KEY_PATTERN))]
# An object of a storing system: a Salesforce object, a data extension (also one made by
# for_each, `newsletter[brand]`) or a Marketing Cloud system view such as `_Subscribers`.
ObjectName = Annotated[
    str, StringConstraints(pattern=r"^[A-Za-z_][A-Za-z0-9_]{0,79}(\[[A-Za-z0-9_-]{1,80}\])?$")
]
# 15m, 1h, 24h, 7d, 30s.
Duration = Annotated[str, StringConstraints(pattern=r"^[0-9]{1,6}(s|m|h|d)$")]
Code = Annotated[str, StringConstraints(pattern=r"^[EWI][0-9]{4}$")]
Text = Annotated[str, StringConstraints(max_length=2000)]

PersonalData = Literal["none", "personal", "sensitive"]
Channel = Literal[
    "email", "sms", "whatsapp", "push", "phone", "direct_mail", "social", "web", "advertising"
]


class Suppress(Model):
    """Silence one finding code on this resource, with a reason reviewers can read."""

    code: Code = Field(description="The finding code to suppress, e.g. W9001.")
    reason: Annotated[str, StringConstraints(min_length=3, max_length=500)] = Field(
        description="Why this finding is accepted; shown with every suppressed finding."
    )
    instances: list[Name] | None = Field(
        default=None,
        description="On a for_each template: the business units whose instances it applies "
        "to (every instance when left out).",
    )


ForEach = list[Name] | Literal["*"]


class Resource(Model):
    """Fields every named resource accepts."""

    description: Text = ""
    labels: dict[ApiName, Text] = Field(default_factory=dict)
    protected: bool = Field(
        default=False, description="Refuse plans that would delete or replace this resource."
    )
    suppress: list[Suppress] = Field(default_factory=list)
    for_each: ForEach | None = Field(
        default=None,
        description="Instantiate this definition once per business unit listed ('*' for all); "
        "`${each}` in string values is the business unit's name, `${each.path}` one of its values.",
    )


def duration_seconds(value: str) -> int:
    """'15m' → 900."""
    unit = {"s": 1, "m": 60, "h": 3600, "d": 86400}[value[-1]]
    return int(value[:-1]) * unit

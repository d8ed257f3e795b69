"""Duplicate and matching rules (Salesforce DuplicateRule / MatchingRule semantics), and the
custom permissions orgs exempt users with."""

from typing import Literal

from pydantic import Field

from compiler.model.base import ApiName, ApiNameRef, Model, NameRef, Resource, Text

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


class BypassField(Model):
    """A checkbox that exempts when true: of the running user (User) or of the record."""

    object: ApiNameRef = Field(
        default="User", description="User (the running user) or the rule's own object."
    )
    field: ApiNameRef = Field(description="A checkbox; the rule applies where it is false.")


class Exemptions(Model):
    """Who the rule skips beyond `bypass`: profiles, custom permissions, bypass checkboxes."""

    profiles: list[Text] = Field(
        default_factory=list, description="Profile names whose users the rule skips."
    )
    custom_permissions: list[NameRef] = Field(
        default_factory=list,
        description="Custom permissions (declared in custom_permissions, with a user_field) "
        "whose holders the rule skips.",
    )
    fields: list[BypassField] = Field(
        default_factory=list, description="Bypass checkboxes: the rule skips where one is true."
    )


class DuplicateRule(Resource):
    system: NameRef
    object: ApiNameRef
    label: Text = ""
    matching_rule: NameRef | None = Field(
        default=None,
        description="The matching rule (declared in matching_rules, or a standard one such as "
        "Standard_Contact_Match_Rule_v1_1). Use matching_rules for more than one.",
    )
    matching_rules: list[NameRef] = Field(
        default_factory=list,
        max_length=3,
        description="Up to three matching rules, each comparing against its own object "
        "(e.g. a Lead rule matching leads and contacts); instead of matching_rule.",
    )
    compare_object: ApiNameRef | None = Field(
        default=None, description="Cross-object rule: compare records of `object` against these."
    )
    on_create: RuleAction = Field(default_factory=RuleAction)
    on_update: RuleAction = Field(default_factory=RuleAction)
    security_option: Literal["enforce_sharing_rules", "bypass_sharing_rules"] = Field(
        default="enforce_sharing_rules",
        description="securityOption: whether matches are limited to records the user can see.",
    )
    bypass: list[NameRef] = Field(
        default_factory=list, description="Integration users this rule does not apply to."
    )
    exempt: Exemptions = Field(default_factory=Exemptions)
    active: bool = True

    @property
    def match_rules(self) -> tuple[str, ...]:
        """Every matching rule the duplicate rule uses, in declared order."""
        single = (self.matching_rule,) if self.matching_rule else ()
        return (*single, *self.matching_rules)


class CustomPermission(Resource):
    """A Salesforce CustomPermission, granted to integration users by their permission sets."""

    system: NameRef
    label: Text = ""
    user_field: ApiName | None = Field(
        default=None,
        description="A User formula checkbox ($Permission.<name>) engage generates, so "
        "duplicate-rule conditions, which test fields only, can exempt the holders.",
    )

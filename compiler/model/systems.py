"""Clouds and external systems, each with its region and what personal data it may hold."""

from functools import cached_property
from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from compiler.model.base import (
    ApiName,
    ApiNameRef,
    Channel,
    Model,
    Name,
    NameRef,
    PersonalData,
    Resource,
    Text,
)
from compiler.model.engagement import Customer360
from compiler.model.identity import ProspectDuplicates, SubscriberKeyStrategy
from compiler.model.social import SocialAccount

Region = Annotated[str, StringConstraints(pattern=r"^[a-z]{2,12}(-[a-z0-9]{1,12})?$")]


class SystemBase(Resource):
    region: Region = Field(description="Where the system keeps its data, e.g. eu, us, latam.")
    personal_data: PersonalData = Field(
        default="none",
        description="The most sensitive class of personal data the system may hold.",
    )
    channels: list[Channel] = Field(
        default_factory=list, description="The channels this system sends messages on."
    )
    vendor: Text = ""
    owner: Text = ""


class SalesforceSystem(SystemBase):
    type: Literal["salesforce"]
    products: list[Literal["sales_cloud", "service_cloud", "experience_cloud"]] = Field(
        default_factory=lambda: ["sales_cloud"]  # type: ignore[arg-type]
    )
    org_id: (
        Annotated[str, StringConstraints(pattern=r"^00D[A-Za-z0-9]{12}([A-Za-z0-9]{3})?$")] | None
    ) = None
    person_accounts: bool = Field(default=False, description="Person accounts are enabled.")
    divisions: list[Text] = Field(default_factory=list)
    record_types: dict[ApiName, list[ApiNameRef]] = Field(
        default_factory=dict,
        description="Record types per object, e.g. Account: [Business, Person].",
    )
    standard_objects: list[ApiNameRef] | None = Field(
        default=None,
        description="Standard objects this org uses; default: every object in engage's catalog.",
    )
    field_history: dict[ApiName, list[ApiNameRef]] = Field(
        default_factory=dict, description="Fields with history tracking, per object."
    )
    customer_360: Customer360 | None = Field(
        default=None,
        description="This org is the customers' 360 view: the engagement it receives from "
        "the other clouds, and through which integrations.",
    )


class AccountEngagementBusinessUnit(Model):
    id: (
        Annotated[str, StringConstraints(pattern=r"^0Uv[A-Za-z0-9]{12}([A-Za-z0-9]{3})?$")] | None
    ) = None
    description: Text = ""


class AccountEngagementSystem(SystemBase):
    type: Literal["account_engagement"]
    business_units: dict[Name, AccountEngagementBusinessUnit] = Field(default_factory=dict)
    campaign_record_types: list[ApiName] | None = Field(
        default=None,
        description="CRM campaign record types the connector syncs as connected campaigns "
        "(omitted: every record type; an empty list: none, so no campaign is connected).",
    )
    duplicates: ProspectDuplicates | None = Field(
        default=None,
        description="How the business units tell prospects apart (several per email, the "
        "default, or one).",
    )


class MarketingCloudBusinessUnit(Model):
    mid: int | None = Field(default=None, ge=1, le=9_999_999_999)
    parent: bool = False
    description: Text = ""
    key_strategy: SubscriberKeyStrategy | None = Field(
        default=None,
        description="This unit's subscriber-key strategy, where it differs from the "
        "system's `key_strategy`.",
    )


class MarketingCloudSystem(SystemBase):
    type: Literal["marketing_cloud"]
    business_units: dict[Name, MarketingCloudBusinessUnit] = Field(default_factory=dict)
    subscriber_key: Text = Field(
        default="", description="What the subscriber key holds, e.g. crm:Contact.Id."
    )
    key_strategy: SubscriberKeyStrategy | None = Field(
        default=None,
        description="The subscriber-key strategy of every business unit that declares none "
        "of its own: email, crm_id or external_id.",
    )

    @cached_property
    def parent_unit(self) -> str | None:
        """The Enterprise parent business unit (the first, by name, marked `parent`):
        derived once per system, since every query's location asks for it."""
        return next((n for n, bu in sorted(self.business_units.items()) if bu.parent), None)


class SocialStudioSystem(SystemBase):
    type: Literal["social_studio"]
    workspaces: list[NameRef] = Field(default_factory=list)
    accounts: dict[Name, SocialAccount] = Field(
        default_factory=dict,
        description="The brands' managed social accounts Social Studio monitors.",
    )


class InteractionStudioSystem(SystemBase):
    type: Literal["interaction_studio"]
    datasets: list[NameRef] = Field(default_factory=list)


class ExternalSystem(SystemBase):
    type: Literal["external"]
    category: Literal[
        "call_centre",
        "ecommerce",
        "erp",
        "billing",
        "csv_drop",
        "middleware",
        "martech",
        "advertising",
        "other",
    ]


System = Annotated[
    SalesforceSystem
    | AccountEngagementSystem
    | MarketingCloudSystem
    | SocialStudioSystem
    | InteractionStudioSystem
    | ExternalSystem,
    Field(discriminator="type"),
]

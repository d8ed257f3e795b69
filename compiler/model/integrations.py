"""Integration users, connectors and custom integrations."""

from typing import Literal

from pydantic import Field

from compiler.model.base import ApiName, ApiNameRef, Duration, Model, NameRef, Resource, Text
from compiler.model.social import SocialCare

Access = Literal["read", "create", "edit", "delete", "view_all", "modify_all"]


class ObjectPermission(Model):
    object: list[Access] = Field(default_factory=list)
    fields: dict[ApiName, Literal["read", "edit"]] = Field(default_factory=dict)


class IntegrationUser(Resource):
    system: NameRef
    licence: Literal[
        "salesforce_integration",
        "salesforce",
        "platform",
        "marketing_cloud_api",
        "account_engagement",
        "external",
    ] = "salesforce_integration"
    profile: Text = "Minimum Access - API Only Integrations"
    username: Text = ""
    permissions: dict[ApiName, ObjectPermission] = Field(default_factory=dict)
    user_permissions: list[ApiName] = Field(
        default_factory=lambda: ["ApiEnabled"],
        description="Salesforce user permissions its permission set grants (userPermissions); "
        "least privilege: API access only.",
    )
    custom_permissions: list[NameRef] = Field(
        default_factory=list, description="Custom permissions its permission set grants."
    )
    bypass_fields: list[ApiName] = Field(
        default_factory=list,
        description="User checkboxes set to true on this user (bypass flags that duplicate "
        "rules test).",
    )


class Schedule(Model):
    every: Duration | None = None
    cron: Text | None = None
    realtime: bool = False


class MarketingCloudConnect(Model):
    objects: dict[ApiName, list[ApiNameRef]] = Field(
        description="Objects to synchronise and their fields; each becomes <Object>_Salesforce."
    )
    business_units: list[NameRef] = Field(default_factory=list)
    suffix: Text = Field(default="", description="Synchronized data extension suffix, e.g. _1.")


class SharingRule(Model):
    object: Literal["Lead", "Contact", "Opportunity", "Campaign"]
    field: ApiNameRef
    value: Text


class AccountEngagementConnector(Model):
    business_unit: NameRef = Field(description="The engage business unit this connector serves.")
    creates_leads: bool = True
    sharing_rules: list[SharingRule] = Field(default_factory=list)
    sync_opt_out: bool = True


class FileFeed(Model):
    pattern: Text = Field(description="File name pattern of the extract, e.g. customers_*.csv.")
    delimiter: Literal[",", ";", "|", "\t"] = ","
    encoding: Literal["utf-8", "latin-1", "utf-16"] = "utf-8"
    header: bool = True


class Integration(Resource):
    type: Literal[
        "marketing_cloud_connect",
        "account_engagement_connector",
        "social_studio",
        "interaction_studio",
        "query",
        "custom",
        "middleware",
        "csv_import",
        "api",
    ]
    from_: NameRef = Field(alias="from")
    to: NameRef
    user: NameRef | None = None
    via: NameRef | None = Field(default=None, description="A middleware system this runs through.")
    schedule: Schedule = Field(default_factory=Schedule)
    marketing_cloud_connect: MarketingCloudConnect | None = None
    account_engagement: AccountEngagementConnector | None = None
    file: FileFeed | None = None
    social_care: SocialCare | None = Field(
        default=None,
        description="Social Customer Service: the queues social posts become cases in, and "
        "how personas become contacts (a social_studio integration into Salesforce).",
    )

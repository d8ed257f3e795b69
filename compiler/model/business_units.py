"""Brands and business units, mapped onto every cloud that has them (consideration 6)."""

from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from compiler.model.base import ApiName, ApiNameRef, Model, NameRef, PersonalData, Resource, Text
from compiler.model.unit_data_model import UnitDataModel

Hostname = Annotated[
    str,
    StringConstraints(
        max_length=253, pattern=r"^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$"
    ),
]


class CrmMapping(Model):
    system: NameRef
    division: Text | None = None
    record_types: dict[ApiName, ApiNameRef] = Field(
        default_factory=dict, description="Record type used per object, e.g. Account: Business."
    )


class AccountEngagementMapping(Model):
    system: NameRef
    business_unit: NameRef


class MarketingCloudMapping(Model):
    system: NameRef
    business_unit: NameRef


class SocialStudioMapping(Model):
    system: NameRef
    workspace: NameRef


class InteractionStudioMapping(Model):
    system: NameRef
    dataset: NameRef


class BusinessUnit(Resource):
    brand: Text
    segment: Literal["b2b", "b2c", "both"]
    region: Annotated[str, StringConstraints(pattern=r"^[a-z]{2,12}(-[a-z0-9]{1,12})?$")] | None = (
        None
    )
    personal_data: PersonalData = "personal"
    crm: CrmMapping | None = None
    account_engagement: AccountEngagementMapping | None = None
    marketing_cloud: MarketingCloudMapping | None = None
    social_studio: SocialStudioMapping | None = None
    interaction_studio: InteractionStudioMapping | None = None
    sending_domains: list[Hostname] = Field(default_factory=list)
    web_domain: Hostname | None = None
    data_model: UnitDataModel | None = Field(
        default=None, description="This unit's own data-model decisions (no leads)."
    )

"""The ecosystem itself: name, owners, environments, data-model decisions."""

from typing import Literal

from pydantic import Field

from compiler.model.base import Model, Name, NameRef, Text


class Environment(Model):
    description: Text = ""
    production: bool = Field(default=False, description="Changes here carry production risk.")


class DataModelPolicy(Model):
    """Company-wide decisions on the customer data model (seed 000, considerations 2 and 5)."""

    uses_leads: bool = Field(
        default=True,
        description="False when the company has decided to use no leads at all (contacts only).",
    )
    account_model: Literal["business_accounts", "person_accounts", "both"] = Field(
        default="business_accounts",
        description="B2B business accounts, B2C person accounts, or both.",
    )
    subscriber_key: str | None = Field(
        default=None,
        description="The field every cloud uses as the subscriber key, e.g. crm:Contact.Id.",
    )


class EcosystemMeta(Model):
    name: Text
    description: Text = ""
    owners: list[Text] = Field(default_factory=list)
    environments: dict[Name, Environment] = Field(default_factory=dict)
    default_environment: NameRef | None = None
    data_model: DataModelPolicy = Field(default_factory=DataModelPolicy)

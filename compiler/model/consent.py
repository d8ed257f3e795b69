"""Consent: channels, purposes, where each system stores the choice, how fast it travels."""

from typing import Literal

from pydantic import Field

from compiler.model.base import (
    Channel,
    Duration,
    FieldNameRef,
    Model,
    Name,
    NameRef,
    ObjectName,
    Text,
)
from compiler.model.unit_consent import UnitConsent


class Purpose(Model):
    description: Text = ""
    legal_basis: Literal["consent", "legitimate_interest", "contract"] = "consent"


class Storage(Model):
    object: ObjectName = Field(description="Object or data extension holding the choice.")
    field: FieldNameRef
    polarity: Literal["opt_out", "opt_in", "status"] = Field(
        description="opt_out: true means opted out; opt_in: true means consented; "
        "status: a value from opted_in_values / opted_out_values."
    )
    opted_in_values: list[Text] = Field(default_factory=list)
    opted_out_values: list[Text] = Field(default_factory=list)
    collects: bool = Field(
        default=False, description="This system has its own preference centre and collects changes."
    )


class ChannelConsent(Model):
    system_of_record: NameRef
    purpose: NameRef | None = None
    max_propagation: Duration = Field(
        default="24h", description="Longest time an opt-out may take to reach every sender."
    )
    storage: dict[Name, Storage] = Field(description="Per system, where the choice is kept.")
    per_unit: UnitConsent | None = Field(
        default=None,
        description="Business units whose choice is their own (unsubscribed from one brand, "
        "still subscribed to another), and where each system keeps it.",
    )


class Consent(Model):
    purposes: dict[Name, Purpose] = Field(default_factory=dict)
    channels: dict[Channel, ChannelConsent] = Field(default_factory=dict)

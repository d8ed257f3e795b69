"""Per-brand (per-business-unit) consent: a choice a person makes for one brand only.

A company with several brands lets people unsubscribe from one brand and stay subscribed
to another. The platforms keep such choices per unit: Marketing Cloud records an
unsubscribe for one business unit (`_BusinessUnitUnsubscribes`, BusinessUnitID the unit's
MID; the SOAP API's UnsubscribeBehavior BUSINESS_UNIT_ONLY vs ENTIRE_ENTERPRISE), and
Account Engagement partitions prospects by business unit, so a prospect's Opted Out is the
choice for that unit only. `consent.channels.<channel>.per_unit` declares which business
units keep their own choice and, per system, where that choice is stored.
"""

from typing import Literal

from pydantic import Field

from compiler.model.base import ApiNameRef, Model, Name, NameRef, ObjectName, Text

UnitPolarity = Literal["opt_out", "opt_in", "status", "row"]


class UnitStorage(Model):
    """Where one system keeps the per-unit choice."""

    object: ObjectName = Field(description="Object, data extension or data view holding it.")
    field: ApiNameRef = Field(
        description="The field carrying the choice (for polarity `row`, the subscriber key)."
    )
    polarity: UnitPolarity = Field(
        description="opt_out / opt_in / status as for company-wide storage; row: a row in "
        "`object` means opted out (Marketing Cloud's _BusinessUnitUnsubscribes)."
    )
    opted_in_values: list[Text] = Field(default_factory=list)
    opted_out_values: list[Text] = Field(default_factory=list)
    unit_field: ApiNameRef | None = Field(
        default=None,
        description="The field naming the unit of each choice (BusinessUnitID, the MID, in "
        "Marketing Cloud). Not needed in Account Engagement, whose prospects are per unit.",
    )
    collects: bool = Field(
        default=False, description="People change the per-unit choice in this system."
    )


class UnitConsent(Model):
    """The business units whose choice is their own, and where each system keeps it."""

    business_units: list[NameRef] = Field(
        min_length=1, description="Units a person can opt out of (or into) separately."
    )
    storage: dict[Name, UnitStorage] = Field(
        description="Per system, where the per-unit choice is kept; the channel's "
        "system_of_record masters it."
    )

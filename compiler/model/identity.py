"""How a cloud tells its people apart: Account Engagement's duplicate handling and
Marketing Cloud's subscriber-key strategy.

An Account Engagement business unit either allows several prospects with one email
address (Allow Multiple Prospects with the Same Email Address, "AMPSEA": on by default for
business units created after June 14, 2016, and it cannot be turned off) and then matches
prospects to Salesforce records by CRM ID, or keeps one prospect per email address and
matches by email (Salesforce Help, 'Allowing Multiple Prospects with the Same Email
Address' and 'Considerations for Accounts That Allow Multiple Prospects with the Same
Email Address').
"""

from typing import Literal

from pydantic import Field

from compiler.model.base import Model, Text


class ProspectDuplicates(Model):
    multiple_per_email: bool = Field(
        default=True,
        description="Several prospects may share one email address (AMPSEA, the default "
        "since June 2016); prospects are then matched by CRM ID, not by email.",
    )


KeyKind = Literal["email", "crm_id", "external_id"]


class SubscriberKeyStrategy(Model):
    """What a Marketing Cloud account or business unit uses as the subscriber key.

    Marketing Cloud Connect keys the subscribers it sends to and tracks by the
    18-character Contact, Lead or Person Account id of the CRM record; an account keyed by
    email address or by a customer number of its own holds a second subscriber for every
    person it also reaches through the connector (docs/rules/E5501.md).
    """

    kind: KeyKind = Field(
        description="email (the email address), crm_id (the CRM Contact/Lead/Person Account "
        "id, as Marketing Cloud Connect keys subscribers) or external_id (a customer id "
        "of another system)."
    )
    source: Text | None = Field(
        default=None,
        description="For external_id: the field the key is taken from, e.g. "
        "crm:Contact.Customer_Number__c.",
    )

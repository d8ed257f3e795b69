"""Marketing Cloud system data views, column by column, and where each one answers.

Columns, types and lengths are the documented ones:

* `_Subscribers`: Salesforce Help, *Data View: Subscribers* (mc_as_data_view_subscribers):
  SubscriberID (bigint), DateUndeliverable, DateJoined, DateUnsubscribed (smalldatetime,
  nullable), Domain nvarchar(254) nullable, EmailAddress nvarchar(254), BounceCount
  smallint, SubscriberKey nvarchar(254), SubscriberType varchar(100), Status varchar(12)
  nullable (active, held, unsubscribed or bounced). There is no `Id` column. "This data view
  only returns results at the Enterprise level, and not for child business units": a child
  unit's query reads it as `ENT._Subscribers`.
* `_BusinessUnitUnsubscribes`: the unsubscribes of each business unit of an Enterprise
  account: BusinessUnitID (the MID of the unit), SubscriberID, SubscriberKey
  nvarchar(254), UnsubDateUTC, UnsubReason nvarchar(100). Like `_Subscribers` it can only
  be queried in the parent account, so a child reads `ENT._BusinessUnitUnsubscribes`
  (Salesforce Help, *Data View: Business Unit Unsubscribes*; the column list as published
  in amarketingautomation.com's data view series).
* `_MobileSubscribers` is not a data view: it is engage's simplified name for the
  MobileConnect subscription status Marketing Cloud spreads over `_MobileAddress` and
  `_MobileSubscription`, used as consent storage only; no query reads it
  (compiler.emit.marketing_cloud.consent refuses it as a query source).

`ENTERPRISE_VIEWS` lists the views that answer only in the parent business unit; see
compiler/mclocation.py for the one model of where Marketing Cloud data lives.
"""

from __future__ import annotations

from compiler.model.data_model import FieldDef, ObjectDef


def _text(label: str, length: int, *, required: bool = False, description: str = "") -> FieldDef:
    return FieldDef(
        type="text", label=label, length=length, required=required, description=description
    )


def _number(label: str, *, required: bool = False, unique: bool = False) -> FieldDef:
    return FieldDef(type="number", label=label, precision=18, scale=0, required=required,
                    unique=unique)  # fmt: skip


def _date(label: str) -> FieldDef:
    return FieldDef(type="datetime", label=label)


SUBSCRIBERS = ObjectDef(
    label="All Subscribers",
    description="The _Subscribers system data view: email subscription status in the "
    "Enterprise account (All Subscribers). Unsubscribes here do not reach the CRM by "
    "themselves.",
    personal_data="personal",
    fields={
        "SubscriberID": _number("Subscriber ID", required=True, unique=True),
        "DateUndeliverable": _date("Date Undeliverable"),
        "DateJoined": _date("Date Joined"),
        "DateUnsubscribed": _date("Date Unsubscribed"),
        "Domain": _text("Domain", 254),
        "EmailAddress": FieldDef(
            type="email",
            label="Email Address",
            length=254,
            required=True,
            personal_data="personal",
            format="email",
        ),
        "BounceCount": _number("Bounce Count", required=True),
        "SubscriberKey": FieldDef(
            type="text",
            label="Subscriber Key",
            length=254,
            required=True,
            unique=True,
            description="The key every send relates to; engage recommends the CRM Contact Id.",
        ),
        "SubscriberType": _text("Subscriber Type", 100, required=True),
        "Status": FieldDef(
            type="picklist",
            label="Status",
            length=12,
            values=["Active", "Bounced", "Held", "Unsubscribed"],
            restricted=True,
        ),
    },
)

BUSINESS_UNIT_UNSUBSCRIBES = ObjectDef(
    label="Business Unit Unsubscribes",
    description="The _BusinessUnitUnsubscribes system data view: who unsubscribed from which "
    "business unit (BusinessUnitID is the unit's MID).",
    personal_data="personal",
    fields={
        "BusinessUnitID": _number("Business Unit ID", required=True),
        "SubscriberID": _number("Subscriber ID", required=True),
        "SubscriberKey": _text("Subscriber Key", 254, required=True),
        "UnsubDateUTC": _date("Unsubscribe Date (UTC)"),
        "UnsubReason": _text("Unsubscribe Reason", 100),
    },
)

MOBILE_SUBSCRIBERS = ObjectDef(
    label="Mobile Subscribers",
    description="MobileConnect subscribers (engage's view over _MobileAddress and "
    "_MobileSubscription): SMS opt status per number.",
    personal_data="personal",
    fields={
        "Id": FieldDef(
            type="text",
            label="Contact ID",
            length=18,
            unique=True,
            description="Set by Marketing Cloud.",
        ),
        "SubscriberKey": FieldDef(
            type="text", label="Subscriber Key", length=254, required=True, unique=True
        ),
        "Mobile": FieldDef(
            type="phone",
            label="Mobile Number",
            length=15,
            required=True,
            personal_data="personal",
            format="phone_e164",
        ),
        "Status": FieldDef(
            type="picklist",
            label="Status",
            length=255,
            values=["Active", "Unsubscribed", "Held"],
            restricted=True,
        ),
        "OptInDate": _date("Opt-in Date"),
        "OptOutDate": _date("Opt-out Date"),
        "CreatedDate": _date("Created Date"),
        "LastModifiedDate": _date("Modified Date"),
    },
)

MARKETING_CLOUD_OBJECTS: dict[str, ObjectDef] = {
    "_Subscribers": SUBSCRIBERS,
    "_BusinessUnitUnsubscribes": BUSINESS_UNIT_UNSUBSCRIBES,
    "_MobileSubscribers": MOBILE_SUBSCRIBERS,
}

# Data views that return results only in the Enterprise (parent) business unit.
ENTERPRISE_VIEWS = frozenset({"_Subscribers", "_BusinessUnitUnsubscribes"})

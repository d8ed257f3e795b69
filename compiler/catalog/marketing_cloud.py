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

* The tracking, send, journey, list and SMS views, column by column in the documented
  order, with the documented SQL types mapped to engage's (int/bigint/smallint → number,
  nvarchar(n)/varchar(n) → text of n, varchar(max)/nvarchar(max) → long text of 131,072, datetime →
  datetime, bit → checkbox, uniqueidentifier → text of 36), nullable columns not required:
  Salesforce Help, *Data View: Sent* (mc_as_data_view_sent), *Open*, *Click*, *Bounce*,
  *Unsubscribe*, *Complaint*, *Job*, *Journey*, *Journey Activity*, *List Subscribers*,
  *SMSMessageTracking*, *SMSSubscriptionLog* (help.salesforce.com, articleView?id=
  mktg.mc_as_data_view_<name>.htm; the Bounce and Click pages quoted in docs/generate.md),
  cross-read with the column tables of mateuszdabrowski.pl/docs/config/sfmc-system-data-views
  and dataviews.pro. The tracking views answer in every business unit, for that unit's sends
  (`OYBAccountID` names the child unit when the parent reads them): a query reads them
  unqualified in its own unit.
* Not in the catalog: `_EnterpriseAttribute` (its only fixed column is `_SubscriberID`, the
  rest are the account's profile attributes) and `_MobileAddress` / `_MobileSubscription`
  (every column starts with `_`, `_MobileNumber`, `_OptOutStatusID`…), because an engage
  field name starts with a letter; a query reading them is reported as reading an unknown
  object. Journey and automation instance views (`_AutomationInstance`…) are left out until a
  rule needs them.

`ENTERPRISE_VIEWS` lists the views that answer only in the parent business unit; see
compiler/mclocation.py for the one model of where Marketing Cloud data lives.
"""

from __future__ import annotations

import re

from compiler.model.data_model import FieldDef, ObjectDef


def _text(label: str, length: int, *, required: bool = False, description: str = "") -> FieldDef:
    return FieldDef(
        type="text", label=label, length=length, required=required, description=description
    )


def _number(label: str, *, required: bool = False, unique: bool = False) -> FieldDef:
    return FieldDef(type="number", label=label, precision=18, scale=0, required=required,
                    unique=unique)  # fmt: skip


def _date(label: str, *, required: bool = False) -> FieldDef:
    return FieldDef(type="datetime", label=label, required=required)


def _flag(label: str, *, required: bool = False) -> FieldDef:
    return FieldDef(type="checkbox", label=label, required=required)


def _long(label: str) -> FieldDef:
    """varchar(max) / nvarchar(max): as long as engage's longest text (query activities cut
    it with LEFT() to the target's length)."""
    return FieldDef(type="long_text", label=label, length=131072)


def _guid(label: str, *, required: bool = False) -> FieldDef:
    return _text(label, 36, required=required)


def _label(name: str) -> str:
    """`TriggeredSendCustomerKey` → `Triggered Send Customer Key` (IDs kept whole)."""
    return re.sub(r"(?<=[a-z])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", " ", name)


# One column: (name, kind, length, required). Kinds: n number, t text of length, l long
# text, d datetime, b checkbox, g uniqueidentifier.
Column = tuple[str, str, int, bool]


def _columns(columns: list[Column]) -> dict[str, FieldDef]:
    out: dict[str, FieldDef] = {}
    for name, kind, length, required in columns:
        label = _label(name)
        if kind == "n":
            out[name] = _number(label, required=required)
        elif kind == "t":
            out[name] = _text(label, length, required=required)
        elif kind == "l":
            out[name] = _long(label)
        elif kind == "d":
            out[name] = _date(label, required=required)
        elif kind == "b":
            out[name] = _flag(label, required=required)
        else:
            out[name] = _guid(label, required=required)
    return out


def _view(label: str, description: str, columns: list[Column], personal: bool) -> ObjectDef:
    return ObjectDef(
        label=label,
        description=description,
        personal_data="personal" if personal else "none",
        fields=_columns(columns),
    )


# Every email tracking view starts with these (AccountID … Domain); OYBAccountID is null in
# a child unit's own rows.
_SEND: list[Column] = [
    ("AccountID", "n", 0, True), ("OYBAccountID", "n", 0, False), ("JobID", "n", 0, True),
    ("ListID", "n", 0, True), ("BatchID", "n", 0, True), ("SubscriberID", "n", 0, True),
    ("SubscriberKey", "t", 254, True), ("EventDate", "d", 0, True),
]  # fmt: skip
_TRIGGERED: list[Column] = [
    ("TriggererSendDefinitionObjectID", "g", 0, False),
    ("TriggeredSendCustomerKey", "t", 36, False),
]
_DOMAIN: Column = ("Domain", "t", 128, True)
_UNIQUE: Column = ("IsUnique", "b", 0, True)


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

SENT = _view(
    "Sent", "The _Sent data view: one row per email sent (six months).",
    [*_SEND, _DOMAIN, *_TRIGGERED], True,
)  # fmt: skip
OPEN = _view(
    "Open", "The _Open data view: email opens (six months).",
    [*_SEND, _DOMAIN, _UNIQUE, *_TRIGGERED], True,
)  # fmt: skip
CLICK = _view(
    "Click", "The _Click data view: link clicks (six months).",
    [*_SEND, _DOMAIN, ("URL", "t", 900, False), ("LinkName", "t", 1024, False),
     ("LinkContent", "l", 0, False), _UNIQUE, *_TRIGGERED], True,
)  # fmt: skip
BOUNCE = _view(
    "Bounce", "The _Bounce data view: hard, soft and block bounces (six months).",
    [*_SEND, _UNIQUE, _DOMAIN, ("BounceCategoryID", "n", 0, True),
     ("BounceCategory", "t", 50, False), ("BounceSubcategoryID", "n", 0, False),
     ("BounceSubcategory", "t", 50, False), ("BounceTypeID", "n", 0, True),
     ("BounceType", "t", 50, False), ("SMTPBounceReason", "l", 0, False),
     ("SMTPMessage", "t", 1000, False), ("SMTPCode", "n", 0, False), *_TRIGGERED], True,
)  # fmt: skip
UNSUBSCRIBE = _view(
    "Unsubscribe", "The _Unsubscribe data view: unsubscribes from a send (six months).",
    [*_SEND, _UNIQUE, _DOMAIN], True,
)  # fmt: skip
COMPLAINT = _view(
    "Complaint", "The _Complaint data view: spam complaints (six months).",
    [*_SEND, _UNIQUE, _DOMAIN], True,
)  # fmt: skip
JOB = _view(
    "Job", "The _Job data view: one row per email send job, with its email's properties.",
    [("JobID", "n", 0, True), ("EmailID", "n", 0, False), ("AccountID", "n", 0, True),
     ("AccountUserID", "n", 0, False), ("FromName", "t", 130, False),
     ("FromEmail", "t", 100, False), ("SchedTime", "d", 0, False),
     ("PickupTime", "d", 0, False), ("DeliveredTime", "d", 0, False),
     ("EventID", "t", 50, False), ("IsMultipart", "b", 0, True), ("JobType", "t", 50, False),
     ("JobStatus", "t", 50, False), ("ModifiedBy", "n", 0, False),
     ("ModifiedDate", "d", 0, False), ("EmailName", "t", 100, False),
     ("EmailSubject", "t", 200, False), ("IsWrapped", "b", 0, True),
     ("TestEmailAddr", "t", 128, False), ("Category", "t", 100, True),
     ("BccEmail", "t", 100, False), ("OriginalSchedTime", "d", 0, False),
     ("CreatedDate", "d", 0, True), ("CharacterSet", "t", 30, False),
     ("IPAddress", "t", 50, False), ("SalesForceTotalSubscriberCount", "n", 0, True),
     ("SalesForceErrorSubscriberCount", "n", 0, True), ("SendType", "t", 128, True),
     ("DynamicEmailSubject", "l", 0, False), ("SuppressTracking", "b", 0, True),
     ("SendClassificationType", "t", 32, False), ("SendClassification", "t", 36, False),
     ("ResolveLinksWithCurrentData", "b", 0, True), ("EmailSendDefinition", "t", 36, False),
     ("DeduplicateByEmail", "b", 0, True), *_TRIGGERED], False,
)  # fmt: skip
JOURNEY = _view(
    "Journey", "The _Journey data view: every version of every journey of the unit.",
    [("VersionID", "g", 0, True), ("JourneyID", "g", 0, True),
     ("JourneyName", "t", 200, True), ("VersionNumber", "n", 0, True),
     ("CreatedDate", "d", 0, True), ("LastPublishedDate", "d", 0, False),
     ("ModifiedDate", "d", 0, True), ("JourneyStatus", "t", 100, True)], False,
)  # fmt: skip
JOURNEY_ACTIVITY = _view(
    "Journey Activity", "The _JourneyActivity data view: the activities of each journey "
    "version (JourneyActivityObjectID is the TriggererSendDefinitionObjectID of its sends).",
    [("VersionID", "g", 0, True), ("ActivityID", "g", 0, True),
     ("ActivityName", "t", 200, False), ("ActivityExternalKey", "t", 200, True),
     ("JourneyActivityObjectID", "g", 0, False), ("ActivityType", "t", 512, False)], False,
)  # fmt: skip
LIST_SUBSCRIBERS = _view(
    "List Subscribers", "The _ListSubscribers data view: subscribers of each list, with "
    "their status on that list.",
    [("AddedBy", "n", 0, True), ("AddMethod", "t", 17, True), ("CreatedDate", "d", 0, True),
     ("DateUnsubscribed", "d", 0, False), ("EmailAddress", "t", 254, True),
     ("ListID", "n", 0, True), ("ListName", "t", 50, True), ("ListType", "t", 16, True),
     ("Status", "t", 12, True), ("SubscriberID", "n", 0, True),
     ("SubscriberKey", "t", 254, True), ("SubscriberType", "t", 100, True)], True,
)  # fmt: skip
SMS_MESSAGE_TRACKING = _view(
    "SMS Message Tracking", "The _SMSMessageTracking data view: every MobileConnect message "
    "sent or received (six months).",
    [("MobileMessageTrackingID", "n", 0, True), ("EID", "n", 0, False),
     ("MID", "n", 0, False), ("Mobile", "t", 15, True), ("MessageID", "n", 0, False),
     ("KeywordID", "g", 0, False), ("CodeID", "g", 0, False),
     ("ConversationID", "g", 0, False), ("CampaignID", "n", 0, False),
     ("Sent", "b", 0, False), ("Delivered", "b", 0, False), ("Undelivered", "b", 0, False),
     ("Outbound", "b", 0, False), ("Inbound", "b", 0, False),
     ("CreateDateTime", "d", 0, True), ("ModifiedDateTime", "d", 0, True),
     ("ActionDateTime", "d", 0, True), ("MessageText", "t", 160, False),
     ("IsTest", "b", 0, True), ("MobileMessageRecurrenceID", "n", 0, False),
     ("ResponseToMobileMessageTrackingID", "n", 0, False), ("IsValid", "b", 0, False),
     ("InvalidationCode", "n", 0, False), ("SendID", "n", 0, False),
     ("SendSplitID", "n", 0, False), ("SendSegmentID", "n", 0, False),
     ("SendJobID", "n", 0, False), ("SendGroupID", "n", 0, False),
     ("SendPersonID", "n", 0, False), ("SubscriberID", "n", 0, False),
     ("SubscriberKey", "t", 254, False), ("SMSStandardStatusCodeId", "n", 0, False),
     ("Description", "t", 254, False), ("Name", "t", 254, False),
     ("ShortCode", "t", 254, False), ("SharedKeyword", "t", 254, False),
     ("Ordinal", "n", 0, False), ("FromName", "t", 11, False),
     ("JBActivityID", "g", 0, False), ("JBDefinitionID", "g", 0, False),
     ("SMSJobID", "g", 0, False), ("SMSBatchID", "n", 0, False)], True,
)  # fmt: skip
SMS_SUBSCRIPTION_LOG = _view(
    "SMS Subscription Log", "The _SMSSubscriptionLog data view: MobileConnect opt-in and "
    "opt-out changes per subscription (keyword).",
    [("LogDate", "d", 0, True), ("SubscriberKey", "t", 254, True),
     ("MobileSubscriptionID", "n", 0, True), ("SubscriptionDefinitionID", "t", 200, True),
     ("MobileNumber", "t", 15, True), ("OptOutStatusID", "n", 0, False),
     ("OptOutMethodID", "n", 0, False), ("OptOutDate", "d", 0, False),
     ("OptInStatusID", "n", 0, True), ("OptInMethodID", "n", 0, False),
     ("OptInDate", "d", 0, False), ("Source", "n", 0, False),
     ("CreatedDate", "d", 0, True), ("ModifiedDate", "d", 0, True)], True,
)  # fmt: skip

MARKETING_CLOUD_OBJECTS: dict[str, ObjectDef] = {
    "_Subscribers": SUBSCRIBERS,
    "_BusinessUnitUnsubscribes": BUSINESS_UNIT_UNSUBSCRIBES,
    "_MobileSubscribers": MOBILE_SUBSCRIBERS,
    "_Sent": SENT,
    "_Open": OPEN,
    "_Click": CLICK,
    "_Bounce": BOUNCE,
    "_Unsubscribe": UNSUBSCRIBE,
    "_Complaint": COMPLAINT,
    "_Job": JOB,
    "_Journey": JOURNEY,
    "_JourneyActivity": JOURNEY_ACTIVITY,
    "_ListSubscribers": LIST_SUBSCRIBERS,
    "_SMSMessageTracking": SMS_MESSAGE_TRACKING,
    "_SMSSubscriptionLog": SMS_SUBSCRIPTION_LOG,
}

# Data views that return results only in the Enterprise (parent) business unit.
ENTERPRISE_VIEWS = frozenset({"_Subscribers", "_BusinessUnitUnsubscribes"})

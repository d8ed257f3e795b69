"""The standard-object catalog: real API names, types, lengths and consistent references."""

from __future__ import annotations

import re

import pytest

from compiler.catalog import (
    ACCOUNT_ENGAGEMENT_OBJECTS,
    MARKETING_CLOUD_OBJECTS,
    SALESFORCE_OBJECTS,
    standard_objects,
)
from compiler.catalog.marketing_cloud import ENTERPRISE_VIEWS
from compiler.model.data_model import FieldDef, ObjectDef

ALL: dict[str, dict[str, ObjectDef]] = {
    "salesforce": SALESFORCE_OBJECTS,
    "account_engagement": ACCOUNT_ENGAGEMENT_OBJECTS,
    "marketing_cloud": MARKETING_CLOUD_OBJECTS,
}
EVERY_OBJECT = [
    (system, name, obj) for system, objects in ALL.items() for name, obj in objects.items()
]


def field(obj: str, name: str) -> FieldDef:
    return SALESFORCE_OBJECTS[obj].fields[name]


def test_salesforce_catalog_has_the_objects_an_ecosystem_needs() -> None:
    assert set(SALESFORCE_OBJECTS) == {
        "Lead", "Contact", "Account", "Individual", "Campaign", "CampaignMember", "Case",
        "ContactPointEmail", "ContactPointPhone", "ContactPointTypeConsent", "DataUsePurpose",
        "BusinessBrand", "SocialPersona", "SocialPost",
        "User",
    }  # fmt: skip
    assert set(ACCOUNT_ENGAGEMENT_OBJECTS) == {"Prospect"}
    assert set(MARKETING_CLOUD_OBJECTS) == {
        "_Subscribers", "_BusinessUnitUnsubscribes", "_MobileSubscribers", "_Sent", "_Open",
        "_Click", "_Bounce", "_Unsubscribe", "_Complaint", "_Job", "_Journey",
        "_JourneyActivity", "_ListSubscribers", "_SMSMessageTracking", "_SMSSubscriptionLog",
    }  # fmt: skip


@pytest.mark.parametrize(("system", "name", "obj"), EVERY_OBJECT)
def test_every_object_has_an_id_and_audit_dates(system: str, name: str, obj: ObjectDef) -> None:
    if system == "marketing_cloud" and name != "_MobileSubscribers":
        return  # system data views have their own documented columns (test_mc_data_views)
    assert "Id" in obj.fields, f"{system}.{name} has no Id"
    assert obj.fields["Id"].unique
    if system == "salesforce":
        assert obj.fields["Id"].type == "id"
        assert obj.fields["Id"].length == 18
        assert obj.fields["CreatedDate"].type == "datetime"
        assert obj.fields["LastModifiedDate"].type == "datetime"


@pytest.mark.parametrize(("system", "name", "obj"), EVERY_OBJECT)
def test_field_names_are_api_names(system: str, name: str, obj: ObjectDef) -> None:
    for field_name in obj.fields:
        assert re.fullmatch(r"[A-Za-z][A-Za-z0-9_]{0,79}", field_name), (name, field_name)
        assert not field_name.endswith("__c"), "the catalog holds standard fields only"


def test_every_lookup_references_a_catalog_object() -> None:
    lookups = 0
    for name, obj in SALESFORCE_OBJECTS.items():
        for field_name, f in obj.fields.items():
            if f.type == "lookup":
                lookups += 1
                assert f.references is not None, f"{name}.{field_name}"
                assert f.references in SALESFORCE_OBJECTS, f"{name}.{field_name}"
                assert f.length == 18
            else:
                assert f.references is None, f"{name}.{field_name} is no lookup"
    assert lookups > 20


@pytest.mark.parametrize(("system", "name", "obj"), EVERY_OBJECT)
def test_owned_objects_are_owned_by_users(system: str, name: str, obj: ObjectDef) -> None:
    owner = obj.fields.get("OwnerId")
    if owner is not None:
        assert owner.type == "lookup"
        assert owner.references == "User"


def test_contact_fields_have_real_types_and_lengths() -> None:
    email = field("Contact", "Email")
    assert (email.type, email.length, email.format, email.personal_data) == (
        "email", 80, "email", "personal",
    )  # fmt: skip
    assert (field("Contact", "FirstName").type, field("Contact", "FirstName").length) == (
        "text",
        40,
    )
    assert field("Contact", "LastName").length == 80
    assert field("Contact", "LastName").required
    assert field("Contact", "Phone").type == "phone"
    assert field("Contact", "Phone").length == 40
    assert field("Contact", "Phone").format == "phone_e164"
    assert field("Contact", "MailingCountry").length == 80
    assert field("Contact", "MailingCountry").format == "iso_country"
    assert field("Contact", "Birthdate").type == "date"
    assert field("Contact", "Birthdate").personal_data == "personal"
    assert field("Contact", "AccountId").references == "Account"
    assert field("Contact", "IndividualId").references == "Individual"


def test_opt_out_fields_are_checkboxes() -> None:
    for obj in ("Contact", "Lead"):
        for name in ("HasOptedOutOfEmail", "HasOptedOutOfFax", "DoNotCall"):
            f = field(obj, name)
            assert f.type == "checkbox", f"{obj}.{name}"
            assert not f.required  # a checkbox is never null: false by default
    assert field("Account", "PersonHasOptedOutOfEmail").type == "checkbox"
    assert field("Account", "PersonDoNotCall").type == "checkbox"
    prospect = ACCOUNT_ENGAGEMENT_OBJECTS["Prospect"].fields
    for name in ("OptedOut", "DoNotEmail", "DoNotCall"):
        assert prospect[name].type == "checkbox"


def test_account_has_business_and_person_account_fields() -> None:
    account = SALESFORCE_OBJECTS["Account"].fields
    assert account["Name"].length == 255
    for name in ("IsPersonAccount", "FirstName", "LastName", "PersonEmail", "PersonMobilePhone"):
        assert name in account
    assert account["PersonEmail"].type == "email"
    assert account["PersonEmail"].length == 80
    assert account["PersonMobilePhone"].type == "phone"
    assert account["FirstName"].length == 40
    assert account["PersonContactId"].references == "Contact"


def test_lead_company_status_and_conversion() -> None:
    assert field("Lead", "Company").length == 255
    assert field("Lead", "Company").required
    assert "Closed - Converted" in field("Lead", "Status").values
    assert field("Lead", "ConvertedContactId").references == "Contact"


def test_case_picklists() -> None:
    assert field("Case", "Status").values == ["New", "Working", "Escalated", "Closed"]
    assert field("Case", "Origin").values == ["Phone", "Email", "Web"]
    # Social Customer Service: the networks a persona and a post come from (restricted)
    assert field("SocialPersona", "Provider").restricted
    assert "Instagram" in field("SocialPost", "Provider").values
    assert field("SocialPost", "PersonaId").references == "SocialPersona"
    assert field("SocialPersona", "ParentId").required


def test_consent_model_picklists_are_restricted_with_documented_values() -> None:
    status = field("ContactPointTypeConsent", "PrivacyConsentStatus")
    assert status.type == "picklist"
    assert status.restricted
    assert set(status.values) == {"OptIn", "OptOut", "Seen", "NotSeen"}
    channel = field("ContactPointTypeConsent", "ContactPointType")
    assert {"Email", "Phone"} <= set(channel.values)
    assert channel.restricted
    assert field("ContactPointTypeConsent", "DataUsePurposeId").references == "DataUsePurpose"
    assert field("ContactPointTypeConsent", "PartyId").references == "Individual"
    assert field("ContactPointEmail", "EmailAddress").type == "email"
    assert field("ContactPointPhone", "TelephoneNumber").type == "phone"


def test_personal_data_marks_names_emails_phones_and_addresses() -> None:
    for obj_name, obj in SALESFORCE_OBJECTS.items():
        for name, f in obj.fields.items():
            if f.type in ("email", "phone") or name in ("FirstName", "LastName"):
                assert f.personal_data == "personal", f"{obj_name}.{name}"
            if f.type in ("id", "lookup", "checkbox", "datetime"):
                assert f.personal_data == "none", f"{obj_name}.{name}"
            if f.format == "iso_country":
                assert f.personal_data == "personal"


def test_prospect_as_the_connector_sees_it() -> None:
    p = ACCOUNT_ENGAGEMENT_OBJECTS["Prospect"].fields
    assert p["Score"].type == "number"
    assert (p["Grade"].type, p["Grade"].length) == ("text", 3)
    assert p["Email"].type == "email"
    for name in ("CrmLeadFid", "CrmContactFid", "FirstName", "LastName", "Company", "Country"):
        assert name in p
    for name in ("LastActivityAt", "CreatedAt", "UpdatedAt"):
        assert p[name].type == "datetime"


def test_all_subscribers_view() -> None:
    s = MARKETING_CLOUD_OBJECTS["_Subscribers"].fields
    assert (s["SubscriberKey"].type, s["SubscriberKey"].length) == ("text", 254)
    assert (s["EmailAddress"].type, s["EmailAddress"].length) == ("email", 254)
    assert s["Status"].values == ["Active", "Bounced", "Held", "Unsubscribed"]
    assert s["DateUnsubscribed"].type == "datetime"
    assert "SubscriberType" in s
    m = MARKETING_CLOUD_OBJECTS["_MobileSubscribers"].fields
    assert m["Mobile"].type == "phone"
    assert {"SubscriberKey", "Status"} <= set(m)


@pytest.mark.parametrize(("system", "name", "obj"), EVERY_OBJECT)
def test_objects_are_a_sensible_size(system: str, name: str, obj: ObjectDef) -> None:
    assert 5 <= len(obj.fields) <= 45, f"{system}.{name}: {len(obj.fields)} fields"
    # round-trips through the model as an ecosystem would declare it
    assert ObjectDef.model_validate(obj.model_dump(by_alias=True)) == obj


def test_text_like_fields_have_lengths_and_picklists_values_or_a_reason() -> None:
    for system, name, obj in EVERY_OBJECT:
        for field_name, f in obj.fields.items():
            if f.type in ("text", "email", "phone", "url", "textarea", "long_text"):
                assert f.length, f"{system}.{name}.{field_name}"
            if f.type == "picklist" and not f.values:
                assert f.description, f"{system}.{name}.{field_name}: values or a description"


def test_standard_objects_by_system_type() -> None:
    assert standard_objects("salesforce") == SALESFORCE_OBJECTS
    assert standard_objects("account_engagement") == ACCOUNT_ENGAGEMENT_OBJECTS
    assert standard_objects("marketing_cloud") == MARKETING_CLOUD_OBJECTS
    for other in ("external", "social_studio", "interaction_studio", "nonsense"):
        assert standard_objects(other) == {}
    copy = standard_objects("salesforce")
    copy.pop("Lead")
    assert "Lead" in SALESFORCE_OBJECTS


def test_data_views_have_the_documented_columns_and_no_id() -> None:
    """Salesforce Help, Data View: Subscribers; Data View: Business Unit Unsubscribes."""
    subscribers = MARKETING_CLOUD_OBJECTS["_Subscribers"].fields
    assert list(subscribers) == [
        "SubscriberID", "DateUndeliverable", "DateJoined", "DateUnsubscribed", "Domain",
        "EmailAddress", "BounceCount", "SubscriberKey", "SubscriberType", "Status",
    ]  # fmt: skip
    assert subscribers["SubscriberKey"].length == 254 and subscribers["Status"].length == 12
    assert subscribers["Status"].values == ["Active", "Bounced", "Held", "Unsubscribed"]
    unsubscribes = MARKETING_CLOUD_OBJECTS["_BusinessUnitUnsubscribes"].fields
    assert list(unsubscribes) == [
        "BusinessUnitID", "SubscriberID", "SubscriberKey", "UnsubDateUTC", "UnsubReason",
    ]  # fmt: skip
    assert {"_Subscribers", "_BusinessUnitUnsubscribes"} == ENTERPRISE_VIEWS

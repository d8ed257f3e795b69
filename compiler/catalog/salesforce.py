"""Standard objects of the Salesforce clouds, available to every ecosystem without retyping.

Where the facts come from:

* **Sales / Service Cloud** objects (Lead, Contact, Account with the person-account fields,
  Individual, Campaign, CampaignMember, Case, ContactPointEmail, ContactPointPhone,
  ContactPointTypeConsent, DataUsePurpose, BusinessBrand, User): the *Salesforce Object
  Reference* and the *Salesforce Field Reference* (developer.salesforce.com, API version 60
  and earlier). API names, types and lengths are the documented ones (e.g. Contact.FirstName
  40, LastName 80, Email 80, Phone 40, MailingCountry 80; Account.Name 255; Lead.Company
  255; ContactPointEmail.EmailAddress 80). Picklist values are the defaults of a new org
  (Lead Status, Case Status/Origin/Priority, Campaign Status…) or, for restricted picklists
  of the consent model (ContactPointTypeConsent.PrivacyConsentStatus, ContactPointType,
  CaptureContactPointType), the complete documented value set. Orgs often add values to the
  unrestricted ones; an ecosystem declares those in its `objects:` section.
* **Social Customer Service** objects (SocialPersona, API 22.0+; SocialPost, API 23.0+):
  the *Salesforce Object Reference* and *Field Reference* pages of both objects (Name,
  Provider, ExternalId 255, RealName, ProfileUrl, ParentId of a persona; Content 32000,
  Handle, Headline, MessageType, Posted, PersonaId, WhoId, ParentId, ExternalPostId,
  IsOutbound of a post). A persona's ParentId is polymorphic (contact, person account,
  lead or the persona itself) and a post's ParentId is usually its Case; both reference
  their most common target here. Provider values are the documented social networks.
* **Account Engagement** (Pardot) `Prospect`: the prospect fields as the Salesforce
  connector and the v5 API expose them (`email`, `firstName`, `optedOut`, `isDoNotEmail`,
  `salesforceLeadId`…), written here in API-name style (Email, FirstName, OptedOut,
  DoNotEmail, CrmLeadFid…), which is how engage sync rules name them.
* **Marketing Cloud**: the system data views, in compiler/catalog/marketing_cloud.py
  (columns from the data view documentation, and which of them answer only in the parent).

Only the fields an engagement ecosystem usually maps are listed (roughly 12-40 per object),
not every field of the platform. Audit fields (Id, CreatedDate, LastModifiedDate, OwnerId
where the object has an owner) are always present. Every lookup references an object of
this catalog or User; polymorphic lookups (OwnerId: User or Group; ContactPointEmail.ParentId:
Individual or Account) reference their most common target.

personal_data is "personal" for names, emails, phones, addresses and birth dates, "none"
otherwise; `format` marks the data-quality formats every cloud must enforce alike.
"""

from __future__ import annotations

from typing import Literal

from compiler.catalog.marketing_cloud import MARKETING_CLOUD_OBJECTS
from compiler.model.data_model import FieldDef, ObjectDef

Format = Literal["email", "phone_e164", "iso_country", "postal_code", "url"]
PersonalData = Literal["none", "personal", "sensitive"]

# Salesforce's standard value sets of a new org (unrestricted: orgs add their own).
SALUTATIONS = ["Mr.", "Ms.", "Mrs.", "Dr.", "Prof.", "Mx."]
LEAD_SOURCES = ["Web", "Phone Inquiry", "Partner Referral", "Purchased List", "Other"]
INDUSTRIES = [
    "Agriculture", "Apparel", "Banking", "Biotechnology", "Chemicals", "Communications",
    "Construction", "Consulting", "Education", "Electronics", "Energy", "Engineering",
    "Entertainment", "Environmental", "Finance", "Food & Beverage", "Government",
    "Healthcare", "Hospitality", "Insurance", "Machinery", "Manufacturing", "Media",
    "Not For Profit", "Other", "Recreation", "Retail", "Shipping", "Technology",
    "Telecommunications", "Transportation", "Utilities",
]  # fmt: skip
LEAD_STATUSES = [
    "Open - Not Contacted", "Working - Contacted", "Closed - Converted", "Closed - Not Converted",
]  # fmt: skip
ACCOUNT_TYPES = [
    "Prospect", "Customer - Direct", "Customer - Channel", "Channel Partner / Reseller",
    "Installation Partner", "Technology Partner", "Other",
]  # fmt: skip
CAMPAIGN_TYPES = [
    "Advertisement", "Banner Ads", "Conference", "Direct Mail", "Email", "Partners",
    "Public Relations", "Referral Program", "Telemarketing", "Trade Show", "Webinar", "Other",
]  # fmt: skip
CASE_TYPES = ["Mechanical", "Electrical", "Electronic", "Structural", "Other"]
CASE_REASONS = [
    "Installation", "Equipment Complexity", "Performance", "Breakdown", "Equipment Design",
    "Feedback", "Other",
]  # fmt: skip
USER_TYPES = [
    "Standard", "PowerPartner", "PowerCustomerSuccess", "CustomerSuccess", "Guest",
    "CspLitePortal", "CsnOnly", "SelfService",
]  # fmt: skip
# SocialPersona.Provider / SocialPost.Provider (restricted), and SocialPost.MessageType.
SOCIAL_PROVIDERS = [
    "Facebook", "GooglePlus", "Instagram", "InstagramBusiness", "KakaoTalk", "Kik", "Line",
    "LinkedIn", "Messenger", "Other", "Pinterest", "QQ", "Rypple", "SinaWeibo", "SMS",
    "Snapchat", "Telegram", "Twitter", "VKontakte", "WeChat", "WhatsApp", "YouTube",
]  # fmt: skip
SOCIAL_MESSAGE_TYPES = ["Comment", "Direct", "Post", "PrivateMessage", "Reply", "Retweet", "Tweet"]
# Restricted value set of ContactPointTypeConsent.ContactPointType / CaptureContactPointType.
CONTACT_POINT_TYPES = ["Email", "MailingAddress", "Phone", "Social", "Web"]


# --- field builders ---------------------------------------------------------------------


def _id(label: str) -> FieldDef:
    return FieldDef(
        type="id", label=label, length=18, unique=True, description="Set by the platform."
    )


def _text(
    label: str,
    length: int,
    *,
    personal: bool = False,
    required: bool = False,
    unique: bool = False,
    external_id: bool = False,
    fmt: Format | None = None,
    description: str = "",
) -> FieldDef:
    return FieldDef(
        type="text",
        label=label,
        length=length,
        required=required,
        unique=unique,
        external_id=external_id,
        personal_data="personal" if personal else "none",
        format=fmt,
        description=description,
    )


def _textarea(label: str, length: int = 255, *, personal: bool = False) -> FieldDef:
    return FieldDef(
        type="textarea",
        label=label,
        length=length,
        personal_data="personal" if personal else "none",
    )


def _long_text(label: str, length: int = 32000) -> FieldDef:
    return FieldDef(type="long_text", label=label, length=length)


def _email(label: str, length: int = 80, *, required: bool = False) -> FieldDef:
    return FieldDef(
        type="email",
        label=label,
        length=length,
        required=required,
        personal_data="personal",
        format="email",
    )


def _phone(label: str, length: int = 40, *, required: bool = False) -> FieldDef:
    return FieldDef(
        type="phone",
        label=label,
        length=length,
        required=required,
        personal_data="personal",
        format="phone_e164",
    )


def _url(label: str, length: int = 255) -> FieldDef:
    return FieldDef(type="url", label=label, length=length, format="url")


def _picklist(
    label: str,
    values: list[str],
    *,
    restricted: bool = False,
    required: bool = False,
    personal: bool = False,
    description: str = "",
) -> FieldDef:
    return FieldDef(
        type="picklist",
        label=label,
        length=255,
        values=list(values),
        restricted=restricted,
        required=required,
        personal_data="personal" if personal else "none",
        description=description,
    )


def _checkbox(label: str, description: str = "") -> FieldDef:
    # Never null (false by default), so never "required" of whoever creates the record.
    return FieldDef(type="checkbox", label=label, description=description)


def _lookup(
    label: str, references: str, *, required: bool = False, description: str = ""
) -> FieldDef:
    return FieldDef(
        type="lookup",
        label=label,
        length=18,
        references=references,
        required=required,
        description=description,
    )


def _date(label: str, *, personal: bool = False) -> FieldDef:
    return FieldDef(type="date", label=label, personal_data="personal" if personal else "none")


def _datetime(label: str, *, required: bool = False) -> FieldDef:
    return FieldDef(type="datetime", label=label, required=required)


def _number(label: str, precision: int = 18, scale: int = 0) -> FieldDef:
    return FieldDef(type="number", label=label, precision=precision, scale=scale)


def _currency(label: str, precision: int = 18, scale: int = 0) -> FieldDef:
    return FieldDef(type="currency", label=label, precision=precision, scale=scale)


def _percent(label: str, precision: int = 10, scale: int = 2) -> FieldDef:
    return FieldDef(type="percent", label=label, precision=precision, scale=scale)


def _country(label: str) -> FieldDef:
    return _text(label, 80, personal=True, fmt="iso_country")


def _postal_code(label: str) -> FieldDef:
    return _text(label, 20, personal=True, fmt="postal_code")


def _audit(label: str, *, owner: bool = True) -> dict[str, FieldDef]:
    """Id, CreatedDate, LastModifiedDate and (for owned objects) OwnerId."""
    fields = {
        "Id": _id(f"{label} ID"),
        "CreatedDate": _datetime("Created Date"),
        "LastModifiedDate": _datetime("Last Modified Date"),
    }
    if owner:
        fields["OwnerId"] = _lookup(
            "Owner ID", "User", description="User or queue (Group); defaults to the creator."
        )
    return fields


def _object(
    label: str,
    fields: dict[str, FieldDef],
    *,
    owner: bool = True,
    personal_data: PersonalData | None = None,
    description: str = "",
) -> ObjectDef:
    return ObjectDef(
        label=label,
        description=description,
        fields={**_audit(label, owner=owner), **fields},
        personal_data=personal_data,
    )


# --- Sales Cloud / Service Cloud ------------------------------------------------------

_LEAD = _object(
    "Lead",
    {
        "Salutation": _picklist("Salutation", SALUTATIONS),
        "FirstName": _text("First Name", 40, personal=True),
        "LastName": _text("Last Name", 80, personal=True, required=True),
        "Company": _text("Company", 255, required=True),
        "Title": _text("Title", 128),
        "Email": _email("Email"),
        "Phone": _phone("Phone"),
        "MobilePhone": _phone("Mobile Phone"),
        "Street": _textarea("Street", personal=True),
        "City": _text("City", 40, personal=True),
        "State": _text("State/Province", 80, personal=True),
        "PostalCode": _postal_code("Zip/Postal Code"),
        "Country": _country("Country"),
        "Website": _url("Website"),
        "Status": _picklist(
            "Status",
            LEAD_STATUSES,
            description="Defaulted on create to the org's default status.",
        ),
        "LeadSource": _picklist("Lead Source", LEAD_SOURCES),
        "Rating": _picklist("Rating", ["Hot", "Warm", "Cold"]),
        "Industry": _picklist("Industry", INDUSTRIES),
        "NumberOfEmployees": _number("Employees", 8),
        "Description": _long_text("Description"),
        "HasOptedOutOfEmail": _checkbox("Email Opt Out", "True means opted out of email."),
        "HasOptedOutOfFax": _checkbox("Fax Opt Out", "True means opted out of fax."),
        "DoNotCall": _checkbox("Do Not Call", "True means the lead must not be phoned."),
        "IsConverted": _checkbox("Converted"),
        "ConvertedDate": _date("Converted Date"),
        "ConvertedAccountId": _lookup("Converted Account ID", "Account"),
        "ConvertedContactId": _lookup("Converted Contact ID", "Contact"),
        "IndividualId": _lookup("Individual ID", "Individual"),
    },
    personal_data="personal",
    description="A prospect or potential customer not yet qualified.",
)

_CONTACT = _object(
    "Contact",
    {
        "AccountId": _lookup("Account ID", "Account"),
        "Salutation": _picklist("Salutation", SALUTATIONS),
        "FirstName": _text("First Name", 40, personal=True),
        "LastName": _text("Last Name", 80, personal=True, required=True),
        "Title": _text("Title", 128),
        "Department": _text("Department", 80),
        "Email": _email("Email"),
        "Phone": _phone("Business Phone"),
        "MobilePhone": _phone("Mobile Phone"),
        "HomePhone": _phone("Home Phone"),
        "Birthdate": _date("Birthdate", personal=True),
        "MailingStreet": _textarea("Mailing Street", personal=True),
        "MailingCity": _text("Mailing City", 40, personal=True),
        "MailingState": _text("Mailing State/Province", 80, personal=True),
        "MailingPostalCode": _postal_code("Mailing Zip/Postal Code"),
        "MailingCountry": _country("Mailing Country"),
        "LeadSource": _picklist("Lead Source", LEAD_SOURCES),
        "ReportsToId": _lookup("Reports To ID", "Contact"),
        "Description": _long_text("Description"),
        "HasOptedOutOfEmail": _checkbox("Email Opt Out", "True means opted out of email."),
        "HasOptedOutOfFax": _checkbox("Fax Opt Out", "True means opted out of fax."),
        "DoNotCall": _checkbox("Do Not Call", "True means the contact must not be phoned."),
        "EmailBouncedDate": _datetime("Email Bounced Date"),
        "EmailBouncedReason": _text("Email Bounced Reason", 255),
        "IndividualId": _lookup("Individual ID", "Individual"),
        "IsPersonAccount": _checkbox("Is Person Account"),
    },
    personal_data="personal",
    description="A person associated with an account (or the person behind a person account).",
)

_ACCOUNT = _object(
    "Account",
    {
        "Name": _text(
            "Account Name",
            255,
            required=True,
            description="For person accounts, FirstName + LastName (read-only).",
        ),
        "AccountNumber": _text("Account Number", 40),
        "Type": _picklist("Account Type", ACCOUNT_TYPES),
        "Industry": _picklist("Industry", INDUSTRIES),
        "AccountSource": _picklist("Account Source", LEAD_SOURCES),
        "Phone": _phone("Account Phone"),
        "Website": _url("Website"),
        "BillingStreet": _textarea("Billing Street", personal=True),
        "BillingCity": _text("Billing City", 40, personal=True),
        "BillingState": _text("Billing State/Province", 80, personal=True),
        "BillingPostalCode": _postal_code("Billing Zip/Postal Code"),
        "BillingCountry": _country("Billing Country"),
        "ShippingCountry": _country("Shipping Country"),
        "NumberOfEmployees": _number("Employees", 8),
        "AnnualRevenue": _currency("Annual Revenue"),
        "ParentId": _lookup("Parent Account ID", "Account"),
        "Description": _long_text("Account Description"),
        # Person-account fields: present when person accounts are enabled.
        "IsPersonAccount": _checkbox("Is Person Account"),
        "Salutation": _picklist("Salutation", SALUTATIONS),
        "FirstName": _text("First Name", 40, personal=True),
        "LastName": _text("Last Name", 80, personal=True),
        "PersonEmail": _email("Email"),
        "PersonMobilePhone": _phone("Mobile"),
        "PersonHomePhone": _phone("Home Phone"),
        "PersonBirthdate": _date("Birthdate", personal=True),
        "PersonMailingStreet": _textarea("Mailing Street", personal=True),
        "PersonMailingCity": _text("Mailing City", 40, personal=True),
        "PersonMailingPostalCode": _postal_code("Mailing Zip/Postal Code"),
        "PersonMailingCountry": _country("Mailing Country"),
        "PersonHasOptedOutOfEmail": _checkbox(
            "Email Opt Out", "Person accounts: true means opted out of email."
        ),
        "PersonDoNotCall": _checkbox("Do Not Call", "Person accounts: true means do not phone."),
        "PersonContactId": _lookup("Person Contact ID", "Contact"),
        "PersonIndividualId": _lookup("Individual ID", "Individual"),
    },
    personal_data="personal",
    description="A business account (B2B) or, with IsPersonAccount, a consumer (B2C).",
)

_INDIVIDUAL = _object(
    "Individual",
    {
        "Salutation": _picklist("Salutation", SALUTATIONS),
        "FirstName": _text("First Name", 40, personal=True),
        "LastName": _text("Last Name", 80, personal=True, required=True),
        "BirthDate": _date("Birth Date", personal=True),
        "HasOptedOutTracking": _checkbox("Don't Track", "Do not track this individual."),
        "HasOptedOutProfiling": _checkbox("Don't Profile"),
        "HasOptedOutProcessing": _checkbox("Don't Process"),
        "HasOptedOutSolicit": _checkbox("Don't Market", "Do not solicit this individual."),
        "HasOptedOutGeoTracking": _checkbox("Don't Track Location"),
        "ShouldForget": _checkbox("Forget this Individual", "Right to be forgotten requested."),
        "SendIndividualData": _checkbox("Export Individual's Data"),
        "CanStorePiiElsewhere": _checkbox("OK to Store PII Data Elsewhere"),
    },
    personal_data="personal",
    description="Data-privacy record of a person (consent model, API 42+).",
)

_CAMPAIGN = _object(
    "Campaign",
    {
        "Name": _text("Campaign Name", 80, required=True),
        "Type": _picklist("Type", CAMPAIGN_TYPES),
        "Status": _picklist("Status", ["Planned", "In Progress", "Completed", "Aborted"]),
        "StartDate": _date("Start Date"),
        "EndDate": _date("End Date"),
        "IsActive": _checkbox("Active"),
        "ParentId": _lookup("Parent Campaign ID", "Campaign"),
        "BudgetedCost": _currency("Budgeted Cost"),
        "ActualCost": _currency("Actual Cost"),
        "ExpectedRevenue": _currency("Expected Revenue in Campaign"),
        "ExpectedResponse": _percent("Expected Response (%)"),
        "NumberSent": _number("Num Sent in Campaign"),
        "NumberOfLeads": _number("Leads in Campaign", 9),
        "NumberOfContacts": _number("Contacts in Campaign", 9),
        "NumberOfResponses": _number("Responses in Campaign", 9),
        "Description": _long_text("Description"),
    },
    personal_data="none",
    description="A marketing initiative; connected campaigns link it to Account Engagement.",
)

_CAMPAIGN_MEMBER = _object(
    "CampaignMember",
    {
        "CampaignId": _lookup("Campaign ID", "Campaign", required=True),
        "LeadId": _lookup("Lead ID", "Lead"),
        "ContactId": _lookup("Contact ID", "Contact"),
        "Status": _picklist(
            "Status", ["Sent", "Responded"], description="Member statuses are set per campaign."
        ),
        "HasResponded": _checkbox("Responded"),
        "FirstRespondedDate": _date("First Responded Date"),
        "FirstName": _text("First Name", 40, personal=True, description="Read-only."),
        "LastName": _text("Last Name", 80, personal=True, description="Read-only."),
        "Email": _email("Email"),
        "Phone": _phone("Phone"),
        "Type": _picklist("Type", ["Lead", "Contact", "Person Account"]),
    },
    owner=False,
    personal_data="personal",
    description="A lead or contact's membership in a campaign.",
)

_CASE = _object(
    "Case",
    {
        "CaseNumber": _text("Case Number", 30, unique=True, description="Auto number."),
        "Subject": _text("Subject", 255),
        "Description": _long_text("Description"),
        "Status": _picklist("Status", ["New", "Working", "Escalated", "Closed"]),
        "Origin": _picklist("Case Origin", ["Phone", "Email", "Web"]),
        "Priority": _picklist("Priority", ["High", "Medium", "Low"]),
        "Type": _picklist("Type", CASE_TYPES),
        "Reason": _picklist("Case Reason", CASE_REASONS),
        "AccountId": _lookup("Account ID", "Account"),
        "ContactId": _lookup("Contact ID", "Contact"),
        "ParentId": _lookup("Parent Case ID", "Case"),
        "SuppliedName": _text("Web Name", 80, personal=True),
        "SuppliedEmail": _email("Web Email"),
        "SuppliedPhone": _phone("Web Phone"),
        "SuppliedCompany": _text("Web Company", 80),
        "IsClosed": _checkbox("Closed"),
        "ClosedDate": _datetime("Closed Date"),
        "IsEscalated": _checkbox("Escalated"),
    },
    personal_data="personal",
    description="A customer issue (Service Cloud).",
)

_CONTACT_POINT_EMAIL = _object(
    "Contact Point Email",
    {
        "Name": _text("Name", 255),
        "ParentId": _lookup(
            "Parent ID", "Individual", required=True, description="Individual or person Account."
        ),
        "EmailAddress": _email("Email Address", required=True),
        "EmailDomain": _text("Email Domain", 250),
        "EmailMailBox": _text("Email Mail Box", 250, personal=True),
        "IsPrimary": _checkbox("Is Primary"),
        "ActiveFromDate": _date("Active from Date"),
        "ActiveToDate": _date("Active to Date"),
        "EmailLatestBounceDateTime": _datetime("Email Latest Bounce Date Time"),
        "EmailLatestBounceReasonText": _text("Email Latest Bounce Reason Text", 250),
    },
    personal_data="personal",
    description="One of a person's email addresses (API 48+).",
)

_CONTACT_POINT_PHONE = _object(
    "Contact Point Phone",
    {
        "Name": _text("Name", 255),
        "ParentId": _lookup(
            "Parent ID", "Individual", required=True, description="Individual or person Account."
        ),
        "TelephoneNumber": _phone("Telephone Number", required=True),
        "AreaCode": _text("Area Code", 255),
        "ExtensionNumber": _text("Extension Number", 255),
        "FormattedInternationalPhoneNumber": _text(
            "Formatted International Phone Number", 255, personal=True, fmt="phone_e164"
        ),
        "PhoneType": _picklist("Phone Type", [], description="Values are set per org."),
        "IsPrimary": _checkbox("Is Primary"),
        "IsSmsCapable": _checkbox("Is SMS Capable"),
        "IsFaxCapable": _checkbox("Is Fax Capable"),
        "ActiveFromDate": _date("Active from Date"),
        "ActiveToDate": _date("Active to Date"),
    },
    personal_data="personal",
    description="One of a person's phone numbers (API 48+).",
)

_CONTACT_POINT_TYPE_CONSENT = _object(
    "Contact Point Type Consent",
    {
        "Name": _text("Name", 255, required=True),
        "PartyId": _lookup("Party ID", "Individual", required=True),
        "ContactPointType": _picklist(
            "Contact Point Type", CONTACT_POINT_TYPES, restricted=True, required=True
        ),
        "DataUsePurposeId": _lookup("Data Use Purpose ID", "DataUsePurpose"),
        # API 53.0: the brand the consent is for (per-brand consent)
        "BusinessBrandId": _lookup("Business Brand ID", "BusinessBrand"),
        "PrivacyConsentStatus": _picklist(
            "Privacy Consent Status",
            ["OptIn", "OptOut", "Seen", "NotSeen"],
            restricted=True,
            required=True,
        ),
        "EffectiveFrom": _datetime("Effective From"),
        "EffectiveTo": _datetime("Effective To"),
        "CaptureDate": _datetime("Capture Date"),
        "CaptureContactPointType": _picklist(
            "Capture Contact Point Type", CONTACT_POINT_TYPES, restricted=True
        ),
        "CaptureSource": _text("Capture Source", 255),
        "DoubleConsentCaptureDate": _datetime("Double Consent Capture Date"),
    },
    personal_data="none",
    description="A person's consent for a contact point type and data use purpose (API 45+).",
)

_SOCIAL_PERSONA = _object(
    "Social Persona",
    {
        "Name": _text("Social Persona Name", 255, personal=True, required=True),
        "ParentId": _lookup(
            "Parent ID",
            "Contact",
            required=True,
            description="Contact, person Account, Lead or the persona itself (polymorphic).",
        ),
        "Provider": _picklist("Social Network", SOCIAL_PROVIDERS, restricted=True, required=True),
        "ExternalId": _text("Social Persona Provider External Id", 255),
        "RealName": _text("Real Name", 255, personal=True),
        "ProfileUrl": _url("Profile URL", 1024),
        "ExternalPictureURL": _url("Provider External Picture URL"),
        "ProfileType": _picklist("Profile Type", ["Person", "Organization"]),
        "Bio": _long_text("Bio"),
        "Followers": _number("Followers", 9),
        "Following": _number("Following", 9),
        "IsVerified": _checkbox("Verified"),
        "IsBlacklisted": _checkbox("Blocklisted"),
        "IsFollowingUs": _checkbox("Is following us"),
        "AuthorLabels": _text("Author Labels", 255),
    },
    owner=False,
    personal_data="personal",
    description="A person's profile on a social network (Social Customer Service, API 22.0+).",
)

_SOCIAL_POST = _object(
    "Social Post",
    {
        "Name": _text("Social Post Name", 255, required=True),
        "Headline": _text("Headline", 255),
        "Content": _long_text("Message"),
        "Handle": _text("Social Handle", 255, personal=True),
        "Provider": _picklist("Social Network", SOCIAL_PROVIDERS, restricted=True),
        "MessageType": _picklist("Message Type", SOCIAL_MESSAGE_TYPES, restricted=True),
        "Posted": _datetime("Posted Date"),
        "PostUrl": _url("Post URL"),
        "ExternalPostId": _text("External Post Id", 255),
        "PersonaId": _lookup("Persona ID", "SocialPersona"),
        "WhoId": _lookup("Who ID", "Contact", description="The author's contact or lead."),
        "ParentId": _lookup("Parent ID", "Case", description="Usually the post's case."),
        "IsOutbound": _checkbox("Is Outbound"),
        "Classification": _picklist(
            "Classification", [], description="Values are set per org (e.g. Inquiry)."
        ),
        "Sentiment": _picklist("Sentiment", ["Positive", "Neutral", "Negative"]),
        "Language": _text("Language", 255),
        "TopicProfileName": _text("Managed Social Account", 255),
        "Recipient": _text("Recipient", 255),
        "Status": _picklist(
            "Status", [], description="Values are set per org (e.g. Approved, Sent)."
        ),
    },
    personal_data="personal",
    description="A post on a social network, inbound or outbound (Social Customer Service, "
    "API 23.0+).",
)

_BUSINESS_BRAND = _object(
    "Business Brand",
    {"Name": _text("Name", 255, required=True)},
    personal_data="none",
    description="A brand of the company; consents name it (BusinessBrandId, API 53.0+).",
)

_DATA_USE_PURPOSE = _object(
    "Data Use Purpose",
    {
        "Name": _text("Name", 255, required=True),
        "Description": _text("Description", 255),
        "CanDataSubjectOptOut": _checkbox("Can Data Subject Opt Out"),
    },
    personal_data="none",
    description="Why a person is contacted (marketing, billing, service…), API 45+.",
)

_USER = _object(
    "User",
    {
        "Username": _text("Username", 80, required=True, unique=True),
        "FirstName": _text("First Name", 40, personal=True),
        "LastName": _text("Last Name", 80, personal=True, required=True),
        "Email": _email("Email", 128, required=True),
        "Alias": _text("Alias", 8, required=True),
        "CommunityNickname": _text("Nickname", 40),
        "IsActive": _checkbox("Active"),
        "UserType": _picklist(
            "User Type",
            USER_TYPES,
            restricted=True,
        ),
        "Division": _text("Division", 80),
        "Department": _text("Department", 80),
        "Title": _text("Title", 80),
        "Phone": _phone("Phone"),
        "MobilePhone": _phone("Mobile"),
        "ManagerId": _lookup("Manager ID", "User"),
        "FederationIdentifier": _text("SAML Federation ID", 512),
        "TimeZoneSidKey": _picklist(
            "Time Zone", [], required=True, description="A Java time zone id, e.g. Europe/Madrid."
        ),
        "LanguageLocaleKey": _picklist(
            "Language", [], required=True, description="A language key, e.g. es or en_US."
        ),
    },
    owner=False,
    personal_data="personal",
    description="A user of the org, including integration users.",
)

SALESFORCE_OBJECTS: dict[str, ObjectDef] = {
    "Lead": _LEAD,
    "Contact": _CONTACT,
    "Account": _ACCOUNT,
    "Individual": _INDIVIDUAL,
    "Campaign": _CAMPAIGN,
    "CampaignMember": _CAMPAIGN_MEMBER,
    "Case": _CASE,
    "ContactPointEmail": _CONTACT_POINT_EMAIL,
    "ContactPointPhone": _CONTACT_POINT_PHONE,
    "ContactPointTypeConsent": _CONTACT_POINT_TYPE_CONSENT,
    "BusinessBrand": _BUSINESS_BRAND,
    "SocialPersona": _SOCIAL_PERSONA,
    "SocialPost": _SOCIAL_POST,
    "DataUsePurpose": _DATA_USE_PURPOSE,
    "User": _USER,
}

# --- Account Engagement (Pardot) ------------------------------------------------------

_PROSPECT = ObjectDef(
    label="Prospect",
    description="An Account Engagement prospect, as the Salesforce connector sees it.",
    personal_data="personal",
    fields={
        "Id": FieldDef(
            type="id",
            label="Prospect ID",
            length=18,
            unique=True,
            description="Account Engagement's numeric id, held as text; set by the platform.",
        ),
        "Email": _email("Email", 255, required=True),
        "Salutation": _picklist("Salutation", SALUTATIONS),
        "FirstName": _text("First Name", 40, personal=True),
        "LastName": _text("Last Name", 80, personal=True),
        "Company": _text("Company", 255),
        "JobTitle": _text("Job Title", 128),
        "Phone": _phone("Phone"),
        "Mobile": _phone("Mobile"),
        "City": _text("City", 40, personal=True),
        "State": _text("State", 80, personal=True),
        "Zip": _postal_code("Zip"),
        "Country": _country("Country"),
        "Website": _url("Website"),
        "Industry": _text("Industry", 255),
        "Source": _text("Source", 255),
        "Score": _number("Score", 9),
        "Grade": _text("Grade", 3, description="A+ … F, from the prospect's profile."),
        "OptedOut": _checkbox(
            "Opted Out", "True means opted out of all marketing email from Account Engagement."
        ),
        "DoNotEmail": _checkbox("Do Not Email", "True means no email at all, not even 1:1."),
        "DoNotCall": _checkbox("Do Not Call"),
        "IsReviewed": _checkbox("Reviewed"),
        "CrmLeadFid": _text("CRM Lead ID", 18, description="Salesforce Lead id it syncs with."),
        "CrmContactFid": _text(
            "CRM Contact ID", 18, description="Salesforce Contact id it syncs with."
        ),
        "CrmAccountFid": _text("CRM Account ID", 18),
        "CrmOwnerFid": _text("CRM Owner ID", 18),
        "LastActivityAt": _datetime("Last Activity"),
        "CreatedAt": _datetime("Created Date"),
        "UpdatedAt": _datetime("Updated Date"),
    },
)

ACCOUNT_ENGAGEMENT_OBJECTS: dict[str, ObjectDef] = {"Prospect": _PROSPECT}

_BY_SYSTEM_TYPE: dict[str, dict[str, ObjectDef]] = {
    "salesforce": SALESFORCE_OBJECTS,
    "account_engagement": ACCOUNT_ENGAGEMENT_OBJECTS,
    "marketing_cloud": MARKETING_CLOUD_OBJECTS,
}


def standard_objects(system_type: str) -> dict[str, ObjectDef]:
    """The catalog's objects for a system type (`System.type`); {} for types without one.

    A new dict each call, so callers may add to it; the ObjectDef values are frozen.
    """
    return dict(_BY_SYSTEM_TYPE.get(system_type, {}))

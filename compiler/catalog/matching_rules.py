"""The standard matching rules every Salesforce org has, which duplicate rules may name
without declaring them.

Source: Salesforce Help, "Standard Account Matching Rule" and "Standard Contact and Lead
Matching Rules" (the fields each compares), and the developer names as retrieved orgs and
API responses spell them (`Standard_Contact_Match_Rule_v1_1` in a DUPLICATES_DETECTED
response's `matchResults[].rule`; `Account.Standard_Account_Match_Rule_v1_0`,
`Contact.Standard_Contact_Match_Rule_v1_1`, `Lead.Standard_Lead_Match_Rule_v1_0` as
MatchingRule members of retrieved manifests). The person-account rule exists in orgs with
person accounts enabled.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class StandardMatchingRule:
    object: str
    fields: tuple[str, ...]  # the fields it compares, for cross-object mappings


STANDARD_MATCHING_RULES: dict[str, StandardMatchingRule] = {
    "Standard_Account_Match_Rule_v1_0": StandardMatchingRule(
        "Account", ("Name", "Website", "BillingStreet", "BillingCity", "BillingPostalCode", "Phone")
    ),
    "Standard_Contact_Match_Rule_v1_1": StandardMatchingRule(
        "Contact",
        (
            "FirstName",
            "LastName",
            "Email",
            "Phone",
            "Title",
            "MailingStreet",
            "MailingCity",
            "MailingPostalCode",
        ),
    ),
    "Standard_Lead_Match_Rule_v1_0": StandardMatchingRule(
        "Lead",
        (
            "FirstName",
            "LastName",
            "Email",
            "Phone",
            "Title",
            "Street",
            "City",
            "PostalCode",
            "Company",
        ),
    ),
    "Standard_Person_Account_Match_Rule_v1_0": StandardMatchingRule(
        "Account", ("FirstName", "LastName", "PersonEmail", "PersonMobilePhone", "Phone")
    ),
}

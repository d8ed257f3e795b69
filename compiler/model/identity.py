"""How a cloud tells its people apart: Account Engagement's duplicate handling.

An Account Engagement business unit either allows several prospects with one email
address (Allow Multiple Prospects with the Same Email Address, "AMPSEA": on by default for
business units created after June 14, 2016, and it cannot be turned off) and then matches
prospects to Salesforce records by CRM ID, or keeps one prospect per email address and
matches by email (Salesforce Help, 'Allowing Multiple Prospects with the Same Email
Address' and 'Considerations for Accounts That Allow Multiple Prospects with the Same
Email Address').
"""

from __future__ import annotations

from pydantic import Field

from compiler.model.base import Model


class ProspectDuplicates(Model):
    multiple_per_email: bool = Field(
        default=True,
        description="Several prospects may share one email address (AMPSEA, the default "
        "since June 2016); prospects are then matched by CRM ID, not by email.",
    )

"""Customer 360 (seed 000, consideration 12): the engagement each cloud sends back into
the CRM that is the customer's 360° view.

A Salesforce org declares `customer_360.receives`: which systems' engagement it shows and
through which integration: Marketing Cloud Connect's tracking (individual email results),
Account Engagement's engagement activity and prospect activities, Social Customer
Service's conversations (SocialPost, SocialPersona), a call centre's calls, a shop's
orders.
"""

from typing import Literal

from pydantic import Field

from compiler.model.base import Model, NameRef, Text

Engagement = Literal[
    "email_tracking",
    "engagement_activity",
    "social_conversations",
    "journey_activities",
    "calls",
    "orders",
    "web_activity",
    "ad_conversions",
    "other",
]


class EngagementFeed(Model):
    from_: NameRef = Field(alias="from", description="The system whose engagement arrives.")
    via: NameRef = Field(description="The integration that brings it.")
    engagement: Engagement = Field(
        description="What arrives: email_tracking (Marketing Cloud Connect's individual "
        "email results), engagement_activity (Account Engagement's activities and engagement "
        "history), social_conversations (SocialPost/SocialPersona), journey_activities "
        "(Journey Builder's Salesforce activities), calls, orders, web_activity, "
        "ad_conversions or other."
    )
    business_units: list[NameRef] = Field(
        default_factory=list,
        description="Only from these business units (e.g. the Marketing Cloud units whose "
        "sends are tracked); every unit of the system when left out.",
    )
    description: Text = ""


class Customer360(Model):
    receives: list[EngagementFeed] = Field(default_factory=list)

"""Advertising audiences: CRM or Marketing Cloud records sent to an ad platform.

An audience is a list of people an ad platform matches against its own users (a Meta
Custom Audience, a Google Ads Customer Match list, a LinkedIn matched audience, or an
Advertising Studio audience, which Marketing Cloud builds from a data extension). It
names the consent purpose its members agreed to and the sync rules that send them.
"""

from typing import Literal

from pydantic import Field

from compiler.model.base import NameRef, Resource

AdPlatform = Literal["meta", "google_ads", "linkedin", "advertising_studio"]


class Audience(Resource):
    platform: AdPlatform = Field(
        description="The ad platform: meta (Custom Audiences), google_ads (Customer Match), "
        "linkedin (matched audiences) or advertising_studio (Marketing Cloud Advertising "
        "Audiences, built from a data extension)."
    )
    system: NameRef = Field(
        description="Where the members go: an external system of category `advertising`, "
        "or, for advertising_studio, the Marketing Cloud system."
    )
    purpose: NameRef | None = Field(
        default=None,
        description="The consent purpose (`consent.purposes`) the members agreed to, "
        "e.g. advertising.",
    )
    business_unit: NameRef | None = None
    members: list[NameRef] = Field(
        default_factory=list,
        description="Sync rules that send the audience's members into `system` (for "
        "advertising_studio: the rules filling the data extension it is built from).",
    )

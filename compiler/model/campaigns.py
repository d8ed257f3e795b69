"""Campaigns: the CRM campaign as the record every cloud's marketing effort rolls up to.

A campaign lives in one system (a Salesforce org's Campaign object, or a Marketing Cloud
campaign), may sit under a parent campaign (the CRM campaign hierarchy), defines the
statuses its members can have, may be connected to Account Engagement (a connected
campaign) and names the sync rules that add or update its members (a journey's or a
form handler's writes into CampaignMember).
"""

from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from compiler.model.base import ApiName, Channel, Model, NameRef, Resource, Text

IsoDate = Annotated[str, StringConstraints(pattern=r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")]
StatusLabel = Annotated[str, StringConstraints(min_length=1, max_length=765)]


class MemberStatus(Model):
    """One value of the campaign's member status picklist (a CampaignMemberStatus)."""

    label: StatusLabel
    responded: bool = Field(default=False, description="Members with this status responded.")
    default: bool = Field(default=False, description="The status new members get.")


class ConnectedCampaign(Model):
    """The campaign's twin in Account Engagement (Connected Campaigns)."""

    system: NameRef = Field(description="The Account Engagement system it is connected to.")


class Campaign(Resource):
    system: NameRef = Field(description="Where the campaign record lives: a CRM org.")
    label: Text = Field(default="", description="The campaign's name on the platform.")
    type: Text | None = Field(default=None, description="The CRM Campaign Type value.")
    record_type: ApiName | None = Field(
        default=None, description="The CRM campaign record type (developer name)."
    )
    business_unit: NameRef | None = None
    parent: NameRef | None = Field(default=None, description="Parent campaign in the hierarchy.")
    status: Literal["Planned", "In Progress", "Completed", "Aborted"] = "Planned"
    channels: list[Channel] = Field(
        default_factory=list, description="Channels the campaign runs on (social, email...)."
    )
    start_date: IsoDate | None = None
    end_date: IsoDate | None = None
    budgeted_cost: float | None = Field(default=None, ge=0)
    actual_cost: float | None = Field(default=None, ge=0)
    member_statuses: list[MemberStatus] = Field(
        default_factory=list,
        description="The statuses members can have; none listed: Salesforce's default for "
        "a new campaign, Sent and Responded.",
    )
    members: list[NameRef] = Field(
        default_factory=list,
        description="Sync rules that add or update this campaign's members (CampaignMember).",
    )
    connected: ConnectedCampaign | None = None

    def status_labels(self) -> frozenset[str]:
        """The member statuses in force: those listed, or Salesforce's default pair."""
        if self.member_statuses:
            return frozenset(s.label for s in self.member_statuses)
        return DEFAULT_STATUSES


DEFAULT_STATUSES = frozenset({"Sent", "Responded"})

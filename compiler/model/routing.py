"""Who works a queue and how its work reaches them (seed 000, consideration 15): public
groups (`Group` metadata) and Omni-Channel routing configurations (`QueueRoutingConfig`).

A queue's `members.public_groups` and `omni_channel` name entries of these sections. An
entry either describes a component engage generates (`groups/<Name>.group-meta.xml`,
`queueRoutingConfigs/<Name>.queueRoutingConfig-meta.xml`) or, with `existing: true`, one
the org already has (created by hand or by another project): engage then only checks the
references to it and generates nothing.

Only what the Metadata API deploys is generated. A group's members are records
(GroupMember), not metadata ("Members of the public group aren't migrated when you deploy
the group type", Metadata API Developer Guide, "Group"): `members` documents them and is
checked (the groups it names must be declared), but is added in the org after deploy.
"""

from typing import Literal

from pydantic import Field

from compiler.model.base import ApiName, Model, NameRef, Resource, Text

RoutingModel = Literal["most_available", "least_active", "external_routing"]


class GroupMembers(Model):
    users: list[Text] = Field(
        default_factory=list, description="Usernames of the users in the group."
    )
    roles: list[ApiName] = Field(
        default_factory=list, description="Roles (developer names) whose users are in it."
    )
    roles_and_subordinates: list[ApiName] = Field(
        default_factory=list,
        description="Roles (developer names) whose users and subordinates' users are in it.",
    )
    groups: list[ApiName] = Field(
        default_factory=list, description="Other public groups (declared) whose users are in it."
    )


class PublicGroup(Resource):
    """A Salesforce public group: `groups/<Name>.group-meta.xml`."""

    system: NameRef = Field(description="The Salesforce org the group lives in.")
    existing: bool = Field(
        default=False,
        description="The org already has this group (by this developer name): engage checks "
        "references to it and generates nothing.",
    )
    label: Text = Field(default="", description="The group's label (`name` in the metadata).")
    include_bosses: bool = Field(
        default=True,
        description="Records shared with the group are shared with the members' managers "
        "too (doesIncludeBosses, 'Grant Access Using Hierarchies').",
    )
    members: GroupMembers = Field(
        default_factory=GroupMembers,
        description="Who is in the group; not deployed by the Metadata API (added in the org).",
    )


class RoutingConfig(Resource):
    """An Omni-Channel routing configuration: `queueRoutingConfigs/<Name>.queueRoutingConfig-meta.xml`."""  # noqa: E501

    system: NameRef = Field(description="The Salesforce org the configuration lives in.")
    existing: bool = Field(
        default=False,
        description="The org already has this configuration (by this developer name): engage "
        "checks references to it and generates nothing.",
    )
    label: Text = Field(default="", description="The configuration's label.")
    model: RoutingModel = Field(
        default="most_available",
        description="How work is pushed to agents (routingModel): most_available, "
        "least_active, or external_routing (a partner's routing).",
    )
    priority: int = Field(
        default=1,
        ge=0,
        le=999_999_999,
        description="routingPriority: work of configurations with lower values is routed first.",
    )
    capacity_weight: float | None = Field(
        default=None,
        gt=0,
        le=9_999_999_999,
        description="Units of an agent's capacity one work item takes (capacityWeight).",
    )
    capacity_percentage: float | None = Field(
        default=None,
        gt=0,
        le=100,
        description="Percentage of an agent's capacity one work item takes (capacityPercentage).",
    )
    push_timeout: int | None = Field(
        default=None,
        ge=0,
        le=999_999_999,
        description="Seconds an agent has to accept pushed work (pushTimeout); 0 turns it off.",
    )
    overflow_queue: NameRef | None = Field(
        default=None,
        description="The queue (declared in queues) that takes the work when it overflows "
        "(queueOverflowAssignee).",
    )

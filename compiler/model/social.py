"""Social care (seed 000, consideration 15): Social Studio's social accounts, how posts
to them become cases in Service Cloud, and how the people behind them become contacts.

Social Customer Service (Social Studio's connector into Service Cloud) writes each inbound
post as a `SocialPost`, its author as a `SocialPersona` whose parent is a contact, person
account or lead, and a `Case` for the posts that need an answer; cases and posts are owned
by a queue, which Omni-Channel routes to agents when the queue names a routing
configuration. Here:

* `systems.<social_studio>.accounts` lists the brands' managed social accounts (network,
  workspace, handle) and whether their posts are answered as cases (`care`);
* `queues` declares Salesforce queues (`Queue` metadata): the objects they hold
  (`queueSobject`), their Omni-Channel routing configuration, their members (the
  public groups and routing configurations they name are declared in
  `public_groups` and `routing_configs`, compiler/model/routing.py);
* `integrations.<social_studio>.social_care` says which queue takes the cases of which
  accounts (by account, network or business unit; the first route that matches wins) and
  how personas' parents are found: `merge` into an existing contact or person account
  found by a matching rule, or `create` one for every new persona.
"""

from typing import Literal

from pydantic import Field

from compiler.model.base import ApiName, ApiNameRef, Model, NameRef, Resource, Text

# SocialPost.Provider / SocialPersona.Provider values (Salesforce Object Reference), in
# the language's lower case.
Network = Literal[
    "facebook",
    "instagram",
    "twitter",
    "linkedin",
    "youtube",
    "whatsapp",
    "messenger",
    "pinterest",
    "other",
]


class SocialAccount(Model):
    """A managed social account Social Studio monitors (a brand's page, profile or channel)."""

    network: Network
    workspace: NameRef = Field(description="The Social Studio workspace that manages it.")
    handle: Text = Field(default="", description="The account's handle, e.g. @solvismoda.")
    care: bool = Field(
        default=True,
        description="Posts to it are answered as cases; false for publishing-only accounts.",
    )


class QueueMembers(Model):
    public_groups: list[ApiName] = Field(
        default_factory=list,
        description="Public groups whose users work it (declared in public_groups).",
    )
    roles: list[ApiName] = Field(
        default_factory=list, description="Roles (developer names) whose users work it."
    )


class Queue(Resource):
    """A Salesforce queue: `queues/<Name>.queue-meta.xml`."""

    system: NameRef = Field(description="The Salesforce org the queue lives in.")
    label: Text = Field(default="", description="The queue's label (`name` in the metadata).")
    objects: list[ApiNameRef] = Field(
        min_length=1,
        description="Objects whose records it can own (queueSobject), e.g. [Case, SocialPost].",
    )
    omni_channel: ApiName | None = Field(
        default=None,
        description="The Omni-Channel routing configuration (declared in routing_configs) "
        "that pushes its work to agents (queueRoutingConfig); left out, agents pick work "
        "from the queue.",
    )
    email_members: bool = Field(
        default=False, description="Email the members when a record is added to the queue."
    )
    members: QueueMembers = Field(default_factory=QueueMembers)


class SocialRoute(Model):
    """Which queue takes the cases of the posts this route matches (empty lists match any)."""

    accounts: list[NameRef] = Field(
        default_factory=list, description="Social accounts of the Social Studio system."
    )
    networks: list[Network] = Field(default_factory=list)
    business_units: list[NameRef] = Field(
        default_factory=list,
        description="Business units whose Social Studio workspace manages the account.",
    )
    queue: NameRef = Field(description="The queue (declared in queues) that owns the cases.")


class PersonaParents(Model):
    """How a new social persona gets its parent record in the CRM."""

    parent: Literal["contact", "person_account"] = Field(
        default="contact", description="The record a persona hangs from."
    )
    duplicates: Literal["merge", "create"] = Field(
        default="create",
        description="merge: look the person up with `matching_rule` and attach the persona "
        "to the record found (create only when none is); create: a new record per persona "
        "(the default inbound handler's behaviour).",
    )
    matching_rule: NameRef | None = Field(
        default=None, description="The matching rule that finds the existing record (merge)."
    )


class SocialCare(Model):
    """How a Social Studio integration turns posts into cases and personas into records."""

    routes: list[SocialRoute] = Field(
        min_length=1, description="Checked in order; the first that matches a post wins."
    )
    personas: PersonaParents = Field(default_factory=PersonaParents)

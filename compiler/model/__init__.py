"""The engage/v1 language as pydantic models: one module per concern.

The modules that define models do not use `from __future__ import annotations`: with it
every field's annotation is a string that pydantic evaluates when it builds the class
(a third of `collect_model_fields`, about 0.01 CPU-s of every engage process; issue 11).
Annotations name only what is defined above them, as Python evaluates them at once.
"""

from typing import Literal

from pydantic import Field

from compiler.model.audiences import Audience
from compiler.model.base import Model, Name, ObjectKey, Text
from compiler.model.business_units import BusinessUnit
from compiler.model.campaigns import Campaign
from compiler.model.consent import Consent
from compiler.model.data_extensions import DataExtension
from compiler.model.data_model import ObjectDef
from compiler.model.dedupe import CustomPermission, DuplicateRule, MatchingRule
from compiler.model.ecosystem import EcosystemMeta
from compiler.model.governance import Governance, Moved
from compiler.model.integrations import Integration, IntegrationUser
from compiler.model.personas import Persona
from compiler.model.routing import PublicGroup, RoutingConfig
from compiler.model.social import Queue
from compiler.model.sync import SyncRule
from compiler.model.systems import System

# Sections whose entries are named resources: YAML key → resource kind (address prefix).
RESOURCE_SECTIONS: dict[str, str] = {
    "systems": "system",
    "business_units": "business_unit",
    "objects": "object",
    "data_extensions": "data_extension",
    "integration_users": "integration_user",
    "integrations": "integration",
    "sync_rules": "sync_rule",
    "matching_rules": "matching_rule",
    "duplicate_rules": "duplicate_rule",
    "campaigns": "campaign",
    "custom_permissions": "custom_permission",
    "personas": "persona",
    "audiences": "audience",
    "queues": "queue",
    "public_groups": "public_group",
    "routing_configs": "routing_config",
}
# Sections holding one value each (declared once in the whole ecosystem).
SINGLE_SECTIONS = ("ecosystem", "consent", "governance")
LIST_SECTIONS = ("moved",)


class Ecosystem(Model):
    """A whole ecosystem: the sections of every base document merged, overlays applied."""

    api_version: Literal["engage/v1"] = Field(alias="apiVersion")
    ecosystem: EcosystemMeta
    systems: dict[Name, System] = Field(default_factory=dict)
    business_units: dict[Name, BusinessUnit] = Field(default_factory=dict)
    objects: dict[ObjectKey, ObjectDef] = Field(default_factory=dict)
    data_extensions: dict[Name, DataExtension] = Field(default_factory=dict)
    integration_users: dict[Name, IntegrationUser] = Field(default_factory=dict)
    integrations: dict[Name, Integration] = Field(default_factory=dict)
    sync_rules: dict[Name, SyncRule] = Field(default_factory=dict)
    matching_rules: dict[Name, MatchingRule] = Field(default_factory=dict)
    duplicate_rules: dict[Name, DuplicateRule] = Field(default_factory=dict)
    campaigns: dict[Name, Campaign] = Field(default_factory=dict)
    custom_permissions: dict[Name, CustomPermission] = Field(default_factory=dict)
    personas: dict[Name, Persona] = Field(default_factory=dict)
    audiences: dict[Name, Audience] = Field(default_factory=dict)
    queues: dict[Name, Queue] = Field(default_factory=dict)
    public_groups: dict[Name, PublicGroup] = Field(default_factory=dict)
    routing_configs: dict[Name, RoutingConfig] = Field(default_factory=dict)
    consent: Consent = Field(default_factory=Consent)
    governance: Governance = Field(default_factory=Governance)
    moved: list[Moved] = Field(default_factory=list)


class DocumentModel(Model):
    """One YAML document as written: any subset of the sections, or an overlay."""

    api_version: Literal["engage/v1"] = Field(alias="apiVersion")
    include: list[Text] | Text | None = None
    environment: Name | None = Field(
        default=None,
        description="Makes this document an overlay: its values override the base ones "
        "in that environment only.",
    )
    ecosystem: EcosystemMeta | None = None
    systems: dict[Name, System] = Field(default_factory=dict)
    business_units: dict[Name, BusinessUnit] = Field(default_factory=dict)
    objects: dict[ObjectKey, ObjectDef] = Field(default_factory=dict)
    data_extensions: dict[Name, DataExtension] = Field(default_factory=dict)
    integration_users: dict[Name, IntegrationUser] = Field(default_factory=dict)
    integrations: dict[Name, Integration] = Field(default_factory=dict)
    sync_rules: dict[Name, SyncRule] = Field(default_factory=dict)
    matching_rules: dict[Name, MatchingRule] = Field(default_factory=dict)
    duplicate_rules: dict[Name, DuplicateRule] = Field(default_factory=dict)
    campaigns: dict[Name, Campaign] = Field(default_factory=dict)
    custom_permissions: dict[Name, CustomPermission] = Field(default_factory=dict)
    personas: dict[Name, Persona] = Field(default_factory=dict)
    audiences: dict[Name, Audience] = Field(default_factory=dict)
    queues: dict[Name, Queue] = Field(default_factory=dict)
    public_groups: dict[Name, PublicGroup] = Field(default_factory=dict)
    routing_configs: dict[Name, RoutingConfig] = Field(default_factory=dict)
    consent: Consent | None = None
    governance: Governance | None = None
    moved: list[Moved] = Field(default_factory=list)


__all__ = [
    "LIST_SECTIONS",
    "RESOURCE_SECTIONS",
    "SINGLE_SECTIONS",
    "Audience",
    "BusinessUnit",
    "Campaign",
    "Consent",
    "CustomPermission",
    "DataExtension",
    "DocumentModel",
    "DuplicateRule",
    "Ecosystem",
    "Governance",
    "Integration",
    "IntegrationUser",
    "MatchingRule",
    "ObjectDef",
    "ObjectKey",
    "Persona",
    "PublicGroup",
    "Queue",
    "RoutingConfig",
    "SyncRule",
    "System",
    "Text",
]

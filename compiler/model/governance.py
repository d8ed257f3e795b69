"""Governance: the administration committee's groups and the approvals changes need."""

from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from compiler.model.base import Model, Name, NameRef, Text

Risk = Literal["data_loss", "consent", "permissions", "duplicate_rules", "destroy", "personal_data"]
Action = Literal["create", "update", "replace", "delete", "move"]


class Group(Model):
    description: Text = ""
    members: list[NameRef] = Field(min_length=1)


class PolicyMatch(Model):
    risks: list[Risk] = Field(default_factory=list)
    kinds: list[NameRef] = Field(default_factory=list)
    actions: list[Action] = Field(default_factory=list)
    business_units: list[NameRef] = Field(default_factory=list)
    environments: list[NameRef] = Field(default_factory=list)


class Requirement(Model):
    group: NameRef
    count: int = Field(default=1, ge=1, le=20)


class Policy(Model):
    description: Text = ""
    when: PolicyMatch = Field(default_factory=PolicyMatch)
    require: list[Requirement] = Field(min_length=1)
    signatures: Literal["required", "optional"] = Field(
        default="required",
        description="required: every approval must be signed with a key declared in "
        "governance.keys; optional: unsigned approvals count too (apply says they are "
        "unverified), but a signature that does not verify is still refused.",
    )


# An OpenSSH public key line, as in ~/.ssh/id_ed25519.pub or an allowed_signers file.
SshPublicKey = Annotated[
    str,
    StringConstraints(
        pattern=r"^(ssh-ed25519|ecdsa-sha2-nistp(256|384|521)|ssh-rsa) [A-Za-z0-9+/]+={0,3}"
        r"( [^\n]{0,200})?$",
        max_length=4000,
    ),
]


class Governance(Model):
    groups: dict[Name, Group] = Field(default_factory=dict)
    policies: dict[Name, Policy] = Field(default_factory=dict)
    keys: dict[Name, list[SshPublicKey]] = Field(
        default_factory=dict,
        description="Each approver's SSH public keys (`ssh-ed25519 AAAA… comment`): the "
        "keys `engage approve` signs with and `engage apply` verifies against.",
    )


class Moved(Model):
    from_: Text = Field(alias="from", description="The old address, e.g. data_extension.old.")
    to: Text

"""Desired resources: the resolved ecosystem as one redacted attribute dict per address.

Every address of `resolved.addresses` becomes a `DesiredResource`: its kind (the address
prefix), its attributes (the model dumped as JSON, aliases kept, `for_each` dropped since
it is already expanded), the addresses it depends on, the business units it belongs to
(what governance policies match on) and whether it is protected from deletion.

Except a resource declared `existing: true` (a public group or routing configuration the
org already has): engage checks the references to it, generates no file for it and apply
creates nothing, so it is no desired resource and the plan never lists it, as Terraform
shows no change for a data source. One recorded in state (engage created it before it was
declared existing) is refused by `check_existing`: deleting it would put it in
destructiveChanges.xml and remove what the declaration says the org keeps; `engage state
rm` forgets it without touching the org.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel

from compiler.plan.canonical import (
    digest,
    digest_bytes,
    digest_text,
    dump_canonical,
    encode_items,
    join_items,
)
from compiler.plan.errors import PlanError
from compiler.redact import clean_json, redact
from compiler.resolved import ResolvedEcosystem

# Attributes that describe a resource without changing what the platform does.
METADATA_KEYS = frozenset({"description", "labels", "suppress", "protected"})
_DROPPED: set[str] = {"for_each"}  # read only


@dataclass(frozen=True)
class DesiredResource:
    address: str
    kind: str
    attributes: Mapping[str, Any]
    dependencies: tuple[str, ...] = ()
    business_units: tuple[str, ...] = ()
    path: tuple[str | int, ...] = ()
    sensitive: bool = False
    # each attribute's canonical JSON, encoded once: for this digest and the plan's
    encoded: Mapping[str, str] | None = field(default=None, compare=False, repr=False)
    # the digest, known already when orjson wrote the attributes' canonical JSON (`plain`:
    # the plan's digest then takes the values as they are, orjson writing them alike)
    known_digest: str | None = field(default=None, compare=False, repr=False)
    plain: bool = field(default=False, compare=False, repr=False)

    @property
    def digest(self) -> str:
        if self.known_digest is not None:
            return self.known_digest
        if self.encoded is None:
            return digest(self.attributes)
        return digest_text(join_items(self.encoded))

    @property
    def protected(self) -> bool:
        return bool(self.attributes.get("protected", False))


def kind_of(address: str) -> str:
    return address.split(".", 1)[0]


def name_of(address: str) -> str:
    return address.split(".", 1)[1] if "." in address else address


def model_at(root: BaseModel, path: tuple[str | int, ...]) -> Any:
    """Walk attribute and dict steps: ("consent", "channels", "email") → ChannelConsent."""
    node: Any = root
    for step in path:
        node = node[step] if isinstance(node, dict) else getattr(node, str(step))
    return node


def dump(model: BaseModel) -> dict[str, Any]:
    """The model's JSON-mode dump, aliases kept, without `for_each` (left out by pydantic,
    not filtered from the dump afterwards: half the time). `exclude` names fields, the
    dump's keys are aliases: `for_each` is `Resource`'s field and no field has it for an
    alias (`tests/test_plan_resource_dump.py`)."""
    return model.model_dump(mode="json", by_alias=True, exclude_defaults=False, exclude=_DROPPED)


def _instance_unit(name: str) -> list[str]:
    """`newsletter[brand_retail]` was made by for_each for business unit brand_retail."""
    if name.endswith("]") and "[" in name:
        return [name[name.index("[") + 1 : -1]]
    return []


def business_units_of(kind: str, name: str, attrs: Mapping[str, Any]) -> tuple[str, ...]:
    units: list[str] = _instance_unit(name)
    if kind == "business_unit":
        units.append(name)
    for key in ("business_unit",):
        if isinstance(attrs.get(key), str):
            units.append(attrs[key])
    shared = attrs.get("shared_with")
    if isinstance(shared, list):
        units.extend(str(u) for u in shared)
    mcc = attrs.get("marketing_cloud_connect")
    if isinstance(mcc, dict):
        units.extend(str(u) for u in mcc.get("business_units", []))
    ae = attrs.get("account_engagement")
    if kind == "integration" and isinstance(ae, dict):
        units.append(str(ae.get("business_unit")))
    return tuple(sorted(set(units)))


def existing(model: Any) -> bool:
    """Whether a resource is declared `existing: true`: the platform has it, engage only
    refers to it (public groups and routing configurations). Asked only of the models
    whose class has the field: `getattr` of a name a model lacks goes through pydantic's
    `__getattr__` and its AttributeError, about 2.5 µs a resource."""
    cls = type(model)
    may = _MAY_EXIST.get(cls)
    if may is None:  # a class that is no pydantic model is asked
        fields = getattr(cls, "model_fields", None)
        may = _MAY_EXIST[cls] = not isinstance(fields, dict) or "existing" in fields
    return may and getattr(model, "existing", False) is True


# Per class of the resources' models: whether it has an `existing` field.
_MAY_EXIST: dict[type, bool] = {}


def desired_resources(
    resolved: ResolvedEcosystem, dependencies: Mapping[str, tuple[str, ...]]
) -> dict[str, DesiredResource]:
    """Address → DesiredResource, for every address of the resolved ecosystem engage
    manages (every one but those declared `existing: true`)."""
    out: dict[str, DesiredResource] = {}
    for address in sorted(resolved.addresses):
        path = tuple(resolved.addresses[address])
        model = model_at(resolved.ecosystem, path)
        if existing(model):
            continue
        data = dump(model)
        text = dump_canonical(data)
        if text is not None and clean_json(text):
            attrs, sensitive = data, False  # redact would change nothing: no copy
        else:
            attrs, sensitive = redact(data)
        plain = text is not None and not sensitive  # nothing redacted: text is attrs' JSON
        kind = kind_of(address)
        out[address] = DesiredResource(
            address=address,
            kind=kind,
            attributes=attrs,
            dependencies=tuple(sorted(dependencies.get(address, ()))),
            business_units=business_units_of(kind, name_of(address), attrs),
            path=path,
            sensitive=sensitive,
            encoded=None if plain else encode_items(attrs),
            known_digest=digest_bytes(text) if plain and text is not None else None,
            plain=plain,
        )
    return out


def check_existing(resolved: ResolvedEcosystem, recorded: Iterable[str]) -> None:
    """Refuse a plan when state records a resource now declared `existing: true`."""
    hits = [
        a
        for a in sorted(recorded)
        if a in resolved.addresses
        and existing(model_at(resolved.ecosystem, tuple(resolved.addresses[a])))
    ]
    if not hits:
        return
    raise PlanError(
        f"{', '.join(hits)}: declared `existing: true` (the org has it, engage does not "
        "manage it) but recorded in state as created by engage; deleting it would remove "
        "it from the org",
        hint=f"To stop managing it and keep it in the org: `engage state rm {' '.join(hits)}`, "
        "then plan again. To keep managing it, remove `existing: true`.",
        span=resolved.index.at((*resolved.addresses[hits[0]], "existing")),
    )

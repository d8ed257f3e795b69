"""Desired resources (compiler.plan.resources): an address's kind and name, the business
units a resource belongs to (what governance policies match on), attributes dumped without
`for_each`, protection, and the redaction of a compiled ecosystem's resources."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import FixtureEco, compile_eco

from compiler.model.data_extensions import DataExtension
from compiler.pipeline import compile_path
from compiler.plan.builder import PlanInputs, build_plan
from compiler.plan.canonical import canonical_json, digest, encode_items
from compiler.plan.changes import _create
from compiler.plan.planfile import plan_document
from compiler.plan.resources import (
    METADATA_KEYS,
    DesiredResource,
    business_units_of,
    desired_resources,
    dump,
    kind_of,
    model_at,
    name_of,
)
from compiler.source import ParseCache

BASIC = Path(__file__).resolve().parent / "fixtures" / "marketing_cloud" / "basic"


@pytest.mark.parametrize(
    ("address", "kind", "name"),
    [
        ("data_extension.master", "data_extension", "master"),
        ("consent.email.x", "consent", "email.x"),
        ("ecosystem", "ecosystem", "ecosystem"),
    ],
)
def test_an_address_is_kind_dot_name(address: str, kind: str, name: str) -> None:
    assert (kind_of(address), name_of(address)) == (kind, name)


def test_metadata_keys() -> None:
    assert frozenset({"description", "labels", "suppress", "protected"}) == METADATA_KEYS


@pytest.mark.parametrize(
    ("kind", "name", "attrs", "units"),
    [
        ("data_extension", "newsletter[brand_retail]", {}, ("brand_retail",)),
        ("data_extension", "newsletter]", {}, ()),
        ("data_extension", "news[letter", {}, ()),
        ("business_unit", "corp", {}, ("corp",)),
        ("system", "corp", {}, ()),
        ("data_extension", "m", {"business_unit": "corp"}, ("corp",)),
        ("data_extension", "m", {"business_unit": ["corp"]}, ()),
        ("data_extension", "m", {"business_unit": "corp", "shared_with": ["b", "a"]},
         ("a", "b", "corp")),
        ("data_extension", "m", {"shared_with": "*"}, ()),
        ("integration", "mcc", {"marketing_cloud_connect": {"business_units": ["x", "y"]}},
         ("x", "y")),
        ("integration", "mcc", {"marketing_cloud_connect": {}}, ()),
        ("integration", "mcc", {"marketing_cloud_connect": "no"}, ()),
        ("integration", "ae", {"account_engagement": {"business_unit": "b2b"}}, ("b2b",)),
        ("integration", "ae", {"account_engagement": "b2b"}, ()),
        ("system", "ae", {"account_engagement": {"business_unit": "b2b"}}, ()),
        ("data_extension", "n[u]", {"business_unit": "u", "shared_with": ["u"]}, ("u",)),
    ],
)  # fmt: skip
def test_the_business_units_a_resource_belongs_to(
    kind: str, name: str, attrs: dict[str, object], units: tuple[str, ...]
) -> None:
    assert business_units_of(kind, name, attrs) == units


def test_protection_is_the_protected_attribute() -> None:
    assert DesiredResource("a.b", "a", {"protected": True}).protected is True
    assert DesiredResource("a.b", "a", {"protected": False}).protected is False
    assert DesiredResource("a.b", "a", {}).protected is False
    assert DesiredResource("a.b", "a", {"x": 1}).digest == digest({"x": 1})


def test_a_dump_keeps_aliases_and_defaults_and_drops_for_each() -> None:
    de = DataExtension.model_validate(
        {"business_unit": "corp", "fields": {"K": {"type": "Text"}}, "for_each": ["a", "b"]}
    )
    data = dump(de)
    assert "for_each" not in data
    assert data["business_unit"] == "corp"
    assert data["fields"]["K"]["primary_key"] is False  # defaults kept


def test_model_at_walks_attributes_and_dict_keys() -> None:
    comp = compile_eco(BASIC)
    assert comp.resolved is not None
    eco = comp.resolved.ecosystem
    assert model_at(eco, ("data_extensions", "master")) is eco.data_extensions["master"]
    assert model_at(eco, ()) is eco


def test_every_address_of_a_compiled_ecosystem_is_desired() -> None:
    comp = compile_eco(BASIC)
    assert comp.resolved is not None
    resolved = comp.resolved
    desired = desired_resources(
        resolved, {"data_extension.master": ("system.mc", "business_unit.corp")}
    )
    assert list(desired) == sorted(resolved.addresses)
    master = desired["data_extension.master"]
    assert master.kind == "data_extension"
    assert master.dependencies == ("business_unit.corp", "system.mc")  # sorted
    assert master.business_units == ("brand", "corp")
    assert master.path == ("data_extensions", "master")
    assert master.attributes["external_key"] == "MASTER"
    assert desired["data_extension.summary"].dependencies == ()
    assert desired["integration.mcc"].business_units == ("brand", "corp")
    assert not any(r.sensitive for r in desired.values())


def test_a_dump_names_attributes_as_the_yaml_does() -> None:
    comp = compile_eco(BASIC)
    assert comp.resolved is not None
    data = dump(comp.resolved.ecosystem.integrations["nightly"])
    assert (data["from"], data["to"]) == ("mc", "mc")  # the aliases, not from_
    assert "from_" not in data


def test_a_resource_orjson_cannot_write_canonically_keeps_its_values_spliced(
    fixture_eco: FixtureEco,
) -> None:
    # a cost orjson writes as 0.00001 where canonical JSON writes 1e-05: that resource's
    # JSON is encoded the long way, and its values are spliced, never taken as they are
    root = fixture_eco()
    path = root / "campaigns.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("budgeted_cost: 1000", "budgeted_cost: 0.00001"),
        encoding="utf-8",
    )
    comp = compile_path(root, None, cache=ParseCache(None))
    assert comp.resolved is not None
    desired = desired_resources(comp.resolved, {})
    floats = [r for r in desired.values() if "1e-05" in canonical_json(dict(r.attributes))]
    assert floats and not any(r.plain for r in floats)
    plan = build_plan(PlanInputs(comp.resolved, None, "eco", "state.json", allow_conflicts=True))
    dumped = plan_document(plan)
    assert plan.digest == digest({k: v for k, v in dumped.items() if k != "digest"})


def test_a_resource_is_its_content_whatever_its_caches() -> None:
    # the canonical texts, the known digest and the orjson flag are caches of the
    # attributes: two resources of the same content are equal and print alike, and a
    # resource is not sensitive unless redaction said so
    attrs = {"members": ["ana"], "n": 3}
    bare = DesiredResource("queue.q", "queue", attrs)
    cached = DesiredResource(
        "queue.q",
        "queue",
        attrs,
        encoded=encode_items(attrs),
        known_digest=digest(attrs),
        plain=True,
    )
    assert bare == cached
    assert repr(bare) == repr(cached)
    for name in ("encoded", "known_digest", "plain"):
        assert name not in repr(cached)
    assert bare.digest == cached.digest == digest(attrs)
    assert bare.sensitive is False
    assert _create(bare, "queue.q").sensitive is False


def test_only_the_resources_orjson_did_not_write_keep_their_items_texts() -> None:
    # a resource whose canonical JSON orjson wrote carries its digest and no texts (the
    # plan's digest takes its values as they are); the others keep each attribute's
    # canonical JSON for the digest to splice in: one text per resource, never two
    comp = compile_path(
        Path(__file__).resolve().parent.parent / "ecosystem", None, cache=ParseCache(None)
    )
    assert comp.resolved is not None
    desired = desired_resources(comp.resolved, {})
    plain = [r for r in desired.values() if r.plain]
    other = [r for r in desired.values() if not r.plain]
    assert plain and other
    for res in plain:
        assert res.encoded is None and res.known_digest == digest(res.attributes)
    for res in other:
        assert res.known_digest is None
        assert res.encoded == encode_items(res.attributes)

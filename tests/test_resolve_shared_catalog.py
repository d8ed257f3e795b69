"""A system's objects: its catalog objects are shared per system type, built when read,
and the mapping behaves as the dict it replaced (order, overrides, length)."""

from __future__ import annotations

from pathlib import Path

from conftest import compile_eco

from compiler.catalog import standard_objects
from compiler.resolved import FieldSpec, ObjectSpec, SystemObjects

_F = {"Id": FieldSpec("Id", "Id", "salesforce")}
_G = {"Name": FieldSpec("Name", "Text", "salesforce")}


def _spec(name: str, kind: str = "custom") -> ObjectSpec:
    return ObjectSpec("crm", name, kind, _G, ("objects", f"crm.{name}"), f"object.crm.{name}")


def test_order_length_and_overrides_are_those_of_a_dict() -> None:
    objects = SystemObjects("crm", {"Lead": _F, "Contact": _F, "Account": _F})
    plain: dict[str, ObjectSpec] = {
        n: ObjectSpec("crm", n, "standard", _F, (), "") for n in ("Lead", "Contact", "Account")
    }
    for name, kind in (("Order__c", "custom"), ("Contact", "standard"), ("Z__c", "custom")):
        objects[name] = _spec(name, kind)
        plain[name] = _spec(name, kind)
    objects["Order__c"] = _spec("Order__c")  # set again: no second entry
    assert list(objects) == list(plain) == ["Lead", "Contact", "Account", "Order__c", "Z__c"]
    assert len(objects) == len(plain) == 5
    assert dict(objects.items()) == plain
    assert objects == plain and plain == objects
    assert objects["Contact"].path == ("objects", "crm.Contact")  # the declared one wins
    assert objects["Lead"] == ObjectSpec("crm", "Lead", "standard", _F, (), "")
    assert "Lead" in objects and "Z__c" in objects and "Nope" not in objects
    assert objects.get("Nope") is None


def test_an_empty_system_has_no_objects() -> None:
    objects = SystemObjects("ext", {})
    assert len(objects) == 0 and list(objects) == [] and not objects
    assert objects != {"x": _spec("x")}


def test_salesforce_systems_share_their_catalog_fields(tmp_path: Path) -> None:
    lines = ["apiVersion: engage/v1", "ecosystem: {name: shared}", "systems:"]
    lines += [f"  crm_{i}: {{type: salesforce, region: eu}}" for i in range(3)]
    lines += ["  picky: {type: salesforce, region: eu, standard_objects: [Contact, Lead]}"]
    (tmp_path / "systems.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    comp = compile_eco(tmp_path)
    assert comp.resolved is not None
    objects = comp.resolved.objects
    catalog = list(standard_objects("salesforce"))
    for i in range(3):
        assert list(objects[f"crm_{i}"]) == catalog
        assert objects[f"crm_{i}"]["Contact"].system == f"crm_{i}"
        assert objects[f"crm_{i}"]["Contact"].kind == "standard"
    assert objects["crm_0"]["Contact"].fields is objects["crm_2"]["Contact"].fields
    assert list(objects["picky"]) == [o for o in catalog if o in ("Contact", "Lead")]
    assert objects["picky"]["Lead"].fields is objects["crm_1"]["Lead"].fields

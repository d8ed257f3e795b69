"""Custom fields the ecosystem declares: `objects/<Object>/fields/<Field>.field-meta.xml`.

Only `__c` fields of objects of a Salesforce system are generated: the platform's own
fields already exist, and so do fields with a namespace (`pi__score__c`), which the managed
package that owns them installs. Elements follow retrieved files: fullName first, then the rest in
alphabetical order (defaultValue, deleteConstraint, description, displayLocationInDecimal,
externalId, label, length, precision, referenceTo, relationshipLabel, relationshipName,
required, scale, trackHistory, type, unique, valueSet, visibleLines).
"""

from __future__ import annotations

import re

from compiler.diagnostics import Finding, code
from compiler.emit.artifact import Emitted
from compiler.emit.names import label_from
from compiler.emit.salesforce import xml
from compiler.emit.salesforce.common import clipped, finding, salesforce_systems, source_path
from compiler.model.data_model import FieldDef
from compiler.resolved import ResolvedEcosystem

TYPES = {
    "text": "Text",
    "textarea": "TextArea",
    "long_text": "LongTextArea",
    "email": "Email",
    "phone": "Phone",
    "url": "Url",
    "picklist": "Picklist",
    "multipicklist": "MultiselectPicklist",
    "checkbox": "Checkbox",
    "number": "Number",
    "currency": "Currency",
    "percent": "Percent",
    "date": "Date",
    "datetime": "DateTime",
    "lookup": "Lookup",
    "geolocation": "Location",
}
NUMERIC = ("number", "currency", "percent")
NAMESPACED = re.compile(r"^[A-Za-z][A-Za-z0-9]{0,14}__[A-Za-z0-9_]+__c$")


def is_generated(name: str) -> bool:
    """A custom field of the org itself: `__c`, no managed-package namespace."""
    return name.endswith("__c") and not NAMESPACED.match(name)


E_FIELD_TYPE = code(
    "E8612",
    "Custom field cannot be generated",
    "A custom field of this type or size does not exist on the platform (an `id` field, "
    "text over 255 characters, a lookup without `references`).",
    "Use long_text for long text, give lookups a `references`, and leave ids to the platform.",
)


class _Field:
    def __init__(self, resolved: ResolvedEcosystem, key: str, name: str, f: FieldDef) -> None:
        self.resolved = resolved
        self.system, _, self.object = key.partition(".")
        self.name = name
        self.f = f
        self.path = ("objects", key, "fields", name)
        self.findings: list[Finding] = []

    def problem(self) -> str | None:
        f = self.f
        if f.type == "id":
            return "ids are created by the platform, not declared as custom fields"
        if f.type == "text" and (f.length or 255) > 255:
            return f"text fields hold 255 characters at most (length {f.length}); use long_text"
        if f.type == "lookup" and not f.references:
            return "a lookup needs `references`"
        return None

    def build(self) -> bytes:
        f = self.f
        root = xml.root("CustomField")
        xml.add(root, "fullName", self.name)
        if f.type == "checkbox":
            xml.add(root, "defaultValue", False)
        if f.type == "lookup":
            xml.add(root, "deleteConstraint", "SetNull")
        if f.description:
            xml.add(root, "description", self._clip(f.description, 1000, "description"))
        if f.type == "geolocation":
            xml.add(root, "displayLocationInDecimal", True)
        if f.type in ("text", "email", "number"):
            xml.add(root, "externalId", f.external_id)
        xml.add(
            root,
            "label",
            self._clip(f.label or label_from(self.name.removesuffix("__c")), 40, "label"),
        )
        self._size(root)
        if f.type == "lookup":
            self._lookup(root)
        if f.type != "checkbox":
            xml.add(root, "required", f.required)
        if f.type in NUMERIC or f.type == "geolocation":
            xml.add(root, "scale", f.scale if f.scale is not None else 0)
        xml.add(root, "trackHistory", self._tracked())
        xml.add(root, "type", TYPES[f.type])
        if f.type in ("text", "email", "number"):
            xml.add(root, "unique", f.unique)
        if f.type in ("picklist", "multipicklist"):
            self._values(root)
        if f.type in ("long_text", "multipicklist"):
            xml.add(root, "visibleLines", 3 if f.type == "long_text" else 4)
        return xml.to_bytes(root)

    def _clip(self, text: str, limit: int, key: str) -> str:
        return clipped(self.resolved, text, limit, (*self.path, key), key, self.findings)

    def _size(self, root: xml.Element) -> None:
        f = self.f
        if f.type == "text":
            xml.add(root, "length", f.length or 255)
        elif f.type == "long_text":
            xml.add(root, "length", f.length or 32768)
        elif f.type in NUMERIC:
            xml.add(root, "precision", f.precision or 18)

    def _lookup(self, root: xml.Element) -> None:
        base = self.name.removesuffix("__c")
        xml.add(root, "referenceTo", self.f.references or "")
        xml.add(
            root,
            "relationshipLabel",
            self._clip(label_from(self.object.removesuffix("__c")), 40, "label"),
        )
        xml.add(
            root, "relationshipName", f"{base}_{self.object.removesuffix('__c')}"[:40].rstrip("_")
        )

    def _tracked(self) -> bool:
        system = self.resolved.ecosystem.systems[self.system]
        history = getattr(system, "field_history", {})
        return self.name in history.get(self.object, [])

    def _values(self, root: xml.Element) -> None:
        value_set = xml.add(root, "valueSet")
        xml.add(value_set, "restricted", self.f.restricted)
        definition = xml.add(value_set, "valueSetDefinition")
        xml.add(definition, "sorted", False)
        for value in self.f.values:
            entry = xml.add(definition, "value")
            xml.add(entry, "fullName", value)
            xml.add(entry, "default", False)
            xml.add(entry, "label", value)


def emit(resolved: ResolvedEcosystem) -> tuple[list[Emitted], list[Finding]]:
    systems = set(salesforce_systems(resolved))
    out: list[Emitted] = []
    findings: list[Finding] = []
    for key, odef in sorted(resolved.ecosystem.objects.items()):
        system, _, obj = key.partition(".")
        if system not in systems:
            continue
        address = f"object.{key}"
        for name, f in sorted(odef.fields.items()):
            if not is_generated(name):
                continue
            field = _Field(resolved, key, name, f)
            problem = field.problem()
            if problem:
                findings.append(
                    finding(resolved, E_FIELD_TYPE, f"{obj}.{name}: {problem}", field.path, address)
                )
                continue
            content = field.build()
            findings.extend(field.findings)
            out.append(
                Emitted(
                    source_path(resolved, system, f"objects/{obj}/fields/{name}.field-meta.xml"),
                    content,
                    (address,),
                    (("CustomField", f"{obj}.{name}", address),),
                )
            )
    return out, findings

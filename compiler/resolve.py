"""Resolve stage: the typed Ecosystem → a ResolvedEcosystem where every name is checked.

Each system gets its full object catalog (Salesforce standard objects, data extensions of a
Marketing Cloud system, the synchronized `<Object>_Salesforce` objects Marketing Cloud
Connect creates, declared objects), every reference is checked against it, and every
miss is reported at its position, all in one run, with a suggestion.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from types import MappingProxyType
from typing import Any

from compiler import resolve_social
from compiler.catalog import standard_objects
from compiler.catalog.matching_rules import STANDARD_MATCHING_RULES
from compiler.diagnostics import Finding, code, make
from compiler.model import RESOURCE_SECTIONS, Ecosystem
from compiler.model.data_extensions import DataExtension
from compiler.model.data_model import ObjectDef
from compiler.model.dedupe import DuplicateRule
from compiler.model.sync import FieldMapping, SyncRule
from compiler.model.unit_consent import UnitConsent
from compiler.resolved import FieldSpec, ObjectSpec, ResolvedEcosystem, SystemObjects
from compiler.spans import Path, SpanIndex
from compiler.suggest import did_you_mean
from compiler.trust.keys import key_findings

E_UNDECLARED = code(
    "E2010",
    "Reference to an undeclared resource",
    "A system, business unit, object, data extension, user, integration, rule or group is "
    "named but never declared, so nothing can be compiled against it.",
    "Declare the resource, or fix the name (see the suggestion).",
    suppressible=False,
)
E_UNDECLARED_FIELD = code(
    "E2011",
    "Reference to an undeclared field",
    "The field does not exist on the object it is read from or written to; the platform "
    "would reject the sync, or silently skip the field.",
    "Declare the field under the object (or data extension), or fix the name.",
    suppressible=False,
)
E_WRONG_KIND = code(
    "E2012",
    "Reference to the wrong kind of resource",
    "The name exists but is the wrong kind here, e.g. a business unit with no Marketing Cloud "
    "mapping used for a data extension, or a Marketing Cloud system used as the CRM. A field "
    "mapping is reported here too when it names neither or both of `from` (a source field) "
    "and `value` (a constant): exactly one says what is written, and with both, the checks "
    "and the generated code could each take a different one.",
    "Point the reference at a resource of the kind the message names; give a field mapping "
    "exactly one of `from` and `value`.",
    suppressible=False,
)


# business unit mapping → (key naming the thing, the system's inventory of it, its name);
# the mapping's attribute is also the system type it must point at.
_CLOUD_MAPPINGS = (
    ("account_engagement", "business_unit", "business_units", "Account Engagement business unit"),
    ("marketing_cloud", "business_unit", "business_units", "Marketing Cloud business unit"),
    ("social_studio", "workspace", "workspaces", "Social Studio workspace"),
    ("interaction_studio", "dataset", "datasets", "Interaction Studio dataset"),
)


def address_of(section: str, name: str) -> str:
    return f"{RESOURCE_SECTIONS[section]}.{name}"


# The fields of a catalog object, built once per system type and object and shared by
# every system of that type (read-only): 20,000 Salesforce systems used to hold 20,000
# copies of the standard-object catalog's field specs.
_CATALOG_FIELDS: dict[tuple[str, str], Mapping[str, FieldSpec]] = {}


def _catalog_fields(system_type: str, name: str, odef: ObjectDef) -> Mapping[str, FieldSpec]:
    key = (system_type, name)
    fields = _CATALOG_FIELDS.get(key)
    if fields is None:
        platform = (
            system_type if system_type in ("salesforce", "account_engagement") else "external"
        )
        fields = MappingProxyType(
            {
                fname: FieldSpec.from_field(fname, f, platform, ("fields", fname))
                for fname, f in odef.fields.items()
            }
        )
        _CATALOG_FIELDS[key] = fields
    return fields


# Each system type's catalog objects (name → shared fields), in catalog order, built once.
_CATALOGS: dict[str, Mapping[str, Mapping[str, FieldSpec]]] = {}


def _catalog(system_type: str) -> Mapping[str, Mapping[str, FieldSpec]]:
    catalog = _CATALOGS.get(system_type)
    if catalog is None:
        catalog = MappingProxyType(
            {
                oname: _catalog_fields(system_type, oname, odef)
                for oname, odef in standard_objects(system_type).items()
            }
        )
        _CATALOGS[system_type] = catalog
    return catalog


def _split(key: str) -> tuple[str, str]:
    system, _, name = key.partition(".")
    return system, name


class _Resolver:
    def __init__(
        self, eco: Ecosystem, index: SpanIndex, broken: frozenset[tuple[str, str]]
    ) -> None:
        self.eco = eco
        self.index = index
        self.broken = broken
        self.findings: list[Finding] = []
        self.objects: dict[str, SystemObjects] = {}

    # ----------------------------------------------------------------- helpers
    def _missing(
        self,
        what: str,
        name: str,
        candidates: Iterable[str],
        path: Path,
        *,
        section: str = "",
        where: str = "",
    ) -> None:
        if section and (section, name) in self.broken:
            return  # already reported where it is declared
        self.findings.append(
            make(
                E_UNDECLARED,
                f"{what} {name!r} is not declared{where}{did_you_mean(name, candidates)}",
                self.index.at(path),
            )
        )

    def _wrong(self, message: str, path: Path) -> None:
        self.findings.append(make(E_WRONG_KIND, message, self.index.at(path)))

    def system(self, name: str, path: Path, *types: str) -> bool:
        systems = self.eco.systems
        if name not in systems:
            self._missing("system", name, systems, path, section="systems")
            return False
        if types and systems[name].type not in types:
            self._wrong(
                f"system {name!r} is a {systems[name].type} system; expected {' or '.join(types)}",
                path,
            )
            return False
        return True

    def named(self, section: str, what: str, name: str, path: Path) -> bool:
        entries: Mapping[str, Any] = getattr(self.eco, section)
        if name in entries:
            return True
        self._missing(what, name, entries, path, section=section)
        return False

    def obj(self, key: str, path: Path) -> ObjectSpec | None:
        system, name = _split(key)
        if system not in self.eco.systems:
            self._missing("system", system, self.eco.systems, path, section="systems")
            return None
        known: Mapping[str, ObjectSpec] = self.objects.get(system) or {}
        found = known.get(name)
        if found is None:
            if self._declared_but_broken(key, name):
                return None
            self.findings.append(
                make(
                    E_UNDECLARED,
                    f"object {name!r} is not declared in system {system!r}"
                    f"{did_you_mean(name, known)}",
                    self.index.at(path),
                )
            )
        return found

    def _declared_but_broken(self, key: str, name: str) -> bool:
        """Already reported where it is declared: a data extension or object that failed
        validation, or the `<Object>_Salesforce` of a connector (or its system) that did."""
        if ("data_extensions", name) in self.broken or ("objects", key) in self.broken:
            return True
        return name.endswith("_Salesforce") and any(
            s in ("integrations", "systems") for s, _ in self.broken
        )

    def fld(self, obj: ObjectSpec | None, name: str, path: Path) -> FieldSpec | None:
        if obj is None:
            return None
        found = obj.fields.get(name)
        if found is None:
            self.findings.append(
                make(
                    E_UNDECLARED_FIELD,
                    f"field {name!r} is not declared on {obj.system}.{obj.name}"
                    f"{did_you_mean(name, obj.fields)}",
                    self.index.at(path),
                )
            )
        return found

    # ------------------------------------------------------------- catalogs
    def build_objects(self) -> None:
        for name, system in self.eco.systems.items():
            catalog = _catalog(system.type)
            wanted = getattr(system, "standard_objects", None)
            if wanted is not None:
                catalog = {o: f for o, f in catalog.items() if o in wanted}
            self.objects[name] = SystemObjects(name, catalog)
        for key, odef in self.eco.objects.items():
            sname, oname = _split(key)
            path = ("objects", key)
            if sname not in self.eco.systems:
                self._missing("system", sname, self.eco.systems, path, section="systems")
                continue
            stype = self.eco.systems[sname].type
            if stype == "marketing_cloud":
                self._wrong(f"{key}: Marketing Cloud objects are declared as data_extensions", path)
                continue
            base = self.objects[sname].get(oname)
            spec = self._spec(sname, oname, odef, "standard" if base else "custom", stype, path)
            if base is not None:
                spec = ObjectSpec(
                    sname, oname, "standard", {**base.fields, **spec.fields}, path, f"object.{key}"
                )
            self.objects[sname][oname] = spec
        self._data_extensions()
        self._synchronized()

    @staticmethod
    def _spec(
        system: str, name: str, odef: ObjectDef, kind: str, platform: str, path: Path
    ) -> ObjectSpec:
        platform = platform if platform in ("salesforce", "account_engagement") else "external"
        fields = {
            fname: FieldSpec.from_field(fname, f, platform, (*path, "fields", fname))
            for fname, f in odef.fields.items()
        }
        address = f"object.{system}.{name}" if path else ""
        return ObjectSpec(system, name, kind, fields, tuple(path), address)

    def _data_extensions(self) -> None:
        units = self.eco.business_units
        for name, de in self.eco.data_extensions.items():
            path = ("data_extensions", name)
            bu = units.get(de.business_unit)
            if bu is None:
                self._missing(
                    "business unit",
                    de.business_unit,
                    units,
                    (*path, "business_unit"),
                    section="business_units",
                )
                continue
            if bu.marketing_cloud is None:
                self._wrong(
                    f"business unit {de.business_unit!r} has no marketing_cloud mapping, so it "
                    "cannot hold a data extension",
                    (*path, "business_unit"),
                )
                continue
            system = bu.marketing_cloud.system
            if system not in self.objects:
                continue
            self.objects[system][name] = self._de_spec(system, name, de, path)

    @staticmethod
    def _de_spec(system: str, name: str, de: DataExtension, path: Path) -> ObjectSpec:
        fields = {
            fname: FieldSpec.from_de_field(fname, f, (*path, "fields", fname))
            for fname, f in de.fields.items()
        }
        return ObjectSpec(
            system, name, "data_extension", fields, tuple(path), f"data_extension.{name}"
        )

    def _synchronized(self) -> None:
        for iname, integ in self.eco.integrations.items():
            mcc = integ.marketing_cloud_connect
            if mcc is None or integ.to not in self.objects or integ.from_ not in self.objects:
                continue
            crm = self.objects[integ.from_]
            for oname, fnames in mcc.objects.items():
                path = ("integrations", iname, "marketing_cloud_connect", "objects", oname)
                source = crm.get(oname)
                if source is None:
                    self._missing("object", oname, crm, path, where=f" in system {integ.from_!r}")
                    continue
                fields: dict[str, FieldSpec] = {}
                for i, fname in enumerate(fnames):
                    spec = self.fld(source, fname, (*path, i))
                    if spec is not None:
                        fields[fname] = dataclasses.replace(spec, path=(*path, i))
                if "Id" in source.fields:
                    fields.setdefault("Id", source.fields["Id"])
                sync_name = f"{oname}_Salesforce"
                self.objects[integ.to][sync_name] = ObjectSpec(
                    integ.to, sync_name, "synchronized", fields, path, f"integration.{iname}"
                )

    # ------------------------------------------------------------ references
    def check(self) -> None:
        self._ecosystem()
        self._key_strategies()
        self._business_units()
        self._objects()
        self._data_extension_refs()
        self._users()
        self._integrations()
        self._sync_rules()
        self._dedupe()
        self._consent()
        self._governance()
        self._campaigns()
        self._personas()
        self._audiences()
        resolve_social.check(self)

    def _ecosystem(self) -> None:
        meta = self.eco.ecosystem
        if meta.default_environment and meta.default_environment not in meta.environments:
            self._missing(
                "environment",
                meta.default_environment,
                meta.environments,
                ("ecosystem", "default_environment"),
            )
        key = meta.data_model.subscriber_key
        if key:
            self.field_address(key, ("ecosystem", "data_model", "subscriber_key"))

    def _key_strategies(self) -> None:
        """The fields external-id subscriber keys are taken from exist."""
        for name, system in self.eco.systems.items():
            p: Path = ("systems", name)
            strategies = [((*p, "key_strategy"), getattr(system, "key_strategy", None))]
            for unit, bu in getattr(system, "business_units", {}).items():
                unit_p = (*p, "business_units", unit, "key_strategy")
                strategies.append((unit_p, getattr(bu, "key_strategy", None)))
            for path, strategy in strategies:
                if strategy is not None and strategy.source:
                    self.field_address(strategy.source, (*path, "source"))

    def field_address(self, text: str, path: Path) -> FieldSpec | None:
        """Check `system:Object.Field`."""
        system, sep, rest = text.partition(":")
        obj_name, dot, fname = rest.rpartition(".")
        if not sep or not dot:
            self._wrong(f"{text!r} is not a field address like crm:Contact.Id", path)
            return None
        return self.fld(self.obj(f"{system}.{obj_name}", path), fname, path)

    def _business_units(self) -> None:
        for name, bu in self.eco.business_units.items():
            p = ("business_units", name)
            if bu.crm and self.system(bu.crm.system, (*p, "crm", "system"), "salesforce"):
                sf = self.eco.systems[bu.crm.system]
                divisions = getattr(sf, "divisions", [])
                if bu.crm.division and bu.crm.division not in divisions:
                    self._missing(
                        "division",
                        bu.crm.division,
                        divisions,
                        (*p, "crm", "division"),
                        where=f" in system {bu.crm.system!r}",
                    )
                declared_rts = getattr(sf, "record_types", {})
                for obj, rt in bu.crm.record_types.items():
                    rp = (*p, "crm", "record_types", obj)
                    self.obj(f"{bu.crm.system}.{obj}", rp)
                    if rt not in declared_rts.get(obj, []):
                        self._missing(
                            "record type",
                            rt,
                            declared_rts.get(obj, []),
                            rp,
                            where=f" for {bu.crm.system}.{obj}",
                        )
            for cloud, key, inventory, what in _CLOUD_MAPPINGS:
                self._cloud_mapping(getattr(bu, cloud), cloud, (*p, cloud), key, inventory, what)

    def _cloud_mapping(
        self, mapping: Any, cloud: str, path: Path, key: str, inventory: str, what: str
    ) -> None:
        """A business unit's mapping onto one cloud: the system is of that cloud, and the
        unit, workspace or dataset it names is declared in that system."""
        if mapping is None or not self.system(mapping.system, (*path, "system"), cloud):
            return
        declared = getattr(self.eco.systems[mapping.system], inventory, [])
        value = getattr(mapping, key)
        if value not in declared:
            self._missing(
                what, value, declared, (*path, key), where=f" in system {mapping.system!r}"
            )

    def _objects(self) -> None:
        for key, odef in self.eco.objects.items():
            sname, _ = _split(key)
            for fname, f in odef.fields.items():
                fp = ("objects", key, "fields", fname)
                if f.references:
                    self.obj(f"{sname}.{f.references}", (*fp, "references"))
                if f.system_of_record:
                    self.system(f.system_of_record, (*fp, "system_of_record"))

    def _data_extension_refs(self) -> None:
        for name, de in self.eco.data_extensions.items():
            p = ("data_extensions", name)
            if isinstance(de.shared_with, list):
                for i, bu in enumerate(de.shared_with):
                    self.named("business_units", "business unit", bu, (*p, "shared_with", i))
            if de.sendable and de.sendable.field not in de.fields:
                self.findings.append(
                    make(
                        E_UNDECLARED_FIELD,
                        f"sendable field {de.sendable.field!r} is not a field of data extension "
                        f"{name!r}{did_you_mean(de.sendable.field, de.fields)}",
                        self.index.at((*p, "sendable", "field")),
                    )
                )

    def _users(self) -> None:
        for name, user in self.eco.integration_users.items():
            p = ("integration_users", name)
            if not self.system(user.system, (*p, "system")):
                continue
            for oname, perm in user.permissions.items():
                obj = self.obj(f"{user.system}.{oname}", (*p, "permissions", oname))
                for fname in perm.fields:
                    self.fld(obj, fname, (*p, "permissions", oname, "fields", fname))
            for i, cp in enumerate(user.custom_permissions):
                cpath = (*p, "custom_permissions", i)
                if self.named("custom_permissions", "custom permission", cp, cpath):
                    if self.eco.custom_permissions[cp].system != user.system:
                        self._wrong(
                            f"custom permission {cp!r} belongs to system "
                            f"{self.eco.custom_permissions[cp].system!r}, not {user.system!r}",
                            cpath,
                        )
            if user.bypass_fields:
                users = self.obj(f"{user.system}.User", (*p, "bypass_fields"))
                for i, fname in enumerate(user.bypass_fields):
                    self.fld(users, fname, (*p, "bypass_fields", i))

    def _integrations(self) -> None:
        for name, integ in self.eco.integrations.items():
            p = ("integrations", name)
            self.system(integ.from_, (*p, "from"))
            self.system(integ.to, (*p, "to"))
            if integ.via:
                self.system(integ.via, (*p, "via"))
            if integ.user:
                self.named("integration_users", "integration user", integ.user, (*p, "user"))
            mcc = integ.marketing_cloud_connect
            if mcc is not None:
                self.system(integ.from_, (*p, "from"), "salesforce")
                self.system(integ.to, (*p, "to"), "marketing_cloud")
                for i, bu in enumerate(mcc.business_units):
                    self.named(
                        "business_units",
                        "business unit",
                        bu,
                        (*p, "marketing_cloud_connect", "business_units", i),
                    )
            ae = integ.account_engagement
            if ae is not None:
                bp = (*p, "account_engagement", "business_unit")
                if self.named("business_units", "business unit", ae.business_unit, bp):
                    if self.eco.business_units[ae.business_unit].account_engagement is None:
                        self._wrong(
                            f"business unit {ae.business_unit!r} has no account_engagement mapping",
                            bp,
                        )
                for i, rule in enumerate(ae.sharing_rules):
                    crm = integ.from_ if self._is(integ.from_, "salesforce") else integ.to
                    obj = self.obj(
                        f"{crm}.{rule.object}", (*p, "account_engagement", "sharing_rules", i)
                    )
                    self.fld(
                        obj, rule.field, (*p, "account_engagement", "sharing_rules", i, "field")
                    )

    def _is(self, system: str, stype: str) -> bool:
        return system in self.eco.systems and self.eco.systems[system].type == stype

    def _overwrite(self, rule: SyncRule, target: ObjectSpec | None, path: Path) -> None:
        """Only a data extension can be overwritten as a whole, and only one way."""
        if target is not None and target.kind != "data_extension":
            self._wrong(
                f"mode overwrite replaces every row of its target, which only a data extension "
                f"allows; {rule.target} is a {target.kind} object (use upsert or update)",
                path,
            )
        elif rule.direction == "two_way":
            self._wrong("mode overwrite cannot be two_way: each side would erase the other", path)

    def _sync_rules(self) -> None:
        for name, rule in self.eco.sync_rules.items():
            self._sync_rule(name, rule)

    def _sync_rule(self, name: str, rule: SyncRule) -> None:
        p = ("sync_rules", name)
        self.named("integrations", "integration", rule.integration, (*p, "integration"))
        src = self.obj(rule.source, (*p, "source"))
        dst = self.obj(rule.target, (*p, "target"))
        if rule.mode == "overwrite":
            self._overwrite(rule, dst, (*p, "mode"))
        if rule.business_unit:
            self.named("business_units", "business unit", rule.business_unit, (*p, "business_unit"))
        if rule.match:
            self.fld(src, rule.match.source, (*p, "match", "source"))
            self.fld(dst, rule.match.target, (*p, "match", "target"))
        for target, mapping in rule.fields.items():
            fp = (*p, "fields", target)
            self.fld(dst, target, fp)
            source = mapping if isinstance(mapping, str) else mapping.from_
            if source is not None:
                self.fld(src, source, fp if isinstance(mapping, str) else (*fp, "from"))
            elif isinstance(mapping, FieldMapping) and mapping.value is None:
                self._wrong(f"mapping of {target!r} has neither `from` nor `value`", fp)
            if isinstance(mapping, FieldMapping) and None not in (mapping.from_, mapping.value):
                self._wrong(
                    f"mapping of {target!r} has both `from` and `value`: pick one (`from` "
                    "copies a source field, `value` writes a constant)",
                    (*fp, "value"),
                )
        for i, cond in enumerate(rule.filter):
            self.fld(src, cond.field, (*p, "filter", i, "field"))
        if rule.order_by:
            self.fld(src, rule.order_by, (*p, "order_by"))

    def _dedupe(self) -> None:
        for name, mr in self.eco.matching_rules.items():
            p = ("matching_rules", name)
            if self.system(mr.system, (*p, "system")):
                obj = self.obj(f"{mr.system}.{mr.object}", (*p, "object"))
                for i, item in enumerate(mr.items):
                    self.fld(obj, item.field, (*p, "items", i, "field"))
        for name, dr in self.eco.duplicate_rules.items():
            self._duplicate_rule(name, dr)
        for name, cp in self.eco.custom_permissions.items():
            p = ("custom_permissions", name)
            self.system(cp.system, (*p, "system"), "salesforce")
            if cp.user_field is not None and not cp.user_field.endswith("__c"):
                self._wrong(
                    f"user_field {cp.user_field!r} must be a custom field (ending in __c)",
                    (*p, "user_field"),
                )

    def _duplicate_rule(self, name: str, dr: DuplicateRule) -> None:
        p = ("duplicate_rules", name)
        own = compared = None
        if self.system(dr.system, (*p, "system")):
            own = compared = self.obj(f"{dr.system}.{dr.object}", (*p, "object"))
            if dr.compare_object:
                compared = self.obj(f"{dr.system}.{dr.compare_object}", (*p, "compare_object"))
        if (dr.matching_rule is None) == (not dr.matching_rules):
            self._wrong(
                "a duplicate rule names `matching_rule` or `matching_rules`, one of them", p
            )
        if dr.compare_object and dr.matching_rules:
            self._wrong(
                "compare_object goes with matching_rule; with matching_rules each rule's own "
                "object is compared against",
                (*p, "compare_object"),
            )
        if dr.matching_rule is not None:
            expected = dr.compare_object or dr.object
            self._match_rule(dr.matching_rule, expected, compared, (*p, "matching_rule"))
        for i, ref in enumerate(dr.matching_rules):
            self._match_rule(ref, None, own, (*p, "matching_rules", i))
        for i, user in enumerate(dr.bypass):
            self.named("integration_users", "integration user", user, (*p, "bypass", i))
        self._exemptions(dr, own, p)

    def _match_rule(
        self, ref: str, expected: str | None, compared: ObjectSpec | None, path: Path
    ) -> None:
        """`ref` is a declared or standard matching rule, of the compared object when given."""
        standard = STANDARD_MATCHING_RULES.get(ref)
        if standard is not None:
            found = standard.object
        elif self.named("matching_rules", "matching rule", ref, path):
            found = self.eco.matching_rules[ref].object
        else:
            return
        if compared is not None and expected is not None and found != expected:
            self._wrong(
                f"matching rule {ref!r} matches {found}, but this duplicate rule compares "
                f"against {expected}",
                path,
            )

    def _exemptions(self, dr: DuplicateRule, own: ObjectSpec | None, p: Path) -> None:
        ex = (*p, "exempt")
        for i, cp in enumerate(dr.exempt.custom_permissions):
            cpath = (*ex, "custom_permissions", i)
            if self.named("custom_permissions", "custom permission", cp, cpath):
                found = self.eco.custom_permissions[cp]
                if found.system != dr.system:
                    self._wrong(
                        f"custom permission {cp!r} belongs to system {found.system!r}, "
                        f"not {dr.system!r}",
                        cpath,
                    )
        for i, bypass in enumerate(dr.exempt.fields):
            fpath = (*ex, "fields", i)
            if bypass.object not in ("User", dr.object):
                self._wrong(
                    f"a bypass field is a field of User (the running user) or of {dr.object}, "
                    f"not of {bypass.object}",
                    (*fpath, "object"),
                )
                continue
            spec = own
            if bypass.object == "User" and bypass.object != dr.object and own is not None:
                spec = self.obj(f"{dr.system}.User", (*fpath, "object"))
            field = self.fld(spec, bypass.field, (*fpath, "field"))
            if field is not None and field.type != "checkbox":
                self._wrong(
                    f"bypass field {bypass.object}.{bypass.field} is a {field.type}, not a "
                    "checkbox",
                    (*fpath, "field"),
                )

    def _consent(self) -> None:
        consent = self.eco.consent
        for channel, cc in consent.channels.items():
            p = ("consent", "channels", channel)
            self.system(cc.system_of_record, (*p, "system_of_record"))
            if cc.purpose and cc.purpose not in consent.purposes:
                self._missing("purpose", cc.purpose, consent.purposes, (*p, "purpose"))
            for system, storage in cc.storage.items():
                sp = (*p, "storage", system)
                if self.system(system, sp):
                    obj = self.obj(f"{system}.{storage.object}", (*sp, "object"))
                    self.fld(obj, storage.field, (*sp, "field"))
            if cc.per_unit is not None:
                self._unit_consent(cc.per_unit, (*p, "per_unit"))

    def _unit_consent(self, per_unit: UnitConsent, p: Path) -> None:
        """Per-unit consent: its business units, and each storage's object and fields."""
        for i, unit in enumerate(per_unit.business_units):
            self.named("business_units", "business unit", unit, (*p, "business_units", i))
        for system, storage in per_unit.storage.items():
            sp = (*p, "storage", system)
            if not self.system(system, sp):
                continue
            obj = self.obj(f"{system}.{storage.object}", (*sp, "object"))
            self.fld(obj, storage.field, (*sp, "field"))
            if storage.unit_field is not None:
                self.fld(obj, storage.unit_field, (*sp, "unit_field"))

    def _governance(self) -> None:
        gov = self.eco.governance
        self.findings.extend(key_findings(gov, self.index))
        kinds = set(RESOURCE_SECTIONS.values()) | {"consent", "governance"}
        envs = self.eco.ecosystem.environments
        for name, policy in gov.policies.items():
            p = ("governance", "policies", name)
            for i, req in enumerate(policy.require):
                if req.group not in gov.groups:
                    self._missing("group", req.group, gov.groups, (*p, "require", i, "group"))
            for i, kind in enumerate(policy.when.kinds):
                if kind not in kinds:
                    self._missing("resource kind", kind, kinds, (*p, "when", "kinds", i))
            for i, bu in enumerate(policy.when.business_units):
                self.named("business_units", "business unit", bu, (*p, "when", "business_units", i))
            for i, env in enumerate(policy.when.environments):
                if env not in envs:
                    self._missing("environment", env, envs, (*p, "when", "environments", i))

    def _campaigns(self) -> None:
        """A campaign's system, unit, parent, connected Account Engagement system and the
        sync rules that write its members (into the campaign system's CampaignMember)."""
        for name, camp in self.eco.campaigns.items():
            p = ("campaigns", name)
            if self.system(camp.system, (*p, "system")) and camp.record_type:
                declared = getattr(self.eco.systems[camp.system], "record_types", {})
                if camp.record_type not in declared.get("Campaign", []):
                    self._missing(
                        "record type",
                        camp.record_type,
                        declared.get("Campaign", []),
                        (*p, "record_type"),
                        where=f" for {camp.system}.Campaign",
                    )
            if camp.business_unit:
                self.named(
                    "business_units", "business unit", camp.business_unit, (*p, "business_unit")
                )
            if camp.parent and self.named("campaigns", "campaign", camp.parent, (*p, "parent")):
                if self.eco.campaigns[camp.parent].system != camp.system:
                    self._wrong(
                        f"campaign {camp.parent!r} lives in system "
                        f"{self.eco.campaigns[camp.parent].system!r}, not {camp.system!r}: "
                        "a parent campaign is in the same org",
                        (*p, "parent"),
                    )
            if camp.connected is not None:
                self.system(
                    camp.connected.system, (*p, "connected", "system"), "account_engagement"
                )
            for i, rule_name in enumerate(camp.members):
                rp = (*p, "members", i)
                if self.named("sync_rules", "sync rule", rule_name, rp):
                    target = self.eco.sync_rules[rule_name].target
                    if target != f"{camp.system}.CampaignMember":
                        self._wrong(
                            f"sync rule {rule_name!r} writes {target}, not "
                            f"{camp.system}.CampaignMember: it cannot add campaign members",
                            rp,
                        )

    def _personas(self) -> None:
        """A persona's unit, deciding system, object and condition fields."""
        for name, persona in self.eco.personas.items():
            p = ("personas", name)
            if persona.business_unit:
                self.named(
                    "business_units", "business unit", persona.business_unit, (*p, "business_unit")
                )
            if not self.system(persona.system, (*p, "system")):
                continue
            obj = self.obj(f"{persona.system}.{persona.object}", (*p, "object"))
            for i, cond in enumerate(persona.conditions):
                self.fld(obj, cond.field, (*p, "conditions", i, "field"))

    def _audiences(self) -> None:
        """An audience's ad platform system (an external advertising system, or Marketing
        Cloud for Advertising Studio), its consent purpose, unit and member sync rules
        (which must write into that system)."""
        for name, aud in self.eco.audiences.items():
            p = ("audiences", name)
            studio = aud.platform == "advertising_studio"
            kind = "marketing_cloud" if studio else "external"
            if self.system(aud.system, (*p, "system"), kind) and not studio:
                category = getattr(self.eco.systems[aud.system], "category", "")
                if category != "advertising":
                    self._wrong(
                        f"system {aud.system!r} is an external system of category "
                        f"{category}; a {aud.platform} audience goes to one of category "
                        "advertising",
                        (*p, "system"),
                    )
            if aud.purpose and aud.purpose not in self.eco.consent.purposes:
                self._missing("purpose", aud.purpose, self.eco.consent.purposes, (*p, "purpose"))
            if aud.business_unit:
                self.named(
                    "business_units", "business unit", aud.business_unit, (*p, "business_unit")
                )
            for i, rule_name in enumerate(aud.members):
                rp = (*p, "members", i)
                if self.named("sync_rules", "sync rule", rule_name, rp):
                    target = self.eco.sync_rules[rule_name].target
                    if target.partition(".")[0] != aud.system:
                        self._wrong(
                            f"sync rule {rule_name!r} writes {target}, not into "
                            f"{aud.system!r}: it cannot send the audience's members",
                            rp,
                        )


def _addresses(eco: Ecosystem) -> dict[str, tuple[str | int, ...]]:
    out: dict[str, tuple[str | int, ...]] = {}
    for section in RESOURCE_SECTIONS:
        for name in getattr(eco, section):
            out[address_of(section, name)] = (section, name)
    for channel in eco.consent.channels:
        out[f"consent.{channel}"] = ("consent", "channels", channel)
    for group in eco.governance.groups:
        out[f"group.{group}"] = ("governance", "groups", group)
    return out


def resolve(
    eco: Ecosystem,
    index: SpanIndex,
    environment: str | None,
    broken: frozenset[tuple[str, str]] = frozenset(),
    *,
    digest: str = "",
) -> tuple[ResolvedEcosystem, list[Finding]]:
    resolver = _Resolver(eco, index, broken)
    resolver.build_objects()
    resolver.check()
    resolved = ResolvedEcosystem(
        ecosystem=eco,
        environment=environment,
        index=index,
        objects=resolver.objects,
        addresses=_addresses(eco),
        source_digest=digest,
    )
    return resolved, resolver.findings

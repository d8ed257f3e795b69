"""What every rule sees: the resolved ecosystem, its graph, limits, and shared lookups.

Lookups that several rules need (sync rules per object, integrations per user, field
specs by address) are computed once, lazily, so the whole analysis stays linear.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from functools import cached_property
from typing import Any

from compiler.access import UserAccess, all_access
from compiler.diagnostics import CodeInfo, Finding, Related, Span, make
from compiler.graph import EcosystemGraph
from compiler.model import Ecosystem
from compiler.model.sync import SyncRule
from compiler.resolved import FieldSpec, ObjectSpec, ResolvedEcosystem
from compiler.rules.platform import Limits

PathT = Sequence[str | int]


def split_field(address: str) -> tuple[str, str, str]:
    """`crm:Contact.Email` → ("crm", "Contact", "Email")."""
    system, _, rest = address.partition(":")
    obj, _, name = rest.rpartition(".")
    return system, obj, name


# The lookups each rule is the last to read, in name order (the order `run_rules` runs the
# rules in): `run_rules` drops them once that rule has run, so that the memory they held
# serves the later rules (at 100k resources they held ~60 MiB by the end of the rules). A
# lookup read again after its release is built again: a release can cost time, never
# change a finding. tests/test_rules_release.py checks the table against a traced run.
RELEASED_AFTER: dict[str, tuple[str, ...]] = {
    "integration-user-excess": ("access",),
    "mapping-lengths": ("suppress.entries",),
    "mixed-subscriber-keys": ("subscriber_keys.sets",),
    "personal-data-region": ("privacy.personal",),
    "picklist-values": ("typefit.pairs",),
    "sendable-key-kind": ("subscriber_keys.fills",),
    "sendable-subscriber-filled": ("rules_by_target", "rules_by_source"),
    "shared-integration-user": ("integrations_by_user",),
    "subscriber-key": ("subscriber_keys.upstream",),
    "two-writers": ("flows",),
}


class Context:
    def __init__(
        self, resolved: ResolvedEcosystem, graph: EcosystemGraph, limits: Limits | None = None
    ) -> None:
        self.resolved = resolved
        self.eco: Ecosystem = resolved.ecosystem  # read ~170,000 times at 10k resources
        self.graph = graph
        self.limits = limits or Limits()
        self.memo: dict[str, Any] = {}  # lookups rules share, built on first use
        self._fields: dict[str, FieldSpec | None] = {}
        self._objects: dict[tuple[str, str], ObjectSpec | None] = {}
        self._de_objects: dict[str, ObjectSpec | None] = {}

    def release(self, keys: Iterable[str]) -> None:
        """Drop the shared lookups `keys` (`memo` entries or cached properties); the next
        read builds them again."""
        for key in keys:
            self.memo.pop(key, None)
            if isinstance(vars(Context).get(key), cached_property):
                vars(self).pop(key, None)

    # ------------------------------------------------------------ positions
    def span(self, path: PathT) -> Span:
        span: Span = self.resolved.index.at(path)
        return span

    def related(self, path: PathT, message: str) -> Related:
        return Related(self.span(path), message)

    def finding(
        self,
        info: CodeInfo,
        message: str,
        path: PathT,
        *,
        address: str,
        related: Iterable[tuple[PathT, str]] = (),
        hint: str | None = None,
    ) -> Finding:
        return make(
            info,
            message,
            self.span(path),
            hint=hint,
            related=[self.related(p, m) for p, m in related],
            address=address,
        )

    # -------------------------------------------------------------- lookups
    def object(self, system: str, name: str) -> ObjectSpec | None:
        """The object's spec, looked up once per analysis (a catalog object's spec is built
        on each read of `resolved.objects`; rules read the same objects thousands of times)."""
        key = (system, name)
        try:
            return self._objects[key]
        except KeyError:
            spec = self._objects[key] = self.resolved.objects.get(system, {}).get(name)
            return spec

    def field(self, address: str) -> FieldSpec | None:
        try:
            return self._fields[address]
        except KeyError:
            system, obj, name = split_field(address)
            spec = self.object(system, obj)
            found = self._fields[address] = spec.fields.get(name) if spec is not None else None
            return found

    @cached_property
    def rules_by_target(self) -> Mapping[str, list[tuple[str, SyncRule]]]:
        out: dict[str, list[tuple[str, SyncRule]]] = defaultdict(list)
        for name in sorted(self.eco.sync_rules):
            out[self.eco.sync_rules[name].target].append((name, self.eco.sync_rules[name]))
        return out

    @cached_property
    def rules_by_source(self) -> Mapping[str, list[tuple[str, SyncRule]]]:
        out: dict[str, list[tuple[str, SyncRule]]] = defaultdict(list)
        for name in sorted(self.eco.sync_rules):
            out[self.eco.sync_rules[name].source].append((name, self.eco.sync_rules[name]))
        return out

    @cached_property
    def rules_by_integration(self) -> Mapping[str, list[tuple[str, SyncRule]]]:
        out: dict[str, list[tuple[str, SyncRule]]] = defaultdict(list)
        for name in sorted(self.eco.sync_rules):
            out[self.eco.sync_rules[name].integration].append((name, self.eco.sync_rules[name]))
        return out

    @cached_property
    def integrations_by_user(self) -> Mapping[str, list[str]]:
        out: dict[str, list[str]] = defaultdict(list)
        for name in sorted(self.eco.integrations):
            user = self.eco.integrations[name].user
            if user:
                out[user].append(name)
        return out

    @cached_property
    def access(self) -> Mapping[str, UserAccess]:
        """What every integration user needs (compiler.access), per user."""
        return all_access(self.resolved)

    def object_of_de(self, name: str) -> ObjectSpec | None:
        """The resolved object of data extension `name` (None if its unit has no MC), looked
        up once per analysis."""
        try:
            return self._de_objects[name]
        except KeyError:
            spec = self._de_objects[name] = self._object_of_de(name)
            return spec

    def _object_of_de(self, name: str) -> ObjectSpec | None:
        de = self.eco.data_extensions.get(name)
        unit = self.eco.business_units.get(de.business_unit) if de is not None else None
        if unit is None or unit.marketing_cloud is None:
            return None
        return self.object(unit.marketing_cloud.system, name)

    def system_type(self, name: str) -> str:
        system = self.eco.systems.get(name)
        return system.type if system is not None else ""

"""The resolved ecosystem: every system's objects and fields in one shape.

These are the values the resolve stage (`compiler/resolve.py`) returns and every later
stage (graph, rules, plan, generate) reads: `FieldSpec`, `ObjectSpec` and
`ResolvedEcosystem`. They live apart from the resolver so that reading them does not
import it.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from compiler.model import Ecosystem
from compiler.model.data_extensions import DeField
from compiler.model.data_model import FieldDef
from compiler.spans import Path, SpanIndex


@dataclass(frozen=True, slots=True)
class FieldSpec:
    """A field of any system, in one shape: Salesforce field or data extension field."""

    name: str
    type: str
    platform: str  # "salesforce" | "marketing_cloud" | "account_engagement" | "external"
    length: int | None = None
    precision: int | None = None
    scale: int | None = None
    values: tuple[str, ...] = ()
    restricted: bool = False
    required: bool = False
    primary_key: bool = False
    external_id: bool = False
    unique: bool = False
    personal_data: str = "none"
    system_of_record: str | None = None
    references: str | None = None
    format: str | None = None  # a data-quality format: email, phone_e164, iso_country...
    path: tuple[str | int, ...] = ()

    @classmethod
    def from_field(cls, name: str, f: FieldDef, platform: str, path: Path) -> FieldSpec:
        return cls(
            name=name,
            type=f.type,
            platform=platform,
            length=f.length,
            precision=f.precision,
            scale=f.scale,
            values=tuple(f.values),
            restricted=f.restricted,
            required=f.required,
            external_id=f.external_id,
            unique=f.unique,
            personal_data=f.personal_data,
            system_of_record=f.system_of_record,
            references=f.references,
            format=f.format,
            path=tuple(path),
        )

    @classmethod
    def from_de_field(cls, name: str, f: DeField, path: Path) -> FieldSpec:
        length = f.length if f.length is not None else (50 if f.type == "Text" else None)
        return cls(
            name=name,
            type=f.type,
            platform="marketing_cloud",
            length=length,
            precision=f.precision,
            scale=f.scale,
            required=f.required or f.primary_key,
            primary_key=f.primary_key,
            personal_data=f.personal_data,
            format=f.format,
            path=tuple(path),
        )


@dataclass(frozen=True, slots=True)
class ObjectSpec:
    """One object of one system with its complete field list."""

    system: str
    name: str
    kind: str  # "standard" | "custom" | "data_extension" | "synchronized" | "system"
    fields: Mapping[str, FieldSpec]
    path: tuple[str | int, ...] = ()  # where it is declared (empty for catalog objects)
    address: str = ""

    def field_address(self, name: str) -> str:
        return f"{self.system}:{self.name}.{name}"


class SystemObjects(Mapping[str, ObjectSpec]):
    """One system's objects: its catalog's standard objects, each built when it is read,
    then the objects declared for it (custom objects, data extensions, synchronized ones).

    A dict of 16-27 `ObjectSpec`s per Salesforce system was 1.5 KiB of every system
    (issue 11: 30.5 MiB for 20,000 systems); the catalog part is now one read-only
    mapping per system type, shared. Order and contents are those of the dict it
    replaces: the catalog's objects in catalog order (a declared object of the same name
    takes its place), then the other declared objects in the order they were added.
    """

    __slots__ = ("_extra", "_own", "_standard", "_system")

    def __init__(self, system: str, standard: Mapping[str, Mapping[str, FieldSpec]]) -> None:
        self._system = system
        self._standard = standard  # catalog object name → its fields (shared, read-only)
        self._own: dict[str, ObjectSpec] = {}
        self._extra = 0  # own objects that are not catalog objects

    def __getitem__(self, name: str) -> ObjectSpec:
        spec = self._own.get(name)
        if spec is not None:
            return spec
        return ObjectSpec(self._system, name, "standard", self._standard[name], (), "")

    def __contains__(self, name: object) -> bool:
        return name in self._own or name in self._standard

    def __iter__(self) -> Iterator[str]:
        yield from self._standard
        standard = self._standard
        for name in self._own:
            if name not in standard:
                yield name

    def __len__(self) -> int:
        return len(self._standard) + self._extra

    def __setitem__(self, name: str, spec: ObjectSpec) -> None:
        if name not in self._own and name not in self._standard:
            self._extra += 1
        self._own[name] = spec

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Mapping):
            return dict(self.items()) == dict(other.items())
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"SystemObjects({self._system!r}, {dict(self.items())!r})"


@dataclass(frozen=True)
class ResolvedEcosystem:
    ecosystem: Ecosystem
    environment: str | None
    index: SpanIndex
    objects: Mapping[str, Mapping[str, ObjectSpec]]  # system → object name → spec
    addresses: Mapping[str, tuple[str | int, ...]]  # resource address → path in the values
    source_digest: str = ""
    # (file, first line, last line) of every overlay document applied to this environment
    overlays: tuple[tuple[str, int, int], ...] = ()

    def from_overlay(self, path: Path) -> bool:
        """True when the value at `path` was written by an environment overlay."""
        span = self.index.at(path)
        return any(
            span.file == file and first <= span.line <= last for file, first, last in self.overlays
        )

    def object(self, key: str) -> ObjectSpec | None:
        """`system.Object` → its spec."""
        system, _, name = key.partition(".")
        return self.objects.get(system, {}).get(name)

    def span(self, path: Path, *, key: bool = False) -> Any:
        return self.index.at(path, key=key)

"""The generation manifest, `<out>/.engage-manifest.json`: what earlier runs wrote.

For every generated file it records the target, the SHA-256 of its bytes, the resources it
derives from and the platform components it defines, so a later run removes the files no
longer generated, rewrites only what a change touches and names deleted components.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from compiler import __version__
from compiler.diagnostics import Finding, code, make
from compiler.emit.artifact import Emitted, Member
from compiler.emit.jsontext import indented
from compiler.emit.names import relpath_problem

MANIFEST = ".engage-manifest.json"
MANIFEST_VERSION = 1


W_MANIFEST = code(
    "W9812",
    "Unreadable generation manifest",
    "The manifest of the previous generation could not be read, so files generated before "
    "and no longer generated cannot be recognised and are left in place.",
    "Delete the output folder and generate again to start from a clean state.",
)


@dataclass(frozen=True)
class Entry:
    """One file of the manifest."""

    target: str
    sha256: str
    sources: tuple[str, ...]
    members: tuple[Member, ...]
    aggregate: bool

    def to_json(self) -> dict[str, Any]:
        return {
            "target": self.target,
            "sha256": self.sha256,
            "sources": list(self.sources),
            "members": [list(m) for m in self.members],
            "aggregate": self.aggregate,
        }

    @classmethod
    def from_json(cls, value: Mapping[str, Any]) -> Entry:
        return cls(
            target=str(value["target"]),
            sha256=str(value["sha256"]),
            sources=tuple(str(s) for s in value.get("sources", ())),
            members=tuple((str(a), str(b), str(c)) for a, b, c in value.get("members", ())),
            aggregate=bool(value.get("aggregate", False)),
        )


def sha256_of(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def read_manifest(out_dir: Path) -> tuple[dict[str, Entry], list[Finding]]:
    path = out_dir / MANIFEST
    if not path.exists():
        return {}, []
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        files = raw["files"]
        entries = {str(p): Entry.from_json(v) for p, v in files.items()}
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as err:
        message = f"{path}: {type(err).__name__}: {err}"
        return {}, [make(W_MANIFEST, message, None)]
    safe = {p: e for p, e in entries.items() if relpath_problem(p) is None}
    return safe, []


def manifest_bytes(entries: Mapping[str, Entry]) -> bytes:
    doc = {
        "format_version": MANIFEST_VERSION,
        "generator": f"engage {__version__}",
        "files": {p: entries[p].to_json() for p in sorted(entries)},
    }
    return indented(doc, 2)  # json.dumps(doc, indent=2, ensure_ascii=False), in C


def entries_of(target: str, arts: Iterable[Emitted]) -> dict[str, Entry]:
    return {
        f"{target}/{a.path}": Entry(target, sha256_of(a.content), a.sources, a.members, a.aggregate)
        for a in arts
    }

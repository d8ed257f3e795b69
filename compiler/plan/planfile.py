"""Saved plans: JSON with a digest over everything else, checked when read back."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Collection, Iterator, Mapping
from pathlib import Path
from typing import Any, BinaryIO

import orjson
from pydantic import ValidationError

from compiler.fsutil import write_atomic_chunks
from compiler.plan.canonical import digest, encode, pretty_json
from compiler.plan.definition import PLAN_FORMAT, PLAN_KIND, Change, Plan
from compiler.plan.errors import PlanError


def plan_document(plan: Plan) -> dict[str, Any]:
    return plan.model_dump(mode="json")


_SORTED = orjson.OPT_SORT_KEYS
_INDENTED = orjson.OPT_SORT_KEYS | orjson.OPT_INDENT_2
_PLAIN = (str, int, bool, type(None))  # orjson writes these as canonical_json does
_FAILED = (TypeError, ValueError, orjson.JSONEncodeError)  # a big integer, NaN...
ValueOf = Callable[[Any], Any]


def _attributes(change: Change, value_of: ValueOf) -> list[dict[str, Any]]:
    """A change's attributes as its JSON-mode dump holds them (values through `value_of`)."""
    if value_of is _same:  # the values themselves: no call per value
        return [
            {
                "after": a.after,
                "before": a.before,
                "forces_replacement": a.forces_replacement,
                "metadata": a.metadata,
                "op": a.op,
                "path": a.path,
            }
            for a in change.attributes
        ]
    return [
        {
            "after": value_of(a.after),
            "before": value_of(a.before),
            "forces_replacement": a.forces_replacement,
            "metadata": a.metadata,
            "op": a.op,
            "path": a.path,
        }
        for a in change.attributes
    ]


def _top_level(
    plan: Plan, value_of: ValueOf, sealed: bool, plain: Collection[str] = ()
) -> Iterator[tuple[str, Any]]:
    """The plan's JSON-mode dump, key by sorted key; `changes` as an iterator of changes,
    each dumped when it is reached, its attributes the values themselves, not copies
    (through `value_of`, but for the creates of the resources `plain` names: see
    `compute_digest`). A change at a time: the dumps of all 100,000 changes at once were
    a peak of about 0.5 GB, made three times per plan (the digest, the check of orjson,
    the file)."""
    exclude: set[str] = {"changes"} if sealed else {"changes", "digest"}
    rest = plan.model_dump(mode="json", exclude=exclude)
    rest["changes"] = None  # its place among the sorted keys

    def changes() -> Iterator[dict[str, Any]]:
        for change in plan.changes:
            dump = _fields(change)
            created = change.action == "create" and change.address in plain
            dump["attributes"] = _attributes(change, _same if created else value_of)
            yield dump

    for key in sorted(rest):
        yield key, changes() if key == "changes" else rest[key]


def _compact(plan: Plan, value_of: ValueOf, plain: Collection[str] = ()) -> Iterator[bytes]:
    """The canonical JSON of the plan without its digest, a change at a time."""
    for index, (key, value) in enumerate(_top_level(plan, value_of, False, plain)):
        yield (b"," if index else b"{") + orjson.dumps(key) + b":"
        if key != "changes":
            yield orjson.dumps(value, option=_SORTED)
            continue
        yield b"["
        for number, change in enumerate(value):
            yield (b"," if number else b"") + orjson.dumps(change, option=_SORTED)
        yield b"]"
    yield b"}"


def _indented(plan: Plan) -> Iterator[bytes]:
    """`pretty_json(plan_document(plan))`, a change at a time: orjson indents each part
    from column 0, so every line break inside a part gains the part's depth (JSON strings
    hold no raw line breaks)."""
    yield b"{\n"
    for index, (key, value) in enumerate(_top_level(plan, _same, sealed=True)):
        yield (b",\n  " if index else b"  ") + orjson.dumps(key) + b": "
        if key != "changes":
            yield orjson.dumps(value, option=_INDENTED).replace(b"\n", b"\n  ")
            continue
        opened = False
        for change in value:
            yield (b",\n    " if opened else b"[\n    ") + orjson.dumps(
                change, option=_INDENTED
            ).replace(b"\n", b"\n    ")
            opened = True
        yield b"\n  ]" if opened else b"[]"
    yield b"\n}\n"


def _fields(change: Change) -> dict[str, Any]:
    """`change.model_dump(mode="json", exclude={"attributes"})`, from its field values
    themselves: every field but `attributes` holds strings, booleans, None or lists of
    strings, which a JSON-mode dump gives as they are (`tests/test_plan_change_fields.py`
    holds each field's type to those), in half the time of pydantic's dump (twice per
    change of every plan: the digest and the file)."""
    return {key: value for key, value in change.__dict__.items() if key != "attributes"}


def _same(value: Any) -> Any:
    return value


def _spliced(encoded: Mapping[int, str]) -> tuple[ValueOf, list[bool]]:
    """Scalars orjson writes as canonical JSON as they are, others as their canonical JSON
    (already encoded for the resource's digest, or now); and a flag, still True when each
    text spliced in is orjson's own compact bytes of its value (then the hashed bytes are
    orjson's). A closure, not an object with `__call__`: it is called for every attribute
    value of the changes it hashes."""
    alike = [True]

    def value_of(value: Any) -> Any:
        if type(value) in _PLAIN:
            return value
        text = encoded.get(id(value))
        if text is None:
            text = encode(value)
        if alike[0]:
            alike[0] = _orjson_bytes(value) == text.encode("utf-8")
        return orjson.Fragment(text)

    return value_of, alike


def _orjson_bytes(value: Any) -> bytes | None:
    try:
        return orjson.dumps(value, option=_SORTED)
    except _FAILED:
        return None


def _hashed(parts: Iterator[bytes]) -> str:
    hasher = hashlib.sha256()
    for part in parts:
        hasher.update(part)
    return "sha256:" + hasher.hexdigest()


# Digests computed from orjson's own bytes of every value (spliced texts included): the plan
# holding one is written by orjson without hashing it again (`_orjson_is_canonical`). The
# digest is the sha256 of the canonical bytes, so it names one content.
_ORJSON_WRITTEN: set[str] = set()


def compute_digest(
    plan: Plan, encoded: Mapping[int, str] | None = None, plain: Collection[str] = ()
) -> str:
    """sha256 of the canonical JSON of the plan's JSON-mode dump without `digest`.

    Hashed a change at a time, each attribute value spliced in as its canonical JSON
    (`encoded`: id of a value → its text, from the resources' own digests), so the plan
    is neither dumped whole nor encoded a second time; the creates of the resources
    `plain` names (addresses of resources whose attributes' canonical JSON orjson wrote,
    `DesiredResource.plain`: a create holds those very values) are hashed with their
    values as they are, as orjson writes them. A value it cannot splice (NaN, an integer
    orjson does not take) falls back to encoding the whole dump."""
    value_of, alike = _spliced(encoded or {})
    try:
        found = _hashed(_compact(plan, value_of, plain))
    except _FAILED:
        return digest(plan.model_dump(mode="json", exclude={"digest"}))
    if alike[0]:
        _ORJSON_WRITTEN.add(found)
    return found


def seal(plan: Plan, encoded: Mapping[int, str] | None = None, plain: Collection[str] = ()) -> Plan:
    """The plan with its digest filled in (`encoded`, `plain`: see `compute_digest`)."""
    return plan.model_copy(update={"digest": compute_digest(plan, encoded, plain)})


def _orjson_is_canonical(plan: Plan) -> bool:
    """orjson's compact bytes of the plan (its own values, floats included) hash to its
    digest: then its indented bytes are the standard library's too (`canonical.py`).
    Known without hashing again when the digest was computed from those very bytes."""
    if plan.digest in _ORJSON_WRITTEN:
        return True
    try:
        return _hashed(_compact(plan, _same)) == plan.digest
    except _FAILED:
        return False


def plan_chunks(plan: Plan) -> Iterator[bytes]:
    """The plan file's bytes, a change at a time (neither the document nor its text is
    held whole): `pretty_json(plan_document(plan))`, encoded."""
    if _orjson_is_canonical(plan):
        yield from _indented(plan)
    else:
        yield pretty_json(plan_document(plan)).encode("utf-8")


def plan_json(plan: Plan) -> str:
    """The plan file's text."""
    return b"".join(plan_chunks(plan)).decode("utf-8")


def write_plan_json(plan: Plan, stream: BinaryIO) -> None:
    for chunk in plan_chunks(plan):
        stream.write(chunk)


def save_plan(plan: Plan, path: Path) -> None:
    """The plan file, written atomically a change at a time (joined first, the 100,000-
    resource file was held twice: its chunks and their join, 680 MiB over the plan)."""
    try:
        write_atomic_chunks(path, plan_chunks(plan))
    except OSError as err:
        raise PlanError(
            f"cannot save the plan to {path}: {err.strerror or err}",
            hint="Pass an --out file in a folder this user can write (e.g. plans/NAME.plan.json).",
        ) from None


_AGAIN = "Make it again with `engage plan --out ...` (and have it approved again)."


def _parse(text: str, where: str) -> Plan:
    if not text.strip():
        raise PlanError(f"{where} is empty: not an engage plan", hint=_AGAIN)
    try:
        data = json.loads(text)
    except ValueError as err:
        raise PlanError(f"{where} is not valid JSON ({err})", hint=_AGAIN) from None
    if not isinstance(data, dict) or data.get("kind") != PLAN_KIND:
        raise PlanError(
            f'{where} is not an engage plan file (no `"kind": "{PLAN_KIND}"`)',
            hint=f"Pass the file `engage plan --out` wrote. {_AGAIN}",
        )
    if data.get("format_version") != PLAN_FORMAT:
        raise PlanError(
            f"{where} has plan format {data.get('format_version')}; this engage reads "
            f"{PLAN_FORMAT}",
            hint="Make the plan again with this version of engage (`engage plan --out ...`).",
        )
    try:
        return Plan.model_validate(data)
    except ValidationError as err:
        first = err.errors()[0]
        loc = ".".join(str(p) for p in first["loc"])
        raise PlanError(
            f"{where} is not a valid plan: {loc}: {first['msg']}", hint=_AGAIN
        ) from None


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise PlanError(
            f"plan {path} does not exist",
            hint="Check the path; save a plan with `engage plan --out PATH`.",
        ) from None
    except UnicodeDecodeError:
        raise PlanError(f"{path} is not an engage plan (not UTF-8 text)", hint=_AGAIN) from None
    except OSError as err:
        raise PlanError(
            f"cannot read plan {path}: {err.strerror or err}",
            hint="Pass the plan file `engage plan --out` wrote (a readable file).",
        ) from None


def load_plan(path: Path) -> Plan:
    """Read a plan and check it is exactly what engage wrote."""
    plan = _parse(_read(path), str(path))
    if plan.digest != compute_digest(plan):
        raise PlanError(
            f"{path} was modified after engage wrote it (its digest does not match its content)",
            hint="Never edit a plan by hand: run `engage plan --out ...` again and have it "
            "approved again.",
        )
    return plan

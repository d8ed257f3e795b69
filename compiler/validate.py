"""Model stage: merged values → the typed `Ecosystem`, or schema findings at their positions."""

from __future__ import annotations

import types
import typing
from dataclasses import dataclass
from typing import Any, Union

from pydantic import BaseModel, TypeAdapter, ValidationError

from compiler.diagnostics import CodeInfo, Finding, code, make
from compiler.model import RESOURCE_SECTIONS, Ecosystem
from compiler.model.base import FIELD_NAME_HINT, FIELD_NAME_PATTERN
from compiler.spans import SpanIndex
from compiler.suggest import closest, did_you_mean

E_UNKNOWN_KEY = code(
    "E1001",
    "Unknown key",
    "A key the language does not define is most often a typo; silently ignoring it would "
    "drop what the author meant.",
    "Fix the spelling (see the suggestion) or remove the key; the language reference lists "
    "every key.",
    suppressible=False,
)
E_WRONG_TYPE = code(
    "E1002",
    "Wrong type",
    "The value has the wrong shape: a mapping where a list is expected, text for a number…",
    "Write the value with the type the language reference gives for this key.",
    suppressible=False,
)
E_MISSING = code(
    "E1003",
    "Missing required key",
    "The resource cannot be compiled without this value.",
    "Add the key shown.",
    suppressible=False,
)
E_NOT_ALLOWED = code(
    "E1004",
    "Value not allowed",
    "The key takes one of a fixed set of values.",
    "Use one of the values listed in the message.",
    suppressible=False,
)
E_FORMAT = code(
    "E1005",
    "Invalid name or format",
    "Names reach generated XML, SQL and file names, so they are restricted to letters, digits "
    "and underscores (resource names may also use '-'; data extension field names, and the "
    "references to them, may also hold '-' and single spaces between words, as real data "
    "extensions' 'First Name' does); durations look like 15m, 1h, 7d.",
    "Rename using letters, digits and underscores, starting with a letter.",
    suppressible=False,
)
E_RANGE = code(
    "E1006",
    "Value out of range",
    "The value is outside the range the platform accepts (a length, a count, a limit).",
    "Use a value within the range in the message.",
    suppressible=False,
)

_SCALAR_BRANCHES = {"str", "int", "float", "bool", "none"}


def _unwrap(tp: Any) -> Any:
    while typing.get_origin(tp) is typing.Annotated:
        tp = typing.get_args(tp)[0]
    return tp


def _field_type(model: type[BaseModel], key: str) -> Any:
    for name, info in model.model_fields.items():
        if key in (name, info.alias):
            return info.annotation
    return None


def _step(tp: Any, key: str | int, value: Any) -> Any:
    tp = _unwrap(tp)
    origin = typing.get_origin(tp)
    if origin in (Union, types.UnionType):
        for arg in typing.get_args(tp):
            arg = _unwrap(arg)
            if isinstance(arg, type) and issubclass(arg, BaseModel) and isinstance(value, dict):
                literal = _field_type(arg, "type")
                if literal is None or value.get("type") in typing.get_args(_unwrap(literal)):
                    return _step(arg, key, value)
            elif typing.get_origin(arg) in (dict, list):
                return _step(arg, key, value)
        return None
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        return _field_type(tp, str(key))
    if origin is dict:
        return typing.get_args(tp)[1]
    if origin is list:
        return typing.get_args(tp)[0]
    return None


def _model_at(path: tuple[str | int, ...], root: Any) -> type[BaseModel] | None:
    """The model class describing the mapping at `path`, following the actual values."""
    tp: Any = Ecosystem
    value = root
    for part in path:
        tp = _step(tp, part, value)
        if tp is None:
            return None
        value = value[part] if isinstance(value, (dict, list)) else None  # type: ignore[index]
    tp = _unwrap(tp)
    origin = typing.get_origin(tp)
    if origin in (Union, types.UnionType):
        for arg in typing.get_args(tp):
            arg = _unwrap(arg)
            if isinstance(arg, type) and issubclass(arg, BaseModel):
                literal = _field_type(arg, "type")
                if literal is None or (
                    isinstance(value, dict)
                    and value.get("type") in typing.get_args(_unwrap(literal))
                ):
                    return arg
        return None
    return tp if isinstance(tp, type) and issubclass(tp, BaseModel) else None


def _allowed_keys(model: type[BaseModel]) -> list[str]:
    return sorted(info.alias or name for name, info in model.model_fields.items())


def _real_path(
    loc: tuple[str | int, ...], root: Any
) -> tuple[tuple[str | int, ...], list[tuple[str, Any]]]:
    """Drop union branch labels from a pydantic loc, keeping only parts present in the data;
    each label comes with the value it was checked against."""
    path: list[str | int] = []
    labels: list[tuple[str, Any]] = []
    value = root
    for part in loc:
        if isinstance(value, dict) and isinstance(part, str) and part in value:
            path.append(part)
            value = value[part]
        elif isinstance(value, list) and isinstance(part, int) and 0 <= part < len(value):
            path.append(part)
            value = value[part]
        else:
            labels.append((str(part), value))
    return tuple(path), labels


def _keep(labels: list[tuple[str, Any]]) -> bool:
    """Of the errors a union produces, keep those of the branch the value's shape selects."""
    for label, value in labels:
        base = label.split("[")[0].lower().removeprefix("constrained-")
        model = label[:1].isupper()
        if isinstance(value, dict) and base in _SCALAR_BRANCHES | {"list", "literal"}:
            return False
        if isinstance(value, list) and (model or base in _SCALAR_BRANCHES | {"literal"}):
            return False
        if not isinstance(value, (dict, list)) and (model or base == "list"):
            return False
    return True


def _value_at(root: Any, path: tuple[str | int, ...]) -> Any:
    value = root
    for part in path:
        value = value[part]
    return value


def _classify(err_type: str) -> CodeInfo:
    if err_type == "extra_forbidden":
        return E_UNKNOWN_KEY
    if err_type == "missing":
        return E_MISSING
    if err_type in ("literal_error", "enum", "union_tag_invalid", "union_tag_not_found"):
        return E_NOT_ALLOWED
    if err_type == "string_pattern_mismatch":
        return E_FORMAT
    if err_type.startswith(("greater", "less", "too_long", "too_short", "string_too")):
        return E_RANGE
    return E_WRONG_TYPE


def _describe(err: Any, info: CodeInfo, path: tuple[str | int, ...], root: Any) -> str:
    where = ".".join(str(p) for p in path) or "document"
    if info is E_UNKNOWN_KEY:
        key = str(path[-1])
        model = _model_at(path[:-1], root)
        hint = did_you_mean(key, _allowed_keys(model)) if model else ""
        return f"unknown key {key!r} in {'.'.join(str(p) for p in path[:-1]) or 'document'}{hint}"
    if info is E_MISSING:
        return f"{where} lacks the required key {str(err['loc'][-1])!r}"
    if info is E_NOT_ALLOWED:
        ctx = err.get("ctx") or {}
        expected = ctx.get("expected") or ctx.get("expected_tags") or ""
        got = err.get("input")
        if err["type"] == "union_tag_invalid":
            got = ctx.get("tag")
        options = [o.strip().strip("'") for o in str(expected).replace(" or ", ",").split(",")]
        suggestion = did_you_mean(str(got), [o for o in options if o])
        return f"{where}: {got!r} is not allowed; expected {expected}{suggestion}"
    if info is E_FORMAT:
        pattern = (err.get("ctx") or {}).get("pattern", "")
        return f"{where}: {err.get('input')!r} does not match the required format {pattern}"
    msg = str(err.get("msg", "invalid value"))
    return f"{where}: {msg[0].lower() + msg[1:]}"


def _tag_path(err: Any, path: tuple[str | int, ...], root: Any) -> tuple[str | int, ...]:
    """An unknown discriminator (`type: salesforse`) is reported at the `type` value."""
    tag = str((err.get("ctx") or {}).get("discriminator", "")).strip("'")
    value = _value_at(root, path)
    return (*path, tag) if isinstance(value, dict) and tag in value else path


def _misspelt_required(located: list[Any]) -> set[tuple[tuple[str | int, ...], str]]:
    """Missing keys that an unknown key of the same mapping misspells (`regoin` for
    `region`): reported once, as the unknown key with its suggestion."""
    unknown = [(e[3][:-1], str(e[3][-1])) for e in located if e[2] is E_UNKNOWN_KEY and e[3]]
    out: set[tuple[tuple[str | int, ...], str]] = set()
    for err, _, info, path, _ in located:
        key = str(err["loc"][-1]) if err["loc"] else ""
        if info is E_MISSING and any(p == path and closest(k, [key]) for p, k in unknown):
            out.add((path, key))
    return out


def validation_findings(
    error: ValidationError, root: Any, index: SpanIndex, prefix: tuple[str | int, ...] = ()
) -> list[Finding]:
    located = []
    for err in error.errors(include_url=False):
        loc = prefix + tuple(p for p in err["loc"] if p != "[key]")
        info = _classify(err["type"])
        path, labels = _real_path(loc[:-1] if info is E_MISSING else loc, root)
        located.append((err, loc, info, path, labels))
    # keep the union branches the values' shapes select; never drop every error
    located = [e for e in located if not e[4] or _keep(e[4])] or located
    misspelt = _misspelt_required(located)
    findings: list[Finding] = []
    seen: set[tuple[str, tuple[str | int, ...]]] = set()
    for err, loc, info, path, _ in located:
        if info is E_MISSING and (path, str(err["loc"][-1])) in misspelt:
            continue
        if err["type"] == "union_tag_invalid":
            path = _tag_path(err, path, root)
        if (info.code, path) in seen:
            continue
        seen.add((info.code, path))
        key_error = info is E_UNKNOWN_KEY or "[key]" in err["loc"]
        err = {**err, "loc": loc}
        span = index.at(path, key=key_error)
        findings.append(make(info, _describe(err, info, path, root), span, hint=_hint(err)))
    return findings


def _hint(err: Any) -> str | None:
    """The field-name rule in words, for a name that breaks it (other codes keep theirs)."""
    if err["type"] == "string_pattern_mismatch":
        pattern = str((err.get("ctx") or {}).get("pattern", ""))
        return FIELD_NAME_HINT if FIELD_NAME_PATTERN in pattern else None
    return None


@dataclass(frozen=True)
class ModelResult:
    ecosystem: Ecosystem | None
    broken: frozenset[tuple[str, str]]  # (section, name) of resources that failed validation
    findings: tuple[Finding, ...]


def _entry_adapters() -> dict[str, TypeAdapter[Any]]:
    adapters: dict[str, TypeAdapter[Any]] = {}
    for section in RESOURCE_SECTIONS:
        annotation = _unwrap(Ecosystem.model_fields[section].annotation)
        key_type, value_type = typing.get_args(annotation)
        adapters[section] = TypeAdapter(value_type)
        adapters[section + "[key]"] = TypeAdapter(key_type)
    return adapters


_ADAPTERS = _entry_adapters()


def build_model(value: dict[str, Any], index: SpanIndex) -> ModelResult:
    """Validate resource by resource, so one bad resource hides nothing else."""
    findings: list[Finding] = []
    broken: set[tuple[str, str]] = set()
    clean: dict[str, Any] = dict(value)
    for section in RESOURCE_SECTIONS:
        entries = value.get(section)
        if not isinstance(entries, dict):
            continue
        good: dict[str, Any] = {}
        # the adapters' validators called directly: TypeAdapter.validate_python only
        # checks its keyword arguments before the same call (issue 11: a microsecond
        # of each of the two calls per resource)
        check_key = _ADAPTERS[section + "[key]"].validator.validate_python
        validate = _ADAPTERS[section].validator.validate_python
        for name, entry in entries.items():
            try:
                check_key(name)
                good[name] = validate(entry)
            except ValidationError as error:
                broken.add((section, name))
                if any(
                    e["type"] == "string_pattern_mismatch" and not e["loc"] for e in error.errors()
                ):
                    findings.append(
                        make(
                            E_FORMAT,
                            f"{section}: the name {name!r} is not a valid name; use letters, "
                            "digits, '_' and '-', starting with a letter",
                            index.key((section, name)),
                        )
                    )
                else:
                    findings.extend(validation_findings(error, value, index, (section, name)))
        clean[section] = good
    for _ in range(3):
        try:
            eco = Ecosystem.model_validate(clean)
            return ModelResult(eco, frozenset(broken), tuple(findings))
        except ValidationError as error:
            findings.extend(validation_findings(error, clean, index))
            bad = {e["loc"][0] for e in error.errors() if e["loc"]}
            meta = _salvage_meta(clean.get("ecosystem"), error)
            clean = {k: v for k, v in clean.items() if k not in bad or k == "apiVersion"}
            clean["ecosystem"] = meta
    return ModelResult(None, frozenset(broken), tuple(findings))


def _salvage_meta(meta: Any, error: ValidationError) -> dict[str, Any]:
    """The valid keys of a broken `ecosystem:` section, so its environments still count."""
    if not isinstance(meta, dict):
        return {"name": "(invalid)"}
    bad = {e["loc"][1] for e in error.errors() if len(e["loc"]) > 1 and e["loc"][0] == "ecosystem"}
    kept = {k: v for k, v in meta.items() if k not in bad}
    return kept if "name" in kept else {**kept, "name": "(invalid)"}

"""Generated documentation: the language reference from the models, one page per finding code.

`docs/language.md` keeps its hand-written prose; only the part between the two GENERATED
markers is replaced. `docs/rules/` is generated whole from the code registry (every module
of the package is imported first, so every code is registered). Output is deterministic:
regenerating twice gives the same bytes. Run `engage docs` after changing a model or a code.
"""

from __future__ import annotations

import importlib
import io
import json
import pkgutil
import re
import sys
import types
import typing
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Literal, Union

from annotated_types import Ge, Gt, Le, Lt, MaxLen, MinLen
from pydantic import BaseModel, StringConstraints
from pydantic.fields import FieldInfo
from rich.console import Console

import compiler
from compiler.diagnostics import REGISTRY, CodeInfo, Finding, Span
from compiler.fsutil import write_atomic
from compiler.model import DocumentModel
from compiler.model.base import (
    API_NAME_PATTERN,
    FIELD_NAME_PATTERN,
    NAME_PATTERN,
    OBJECT_KEY_PATTERN,
    Resource,
    or_template,
)
from compiler.model.systems import SystemBase
from compiler.pipeline import compile_path
from compiler.render.findings_text import SourceLines, render_finding
from compiler.source import ParseCache

BEGIN = "<!-- BEGIN GENERATED: `engage docs` writes this part from the models; do not edit -->"
END = "<!-- END GENERATED -->"
CODE_FILE = re.compile(r"^[EWI][0-9]{4}\.md$")
_BASES: tuple[type[BaseModel], ...] = (SystemBase, Resource)
_PATTERNS = {
    NAME_PATTERN: "name",
    API_NAME_PATTERN: "API name",
    OBJECT_KEY_PATTERN: "object key (`system.Object`)",
    or_template(NAME_PATTERN): "name (or a `${each…}` placeholder)",
    or_template(API_NAME_PATTERN): "API name (or a `${each…}` placeholder)",
    FIELD_NAME_PATTERN: "field name (spaces allowed, [Names](#names-and-addresses))",
    or_template(FIELD_NAME_PATTERN): "field name (spaces allowed, or a `${each…}` placeholder)",
    or_template(
        OBJECT_KEY_PATTERN
    ): "object key (`system.Object`, or with a `${each…}` placeholder)",
    r"^[0-9]{1,6}(s|m|h|d)$": "duration (`30s`, `15m`, `1h`, `7d`)",
    r"^[EWI][0-9]{4}$": "finding code",
    r"^[a-z]{2,12}(-[a-z0-9]{1,12})?$": "region code (`eu`, `us`, `eu-west1`)",
    r"^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$": "host name (`mail.example.com`)",
}
_DEFAULT_TEXT_LIMIT = 2000

# ------------------------------------------------------------------------ types as words


def _bounds(meta: tuple[Any, ...], unit: str = "") -> str:
    lo = hi = None
    for m in meta:
        if isinstance(m, (Ge, Gt)):
            lo = m.ge if isinstance(m, Ge) else m.gt
        elif isinstance(m, (Le, Lt)):
            hi = m.le if isinstance(m, Le) else m.lt
        elif isinstance(m, (MinLen, MaxLen)):
            lo, hi = (m.min_length, hi) if isinstance(m, MinLen) else (lo, m.max_length)
    if lo is not None and hi is not None:
        return f", {lo} to {hi}{unit}"
    if lo is not None:
        return f", at least {lo}{unit}"
    return f", at most {hi}{unit}" if hi is not None else ""


def _string(meta: tuple[Any, ...]) -> str:
    for m in meta:
        if isinstance(m, StringConstraints):
            if m.pattern:
                pattern = str(m.pattern)
                return _PATTERNS.get(pattern) or f"text matching `{pattern}`"
            if m.max_length and m.max_length != _DEFAULT_TEXT_LIMIT:
                lo = f"{m.min_length} to " if m.min_length else "at most "
                return f"text, {lo}{m.max_length} characters"
    return "text"


def _union(args: tuple[Any, ...], meta: tuple[Any, ...]) -> str:
    parts = [a for a in args if a is not type(None)]
    tagged = any(isinstance(m, FieldInfo) and m.discriminator for m in meta)
    rendered = [render_type(a) for a in parts]
    if tagged:
        return "one of " + ", ".join(rendered) + " (chosen by its `type`)"
    return " or ".join(rendered)


def render_type(tp: Any, meta: tuple[Any, ...] = ()) -> str:
    """A type annotation as a reader would say it, with links to model sections."""
    origin = typing.get_origin(tp)
    if origin is typing.Annotated:
        base, *extra = typing.get_args(tp)
        return render_type(base, (*meta, *extra))
    if origin in (Union, types.UnionType):
        return _union(typing.get_args(tp), meta)
    if origin is Literal:
        values = [f"`{v}`" for v in typing.get_args(tp)]
        return values[0] if len(values) == 1 else "one of " + ", ".join(values)
    if origin is list:
        return f"list of {render_type(typing.get_args(tp)[0])}{_bounds(meta, ' items')}"
    if origin is dict:
        key, value = typing.get_args(tp)
        return f"mapping of {render_type(key)} → {render_type(value)}"
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        return f"[{tp.__name__}](#{tp.__name__.lower()})"
    if tp is str:
        return _string(meta)
    words = {int: "integer", float: "number", bool: "`true` or `false`"}
    return words.get(tp, getattr(tp, "__name__", str(tp))) + _bounds(meta)


def render_default(info: FieldInfo) -> str:
    if info.is_required():
        return "**required**"
    value = info.default_factory() if info.default_factory else info.default  # type: ignore[call-arg]
    if value is None:
        return "—"
    if isinstance(value, BaseModel):
        return "its defaults"
    return f"`{json.dumps(value, ensure_ascii=False)}`"


# ------------------------------------------------------------------------- the models


def _models_in(tp: Any) -> Iterator[type[BaseModel]]:
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        yield tp
    for arg in typing.get_args(tp):
        yield from _models_in(arg)


def _documented_base(model: type[BaseModel]) -> type[BaseModel] | None:
    return next((b for b in _BASES if b is not model and issubclass(model, b)), None)


def _own_fields(model: type[BaseModel]) -> dict[str, FieldInfo]:
    base = _documented_base(model)
    inherited = base.model_fields if base else {}
    return {n: f for n, f in model.model_fields.items() if n not in inherited}


def all_models(root: type[BaseModel] = DocumentModel) -> list[type[BaseModel]]:
    """Every model reachable from `root`, depth first, so related models stay together."""
    seen: list[type[BaseModel]] = []

    def visit(model: type[BaseModel]) -> None:
        if model in seen:
            return
        seen.append(model)
        for info in _own_fields(model).values():
            for child in _models_in(info.annotation):
                visit(child)
        base = _documented_base(model)
        if base:
            visit(base)

    visit(root)
    return seen


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def model_section(model: type[BaseModel]) -> str:
    lines = [f"### {model.__name__}", ""]
    doc = (model.__doc__ or "").strip()
    if doc:
        lines += [doc.split("\n\n")[0].replace("\n", " "), ""]
    base = _documented_base(model)
    if base:
        lines += [f"Also takes every key of [{base.__name__}](#{base.__name__.lower()}).", ""]
    lines += ["| key | type | default | description |", "|---|---|---|---|"]
    for name, info in _own_fields(model).items():
        key = info.alias or name
        kind = render_type(info.annotation, tuple(info.metadata))
        row = (f"`{key}`", kind, render_default(info), info.description or "")
        lines.append("| " + " | ".join(_cell(c) for c in row) + " |")
    return "\n".join(lines) + "\n"


def language_reference() -> str:
    """The generated part of docs/language.md."""
    parts = [
        "## Reference",
        "",
        "Every key of every section, generated from the models (`compiler/model/`). A "
        "document's top level is [DocumentModel](#documentmodel); each section links on.",
        "",
    ]
    parts += [model_section(m) for m in all_models()]
    return "\n".join(parts)


def replace_generated(text: str, block: str) -> str:
    """Put `block` between the markers of `text` (appended with markers if they are absent)."""
    generated = f"{BEGIN}\n\n{block.rstrip()}\n\n{END}"
    if BEGIN in text and END in text:
        head, _, rest = text.partition(BEGIN)
        _, _, tail = rest.partition(END)
        return head + generated + tail
    return text.rstrip() + "\n\n" + generated + "\n"


# --------------------------------------------------------------------- finding codes


def import_everything() -> None:
    """Import every module of the package, so that every finding code is registered."""
    for info in pkgutil.walk_packages(compiler.__path__, "compiler."):
        importlib.import_module(info.name)


def code_modules() -> dict[str, str]:
    """Finding code → the module that registers it."""
    found: dict[str, str] = {}
    for name in sorted(sys.modules):
        if name == "compiler.diagnostics" or not name.startswith("compiler."):
            continue
        for value in vars(sys.modules[name]).values():
            if isinstance(value, CodeInfo) and value.code not in found:
                found[value.code] = name
    return found


def code_rules() -> dict[str, list[str]]:
    """Finding code → the analysis rules that emit it (when compiler.rules exists)."""
    try:
        from compiler.rules.registry import RULES
    except ImportError:  # pragma: no cover - the rules package is optional
        return {}
    out: dict[str, list[str]] = {}
    for name in sorted(RULES):
        for info in RULES[name].codes:
            out.setdefault(info.code, []).append(name)
    return out


@dataclass(frozen=True)
class Example:
    files: tuple[tuple[str, str], ...]  # (relative path, text)
    output: str  # the finding as `engage validate` prints it


def code_page(info: CodeInfo, module: str, rules: list[str], example: Example | None) -> str:
    where = f"`{module}`" + (f", rule{'s' * (len(rules) > 1)} " if rules else "")
    where += ", ".join(f"`{r}`" for r in rules)
    lines = [
        f"# {info.code}: {info.title}",
        "",
        "| | |",
        "|---|---|",
        f"| severity | {info.severity.value} |",
        f"| category | {info.category} ({info.code[1]}xxx) |",
        f"| can be suppressed | {'yes' if info.suppressible else 'no'} |",
        f"| reported by | {where} |",
        "",
        "## Why",
        "",
        info.rationale,
        "",
        "## How to fix",
        "",
        info.hint,
        "",
    ]
    if example is not None:
        lines += ["## Example", ""]
        for path, text in example.files:
            lines += [f"`{path}`:", "", "```yaml", text.rstrip(), "```", ""]
        lines += ["`engage validate` reports:", "", "```text", example.output.rstrip(), "```", ""]
    lines += ["[All finding codes](README.md)", ""]
    return "\n".join(lines)


def index_page(infos: list[CodeInfo]) -> str:
    lines = [
        "# Finding codes",
        "",
        "Generated by `engage docs` from the code registry. The letter is the default "
        "severity (E error, W warning, I info), the first digit the concern: 0 loading, "
        "1 schema, 2 references, 3 data flow, 4 integration users, 5 duplicates, 6 consent, "
        "7 business units, 8 data model, 9 governance and internal.",
        "",
        "| code | title | category | suppressible |",
        "|---|---|---|---|",
    ]
    for info in infos:
        yes = "yes" if info.suppressible else "no"
        link = f"[{info.code}]({info.code}.md)"
        lines.append(f"| {link} | {_cell(info.title)} | {info.category} | {yes} |")
    return "\n".join(lines) + "\n"


def rule_pages(examples: dict[str, Example] | None = None) -> dict[str, str]:
    """File name under docs/rules/ → its content, for every registered code."""
    import_everything()
    modules, rules = code_modules(), code_rules()
    infos = list(REGISTRY)
    pages = {"README.md": index_page(infos)}
    for info in infos:
        module = modules.get(info.code, "compiler")
        example = (examples or {}).get(info.code)
        pages[f"{info.code}.md"] = code_page(info, module, rules.get(info.code, []), example)
    return pages


# -------------------------------------------------------------------------- the files


def planned_files(docs: Path, examples: dict[str, Example] | None = None) -> dict[Path, str]:
    """Every generated file and its content."""
    language = docs / "language.md"
    current = language.read_text(encoding="utf-8") if language.is_file() else "# The language\n"
    out = {language: replace_generated(current, language_reference())}
    for name, text in rule_pages(examples).items():
        out[docs / "rules" / name] = text
    return out


def stale_pages(docs: Path, planned: dict[Path, str]) -> list[Path]:
    folder = docs / "rules"
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if CODE_FILE.match(p.name) and p not in planned)


def out_of_date(docs: Path, examples: dict[str, Example] | None = None) -> list[Path]:
    """The generated files that differ from what `engage docs` would write, and stale pages."""
    planned = planned_files(docs, examples)
    changed = [
        p for p, text in planned.items() if not p.is_file() or p.read_text(encoding="utf-8") != text
    ]
    return sorted(changed + stale_pages(docs, planned))


def write_docs(docs: Path, examples: dict[str, Example] | None = None) -> list[Path]:
    """Write what changed, remove pages of codes that no longer exist; return the paths."""
    planned = planned_files(docs, examples)
    touched = []
    for path, text in sorted(planned.items()):
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            write_atomic(path, text)
            touched.append(path)
    for path in stale_pages(docs, planned):
        path.unlink()
        touched.append(path)
    return touched


# ------------------------------------------------------------------------- examples


def _relative(finding: Finding, root: Path) -> Finding:
    def rel(span: Span) -> Span:
        try:
            name = Path(span.file).resolve().relative_to(root.resolve()).as_posix()
        except ValueError:
            name = Path(span.file).name
        return replace(span, file=name)

    related = tuple(replace(r, span=rel(r.span)) for r in finding.related)
    return replace(finding, span=rel(finding.span) if finding.span else None, related=related)


def _render(finding: Finding, files: dict[str, str]) -> str:
    out = io.StringIO()
    console = Console(file=out, color_system=None, width=100, highlight=False, soft_wrap=True)
    sources = SourceLines()
    sources.files.update({name: text.splitlines() for name, text in files.items()})
    render_finding(console, finding, sources)
    return out.getvalue()


def load_example(code_: str, root: Path) -> Example:
    """Compile an example folder and keep the first finding of `code_`, as printed."""
    files = {
        p.relative_to(root).as_posix(): p.read_bytes().decode("utf-8", "replace")
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }
    comp = compile_path(root, all_environments=True, cache=ParseCache(None))
    found = [f for f in comp.findings if f.code == code_]
    if not found:
        raise ValueError(f"the example {root} does not produce {code_}")
    output = _render(_relative(found[0], root), files)
    for where in (root.resolve().as_posix(), root.as_posix()):  # no machine-specific paths
        output = output.replace(where, "<ecosystem folder>")
    return Example(tuple(sorted(files.items())), output)


def load_examples(folder: Path) -> dict[str, Example]:
    """One example per sub-folder named after a code, e.g. examples/E1001/."""
    if not folder.is_dir():
        return {}
    return {
        sub.name: load_example(sub.name, sub)
        for sub in sorted(folder.iterdir())
        if sub.is_dir() and re.match(r"^[EWI][0-9]{4}$", sub.name)
    }

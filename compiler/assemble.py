"""Assemble stage: documents → one merged value tree per environment.

1. every document must be a mapping with `apiVersion: engage/v1`;
2. base documents (no `environment:` key) are merged section by section; a resource
   declared twice is an error naming both places;
3. overlay documents of the chosen environment are deep-merged over the base (mappings
   merge, anything else replaces) and may add resources of their own;
4. `for_each` definitions are instantiated once per business unit, `${each}` substituted.

Spans travel with the values, so every later finding still points into the right file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from compiler import API_VERSION
from compiler.diagnostics import Finding, Related, Span, code, make
from compiler.model import LIST_SECTIONS, RESOURCE_SECTIONS, SINGLE_SECTIONS
from compiler.source import Document
from compiler.suggest import did_you_mean
from compiler.yamlparse import SpanNode

E_DOCUMENT = code(
    "E1007",
    "Document is not an engage/v1 mapping",
    "Every YAML document of an ecosystem is a mapping that starts with `apiVersion: engage/v1`, "
    "so that the language can evolve without misreading old files.",
    "Start the document with `apiVersion: engage/v1` and write its sections as a mapping.",
    suppressible=False,
)
E_DUPLICATE = code(
    "E2001",
    "Declared twice",
    "A resource, or a section that exists once per ecosystem, is declared in two places; "
    "which one is meant cannot be known.",
    "Keep one declaration; environment-specific values belong in an overlay document.",
    suppressible=False,
)
E_ENVIRONMENT = code(
    "E2002",
    "Unknown environment",
    "An overlay or --env names an environment the ecosystem does not declare.",
    "Declare the environment under `ecosystem.environments`, or fix the name.",
    suppressible=False,
)
E_FOR_EACH = code(
    "E2003",
    "Invalid for_each",
    "for_each instantiates a definition once per business unit; it takes a list of declared "
    "business units or '*'.",
    "Write `for_each: [brand_a, brand_b]` or `for_each: '*'` with declared business units.",
    suppressible=False,
)
E_PLACEHOLDER = code(
    "E2004",
    "Invalid placeholder",
    "`${each}` and `${each.path}` are replaced per business unit inside a for_each definition; "
    "anywhere else, or naming a value the business unit lacks, they cannot be replaced.",
    "Use the placeholder inside a for_each definition and name an existing value of the "
    "business unit, e.g. `${each.marketing_cloud.business_unit}`.",
    suppressible=False,
)

_PLACEHOLDER = re.compile(r"\$\{([^}]*)\}")
_EACH_PATH = re.compile(r"^each(\.[A-Za-z0-9_-]+)*$")
_META_KEYS = ("apiVersion", "include", "environment")


@dataclass(frozen=True)
class Assembled:
    """The merged values of one environment, with the span tree that locates them."""

    environment: str | None
    value: dict[str, Any]
    spans: SpanNode


def _kids(node: SpanNode) -> dict[str, SpanNode]:
    # `children` once: of a parsed node it is a fresh dict of views, one per child (a
    # section's: one per resource)
    kids = node.children
    return kids if isinstance(kids, dict) else {}


def _shallow(node: SpanNode) -> SpanNode:
    """A node whose own children container may be extended without touching the original."""
    kids = node.children
    copied: dict[str, SpanNode] | list[SpanNode] | None = None
    if isinstance(kids, dict):
        copied = dict(kids)
    elif isinstance(kids, list):
        copied = list(kids)
    out = SpanNode(node.file, node.line, node.col, node.end_line, node.end_col, copied)
    out.key_line, out.key_col = node.key_line, node.key_col
    return out


def _key_span(node: SpanNode) -> Span:
    return Span(node.file, node.key_line or node.line, node.key_col or node.col)


class _Assembler:
    def __init__(self, documents: tuple[Document, ...]) -> None:
        self.findings: list[Finding] = []
        self.base: list[Document] = []
        self.overlays: list[Document] = []
        for doc in documents:
            if self._check_document(doc):
                (self.overlays if "environment" in doc.value else self.base).append(doc)
        first = self.base[0] if self.base else (documents[0] if documents else None)
        self.root_file = first.file if first else "<none>"

    def _check_document(self, doc: Document) -> bool:
        if doc.value is None:
            return False  # an empty document (e.g. a trailing ---) holds nothing
        if not isinstance(doc.value, dict):
            self.findings.append(
                make(E_DOCUMENT, "the document is not a mapping of sections", doc.span())
            )
            return False
        version = doc.value.get("apiVersion")
        if version != API_VERSION:
            kids = _kids(doc.spans)
            span = (
                Span(doc.file, kids["apiVersion"].line, kids["apiVersion"].col)
                if "apiVersion" in kids
                else doc.span()
            )
            what = "has no apiVersion" if version is None else f"has apiVersion {version!r}"
            self.findings.append(
                make(E_DOCUMENT, f"the document {what}; this engage reads {API_VERSION}", span)
            )
            return False
        env = doc.value.get("environment")
        if "environment" in doc.value and not (isinstance(env, str) and env):
            env_node = _kids(doc.spans)["environment"]
            self.findings.append(
                make(E_ENVIRONMENT, "`environment:` must name an environment", _key_span(env_node))
            )
            return False
        return True

    def merge_base(self) -> tuple[dict[str, Any], SpanNode]:
        value: dict[str, Any] = {"apiVersion": API_VERSION}
        first = self.base[0].spans if self.base else SpanNode(self.root_file, 1, 1, 1, 1)
        kids: dict[str, SpanNode] = {"apiVersion": first}
        for doc in self.base:
            dkids = _kids(doc.spans)
            for section, content in doc.value.items():
                if section in _META_KEYS:
                    continue
                self._merge_section(value, kids, section, content, dkids[section], doc)
        root = SpanNode(first.file, first.line, first.col, first.end_line, first.end_col, kids)
        return value, root

    def _merge_section(
        self,
        value: dict[str, Any],
        kids: dict[str, SpanNode],
        section: str,
        content: Any,
        node: SpanNode,
        doc: Document,
    ) -> None:
        """Add one document's section. Sections seen before are extended in place: the
        containers are the assembler's own shallow copies, so no cached tree is altered."""
        mergeable = (section in LIST_SECTIONS and isinstance(content, list)) or (
            section in RESOURCE_SECTIONS and isinstance(content, dict)
        )
        if section not in value:
            if mergeable:
                content = type(content)(content)
                node = _shallow(node)
            value[section] = content
            kids[section] = node
            return
        existing, enode = value[section], kids[section]
        if mergeable and isinstance(content, list) and isinstance(existing, list):
            existing.extend(content)
            ekids, nkids = enode.children, node.children
            if isinstance(ekids, list) and isinstance(nkids, list):
                ekids.extend(nkids)
            return
        if mergeable and isinstance(content, dict) and isinstance(existing, dict):
            ekids = _kids(enode)
            nkids = _kids(node)
            for name, entry in content.items():
                entry_node = nkids[name]
                if name in existing:
                    what = f"{RESOURCE_SECTIONS[section]} {name!r}"
                    self._duplicate(what, entry_node, ekids[name])
                    continue
                existing[name] = entry
                ekids[name] = entry_node
            return
        what = f"the section {section!r}" if section in SINGLE_SECTIONS else f"{section!r}"
        self._duplicate(what, node, enode)

    def _duplicate(self, what: str, node: SpanNode, first: SpanNode) -> None:
        self.findings.append(
            make(
                E_DUPLICATE,
                f"{what} is declared twice",
                _key_span(node),
                related=[Related(_key_span(first), "first declared here")],
            )
        )

    def apply_overlays(
        self, value: dict[str, Any], spans: SpanNode, env: str
    ) -> tuple[dict[str, Any], SpanNode]:
        for doc in self.overlays:
            if doc.value.get("environment") != env:
                continue
            body = {k: v for k, v in doc.value.items() if k not in _META_KEYS}
            bkids = {k: v for k, v in _kids(doc.spans).items() if k not in _META_KEYS}
            overlay_node = SpanNode(doc.file, doc.spans.line, doc.spans.col, 0, 0, bkids)
            value, spans = _deep_merge(value, spans, body, overlay_node)
        return value, spans

    def check_environments(self, value: dict[str, Any], env: str | None) -> list[str]:
        eco = value.get("ecosystem")
        declared = eco.get("environments") if isinstance(eco, dict) else None
        names = sorted(declared) if isinstance(declared, dict) else []
        for doc in self.overlays:
            name = doc.value["environment"]
            if name not in names:
                node = _kids(doc.spans)["environment"]
                self.findings.append(
                    make(
                        E_ENVIRONMENT,
                        f"the overlay is for environment {name!r}, which the ecosystem does not "
                        f"declare{did_you_mean(str(name), names)}",
                        Span(node.file, node.line, node.col, node.end_line, node.end_col),
                    )
                )
        return names


def _deep_merge(base: Any, bnode: SpanNode, over: Any, onode: SpanNode) -> tuple[Any, SpanNode]:
    if isinstance(base, dict) and isinstance(over, dict):
        merged = dict(base)
        bkids = _kids(bnode)
        okids = _kids(onode)
        kids = dict(bkids)
        for key, oval in over.items():
            if key in merged:
                merged[key], kids[key] = _deep_merge(merged[key], bkids[key], oval, okids[key])
            else:
                merged[key], kids[key] = oval, okids[key]
        node = SpanNode(bnode.file, bnode.line, bnode.col, bnode.end_line, bnode.end_col, kids)
        node.key_line, node.key_col = bnode.key_line, bnode.key_col
        return merged, node
    return over, onode


class _Expander:
    """Instantiates for_each definitions per business unit."""

    def __init__(
        self, value: dict[str, Any], findings: list[Finding], clean: frozenset[str] = frozenset()
    ) -> None:
        bus = value.get("business_units")
        self.units: dict[str, Any] = bus if isinstance(bus, dict) else {}
        self.findings = findings
        self.clean = clean  # files whose resources hold no placeholder

    def run(self, value: dict[str, Any], spans: SpanNode) -> tuple[dict[str, Any], SpanNode]:
        out = dict(value)
        kids = dict(_kids(spans))
        for section in RESOURCE_SECTIONS:
            entries = value.get(section)
            if not isinstance(entries, dict):
                continue
            snode = kids[section]
            skids = _kids(snode)
            new_entries: dict[str, Any] = {}
            new_kids: dict[str, SpanNode] = {}
            for name, entry in entries.items():
                enode = skids[name]
                for inst_name, inst, inode in self._expand(name, entry, enode):
                    new_entries[inst_name] = inst
                    new_kids[inst_name] = inode
            out[section] = new_entries
            node = SpanNode(
                snode.file, snode.line, snode.col, snode.end_line, snode.end_col, new_kids
            )
            node.key_line, node.key_col = snode.key_line, snode.key_col
            kids[section] = node
        root = SpanNode(spans.file, spans.line, spans.col, spans.end_line, spans.end_col, kids)
        return out, root

    def _expand(self, name: str, entry: Any, node: SpanNode) -> list[tuple[str, Any, SpanNode]]:
        if not isinstance(entry, dict) or "for_each" not in entry:
            if node.file not in self.clean:
                self._no_placeholders(entry, node)
            return [(name, entry, node)]
        fe_node = _kids(node)["for_each"]
        units = self._units(entry["for_each"], fe_node)
        body = {k: v for k, v in entry.items() if k != "for_each"}
        out = []
        for unit in units:
            inst = self._substitute(body, node, unit)
            out.append((f"{name}[{unit}]", inst, node))
        return out

    def _units(self, raw: Any, node: SpanNode) -> list[str]:
        span = Span(node.file, node.line, node.col, node.end_line, node.end_col)
        if raw == "*":
            return sorted(self.units)
        if not isinstance(raw, list) or not raw or not all(isinstance(u, str) for u in raw):
            self.findings.append(
                make(
                    E_FOR_EACH, "for_each must be a non-empty list of business units, or '*'", span
                )
            )
            return []
        found = []
        for i, unit in enumerate(raw):
            if unit in self.units:
                found.append(unit)
                continue
            inode = node.children[i] if isinstance(node.children, list) else node
            self.findings.append(
                make(
                    E_FOR_EACH,
                    f"for_each names business unit {unit!r}, which is not declared"
                    f"{did_you_mean(unit, self.units)}",
                    Span(inode.file, inode.line, inode.col, inode.end_line, inode.end_col),
                )
            )
        return sorted(set(found), key=found.index)

    def _substitute(self, value: Any, node: SpanNode, unit: str) -> Any:
        if isinstance(value, str) and "${" in value:
            return _PLACEHOLDER.sub(lambda m: self._lookup(m.group(1), unit, node), value)
        if isinstance(value, dict):
            kids = _kids(node)
            return {k: self._substitute(v, kids.get(k, node), unit) for k, v in value.items()}
        if isinstance(value, list):
            lkids = node.children if isinstance(node.children, list) else []
            return [
                self._substitute(v, lkids[i] if i < len(lkids) else node, unit)
                for i, v in enumerate(value)
            ]
        return value

    def _lookup(self, expr: str, unit: str, node: SpanNode) -> str:
        expr = expr.strip()
        span = Span(node.file, node.line, node.col, node.end_line, node.end_col)
        if not _EACH_PATH.match(expr):
            self.findings.append(
                make(
                    E_PLACEHOLDER,
                    f"unknown placeholder ${{{expr}}}; only ${{each...}} exists",
                    span,
                )
            )
            return ""
        if expr == "each":
            return unit
        current: Any = self.units.get(unit)
        for part in expr.split(".")[1:]:
            if not isinstance(current, dict) or part not in current:
                self.findings.append(
                    make(
                        E_PLACEHOLDER,
                        f"${{{expr}}}: business unit {unit!r} has no value at {expr[5:]!r}",
                        span,
                    )
                )
                return ""
            current = current[part]
        if isinstance(current, (dict, list)) or current is None:
            self.findings.append(
                make(E_PLACEHOLDER, f"${{{expr}}} is not a single value for {unit!r}", span)
            )
            return ""
        return str(current).lower() if isinstance(current, bool) else str(current)

    def _no_placeholders(self, value: Any, node: SpanNode) -> None:
        """A finding for each string with a placeholder in a resource without for_each,
        at the nearest node its path has (the nodes are looked up only for those)."""
        found: list[tuple[tuple[str | int, ...], str]] = []
        _placeholder_texts(value, [], found)
        for path, text in found:
            at = node
            for part in path:
                at = at.child(part) or at
            self.findings.append(
                make(
                    E_PLACEHOLDER,
                    f"{text!r} holds a placeholder, but its resource has no for_each",
                    Span(at.file, at.line, at.col, at.end_line, at.end_col),
                )
            )


def _placeholder_texts(
    value: Any, path: list[str | int], found: list[tuple[tuple[str | int, ...], str]]
) -> None:
    """Add (path, text) of every string holding `${` in `value`, in order."""
    if isinstance(value, str):
        if "${" in value:
            found.append((tuple(path), value))
        return
    if not isinstance(value, (dict, list)):
        return
    items: Any = value.items() if isinstance(value, dict) else enumerate(value)
    for k, v in items:
        if isinstance(v, str):
            if "${" in v:
                found.append(((*path, k), v))
        elif isinstance(v, (dict, list)):
            path.append(k)
            _placeholder_texts(v, path, found)
            path.pop()


@dataclass(frozen=True)
class AssembleResult:
    assembled: Assembled | None
    environments: tuple[str, ...]
    findings: tuple[Finding, ...]


def assemble(documents: tuple[Document, ...], environment: str | None) -> AssembleResult:
    """Merge base documents, apply the environment's overlays, expand for_each."""
    asm = _Assembler(documents)
    if not asm.base:
        return AssembleResult(None, (), tuple(asm.findings))
    value, spans = asm.merge_base()
    names = asm.check_environments(value, environment)
    if environment is not None:
        if environment not in names:
            asm.findings.append(
                make(
                    E_ENVIRONMENT,
                    f"--env {environment!r} is not declared{did_you_mean(environment, names)}"
                    f" (declared: {', '.join(names) or 'none'})",
                    SpanIndexRoot(spans).ecosystem_span(),
                )
            )
            return AssembleResult(None, tuple(names), tuple(asm.findings))
        value, spans = asm.apply_overlays(value, spans, environment)
    # the files none of whose strings can hold a placeholder (`Document.placeholders`):
    # their resources without for_each are not searched for one; with an environment, only
    # when none of its overlays (merged into the resources) can hold one either
    clean = frozenset(d.file for d in documents if not d.placeholders)
    if environment is not None and any(
        d.placeholders for d in asm.overlays if d.value.get("environment") == environment
    ):
        clean = frozenset()
    value, spans = _Expander(value, asm.findings, clean).run(value, spans)
    return AssembleResult(Assembled(environment, value, spans), tuple(names), tuple(asm.findings))


class SpanIndexRoot:
    def __init__(self, spans: SpanNode) -> None:
        self.spans = spans

    def ecosystem_span(self) -> Span:
        node = _kids(self.spans).get("ecosystem", self.spans)
        return _key_span(node)

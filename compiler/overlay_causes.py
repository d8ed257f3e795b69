"""Findings an environment overlay caused point at the overlay line that caused them.

A finding of an environment that the base does not have (same code, resource and
message) exists because of what that environment's overlays changed. Rules report the
place they judge, which is often a value the overlay did not write (a mapping whose
precedence the overlay changed, an integration whose schedule it slowed): its position
is then in a base file, and the reader would look for the cause where it is not. Such a
finding is moved to the first value the overlay wrote beneath the value it points at (a
mapping the overlay merged into keeps the base's position), else anywhere in the
finding's resource, else to the first related position inside an overlay file; its old
position becomes a related one, so both sides stay visible.

Findings the base has too are left alone: the overlay did not cause them.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import replace

from compiler.diagnostics import Finding, Related, Span
from compiler.resolved import ResolvedEcosystem
from compiler.source import SourceSet
from compiler.yamlparse import SpanNode

BASE_NOTE = "the base value the overlay's change meets"


def overlay_files(source: SourceSet, environment: str) -> frozenset[str]:
    """The files holding the overlay documents of `environment`."""
    return frozenset(doc.file for doc in source.documents if doc.environment == environment)


def _identity(finding: Finding) -> tuple[str, str, str]:
    return (finding.code, finding.address, finding.message)


def _leaves(node: SpanNode) -> Iterator[SpanNode]:
    kids = node.children
    if isinstance(kids, dict):
        for kid in kids.values():
            yield from _leaves(kid)
    elif isinstance(kids, list) and kids:
        for kid in kids:
            yield from _leaves(kid)
    else:
        yield node


def _span(node: SpanNode) -> Span:
    return Span(node.file, node.line, node.col, node.end_line, node.end_col)


def _nodes(node: SpanNode) -> Iterator[SpanNode]:
    yield node
    kids = node.children
    for kid in kids.values() if isinstance(kids, dict) else kids or ():
        yield from _nodes(kid)


def _written(
    resolved: ResolvedEcosystem, address: str, files: frozenset[str], at: Span
) -> Span | None:
    """The first value an overlay wrote beneath the value the finding points at (a merged
    mapping keeps the base's position), else anywhere in the finding's resource."""
    path = resolved.addresses.get(address)
    if path is None:
        return None
    node, exact = resolved.index.node(path)
    if not exact:
        return None
    here = next(
        (n for n in _nodes(node) if (n.file, n.line, n.col) == (at.file, at.line, at.column)),
        node,
    )
    for scope in (here, node):
        found = sorted(_span(n) for n in _leaves(scope) if n.file in files)
        if found:
            return found[0]
    return None


def _moved(finding: Finding, resolved: ResolvedEcosystem, files: frozenset[str]) -> Finding:
    if finding.span is None or finding.span.file in files:
        return finding
    cause = _written(resolved, finding.address, files, finding.span)
    related = list(finding.related)
    if cause is None:
        first = next((r for r in related if r.span.file in files), None)
        if first is None:
            return finding
        related.remove(first)
        cause = first.span
    return replace(finding, span=cause, related=(Related(finding.span, BASE_NOTE), *related))


def point_at_overlays(
    findings: Sequence[Finding],
    base: Iterable[Finding],
    resolved: ResolvedEcosystem,
    files: frozenset[str],
) -> list[Finding]:
    """`findings` of one environment, those the base lacks moved to the overlay's line."""
    if not files:
        return list(findings)
    known = {_identity(f) for f in base}
    return [f if _identity(f) in known else _moved(f, resolved, files) for f in findings]

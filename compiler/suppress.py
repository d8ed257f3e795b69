"""Suppressions next to the resource, and the baseline file for adopting engage.

A finding is suppressed when the resource named by its address carries a `suppress`
entry with its code; the finding is kept, marked with the reason, counted and shown.
Codes registered with suppressible=False stay active, and the attempt is reported.
Suppressions that silence nothing are reported too, so they do not outlive their reason.

A suppression on a `for_each` template is copied into every instance; `instances:` names
the business units whose instances it applies to. It is judged once, as the template's:
unused only when it silences nothing in any instance it applies to (so a template
suppression that matches some instances by design is not W9902 on the others), and
E9920 when it names a unit the template makes no instance for, or sits on a resource
without `for_each`.

The baseline lists accepted findings by code, address and a fingerprint of the message
(never by line number, so edits elsewhere in a file do not invalidate it).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from compiler.diagnostics import REGISTRY, Finding, Span, Suppression, code, make
from compiler.model.base import Suppress
from compiler.resolved import ResolvedEcosystem
from compiler.suggest import did_you_mean

E_UNSUPPRESSIBLE = code(
    "E9901",
    "Code that cannot be suppressed",
    "Some findings (undeclared references, internal errors, ...) cannot be suppressed, "
    "because the ecosystem cannot be compiled correctly while they stand.",
    "Fix the finding instead, and remove the suppression.",
    suppressible=False,
)
E_INSTANCES = code(
    "E9920",
    "Suppression names instances the template does not make",
    "`instances:` on a suppression names the business units of a `for_each` template "
    "whose instances it applies to. A unit the template makes no instance for (not in its "
    "`for_each`, or a typo), or `instances:` on a resource without `for_each`, would apply "
    "to nothing while looking as if it did.",
    "Name units from the template's `for_each`, or leave `instances:` out.",
    suppressible=False,
)
W_UNUSED_SUPPRESSION = code(
    "W9902",
    "Suppression that silences nothing",
    "A suppression whose code no longer fires on its resource hides nothing today, but "
    "would silently hide the next, unrelated finding with that code.",
    "Remove the suppression.",
)
BASELINE_VERSION = 1


@dataclass(frozen=True)
class Entry:
    """One `suppress:` item of one resource."""

    address: str
    index: int
    suppress: Suppress
    path: tuple[str | int, ...]
    applies: bool = True  # False: an instance the suppression's `instances` leaves out


def instance_unit(name: str) -> str | None:
    """`newsletter[retail]` → `retail`; None for a resource that is no for_each instance."""
    if name.endswith("]") and "[" in name:
        return name[:-1].partition("[")[2]
    return None


def _applies(suppress: Suppress, name: str) -> bool:
    unit = instance_unit(name)
    return suppress.instances is None or unit is None or unit in suppress.instances


def entries(resolved: ResolvedEcosystem) -> dict[str, list[Entry]]:
    """Every resource's suppressions, by address."""
    # Only the few addresses that carry suppressions are sorted, not all of them
    # (issue 11: sorting every address was ~3 ms of each of three calls per check at 10k).
    found: list[tuple[str, tuple[str | int, ...], list[Suppress]]] = []
    sections: dict[str | int, Any] = {}
    eco = resolved.ecosystem
    for address, path in resolved.addresses.items():
        if len(path) != 2:
            continue  # consent channels and groups carry no suppressions
        section = path[0]
        table = sections.get(section)
        if table is None:
            table = sections[section] = getattr(eco, str(section), {})
        items = getattr(table.get(path[1]), "suppress", None)
        if items:
            found.append((address, path, items))
    found.sort(key=lambda item: item[0])
    return {
        address: [
            Entry(address, i, s, (*path, "suppress", i), _applies(s, str(path[1])))
            for i, s in enumerate(items)
        ]
        for address, path, items in found
    }


def _suppressible(code_: str) -> bool:
    info = REGISTRY.codes.get(code_)
    return info is None or info.suppressible


def apply_suppressions(
    resolved: ResolvedEcosystem, findings: Iterable[Finding]
) -> tuple[list[Finding], set[tuple[str, int]]]:
    """Mark suppressed findings; return them and the (address, index) entries that matched."""
    table = entries(resolved)
    used: set[tuple[str, int]] = set()
    out: list[Finding] = []
    for finding in findings:
        match = next(
            (
                e
                for e in table.get(finding.address, [])
                if e.applies and e.suppress.code == finding.code
            ),
            None,
        )
        if match is None or finding.suppressed is not None:
            out.append(finding)
            continue
        used.add((match.address, match.index))
        if not _suppressible(finding.code):
            out.append(finding)
            continue
        span = resolved.index.at(match.path)
        out.append(replace(finding, suppressed=Suppression(match.suppress.reason, span)))
    return out, used


def _templates(resolved: ResolvedEcosystem) -> list[tuple[Span, list[Entry]]]:
    """Suppression entries grouped by where they are written: the instances of one
    for_each template share their template's suppression (and its position)."""
    groups: dict[tuple[str, Span], list[Entry]] = {}
    for items in entries(resolved).values():
        for entry in items:
            span = resolved.index.at((*entry.path, "code"))
            groups.setdefault((entry.suppress.code, span), []).append(entry)
    return [(span, group) for (_, span), group in groups.items()]


def suppression_findings(
    resolved: ResolvedEcosystem,
    used: set[tuple[str, int]],
    *,
    judged: frozenset[str] | None = None,
) -> list[Finding]:
    """Suppressions of unsuppressible codes, suppressions that matched nothing (only for
    codes in `judged`, when given: other stages' codes are judged there), and `instances`
    naming no instance; a template's suppression is judged once, over its instances."""
    out: list[Finding] = []
    for span, group in _templates(resolved):
        first = group[0]
        code_ = first.suppress.code
        out.extend(_instance_findings(resolved, group))
        if not _suppressible(code_):
            out.append(
                make(
                    E_UNSUPPRESSIBLE,
                    f"{code_} cannot be suppressed (on {first.address})",
                    span,
                    address=first.address,
                )
            )
        elif (
            any(e.applies for e in group)  # one that applies to none is E9920's
            and not any((e.address, e.index) in used for e in group if e.applies)
            and (judged is None or code_ in judged)
        ):
            out.append(make(W_UNUSED_SUPPRESSION, _unused(group), span, address=first.address))
    return out


def _unused(group: list[Entry]) -> str:
    code_ = group[0].suppress.code
    if len(group) == 1:
        return f"the suppression of {code_} on {group[0].address} matches no finding"
    names = ", ".join(e.address for e in group if e.applies)
    return f"the suppression of {code_} matches no finding in the instances it applies to ({names})"


def _instance_findings(resolved: ResolvedEcosystem, group: list[Entry]) -> list[Finding]:
    named = group[0].suppress.instances
    if named is None:
        return []
    path = (*group[0].path, "instances")
    units = {instance_unit(str(resolved.addresses[e.address][1])) for e in group}
    if None in units:
        return [
            make(
                E_INSTANCES,
                f"the suppression on {group[0].address} names instances, but the resource "
                "has no for_each",
                resolved.index.at(path),
                address=group[0].address,
            )
        ]
    made = sorted(u for u in units if u is not None)
    return [
        make(
            E_INSTANCES,
            f"the suppression names instance {unit!r}, which the template does not make "
            f"(its instances: {', '.join(made)}){did_you_mean(unit, made)}",
            resolved.index.at((*path, i)),
            address=group[0].address,
        )
        for i, unit in enumerate(named)
        if unit not in units
    ]


# ------------------------------------------------------------------- baseline
def fingerprint(finding: Finding) -> str:
    text = f"{finding.code}\0{finding.address}\0{finding.message}"
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:20]


def baseline_document(findings: Sequence[Finding]) -> str:
    """The baseline file for these findings, deterministic: every suppressible finding
    not suppressed in the YAML (so rewriting a baseline keeps what it already accepted)."""
    items = sorted(
        {
            (f.code, f.address, fingerprint(f), f.message)
            for f in findings
            if _suppressible(f.code) and (f.suppressed is None or f.suppressed.span is None)
        }
    )
    doc = {
        "version": BASELINE_VERSION,
        "tool": "engage",
        "findings": [
            {"code": c, "address": a, "fingerprint": fp, "message": m} for c, a, fp, m in items
        ],
    }
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


class BaselineError(ValueError):
    pass


def load_baseline(path: Path) -> set[tuple[str, str, str]]:
    """(code, address, fingerprint) of every accepted finding."""
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as err:
        raise BaselineError(f"{path}: cannot read the baseline: {err}") from err
    except json.JSONDecodeError as err:
        raise BaselineError(
            f"{path}:{err.lineno}:{err.colno}: the baseline is not valid JSON: {err.msg}"
        ) from err
    if not isinstance(doc, dict) or doc.get("version") != BASELINE_VERSION:
        raise BaselineError(
            f"{path}: not an engage baseline (version {BASELINE_VERSION}); "
            "write one with --write-baseline"
        )
    items = doc.get("findings")
    if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
        raise BaselineError(f"{path}: `findings` must be a list of objects")
    return {(str(i.get("code")), str(i.get("address")), str(i.get("fingerprint"))) for i in items}


def apply_baseline(
    findings: Iterable[Finding], accepted: set[tuple[str, str, str]], name: str
) -> list[Finding]:
    out = []
    for f in findings:
        key = (f.code, f.address, fingerprint(f))
        if f.suppressed is None and key in accepted and _suppressible(f.code):
            f = replace(f, suppressed=Suppression(f"accepted in the baseline {name}"))
        out.append(f)
    return out

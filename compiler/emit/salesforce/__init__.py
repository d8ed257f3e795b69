"""Salesforce metadata in source format (sfdx project layout); filled in below."""

from __future__ import annotations

from collections.abc import Sequence

from compiler.diagnostics import Finding
from compiler.resolve import ResolvedEcosystem


def emit(resolved: ResolvedEcosystem) -> tuple[list[object], list[Finding]]:
    return [], []


def finish(
    resolved: ResolvedEcosystem, selected: Sequence[object], deleted: Sequence[tuple[str, str]]
) -> tuple[list[object], list[Finding]]:
    return [], []

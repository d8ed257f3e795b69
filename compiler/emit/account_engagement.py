"""Account Engagement connector settings sheet (markdown); filled in below."""

from __future__ import annotations

from compiler.diagnostics import Finding
from compiler.resolve import ResolvedEcosystem


def emit(resolved: ResolvedEcosystem) -> tuple[list[object], list[Finding]]:
    return [], []

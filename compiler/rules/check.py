"""`check` as a function: validate every environment, then analyze, suppress, baseline.

The rules run only when validation found no error (rules assume every reference
resolves). Without an explicit environment, the base and every declared environment are
analyzed and the union of findings reported, so an overlay's conflicts are never missed.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from compiler import progress
from compiler.diagnostics import Finding, sort_findings
from compiler.gcpause import gc_paused
from compiler.graph import EcosystemGraph, build_graph
from compiler.overlay_causes import overlay_files, point_at_overlays
from compiler.pipeline import Compilation, compile_environments, compile_source, load_sources
from compiler.rules import RULES, analyze
from compiler.rules.platform import Limits
from compiler.source import ParseCache, SourceSet
from compiler.suppress import apply_baseline, apply_suppressions, suppression_findings
from compiler.yamlparse import Limits as LoaderLimits


@dataclass(frozen=True)
class CheckResult:
    compilation: Compilation  # the base (or the --env) compilation
    findings: tuple[Finding, ...]
    analyzed: bool  # False when validation errors stopped the run before the rules
    environments: tuple[str | None, ...]
    graph: EcosystemGraph | None = None

    @property
    def resources(self) -> int:
        resolved = self.compilation.resolved
        return len(resolved.addresses) if resolved is not None else 0


def rule_codes() -> frozenset[str]:
    """Codes the rules emit: a suppression of another code is not judged unused here."""
    return frozenset(info.code for item in RULES.values() for info in item.codes)


def _analyze(
    comp: Compilation, limits: Limits | None
) -> tuple[list[Finding], set[tuple[str, int]], EcosystemGraph]:
    assert comp.resolved is not None
    progress.stage(f"graph ({comp.environment or 'base'})")
    graph = build_graph(comp.resolved)
    raw = analyze(comp.resolved, graph, limits=limits)
    marked, used = apply_suppressions(comp.resolved, raw)
    return [*comp.findings, *marked], used, graph


def _from_environment(
    source: SourceSet,
    comp: Compilation,
    found: list[Finding],
    base: list[Finding] | None,
    limits: Limits | None,
) -> list[Finding]:
    """An environment's findings, named after it; those its overlays caused (the base
    lacks them) moved to the overlay's line (compiler.overlay_causes). With `--env`, the
    base is compiled for the comparison only when the environment has overlays."""
    assert comp.environment is not None and comp.resolved is not None
    files = overlay_files(source, comp.environment)
    if files and base is None:
        base_comp = compile_source(source, None)
        base = _analyze(base_comp, limits)[0] if base_comp.ok else []
    moved = point_at_overlays(found, base or [], comp.resolved, files)
    return [replace(f, environment=comp.environment) for f in moved]


def check_path(
    path: Path | str,
    environment: str | None = None,
    *,
    limits: Limits | None = None,
    baseline: set[tuple[str, str, str]] | None = None,
    baseline_name: str = "",
    cache: ParseCache | None = None,
    load_limits: LoaderLimits | None = None,
) -> CheckResult:
    with gc_paused():
        source = load_sources(path, load_limits, cache=cache)
        return _check(source, environment, limits, baseline, baseline_name, release=True)


def check_source(
    source: SourceSet, environment: str | None = None, compiled: Compilation | None = None
) -> CheckResult:
    """`check` on sources already loaded (generate checks what it compiled: `compiled`, its
    compilation of `source` for `environment`, is not compiled again)."""
    with gc_paused():
        return _check(source, environment, None, None, "", compiled)


def _check(
    source: SourceSet,
    environment: str | None,
    limits: Limits | None,
    baseline: set[tuple[str, str, str]] | None,
    baseline_name: str,
    compiled: Compilation | None = None,
    *,
    release: bool = False,
) -> CheckResult:
    comps = compile_environments(source, environment, compiled)
    # with `release`, the documents' values (read by compilation only) are dropped before
    # the rules run, unless the base of an --env run is still to be compiled
    # (`_from_environment`)
    if release and (environment is None or not overlay_files(source, environment)):
        source.release()
    first = comps[0]
    envs = tuple(c.environment for c in comps)
    if not all(c.ok for c in comps):
        invalid = sort_findings(
            replace(f, environment=c.environment) for c in comps for f in c.findings
        )
        return CheckResult(first, tuple(invalid), False, envs)
    findings: list[Finding] = []
    used: set[tuple[str, int]] = set()
    graph: EcosystemGraph | None = None
    base: list[Finding] | None = None
    for comp in comps:
        found, matched, built = _analyze(comp, limits)
        if comp.environment is None:
            base = found
        else:
            found = _from_environment(source, comp, found, base, limits)
        findings += found
        used |= matched
        graph = graph or built
    assert first.resolved is not None
    findings += suppression_findings(first.resolved, used, judged=rule_codes())
    if baseline is not None:
        findings = apply_baseline(findings, baseline, baseline_name)
    return CheckResult(first, tuple(sort_findings(findings)), True, envs, graph)

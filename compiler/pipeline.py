"""The facade that runs the front stages in order: load → assemble → model → resolve.

`compile_path` returns everything a command needs; no stage here writes anything.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, replace
from pathlib import Path

from compiler import excerpts, progress
from compiler.assemble import E_PLACEHOLDER, assemble
from compiler.diagnostics import Finding, Span, has_errors, make, sort_findings
from compiler.gcpause import gc_paused
from compiler.resolve import resolve
from compiler.resolved import ResolvedEcosystem
from compiler.secrets import document_secret_findings
from compiler.source import E_NO_FILES, ParseCache, SourceSet, load
from compiler.spans import SpanIndex
from compiler.validate import build_model
from compiler.yamlparse import Limits


def load_sources(
    path: Path | str, limits: Limits | None = None, cache: ParseCache | None = None
) -> SourceSet:
    """Load, then refuse secrets (E8020) in every document as written, overlays included:
    each file judged once, whatever the number of environments compiled from it. The lines
    holding one are hidden from every excerpt."""
    source = load(path, limits, cache)
    secrets = document_secret_findings(source.documents)
    for f in secrets:
        if f.span is not None:
            excerpts.hide(f.span.file, f.span.line, f.span.end_line)
    if not secrets:
        return source
    return dataclasses.replace(source, findings=(*source.findings, *secrets))


@dataclass(frozen=True)
class Compilation:
    source: SourceSet
    environment: str | None
    environments: tuple[str, ...]
    resolved: ResolvedEcosystem | None
    findings: tuple[Finding, ...]

    @property
    def ok(self) -> bool:
        return self.resolved is not None and not has_errors(self.findings)


def _no_base_document(source: SourceSet) -> Finding:
    file = source.files[0] if source.files else source.root.as_posix()
    return make(
        E_NO_FILES,
        "the files hold no base document (only empty documents or environment overlays)",
        Span(file, 1, 1),
        hint="Add a document with `apiVersion: engage/v1` and an `ecosystem:` section.",
    )


def _compile_env(
    source: SourceSet, environment: str | None
) -> tuple[ResolvedEcosystem | None, tuple[str, ...], list[Finding]]:
    result = assemble(source.documents, environment)
    findings = list(result.findings)
    if result.assembled is None:
        if not findings and not source.findings:
            findings.append(_no_base_document(source))
        return None, result.environments, findings
    index = SpanIndex(result.assembled.spans)
    model = build_model(result.assembled.value, index)
    # a placeholder that could not be replaced is reported once, not again by the schema
    # or as a reference to an undeclared name
    unreplaced = {f.span for f in findings if f.code == E_PLACEHOLDER.code}
    findings.extend(f for f in model.findings if f.span not in unreplaced)
    if model.ecosystem is None:
        return None, result.environments, findings
    resolved, ref_findings = resolve(
        model.ecosystem, index, environment, model.broken, digest=source.digest
    )
    findings.extend(f for f in ref_findings if f.span not in unreplaced)
    overlays = tuple(
        (doc.file, doc.spans.line, doc.spans.end_line or doc.spans.line)
        for doc in source.documents
        if environment is not None and doc.environment == environment
    )
    return replace(resolved, overlays=overlays), result.environments, findings


def compile_source(source: SourceSet, environment: str | None = None) -> Compilation:
    """Compile one environment (or the base, with None). The documents' values must still
    be there (`SourceSet.release` drops them once every compilation is made)."""
    if source.released:
        raise ValueError("the sources' values were released: nothing can be compiled from them")
    resolved, envs, findings = _compile_env(source, environment)
    return Compilation(
        source, environment, envs, resolved, tuple(sort_findings([*source.findings, *findings]))
    )


def compile_path(
    path: Path | str,
    environment: str | None = None,
    *,
    all_environments: bool = False,
    limits: Limits | None = None,
    cache: ParseCache | None = None,
) -> Compilation:
    """Load and compile. With all_environments, also compile every declared environment
    and report the union of findings, so an overlay's mistakes are never missed."""
    with gc_paused():
        return _compile_path(path, environment, all_environments, limits, cache)


def compile_environments(
    source: SourceSet, environment: str | None, compiled: Compilation | None = None
) -> list[Compilation]:
    """The named environment alone; without one, the base and then every declared
    environment, so an overlay's mistakes are never missed. `compiled`, a compilation of
    `source` for `environment` the caller already has, is used instead of a second one."""
    progress.stage("compile")
    if compiled is not None and compiled.source is source and compiled.environment == environment:
        first = compiled
    else:
        first = compile_source(source, environment)
    if environment is not None:
        return [first]
    progress.stage("compile", 1 + len(first.environments))
    progress.advance()
    comps = [first]
    for env in first.environments:
        comps.append(compile_source(source, env))
        progress.advance()
    return comps


def _compile_path(
    path: Path | str,
    environment: str | None,
    all_environments: bool,
    limits: Limits | None,
    cache: ParseCache | None,
) -> Compilation:
    source = load_sources(path, limits, cache)
    if not all_environments:
        return compile_source(source, environment)
    comps = compile_environments(source, environment)
    if len(comps) == 1:
        return comps[0]
    first = comps[0]
    findings = sort_findings(f for c in comps for f in c.findings)
    return Compilation(source, None, first.environments, first.resolved, tuple(findings))

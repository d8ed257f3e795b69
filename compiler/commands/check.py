"""`engage check`: validate, then detect conflicts; exit 1 on findings at --fail-on."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

import click

from compiler import progress, resultcache
from compiler.commands.common import (
    EXIT_ERROR,
    EXIT_OK,
    checking_env_option,
    path_argument,
    resolve_path,
)

if TYPE_CHECKING:  # the rest is imported when the result is not served from the cache
    from compiler.diagnostics import Finding
    from compiler.render.findings_text import Piece
    from compiler.rules.check import CheckResult
    from compiler.rules.platform import Limits
    from compiler.yamlparse import Limits as LoaderLimits

FORMATS = ("text", "json", "sarif", "github", "markdown", "junit", "gitlab")


def failing(findings: Sequence[Finding], fail_on: str) -> list[Finding]:
    """Active findings at or above the threshold."""
    from compiler.diagnostics import Severity

    limit = Severity.ERROR.rank if fail_on == "error" else Severity.WARNING.rank
    return [f for f in findings if f.suppressed is None and f.severity.rank >= limit]


class _LimitOption(click.Option):
    """--limit, whose help names the limits: read when help is shown, since importing
    the rules package costs more than a check served from the cache."""

    def get_help_record(self, ctx: click.Context) -> tuple[str, str] | None:
        from compiler.rules.platform import Limits
        from compiler.yamlparse import Limits as LoaderLimits

        self.help = (
            f"Override a platform limit ({', '.join(Limits.names())}) or a loader limit "
            f"({', '.join(LoaderLimits.names())})."
        )
        return super().get_help_record(ctx)


def _limits(pairs: tuple[str, ...]) -> tuple[Limits, LoaderLimits]:
    """--limit NAME=N: a platform limit, or one of the loader's (max_nodes, max_resources…)."""
    from compiler.rules.platform import Limits
    from compiler.yamlparse import Limits as LoaderLimits

    values: dict[str, int] = {}
    loader: dict[str, int] = {}
    for pair in pairs:
        name, sep, raw = pair.partition("=")
        if not sep or not raw.strip().isdigit():
            raise click.BadParameter(f"{pair!r}: write NAME=INTEGER", param_hint="--limit")
        into = loader if name.strip() in LoaderLimits.names() else values
        into[name.strip()] = int(raw)
    try:
        return Limits().with_overrides(values), replace(LoaderLimits(), **loader)
    except ValueError as err:
        known = ", ".join(LoaderLimits.names())
        raise click.BadParameter(f"{err} (loader limits: {known})", param_hint="--limit") from err


def _render(result: CheckResult, fmt: str, environment: str | None) -> str:
    """The findings in `fmt`; each format's module is imported only when it is asked for."""
    findings = result.findings
    files = result.compilation.source.files
    if fmt == "json":
        from compiler.render.findings_json import render_json

        return render_json(
            findings,
            analyzed=result.analyzed,
            environment=environment,
            environments=[e or "base" for e in result.environments],
            files=list(files),
        )
    if fmt == "sarif":
        from compiler.render.sarif import render_sarif

        return render_sarif(findings, default_file=files[0] if files else ".")
    if fmt == "github":
        from compiler.render.github import render_github

        return render_github(findings)
    if fmt == "gitlab":
        from compiler.render.gitlab import render_gitlab

        return render_gitlab(findings)
    if fmt == "junit":
        from compiler.render.findings_junit import render_junit
        from compiler.rules.check import rule_codes

        return render_junit(findings, rule_codes() if result.analyzed else ())
    from compiler.render.findings_markdown import render_markdown

    return render_markdown(findings)


class _Recorder:
    """The console's stream, keeping a copy of what is written (for the result cache)."""

    def __init__(self, stream: IO[str]) -> None:
        self.stream = stream
        self.parts: list[str] = []

    def write(self, text: str) -> int:
        self.parts.append(text)
        return self.stream.write(text)

    def flush(self) -> None:
        self.stream.flush()

    def __getattr__(self, name: str) -> Any:
        return getattr(self.stream, name)


def _summary(result: CheckResult, ok: bool) -> list[Piece]:
    """The last line, as (text, style) pieces (an environment's name is never markup)."""
    from compiler.render.findings_text import summary_line

    line = summary_line(result.findings)
    if not result.analyzed:
        return [
            ("FAILED", "bold red"),
            (f" validation: {line} ", None),
            ("(conflicts not checked)", "dim"),
        ]
    if ok:
        envs = ", ".join(e or "base" for e in result.environments)
        return [
            ("OK", "bold green"),
            (f" {result.resources} resources checked ({envs}): {line}", None),
        ]
    return [("FAILED", "bold red"), (f" {line}", None)]


def _print_text(result: CheckResult, ok: bool) -> str:
    """Print the findings and the summary; return what was printed."""
    from compiler.render.console import PlainConsole, make_console, plain_stream
    from compiler.render.findings_text import as_printed, print_pieces, render_findings

    summary = _summary(result, ok)
    stream = plain_stream()
    # Without colour, what rich would print, without rich: the findings' renderer writes
    # plain text to a plain console's stream as it does to rich's, and the summary is the
    # pieces' text.
    if stream is not None:
        recorder = _Recorder(stream)
        render_findings(PlainConsole(recorder), result.findings)
        recorder.write(as_printed("".join(text for text, _ in summary)) + "\n")
        recorder.flush()
        return "".join(recorder.parts)
    console = make_console()
    recorder = _Recorder(console.file)
    console.file = recorder  # type: ignore[assignment]
    render_findings(console, result.findings)
    print_pieces(console, *summary)
    console.file.flush()
    return "".join(recorder.parts)


@click.command()
@path_argument
@checking_env_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default="text",
    show_default=True,
    help="text for people, json for machines, sarif for GitHub code scanning, github for "
    "workflow annotations, markdown for a pull-request comment, junit for CI test reports, "
    "gitlab for a GitLab code-quality report.",
)
@click.option(
    "--fail-on",
    type=click.Choice(["error", "warning"]),
    default="error",
    show_default=True,
    help="Exit 1 when an unsuppressed finding has this severity or worse.",
)
@click.option(
    "--baseline",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="Accept the findings listed in this baseline file (marked suppressed).",
)
@click.option(
    "--write-baseline",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="Write the current unsuppressed findings to this baseline file.",
)
@click.option(
    "--limit",
    "limits",
    multiple=True,
    metavar="NAME=N",
    cls=_LimitOption,
)
def check(
    path: Path | None,
    environment: str | None,
    fmt: str,
    fail_on: str,
    baseline: Path | None,
    write_baseline: Path | None,
    limits: tuple[str, ...],
) -> int:
    """Validate the ecosystem in PATH, then detect conflicts between its parts.

    Without --env, the base and every environment are checked. Exits 1 when validation
    fails or a finding at --fail-on (or worse) is not suppressed, 0 otherwise.
    """
    target = resolve_path(path)
    key = None
    # a run that writes a file is not served from the cache; with the cache off
    # (ENGAGE_NO_CACHE) no key is made and no input fingerprinted
    if write_baseline is None and resultcache.cache_folder() is not None:
        options = {
            "env": environment,
            "format": fmt,
            "fail_on": fail_on,
            "limits": list(limits),
            "baseline": None
            if baseline is None
            else [str(baseline), resultcache.file_fingerprint(str(baseline))],
        }
        try:
            key = resultcache.request_key("check", target, options)
        except OSError:  # no working directory (deleted under the run): no cache
            key = None
        hit = resultcache.lookup(key, target) if key is not None else None
        if hit is not None:  # written as the run that stored it wrote it
            if fmt == "text":
                sys.stdout.write(hit.stdout)
                sys.stdout.flush()
            else:
                click.echo(hit.stdout, nl=False)
            return hit.status
    status, stdout, result = _run(
        target, environment, fmt, fail_on, baseline, write_baseline, limits
    )
    if key is not None:
        source = result.compilation.source
        includes = any(d.includes for d in source.documents)
        try:
            inputs = resultcache.snapshot(target, source.files, includes)
        except (OSError, ValueError):
            return status  # the inputs cannot be fingerprinted: nothing is stored
        resultcache.store(key, inputs, stdout, status)
    return status


def _run(
    target: Path,
    environment: str | None,
    fmt: str,
    fail_on: str,
    baseline: Path | None,
    write_baseline: Path | None,
    limits: tuple[str, ...],
) -> tuple[int, str, CheckResult]:
    from compiler.rules.check import check_path
    from compiler.suppress import BaselineError, baseline_document, load_baseline

    accepted = None
    if baseline is not None:
        try:
            accepted = load_baseline(baseline)
        except BaselineError as err:
            raise click.ClickException(str(err)) from err
    platform, loader = _limits(limits)
    result = check_path(
        target,
        environment,
        limits=platform,
        load_limits=loader,
        baseline=accepted,
        baseline_name=baseline.name if baseline else "",
    )
    if write_baseline is not None and result.analyzed:
        write_baseline.write_text(baseline_document(result.findings), encoding="utf-8")
    ok = result.analyzed and not failing(result.findings, fail_on)
    progress.finish()
    if fmt == "text":
        stdout = _print_text(result, ok)
    else:
        stdout = _render(result, fmt, environment)
        click.echo(stdout, nl=False)
    return (EXIT_OK if ok else EXIT_ERROR), stdout, result

"""The registry of analysis rules and the runner that turns a crash into a finding.

A rule is a function `(Context) -> Iterable[Finding]` registered with `@rule(name, *codes)`;
the codes it may emit are registered in compiler.diagnostics at import time of its module.
The runner calls every rule in name order; an exception inside a rule becomes an
"internal error in rule X" finding (E9900) instead of ending the run. A rule may emit
only the codes it declares: a finding with another code is refused and replaced by an
E9900 naming the code, so `engage rules`, the docs pages and what `check` can report
never disagree.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from compiler import progress
from compiler.diagnostics import CodeInfo, Finding, code, make
from compiler.rules.context import RELEASED_AFTER, Context

RuleFunc = Callable[[Context], Iterable[Finding]]

E_INTERNAL = code(
    "E9900",
    "Internal error in a rule",
    "An analysis rule failed on this ecosystem. The other rules still ran, but the "
    "conflicts this rule looks for were not checked.",
    "This is a bug in engage, not in the ecosystem: report it with the message; set "
    "ENGAGE_DEBUG=1 to have the traceback printed.",
    suppressible=False,
)


@dataclass(frozen=True)
class Rule:
    name: str
    codes: tuple[CodeInfo, ...]
    func: RuleFunc
    module: str

    @property
    def summary(self) -> str:
        doc = (self.func.__doc__ or "").strip()
        return doc.splitlines()[0] if doc else self.name


RULES: dict[str, Rule] = {}


def rule(name: str, *codes: CodeInfo) -> Callable[[RuleFunc], RuleFunc]:
    """Register an analysis rule; names are unique."""

    def register(func: RuleFunc) -> RuleFunc:
        if name in RULES:
            raise ValueError(f"analysis rule {name!r} is registered twice")
        RULES[name] = Rule(name, codes, func, func.__module__)
        return func

    return register


class UndeclaredCodeError(RuntimeError):
    """A rule emitted a finding code it does not declare."""


def _internal(item: Rule, err: Exception) -> Finding:
    return make(
        E_INTERNAL,
        f"internal error in rule {item.name}: {type(err).__name__}: {err}",
        None,
        address=f"rule.{item.name}",
    )


def run_rule(item: Rule, ctx: Context, *, debug: bool = False) -> list[Finding]:
    try:
        found = list(item.func(ctx))
    except Exception as err:  # a rule bug must never end the run
        if debug:
            raise
        return [_internal(item, err)]
    allowed = {info.code for info in item.codes}
    kept: list[Finding] = []
    refused: set[str] = set()
    for finding in found:
        (kept.append(finding) if finding.code in allowed else refused.add(finding.code))
    for undeclared in sorted(refused):
        refusal = UndeclaredCodeError(f"emitted {undeclared}, which it does not declare")
        if debug:
            raise refusal
        kept.append(_internal(item, refusal))
    return kept


def run_rules(
    ctx: Context, *, only: Iterable[str] | None = None, debug: bool = False
) -> list[Finding]:
    wanted = set(only) if only is not None else None
    findings: list[Finding] = []
    names = [n for n in sorted(RULES) if wanted is None or n in wanted]
    progress.stage(f"rules ({ctx.resolved.environment or 'base'})", len(names))
    for name in names:
        findings.extend(run_rule(RULES[name], ctx, debug=debug))
        ctx.release(RELEASED_AFTER.get(name, ()))
        progress.advance()
    return findings

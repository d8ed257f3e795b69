"""Shared wording of plan renderers: values, risk names, the summary line."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from compiler.plan.definition import RISK_ORDER, Change, Plan
from compiler.redact import redact_text

ACTION_WORDS = {
    "create": "create",
    "update": "update in place",
    "replace": "destroy and then create replacement",
    "delete": "destroy",
    "move": "move to a new address",
}
RISK_WORDS = {
    "data_loss": "data loss",
    "destroy": "destroy",
    "consent": "consent",
    "permissions": "permissions",
    "personal_data": "personal data",
    "duplicate_rules": "duplicate rules",
}


_NAMED = {"\r": "\\r", "\x1b": "\\x1b"}
_CONTROL = {
    c: _NAMED.get(chr(c), f"\\x{c:02x}")
    for c in (*range(0x00, 0x20), *range(0x7F, 0xA0))
    if chr(c) not in "\n\t"
}


def visible(text: str) -> str:
    """Control characters (escape sequences, carriage returns...) shown, never sent: a
    plan's text must not be able to clear, retitle or rewrite the reviewer's terminal."""
    return text.translate(_CONTROL)


def _compact(v: Any) -> Any:
    if isinstance(v, dict):
        return {k: _compact(x) for k, x in v.items() if x is not None and x not in ("", [], {})}
    return v


def value(v: Any) -> str:
    """A value as one line of JSON (empty entries of mappings left out), secrets cut out once
    more for good measure."""
    return redact_text(json.dumps(_compact(v), sort_keys=True, ensure_ascii=False))


def summary_line(plan: Plan) -> str:
    s = plan.summary
    return (
        f"Plan: {s.add} to add, {s.change} to change, {s.replace} to replace, "
        f"{s.destroy} to destroy."
    )


def review_line(plan: Plan) -> str:
    """The summary line with what a reviewer weighs: risky changes and approvals needed."""
    risky = sum(1 for c in plan.changes if c.risks)
    needed = sum(r.count for r in plan.required_approvals)
    extra = []
    if risky:
        extra.append(f"{risky} risky")
    if needed:
        extra.append(f"{needed} approval{'s' if needed != 1 else ''} needed")
    line = summary_line(plan)
    return line if not extra else line.rstrip(".") + "".join(f" · {e}" for e in extra)


def interrupted_line(plan: Plan) -> str:
    """What finishing an interrupted apply means ('' when there is none)."""
    if plan.interrupted_apply is None:
        return ""
    return (
        f"A previous apply was interrupted after recording "
        f"{len(plan.interrupted_apply.recorded)} resource(s); applying this plan finishes it "
        "(it writes their artifacts and clears the state's apply marker)."
    )


def targeted_line(plan: Plan) -> str:
    """What a --target plan leaves out ('' for a whole plan)."""
    if not plan.targets:
        return ""
    return (
        f"Targeted plan (--target {', '.join(plan.targets)}): only these resources and what "
        "they depend on are planned; other changes are left out, and a plan without "
        "--target may show more."
    )


def risk_rank(change: Change) -> tuple[int, int]:
    """Sort key: the most serious risk first, then the number of risks."""
    ranks = [RISK_ORDER.index(r) for r in change.risks]
    return (min(ranks) if ranks else len(RISK_ORDER), -len(ranks))


def risky_first(changes: Iterable[Change]) -> list[Change]:
    indexed = list(enumerate(changes))
    risky = [(i, c) for i, c in indexed if c.risks]
    risky.sort(key=lambda ic: (risk_rank(ic[1]), ic[0]))
    return [c for _, c in risky]


def risk_list(change: Change) -> str:
    return ", ".join(RISK_WORDS[r] for r in change.risks)


def headline(change: Change) -> str:
    """`data_extension.x will be created`, Terraform's comment line."""
    verb = {
        "create": "will be created",
        "update": "will be updated in place",
        "replace": "must be replaced",
        "delete": "will be destroyed",
        "move": f"has moved from {change.previous_address}",
    }[change.action]
    moved = (
        f" (moved from {change.previous_address})"
        if change.previous_address and change.action != "move"
        else ""
    )
    meta = " (metadata only)" if change.metadata_only else ""
    return f"{change.address} {verb}{moved}{meta}"

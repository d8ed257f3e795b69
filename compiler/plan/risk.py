"""Risk categories of one change: what a reviewer (and a governance policy) looks at first.

data_loss        rows or values go away: a data extension deleted or replaced, a field
                 dropped, retention shortened, a custom object or field deleted
destroy          something on the platform is deleted (delete, or the first half of replace)
consent          consent channels, what a system sends on, which opt-outs a rule respects
permissions      integration users, who approves (groups), which users bypass duplicate rules
duplicate_rules  matching and duplicate rules: what the CRM blocks or lets through
personal_data    personal-data classes and regions changing; a new system, business unit or
                 data extension that holds personal data
A change touching only metadata (description, labels, suppressions, protection) carries none.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from compiler.plan.definition import RISK_ORDER
from compiler.plan.diff import AttributeDiff
from compiler.plan.replace import Verdict

_KIND_RISKS: dict[str, str] = {
    "consent": "consent",
    "integration_user": "permissions",
    "group": "permissions",
    "matching_rule": "duplicate_rules",
    "duplicate_rule": "duplicate_rules",
    "custom_permission": "permissions",
}
_PATH_RISKS: dict[str, str] = {
    "respect_consent": "consent",
    "channels": "consent",
    "account_engagement.sync_opt_out": "consent",
    "bypass": "permissions",
    "exempt": "permissions",
    "user_permissions": "permissions",
    "custom_permissions": "permissions",
    "security_option": "permissions",
    "user": "permissions",
    "permissions": "permissions",
    "personal_data": "personal_data",
    "region": "personal_data",
}


@dataclass(frozen=True)
class Assessment:
    risks: tuple[str, ...]
    notes: tuple[str, ...]


def _path_risks(diffs: Iterable[AttributeDiff]) -> Iterator[str]:
    for d in diffs:
        for prefix, risk in _PATH_RISKS.items():
            parts = d.path.replace("[", ".").split(".")
            if d.path == prefix or d.path.startswith(prefix + ".") or parts[-1] == prefix:
                yield risk


def _personal(kind: str, attrs: Mapping[str, Any] | None) -> bool:
    """Does a new resource bring personal data somewhere new?"""
    if kind in ("system", "business_unit"):
        return bool((attrs or {}).get("personal_data", "none") != "none")
    fields = (attrs or {}).get("fields")
    if not isinstance(fields, dict):
        return False
    return any(
        isinstance(f, dict) and f.get("personal_data", "none") != "none" for f in fields.values()
    )


def _losses(kind: str, action: str, address: str, diffs: Iterable[AttributeDiff]) -> list[str]:
    if kind == "data_extension" and action in ("delete", "replace"):
        return [f"every row of {address} is lost"]
    if kind == "object" and action == "delete":
        return [f"custom fields of {address} are deleted with their values"]
    if kind == "object" and action == "update":
        return [
            f"field {d.path.split('.', 1)[1]} is deleted with its values"
            for d in diffs
            if d.op == "remove" and d.path.startswith("fields.") and d.path.count(".") == 1
        ]
    return []


def assess(
    *,
    address: str,
    kind: str,
    action: str,
    diffs: tuple[AttributeDiff, ...],
    verdict: Verdict,
    metadata_only: bool,
    after: Mapping[str, Any] | None,
) -> Assessment:
    """The risks of one change, in reading order, with a note per loss."""
    if metadata_only and action not in ("delete", "replace"):
        return Assessment((), ())
    risks: set[str] = set()
    notes = _losses(kind, action, address, diffs) + [c.reason for c in verdict.data_loss]
    if notes:
        risks.add("data_loss")
    if action in ("delete", "replace"):
        risks.add("destroy")
    if kind in _KIND_RISKS and action != "move":
        risks.add(_KIND_RISKS[kind])
    if action in ("update", "replace"):
        risks.update(_path_risks(diffs))
    if action == "create" and _personal(kind, after):
        risks.add("personal_data")
    ordered = tuple(r for r in RISK_ORDER if r in risks)
    notes += [_explain(r, kind, action, address, diffs) for r in ordered if r != "data_loss"]
    return Assessment(ordered, tuple(n for n in notes if n))


def _tops(diffs: Iterable[AttributeDiff]) -> str:
    return ", ".join(sorted({d.top for d in diffs}))


def _explain(
    risk: str, kind: str, action: str, address: str, diffs: tuple[AttributeDiff, ...]
) -> str:
    """One sentence on why this change carries `risk` (data loss has its own notes)."""
    what = f" ({_tops(diffs)})" if action == "update" else ""
    if risk == "destroy":
        return f"{address} is deleted on the platform" if action == "delete" else ""
    if risk == "consent":
        if kind == "consent":
            return f"how {address.split('.', 1)[1]} consent is kept or propagated changes{what}"
        return f"which opt-outs are respected, or who sends on which channel, changes{what}"
    if risk == "permissions":
        if kind == "group":
            return f"who belongs to this approval group changes{what}"
        return f"what an integration user may read, write or bypass changes{what}"
    if risk == "duplicate_rules":
        return f"what the CRM blocks or flags as a duplicate changes{what}"
    if action == "create":
        return f"a new {kind.replace('_', ' ')} that holds personal data"
    return f"where personal data may go, or how it is classified, changes{what}"

"""Environment-specific ids written as constants outside the environment overlays.

A Salesforce record id (a record type, a queue, a user, the org...) and a Marketing Cloud
business unit's MID differ between a sandbox and production. Written as a mapping
constant, a filter value or a picklist translation target in a base document, the same
value reaches every environment, and in all but one it names nothing or the wrong thing.
Written in an `environment:` overlay, it is environment-specific by construction.

What counts as an id (read from the platforms, not guessed from the field name):
* an 18-character Salesforce id whose three last characters are the case checksum of the
  first fifteen (each five-character chunk's upper-case letters as bits, least
  significant first, indexing `A..Z0..5`: the case-safe id, as
  salesforce.stackexchange.com/questions/1653 describes it and public converters
  implement it);
* a 15-character id starting with the key prefix of a record type (012), organization
  (00D), user (005), profile (00e), group or queue (00G), permission set (0PS), campaign
  (701) or Account Engagement business unit (0Uv), holding at least five digits;
* the org id or an Account Engagement business unit id that the compiled environment
  declares on its systems;
* a whole number equal to a Marketing Cloud business unit's declared `mid`, or compared
  with a field that holds a MID (MID, ClientID, BusinessUnitID, MemberID, EID).
SQL written into a query activity is read by the query rules, not here.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from compiler.diagnostics import Finding, code
from compiler.model.sync import Condition, FieldMapping
from compiler.rules.context import Context
from compiler.rules.registry import rule

W_ENV_ID = code(
    "W8014",
    "Environment-specific id written as a constant",
    "A Salesforce id is issued by the org the record is created in: a record type, queue "
    "or permission set deployed to production through the Metadata API gets a new id "
    "there, and records created after a sandbox refresh have ids the other org never "
    "saw. A Marketing Cloud business unit's MID is the unit's own account number. A "
    "constant id in a base document reaches every environment, where it names nothing "
    "or the wrong record: the mapping writes a dangling id, the filter selects no rows. "
    "An 18-character id is recognised by its case-safe checksum (three characters "
    "encoding the upper-case letters of the first fifteen, five per character, see "
    "salesforce.stackexchange.com/questions/1653), a 15-character one by its key prefix "
    "(012 record type, 00G queue, 005 user...), a MID by the business units the "
    "ecosystem declares.",
    "Move the value into each environment's overlay (`environment: NAME` documents), or "
    "match on a value that is the same everywhere (a record type's developer name, the "
    "business unit's name).",
)

CHECKSUM_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"
ID_PREFIXES = {
    "012": "record type",
    "00D": "organization",
    "005": "user",
    "00e": "profile",
    "00G": "group or queue",
    "0PS": "permission set",
    "701": "campaign",
    "0Uv": "Account Engagement business unit",
}
MID_FIELDS = frozenset({"mid", "clientid", "businessunitid", "memberid", "eid"})
_ALNUM = re.compile(r"[A-Za-z0-9]+")

Path = tuple[str | int, ...]


def checksum(first15: str) -> str:
    """The three case-safe suffix characters of a 15-character Salesforce id."""
    out = []
    for chunk in range(3):
        bits = 0
        for i, char in enumerate(first15[chunk * 5 : chunk * 5 + 5]):
            if "A" <= char <= "Z":
                bits |= 1 << i
        out.append(CHECKSUM_ALPHABET[bits])
    return "".join(out)


def salesforce_id(text: str) -> str | None:
    """What kind of Salesforce id `text` is ('record type id', 'Salesforce id'), or None."""
    if not _ALNUM.fullmatch(text) or not any(c.isdigit() for c in text):
        return None
    kind = ID_PREFIXES.get(text[:3])
    if len(text) == 18 and any(c.isalpha() for c in text[:15]):
        if checksum(text[:15]) == text[15:]:
            return f"{kind or 'Salesforce'} id"
        return None
    if len(text) == 15 and kind is not None and sum(c.isdigit() for c in text) >= 5:
        return f"{kind} id"
    return None


@dataclass(frozen=True)
class _Known:
    mids: dict[int, str]  # MID → business unit address
    ids: dict[str, str]  # declared org / Account Engagement unit ids → what they are


def _known(ctx: Context) -> _Known:
    mids: dict[int, str] = {}
    ids: dict[str, str] = {}
    for name in sorted(ctx.eco.systems):
        system = ctx.eco.systems[name]
        org = getattr(system, "org_id", None)
        if isinstance(org, str) and org:
            ids[org] = f"the org id of {name!r}"
        for unit_name, unit in sorted(getattr(system, "business_units", {}).items()):
            mid = getattr(unit, "mid", None)
            if isinstance(mid, int):
                mids.setdefault(mid, f"{name}.{unit_name}")
            unit_id = getattr(unit, "id", None)
            if isinstance(unit_id, str) and unit_id:
                ids[unit_id] = f"the id of business unit {name}.{unit_name}"
    return _Known(mids, ids)


def describe(value: object, known: _Known, *, mid_field: bool = False) -> str | None:
    """What environment-specific id `value` is, or None when it is not one."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        if value in known.mids:
            return f"MID {value} (business unit {known.mids[value]})"
        return f"MID {value}" if mid_field else None
    if not isinstance(value, str):
        return None
    if value in known.ids:
        return f"{known.ids[value]} ({value!r})"
    if value.isdigit() and (int(value) in known.mids or mid_field):
        return describe(int(value), known, mid_field=True)
    kind = salesforce_id(value)
    return f"{kind} {value!r}" if kind else None


def _constants(ctx: Context) -> Iterator[tuple[str, Path, object, bool]]:
    """(sync rule, path, value, compared with a MID field) of every constant it writes."""
    for name in sorted(ctx.eco.sync_rules):
        sync = ctx.eco.sync_rules[name]
        base: Path = ("sync_rules", name)
        for target in sorted(sync.fields):
            mapping = sync.fields[target]
            if not isinstance(mapping, FieldMapping):
                continue
            here: Path = (*base, "fields", target)
            if mapping.value is not None:
                yield name, (*here, "value"), mapping.value, target.lower() in MID_FIELDS
            for source_value in sorted(mapping.values):
                translated = mapping.values[source_value]
                yield name, (*here, "values", source_value), translated, False
        for i, condition in enumerate(sync.filter):
            yield from _condition(name, (*base, "filter", i), condition)


def _condition(
    name: str, path: Path, condition: Condition
) -> Iterator[tuple[str, Path, object, bool]]:
    mid_field = condition.field.lower() in MID_FIELDS
    if isinstance(condition.value, list):
        for j, item in enumerate(condition.value):
            yield name, (*path, "value", j), item, mid_field
    elif condition.value is not None:
        yield name, (*path, "value"), condition.value, mid_field


def _where(path: Path) -> str:
    if path[2] == "filter":
        return f"filter (condition {int(path[3]) + 1})"
    if path[4] == "values":
        return f"translation of {path[3]!s} value {path[5]!r}"
    return f"mapping of {path[3]!s}"


@rule("environment-ids", W_ENV_ID)
def environment_ids(ctx: Context) -> Iterator[Finding]:
    """Record ids and MIDs written as constants in base documents, not in overlays."""
    known = _known(ctx)
    for name, path, value, mid_field in _constants(ctx):
        what = describe(value, known, mid_field=mid_field)
        if what is None or ctx.resolved.from_overlay(path):
            continue
        yield ctx.finding(
            W_ENV_ID,
            f"sync rule {name!r} uses {what} as a constant in its {_where(path)}; the id "
            "differs between environments, so in all but one it names nothing",
            path,
            address=f"sync_rule.{name}",
        )

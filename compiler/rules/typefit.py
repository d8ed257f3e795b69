"""Mappings whose types, lengths or picklist values do not fit the target field."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from compiler.diagnostics import CodeInfo, Finding, code
from compiler.model.sync import FieldMapping
from compiler.resolved import FieldSpec
from compiler.rules._util import Flow, declared, flows
from compiler.rules.context import Context, PathT
from compiler.rules.registry import rule
from compiler.suppress import entries

E_TYPE = code(
    "E3004",
    "Mapping types do not fit",
    "The source field's type cannot be written into the target field (a date into a "
    "number, free text into a checkbox, decimals into an integer): the platform rejects the "
    "record or silently stores something else.",
    "Map a field of a compatible type, or convert with a transform (`to_date`, "
    "`to_number`, `to_boolean`).",
)
E_LENGTH = code(
    "E3005",
    "Mapping longer than its target",
    "The source field can hold longer text than the target field: Salesforce rejects the "
    "record (STRING_TOO_LONG) and Marketing Cloud imports and queries fail on the row. A "
    "picklist source is as long as the longest value it can write (after the mapping's "
    "`values` translation), a multi-select picklist as long as all its values joined by "
    "semicolons (the form in which Salesforce returns and exports it). Mappings that write "
    "one source field the same way into targets of one length (a for_each template's "
    "instances, several lists fed from one source) share one cause and are one finding, at "
    "the first, the others related; a mapping whose resource suppresses the code is "
    "reported on its own.",
    "Lengthen the target field, or add the `truncate` transform if losing the tail is acceptable.",
)
E_PICKLIST = code(
    "E3006",
    "Value unknown to a restricted picklist",
    "A value the source can hold is not a value of the target's restricted picklist, so "
    "every record carrying it is rejected. Mappings that write one source field's same "
    "unknown values into several restricted picklists (a for_each template's instances, "
    "one source fed into several objects) share one cause and are one finding, at the "
    "first, the others related; a mapping whose resource suppresses the code is reported "
    "on its own.",
    "Add the value to the target picklist, or translate it with the mapping's `values`.",
)
W_PICKLIST = code(
    "W3007",
    "Value unknown to a picklist",
    "A value the source can hold is not among the target picklist's values; an "
    "unrestricted picklist stores it, but reports, filters and automations keyed on the "
    "known values miss the record. Mappings that write one source field's same unknown "
    "values into several picklists are one finding, as for E3006.",
    "Add the value to the target picklist, or translate it with the mapping's `values`.",
)

_FAMILY = {
    **dict.fromkeys(
        ("id", "text", "textarea", "long_text", "email", "phone", "url", "picklist"), "text"
    ),
    **dict.fromkeys(("multipicklist", "lookup", "Text", "EmailAddress", "Phone", "Locale"), "text"),
    **dict.fromkeys(("checkbox", "Boolean"), "boolean"),
    **dict.fromkeys(("number", "currency", "percent", "Number", "Decimal"), "number"),
    **dict.fromkeys(("date", "datetime", "Date"), "date"),
    "geolocation": "geolocation",
}
_CONVERTS = {
    "to_date": "date",
    "to_number": "number",
    "to_boolean": "boolean",
    "sha256": "text",
}
HASH_LENGTH = 64  # sha256: 64 hexadecimal characters, whatever the source


def _family(spec: FieldSpec, transforms: tuple[str, ...]) -> str:
    family = _FAMILY.get(spec.type, "text")
    for transform in transforms:
        family = _CONVERTS.get(transform, family)
    return family


def _decimal(spec: FieldSpec) -> bool:
    return spec.type in ("currency", "percent", "Decimal") or bool(spec.scale)


def _type_problem(src: FieldSpec, dst: FieldSpec, transforms: tuple[str, ...]) -> str | None:
    have, want = _family(src, transforms), _family(dst, ())
    if "invert" in transforms and have != "boolean":
        return f"`invert` needs a checkbox/boolean source, not {src.type}"
    if have == "geolocation" or want == "geolocation":
        return None if have == want else f"a {src.type} cannot be mapped to a {dst.type}"
    if want not in ("text", have):
        return f"a {src.type} cannot be written into a {dst.type} field"
    if dst.type == "Number" and have == "number" and _decimal(src):
        return f"a {src.type} with decimals into an integer Number field loses the decimals"
    return None


def _pairs(ctx: Context) -> list[tuple[Flow, FieldSpec, FieldSpec]]:
    """Every flow whose source and target fields are both known, with their specs, in the
    flows' order (built once per analysis: the three rules of this module read them)."""
    cached: list[tuple[Flow, FieldSpec, FieldSpec]] | None = ctx.memo.get("typefit.pairs")
    if cached is None:
        cached = []
        for flow in flows(ctx):
            src, dst = ctx.field(flow.source), ctx.field(flow.target)
            if src is not None and dst is not None:
                cached.append((flow, src, dst))
        ctx.memo["typefit.pairs"] = cached
    return cached


def _related(flow: Flow, spec: FieldSpec) -> list[tuple[PathT, str]]:
    return [(spec.path, f"{flow.target} is declared here")] if declared(spec) else []


@rule("mapping-types", E_TYPE)
def mapping_types(ctx: Context) -> Iterator[Finding]:
    """Mappings whose source and target types are incompatible."""
    for flow, src, dst in _pairs(ctx):
        problem = _type_problem(src, dst, flow.transforms)
        if problem is None:
            continue
        yield ctx.finding(
            E_TYPE,
            f"{flow.key} maps {flow.source} ({src.type}) to {flow.target} ({dst.type}): {problem}",
            flow.path,
            address=flow.key,
            related=_related(flow, dst),
        )


def _longest(ctx: Context, flow: Flow, src: FieldSpec) -> tuple[int | None, str]:
    """How long what the source writes can be, and how that is known: a picklist's
    longest value as translated, else the field's length (a hash: its 64 characters)."""
    if "sha256" in flow.transforms:
        return HASH_LENGTH, f"its SHA-256 hash has {HASH_LENGTH} characters"
    if src.values:
        translate = _translation(ctx, flow)
        if src.type == "multipicklist":  # every value at once, joined by semicolons
            total = len(";".join(translate.get(v, v) for v in src.values))
            return total, f"all its values together have {total} characters"
        longest = max((translate.get(v, v) for v in src.values), key=lambda v: (len(v), v))
        return len(longest), f"its longest value {longest!r} has {len(longest)} characters"
    return src.length, f"up to {src.length} characters"


@dataclass(frozen=True)
class _Misfit:
    """One mapping that does not fit, and what makes it the same cause as others."""

    flow: Flow
    target: FieldSpec
    cause: tuple[str, ...]  # source field and the mismatch, without the target's name
    message: str  # the finding's message for this mapping alone


def _one_per_cause(
    ctx: Context, info: CodeInfo, misfits: list[_Misfit], more: str
) -> Iterator[Finding]:
    """One finding per root cause: mappings that write the same source field the same way
    into targets it does not fit (a for_each template's instances, several data extensions
    fed from one source) are reported once, at the first, with the others' mappings as
    related positions (the same mechanism as E5004). A mapping whose resource suppresses
    the code stays a finding of its own."""
    causes: dict[tuple[str, ...], list[_Misfit]] = {}
    for i, misfit in enumerate(misfits):
        alone = _suppressed_at(ctx, misfit.flow.key, info.code)
        causes.setdefault((str(i),) if alone else misfit.cause, []).append(misfit)
    for members in causes.values():
        first = members[0]
        related = _related(first.flow, first.target)
        message = first.message
        if len(members) > 1:
            others = _named_targets([m.flow.target for m in members[1:]])
            message += f"; {more} ({len(members) - 1} more): {others}"
        shown = {ctx.span(first.flow.path)}
        for other in members[1:]:
            span = ctx.span(other.flow.path)
            if span not in shown:  # instances of one template share its position
                shown.add(span)
                related.append(
                    (other.flow.path, f"{other.flow.key} writes it into {other.flow.target}")
                )
        yield ctx.finding(info, message, first.flow.path, address=first.flow.key, related=related)


def _named_targets(targets: list[str], shown: int = 5) -> str:
    """The other mappings' targets for a grouped message: each named once, in order, the
    first `shown` of them (a thousand exports into one field name it once, not 999 times)."""
    distinct = list(dict.fromkeys(targets))
    names = ", ".join(distinct[:shown])
    if len(distinct) > shown:
        names += f" and {len(distinct) - shown} other targets"
    return names


def _suppressed_at(ctx: Context, address: str, code_: str) -> bool:
    """Whether the resource at `address` suppresses `code_`: its finding is then reported
    on its own, so that the suppression keeps matching exactly the finding it accepts."""
    table = ctx.memo.get("suppress.entries")
    if table is None:
        table = ctx.memo["suppress.entries"] = entries(ctx.resolved)
    return any(e.applies and e.suppress.code == code_ for e in table.get(address, []))


@rule("mapping-lengths", E_LENGTH)
def mapping_lengths(ctx: Context) -> Iterator[Finding]:
    """Text mappings whose source is longer than the target (a picklist: its longest value),
    one finding per source written the same way into targets of one length."""
    misfits: list[_Misfit] = []
    for flow, src, dst in _pairs(ctx):
        if "truncate" in flow.transforms:
            continue
        if _family(dst, ()) != "text" or _family(src, flow.transforms) != "text":
            continue
        length, how = _longest(ctx, flow, src)
        if length is None or dst.length is None or length <= dst.length:
            continue
        message = (
            f"{flow.key} writes {flow.source} ({how}) into {flow.target} ({dst.length} characters)"
        )
        misfits.append(_Misfit(flow, dst, (flow.source, how, str(dst.length)), message))
    yield from _one_per_cause(ctx, E_LENGTH, misfits, "the same into targets as short")


def _translation(ctx: Context, flow: Flow) -> dict[str, str]:
    mapping = flow.mapping(ctx)
    if not isinstance(mapping, FieldMapping):
        return {}
    values = dict(mapping.values)
    return {v: k for k, v in values.items()} if flow.reverse else values


def _per_campaign(ctx: Context, address: str) -> bool:
    """CampaignMember.Status takes its values from each campaign's member statuses, not
    from a picklist of the object (E7101 checks them against the campaign)."""
    system, _, rest = address.partition(":")
    return rest == "CampaignMember.Status" and ctx.system_type(system) == "salesforce"


def _unknown_values(ctx: Context, flow: Flow, src: FieldSpec, dst: FieldSpec) -> list[str]:
    if not dst.values or _per_campaign(ctx, flow.target):
        return []
    translate = _translation(ctx, flow)
    if src.values:
        produced = {translate.get(v, v) for v in src.values}
        return sorted(produced - set(dst.values))
    if dst.restricted and _FAMILY.get(src.type) == "text" and not translate:
        return [f"any text of {flow.source}"]
    return []


_KIND = {E_PICKLIST.code: "restricted picklist", W_PICKLIST.code: "picklist"}


@rule("picklist-values", E_PICKLIST, W_PICKLIST)
def picklist_values(ctx: Context) -> Iterator[Finding]:
    """Values the source produces that the target picklist does not know, one finding per
    source written with the same unknown values into picklists of one kind."""
    misfits: dict[str, list[_Misfit]] = {E_PICKLIST.code: [], W_PICKLIST.code: []}
    for flow, src, dst in _pairs(ctx):
        unknown = _unknown_values(ctx, flow, src, dst)
        if not unknown:
            continue
        info = E_PICKLIST if dst.restricted else W_PICKLIST
        listed = ", ".join(map(repr, unknown))
        message = (
            f"{flow.key} can write {listed} into {flow.target}, "
            f"which its {_KIND[info.code]} does not know"
        )
        misfits[info.code].append(_Misfit(flow, dst, (flow.source, *unknown), message))
    for info in (E_PICKLIST, W_PICKLIST):
        more = f"the same into {_KIND[info.code]}s"
        yield from _one_per_cause(ctx, info, misfits[info.code], more)

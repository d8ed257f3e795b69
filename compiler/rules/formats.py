"""Data quality along a flow: a field declared in a format (E.164 phones, ISO country
codes, email addresses) must receive values in that format, from a source declared in it
or through the transform that produces it."""

from __future__ import annotations

from collections.abc import Iterator

from compiler.diagnostics import Finding, code
from compiler.resolved import FieldSpec
from compiler.rules._util import Flow, declared, flows
from compiler.rules.context import Context
from compiler.rules.registry import rule

W_FORMAT = code(
    "W3301",
    "Field format differs along a flow",
    "A format declared on a field (`format: phone_e164`, `iso_country`, `email`...) is a "
    "promise every reader relies on: duplicate and matching rules compare phones "
    "character by character, Marketing Cloud's MobileConnect sends only to numbers with a "
    "country code, and an ad platform matches a hashed phone only when it was E.164 "
    "before hashing (Google Ads API, Customer Match). Salesforce stores a Phone field "
    "as typed (Salesforce Help, 'Phone fields': no validation or reformatting outside the "
    "UI's North American formatting), so a source of another format, such as a call "
    "centre's free-text numbers, silently breaks the promise in the target.",
    "Convert on the way (`transform: e164` for phones, `iso_country` for countries), "
    "declare the source's `format` when it already enforces it, or drop the target's "
    "`format` if nothing can guarantee it.",
)

# The format a transform's output is in, whatever its input was.
PRODUCES = {"e164": "phone_e164", "iso_country": "iso_country"}
# Transforms after which the value is in no declared format any more (truncate cuts
# only what does not fit, which the length checks report).
ERASES = ("sha256",)
EMAIL_TYPES = ("email", "EmailAddress")


def format_of(spec: FieldSpec) -> str | None:
    """The declared format, or `email` for an email field: Salesforce's Email fields and
    Marketing Cloud's EmailAddress fields refuse a value that is not an address."""
    return spec.format or ("email" if spec.type in EMAIL_TYPES else None)


def _arriving(src: FieldSpec, transforms: tuple[str, ...]) -> str | None:
    """The format the value has when it reaches the target."""
    have = format_of(src)
    for step in transforms:
        if step in ERASES:
            return f"a {step} hash"
        have = PRODUCES.get(step, have)
    return have


def _problem(ctx: Context, flow: Flow) -> tuple[FieldSpec, FieldSpec, str | None] | None:
    src, dst = ctx.field(flow.source), ctx.field(flow.target)
    want = format_of(dst) if dst is not None else None
    if src is None or dst is None or want is None:
        return None
    have = _arriving(src, flow.transforms)
    return None if have == want else (src, dst, have)


@rule("mapping-formats", W_FORMAT)
def mapping_formats(ctx: Context) -> Iterator[Finding]:
    """Mappings into a field of a declared format from values not in that format."""
    for flow in flows(ctx):
        found = _problem(ctx, flow)
        if found is None:
            continue
        _src, dst, have = found
        want = format_of(dst)
        related = [(dst.path, f"{flow.target} is declared {want} here")]
        yield ctx.finding(
            W_FORMAT,
            f"{flow.key} writes {flow.source} ({have or 'no declared format'}) into "
            f"{flow.target}, whose format is {want}",
            flow.path,
            address=flow.key,
            related=related if declared(dst) else [],
        )

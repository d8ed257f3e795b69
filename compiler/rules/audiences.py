"""Advertising audiences: consent for the advertising purpose, and personal data that
reaches an ad platform only hashed, normalised the way the platforms match it."""

from __future__ import annotations

from collections.abc import Iterator

from compiler.diagnostics import Finding, code
from compiler.model.audiences import Audience
from compiler.model.sync import SyncRule
from compiler.resolved import FieldSpec
from compiler.rules._util import declared
from compiler.rules.context import Context
from compiler.rules.registry import rule

E_CONSENT = code(
    "E6301",
    "Audience without consent for the advertising purpose",
    "Sending customer data to an ad platform to target them is a purpose of its own: "
    "Meta's Custom Audience terms make the advertiser responsible for the consent its "
    "uploaded customers gave, Google's EU user consent policy requires consent for "
    "Customer Match in the EEA (from March 2024, under the Digital Markets Act; "
    "www.google.com/about/company/user-consent-policy), and the "
    "EDPB's guidelines 8/2020 on targeting social media users expect consent for list-based "
    "targeting. An audience that names no purpose, a purpose whose legal basis is not "
    "consent, or member rules that never skip the people who refused it, targets people "
    "who never agreed.",
    "Name the advertising purpose (`purpose:`, with `legal_basis: consent`) and make each "
    "member rule `respect_consent` on a channel whose consent has that purpose.",
)
E_UNHASHED = code(
    "E8301",
    "Personal data sent to an ad platform unhashed",
    "Ad platforms match people on hashed identifiers: Meta's Marketing API takes Custom "
    "Audience data only in a hashed format (SHA-256, 'Hashing and Normalizing Data'; "
    "developers.facebook.com/docs/marketing-api/custom-audience-api), Google Ads' Customer "
    "Match hashes emails, phone numbers and names with SHA-256 and takes hashed uploads "
    "(support.google.com/google-ads/answer/7474263, /adwords/answer/7476159), and X's Ads "
    "API requires SHA-256 in lower-case hex (developer.x.com/en/docs/x-ads-api/audiences/"
    "overview/user-data). A field "
    "holding personal data that reaches an ad platform in clear text is refused or, worse, "
    "stored as is by a third party that was never meant to see it. (Advertising Studio "
    "audiences are exempt: Marketing Cloud sends them itself, nothing engage generates "
    "crosses.)",
    "Add `sha256` as the last transform of the mapping, after the normalisation the "
    "platform expects (`[trim, lower, sha256]` for emails, `[e164, sha256]` for phones).",
)
W_NORMALISED = code(
    "W8302",
    "Identifier hashed without the platform's normalisation",
    "A hash matches only the same bytes: the platforms hash their users' identifiers after "
    "normalising them, and ask the same of uploads (Google Ads API, Customer Match: remove "
    "leading and trailing whitespace, convert to lower case, phone numbers in E.164; Meta: "
    "trim and lower-case emails, phone numbers with country code and digits only; "
    "support.google.com/adwords/answer/7476159: 'Phone numbers must be formatted as "
    "E.164 prior to hashing'; the API accepts a wrongly formatted hash and never matches "
    "it). A "
    "phone hashed as typed ('+44 20 7031 3000') or a mixed-case email gives a different "
    "hash: the platform accepts it and never matches the person.",
    "Normalise before `sha256`: `[trim, lower, sha256]` for emails and names, `[e164, "
    "sha256]` for phones (or declare the source `format: phone_e164` when it already is).",
)

HASH = "sha256"
EMAIL_TYPES = ("email", "EmailAddress")
PHONE_TYPES = ("phone", "Phone")


def _ad_systems(ctx: Context) -> frozenset[str]:
    """External systems of category advertising: what sync rules must hash into."""
    return frozenset(
        name
        for name, system in ctx.eco.systems.items()
        if system.type == "external" and system.category == "advertising"
    )


def _steps(mapping: object) -> tuple[str, ...]:
    raw = getattr(mapping, "transform", "none")
    steps = [raw] if isinstance(raw, str) else list(raw)
    return tuple(s for s in steps if s != "none")


def _source(ctx: Context, sync: SyncRule, mapping: object) -> FieldSpec | None:
    name = mapping if isinstance(mapping, str) else getattr(mapping, "from_", None)
    if not name:
        return None
    return ctx.field(f"{sync.source.replace('.', ':', 1)}.{name}")


def _personal(spec: FieldSpec) -> bool:
    return spec.personal_data != "none" or spec.type in (*EMAIL_TYPES, *PHONE_TYPES)


def _hashed_fields(
    ctx: Context,
) -> Iterator[tuple[str, SyncRule, str, FieldSpec, tuple[str, ...]]]:
    """(rule, sync rule, target field, source spec, transforms) of every mapping from a
    personal-data field into an ad platform."""
    ads = _ad_systems(ctx)
    for name in sorted(ctx.eco.sync_rules):
        sync = ctx.eco.sync_rules[name]
        if sync.target.partition(".")[0] not in ads:
            continue
        for target in sorted(sync.fields):
            spec = _source(ctx, sync, sync.fields[target])
            if spec is not None and _personal(spec):
                yield name, sync, target, spec, _steps(sync.fields[target])


@rule("ad-platform-hashing", E_UNHASHED)
def unhashed(ctx: Context) -> Iterator[Finding]:
    """Personal data mapped into an ad platform without sha256 as its last step."""
    for name, sync, target, spec, steps in _hashed_fields(ctx):
        if steps and steps[-1] == HASH:
            continue
        late = HASH in steps
        yield ctx.finding(
            E_UNHASHED,
            f"sync rule {name!r} sends {spec.name} ({spec.personal_data} data) to "
            f"{sync.target} "
            + ("hashed before other transforms change it" if late else "unhashed"),
            ("sync_rules", name, "fields", target),
            address=f"sync_rule.{name}",
            related=[(spec.path, "the personal field")] if declared(spec) else [],
        )


def _missing_steps(spec: FieldSpec, before: tuple[str, ...]) -> list[str]:
    """The normalisation steps the platforms expect before hashing this field."""
    if spec.type in PHONE_TYPES or spec.format == "phone_e164":
        return [] if "e164" in before or spec.format == "phone_e164" else ["e164"]
    return [step for step in ("trim", "lower") if step not in before]


@rule("ad-platform-normalisation", W_NORMALISED)
def normalised(ctx: Context) -> Iterator[Finding]:
    """Hashed identifiers that were not normalised first (trim/lower, E.164)."""
    for name, sync, target, spec, steps in _hashed_fields(ctx):
        if not steps or steps[-1] != HASH:
            continue  # E8301's
        missing = _missing_steps(spec, steps[:-1])
        if not missing:
            continue
        yield ctx.finding(
            W_NORMALISED,
            f"sync rule {name!r} hashes {spec.name} for {sync.target} without "
            f"{' and '.join(missing)} first: the platform's hash of the same person differs",
            ("sync_rules", name, "fields", target, "transform"),
            address=f"sync_rule.{name}",
        )


def _purpose_channels(ctx: Context, purpose: str) -> frozenset[str]:
    return frozenset(
        channel for channel, cc in ctx.eco.consent.channels.items() if cc.purpose == purpose
    )


def _purpose_problem(ctx: Context, aud: Audience) -> str | None:
    if aud.purpose is None:
        return "names no consent purpose"
    purpose = ctx.eco.consent.purposes.get(aud.purpose)
    if purpose is not None and purpose.legal_basis != "consent":
        return f"relies on purpose {aud.purpose!r}, whose legal basis is {purpose.legal_basis}"
    if not _purpose_channels(ctx, aud.purpose):
        return f"relies on purpose {aud.purpose!r}, which no consent channel records"
    return None


@rule("audience-consent", E_CONSENT)
def audience_consent(ctx: Context) -> Iterator[Finding]:
    """Audiences without consent for their purpose, or member rules that ignore it."""
    for name in sorted(ctx.eco.audiences):
        aud = ctx.eco.audiences[name]
        problem = _purpose_problem(ctx, aud)
        if problem is not None:
            yield ctx.finding(
                E_CONSENT,
                f"audience {name!r} ({aud.platform}) {problem}",
                ("audiences", name, "purpose" if aud.purpose else "platform"),
                address=f"audience.{name}",
            )
            continue
        assert aud.purpose is not None
        channels = _purpose_channels(ctx, aud.purpose)
        for i, rule_name in enumerate(aud.members):
            sync = ctx.eco.sync_rules.get(rule_name)
            if sync is None or channels & set(sync.respect_consent):
                continue
            yield ctx.finding(
                E_CONSENT,
                f"sync rule {rule_name!r} sends members of audience {name!r} without "
                f"respecting consent for {aud.purpose!r} (channels: {', '.join(sorted(channels))})",
                ("audiences", name, "members", i),
                address=f"audience.{name}",
                related=[(("sync_rules", rule_name), "the member rule")],
            )

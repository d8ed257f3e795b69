"""The plan's short ways through redaction and canonical JSON give the long ways' results.

`desired_resources` takes orjson's compact bytes of a resource's dump as its canonical JSON
when `dump_canonical` vouches for them, and skips `redact` when `clean_json` says it would
change nothing; the plan's digest then takes those attribute values as they are, and a plan
whose digest was hashed from orjson's own bytes is written without hashing it again. Each
is compared here with the definition it stands for: `canonical_json`, `redact`, `digest`,
`pretty_json(plan_document(plan))`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import orjson
import pytest
from conftest import FixtureEco
from hypothesis import example, given, settings
from hypothesis import strategies as st

from compiler.pipeline import compile_path
from compiler.plan.builder import PlanInputs, build_plan
from compiler.plan.canonical import canonical_json, digest, dump_canonical, pretty_json
from compiler.plan.definition import AttributeChange, Change, Plan, SourceRef, StateRef, Summary
from compiler.plan.planfile import compute_digest, plan_document, plan_json, seal
from compiler.plan.resources import desired_resources, dump, model_at
from compiler.redact import _SECRET_NAMES, _SECRET_PAIRS, clean_json, redact
from compiler.resolved import ResolvedEcosystem
from compiler.source import ParseCache

ROOT = Path(__file__).resolve().parent.parent

# keys and texts near the secret words: each case, separators, escapes, look-alikes
WORDS = [
    "password",
    "Passwd",
    "byPassword",
    "bypass_fields",
    "bypass",
    "by_pass",
    "bypass1",
    "bypassWord",
    "pass",
    "pass_x",
    "PWD",
    "client_secret",
    "secretary",
    "api_key",
    "apiKey",
    "APIKey",
    "api.key",
    "api-key",
    "api__key",
    "api\nkey",
    "api1key",
    "type",
    "api",
    "private_key",
    "PrivateKey",
    "signing_key",
    "session_id",
    "sessionId",
    "auth_code",
    "AuthCode",
    "access_key",
    "AccessKey",
    "access",
    "session",
    "auth",
    "signing",
    "private",
    "bearer",
    "token",
    "Tokens",
    "credentials",
    "Credential",
    "\u017fecret",  # the long s: IGNORECASE matches it with s
    "to\u212aen",  # the Kelvin sign: with k
    "value",
    "default",
    "name",
    "Keyword",
]
TEXTS = [
    "password: hunter2",
    "token=abc123",
    "Bearer abcdef",
    "bearer",
    "PASSWORD = 'x y'",
    "pass: x",
    "by pass: x",
    "bypass: x",
    "(pass=x)",
    "minimum access - api only integrations",
    "session_id=abc",
    "auth-code: x",
    "private key here",
    'api_key: "quoted value"',
    "pa\u017f\u017fword: x",
    "plain words",
    "brand0.example",
    "1.5",
    "tab\there",
    "é \u2028 \U0001f600",
    "back\\slash",
]
# the letters of the secret words in both cases, and what separates or escapes them
NEAR = st.text(alphabet='pasPASbywodrWDkeyiK_ :=1"\n.-tcnuhgv', min_size=1, max_size=9)
keys = st.sampled_from(WORDS) | st.text(max_size=8) | NEAR
strings = st.sampled_from(TEXTS) | st.sampled_from(WORDS) | st.text(max_size=12) | NEAR
scalars = (
    st.none()
    | st.booleans()
    | st.integers()  # beyond 64 bits orjson refuses
    | st.floats(allow_nan=False, allow_infinity=False)  # a dump holds no NaN (the docstring)
    | strings
)
values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(keys, inner, max_size=4),
    max_leaves=25,
)
dumps = st.dictionaries(keys, values, max_size=6)


def _orjson(value: Any) -> bytes | None:
    try:
        return orjson.dumps(value, option=orjson.OPT_SORT_KEYS)
    except (TypeError, orjson.JSONEncodeError):
        return None


@settings(max_examples=600, deadline=None)
@given(dumps)
@example({"api\nkey": "x"})
@example({"note": "pa\u017f\u017fword: x"})
@example({"fields": {"bypass_fields": [], "Password": None}})
def test_clean_json_never_vouches_for_a_value_redact_would_change(value: dict[str, Any]) -> None:
    text = _orjson(value)
    if text is not None and clean_json(text):
        assert redact(value) == (value, False)


def test_clean_json_looks_for_every_secret_name_and_pair_redact_knows() -> None:
    """`clean_json`'s pattern is built from redact's own lists: a name or pair added there
    is looked for without a second list to keep in step."""
    keys = [*_SECRET_NAMES, *(f"{a}_{b}" for a, b in _SECRET_PAIRS)]
    for key in sorted(keys):
        value = {"fields": {key: "x"}}
        assert redact(value)[1], key
        assert not clean_json(orjson.dumps(value)), key


def test_clean_json_gives_no_verdict_on_what_redact_cuts() -> None:
    for value in (
        {"api\nkey": "x"},  # `_WORD` splits at the line break: api, key
        {"api.key": "x"},
        {"APIKey": "x"},
        {"byPassword": "x"},
        {"note": "\u017fecret: x"},  # inline, IGNORECASE: the long s is an s
        {"note": "to\u212aen=abc"},  # and the Kelvin sign a k
        {"note": "pa\u017f\u017fword: x"},
        {"note": "token=abc"},
        {"note": "by pass: x"},  # a word boundary before pass
        {"AccessKey": "x"},
        {"session id": "x"},
        {"note": "session_id=abc"},
        {"note": "auth-code: x"},
        {"password": {"value": "x"}},
    ):
        _, hit = redact(value)
        assert hit, value  # redact cuts each of them...
        text = _orjson(value)
        assert text is not None and not clean_json(text), value  # ...and none is vouched for


def test_clean_json_vouches_for_plain_resources() -> None:
    for value in (
        {"type": "api", "name": "n", "fields": {"Email": {"length": 254}}},
        {"bypass_fields": ["x"], "note": "bypass: on"},
        {"profile": "minimum access - api only integrations", "session": 1, "auth": "x"},
        {},
    ):
        text = _orjson(value)
        assert text is not None and clean_json(text)


@settings(max_examples=600, deadline=None)
@given(dumps)
@example({"domain": "brand0.example", "v": "1.5", "n": 3})
@example({"cost": 1e-05})
@example({"cost": 1e16})
@example({"big": 2**64})
@example({"nested": [{"x": 0.5}]})
def test_dump_canonical_is_canonical_json_or_nothing(value: dict[str, Any]) -> None:
    text = dump_canonical(value)
    if text is not None:
        assert text == canonical_json(value).encode("utf-8")


def test_dump_canonical_leaves_floats_and_big_integers_to_the_standard_library() -> None:
    assert dump_canonical({"cost": 0.5}) is None
    assert dump_canonical({"list": [1, 2.0]}) is None
    assert dump_canonical({"big": 2**64}) is None
    # a dot or an exponent inside a string is no float
    text = dump_canonical({"domain": "brand0.example", "v": "1e5", "n": 10})
    assert text == b'{"domain":"brand0.example","n":10,"v":"1e5"}'


def _resolved(root: Path) -> ResolvedEcosystem:
    comp = compile_path(root, None, cache=ParseCache(None))
    assert comp.resolved is not None
    return comp.resolved


def _check_resources(resolved: ResolvedEcosystem) -> tuple[int, int]:
    """Every desired resource as the long way makes it; (short way, long way) counts."""
    desired = desired_resources(resolved, {})
    plain = 0
    for address, res in desired.items():
        model = model_at(resolved.ecosystem, tuple(resolved.addresses[address]))
        attrs, sensitive = redact(dump(model))
        assert res.attributes == attrs, address
        assert res.sensitive == sensitive, address
        assert res.digest == digest(attrs), address
        assert json.dumps(res.attributes, sort_keys=True) == json.dumps(attrs, sort_keys=True)
        plain += res.plain
    return plain, len(desired) - plain


def test_desired_resources_of_the_example_are_the_long_ways() -> None:
    plain, other = _check_resources(_resolved(ROOT / "ecosystem"))
    assert plain > 0 and other > 0  # both ways taken (campaign costs are floats)


def test_desired_resources_with_secrets_and_floats(fixture_eco: FixtureEco) -> None:
    root = fixture_eco(
        {
            "extra.yaml": """
            systems:
              vault_api:
                type: api
                description: "holds the client_secret reference, not the secret"
            """
        }
    )
    plain, other = _check_resources(_resolved(root))
    assert plain > 0 and other > 0


def _plan(resolved: ResolvedEcosystem) -> Plan:
    return build_plan(PlanInputs(resolved, None, "eco", "state.json", allow_conflicts=True))


def test_the_example_plan_digest_and_file_are_the_definitions() -> None:
    plan = _plan(_resolved(ROOT / "ecosystem"))
    dumped = plan_document(plan)
    assert plan.digest == digest({k: v for k, v in dumped.items() if k != "digest"})
    assert plan.digest == compute_digest(plan)  # nothing spliced: every value encoded now
    assert plan_json(plan) == pretty_json(dumped)


def _float_plan() -> Plan:
    change = Change(
        address="campaign.c",
        kind="campaign",
        action="create",
        attributes=[AttributeChange(path="budgeted_cost", op="add", after={"cost": 1e-05})],
    )
    return Plan(
        engage_version="0",
        ecosystem="e",
        environment=None,
        production=False,
        source=SourceRef(path="eco", digest="sha256:0"),
        state=StateRef(location="s.json", lineage=None, serial=0),
        summary=Summary(add=1, change=0, replace=0, destroy=0, move=0, unchanged=0),
        changes=[change],
    )


def test_a_value_orjson_writes_its_own_way_is_written_by_the_standard_library() -> None:
    plan = seal(_float_plan())
    dumped = plan_document(plan)
    assert '"cost": 1e-05' in plan_json(plan)  # orjson would write 0.00001
    assert plan_json(plan) == pretty_json(dumped)
    assert plan.digest == digest({k: v for k, v in dumped.items() if k != "digest"})


@pytest.mark.parametrize("splice", [True, False])
def test_a_value_taken_as_it_is_hashes_as_its_canonical_json(splice: bool) -> None:
    plan = _float_plan()
    value = plan.changes[0].attributes[0].after
    # `plain` names resources whose values orjson writes canonically; one holding a float
    # is not one of them, and declaring it plain would hash its create with orjson's
    # text: the digest then differs
    encoded = {id(value): canonical_json(value)} if splice else {}
    plain = set() if splice else {"campaign.c"}
    sealed = seal(plan, encoded, plain)
    assert (sealed.digest == compute_digest(plan)) is splice

"""Canonical JSON and digests (compiler.plan.canonical): a digest is `sha256:` and the hex
sha256 of the canonical text, the same whether the text was encoded whole or joined from
its items; a planned resource's digest is its attributes' digest either way; state records
the digest the plan showed. pretty_json's two writers (orjson's when its compact bytes are
canonical_json's, else the standard library's) indent by two, sort keys and keep
non-ASCII text, and a value orjson refuses is written by the standard library."""

from __future__ import annotations

import hashlib

from test_plan_support import (
    apply_now,
    in_own_folder,  # noqa: F401 (autouse fixture)
    make_plan,
    read_state,
    workspace,
)

from compiler.plan.canonical import (
    canonical_json,
    digest,
    digest_bytes,
    digest_text,
    dump_canonical,
    encode_items,
    join_items,
    pretty_json,
)
from compiler.plan.resources import DesiredResource

VALUE = {"b": [1, 2.5, None], "a": {"ü": True, "z": "x"}, "c": ""}


def test_a_digest_is_the_sha256_of_the_text() -> None:
    assert digest_text("abc") == (
        "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    )
    text = canonical_json(VALUE)
    assert text == '{"a":{"z":"x","ü":true},"b":[1,2.5,null],"c":""}'
    assert digest(VALUE) == "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()
    assert digest_text(text) == digest(VALUE)


def test_the_digest_of_orjson_bytes_is_the_digest_of_the_value() -> None:
    """plan2's fast path: a resource whose attributes orjson wrote carries the digest of
    those bytes (`known_digest`), which must be the value's digest, not a stand-in."""
    plain = {"a": {"z": "x", "ü": True}, "c": "", "n": [1, 2]}  # no float: orjson's bytes
    text = dump_canonical(plain)
    assert text == canonical_json(plain).encode("utf-8")
    assert digest_bytes(text) == digest(plain) == digest_text(canonical_json(plain))
    known = DesiredResource(
        "data_extension.x", "data_extension", plain, known_digest=digest_bytes(text)
    )
    assert known.digest == DesiredResource("data_extension.x", "data_extension", plain).digest


def test_a_digest_joined_from_items_is_the_whole_values() -> None:
    items = encode_items(VALUE)
    assert items == {"a": '{"z":"x","ü":true}', "b": "[1,2.5,null]", "c": '""'}
    assert join_items(items) == canonical_json(VALUE)
    assert digest_text(join_items(items)) == digest(VALUE)


def test_a_resource_has_its_attributes_digest_however_encoded() -> None:
    plain = DesiredResource("data_extension.x", "data_extension", VALUE)
    encoded = DesiredResource(
        "data_extension.x", "data_extension", VALUE, encoded=encode_items(VALUE)
    )
    assert plain.digest == encoded.digest == digest(VALUE)


def test_state_records_the_digest_the_plan_showed() -> None:
    workspace()
    plan = make_plan()
    shown = {c.address: c.after_digest for c in plan.changes}
    apply_now()
    state = read_state()
    assert state is not None
    for address, entry in state.resources.items():
        assert entry.digest == shown[address] == digest(dict(entry.attributes))


# the same document, once in tokens orjson writes as the standard library does (taken by
# orjson) and once with a float orjson writes its own way (taken by the standard library)
PLAIN = {"b": [1, "x"], "a": {"é": True, "c": {}}}
OWN_WAY = {"b": [1e-05, "x"], "a": {"é": True, "c": {}}}


def test_both_writers_indent_by_two_sort_keys_and_keep_unicode() -> None:
    layout = '{\n  "a": {\n    "c": {},\n    "é": true\n  },\n  "b": [\n    %s,\n    "x"\n  ]\n}\n'
    assert pretty_json(PLAIN) == layout % "1"
    assert pretty_json(OWN_WAY) == layout % "1e-05"


def test_a_value_orjson_refuses_is_written_by_the_standard_library() -> None:
    assert pretty_json({"n": 2**64, "m": "ü"}) == '{\n  "m": "ü",\n  "n": 18446744073709551616\n}\n'
    assert pretty_json({2: "b", 1: "a"}) == '{\n  "1": "a",\n  "2": "b"\n}\n'

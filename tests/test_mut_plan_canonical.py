"""Canonical JSON and digests (compiler.plan.canonical): a digest is `sha256:` and the hex
sha256 of the canonical text, the same whether the text was encoded whole or joined from
its items; a planned resource's digest is its attributes' digest either way; state records
the digest the plan showed."""

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
    digest_text,
    encode_items,
    join_items,
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

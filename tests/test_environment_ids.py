"""What W8014 recognises as an environment-specific id, boundary by boundary."""

from __future__ import annotations

import pytest

from compiler.rules.environment_ids import _Known, checksum, describe, salesforce_id

KNOWN = _Known(mids={100001: "mc.retail"}, ids={"0Uv7Q0000004IndSAA": "the id of pardot.x"})


def test_checksum_matches_the_platforms_case_safe_suffix() -> None:
    # a user id and its case-safe form as Salesforce prints both
    assert checksum("00558000001N0Ke") == "AAK"
    assert checksum("001000000000000") == "AAA"  # no upper case letter: all bits clear
    assert checksum("ABCDEABCDEABCDE") == "555"  # every letter upper case: index 31


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("00558000001N0KeAAK", "user id"),  # 18 characters, checksum right
        ("00558000001N0KeAAA", None),  # 18 characters, checksum wrong
        ("a0B58000001N0KeAAK", None),  # checksum of another id
        ("00558000001N0Ke", "user id"),  # 15 characters, known prefix
        ("005ABCDEFGH12xy", "user id"),  # known prefix, exactly five digits
        ("005ABCDEFGHI1xy", None),  # known prefix, four digits only
        ("ABCDEFGHIJ12345", None),  # 15 characters, no id prefix
        ("0127Q000000AbCdQAK", "record type id"),
        ("00D7Q00000SolvAUAR", "organization id"),
        ("0057Q000001XyZwQAK", "user id"),
        ("0057Q000001XyZ-QAK", None),  # not alphanumeric
        ("000000000000000AAA", None),  # no letter in the first fifteen: not an 18-char id
        ("0127Q000000AbC", None),  # 14 characters
        ("Retail_Customer", None),
    ],
)
def test_salesforce_ids(text: str, kind: str | None) -> None:
    assert salesforce_id(text) == kind


def test_an_id_without_a_known_prefix_is_still_an_id_when_checksummed() -> None:
    text = "a0B5800000AbCde" + checksum("a0B5800000AbCde")
    assert salesforce_id(text) == "Salesforce id"


@pytest.mark.parametrize(
    ("value", "mid_field", "what"),
    [
        (100001, False, "MID 100001 (business unit mc.retail)"),
        ("100001", False, "MID 100001 (business unit mc.retail)"),
        (100002, False, None),  # a number no business unit declares
        (100002, True, "MID 100002"),  # compared with a MID column
        ("100002", True, "MID 100002"),
        ("100002", False, None),
        (True, True, None),  # a boolean is not a MID, even in a MID column
        (1.5, True, None),
        ("0Uv7Q0000004IndSAA", False, "the id of pardot.x ('0Uv7Q0000004IndSAA')"),
        ("Standard", False, None),
    ],
)
def test_describe(value: object, mid_field: bool, what: str | None) -> None:
    assert describe(value, KNOWN, mid_field=mid_field) == what

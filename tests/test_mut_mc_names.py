"""The names a data extension goes by in Marketing Cloud (compiler.emit.marketing_cloud.names):
each limit of a customer key and a display name at its boundary, the stable short key, the
flat name of a `for_each` instance and mcdev's folder of the parent unit."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from conftest import WriteEco, compile_eco

from compiler.emit.marketing_cloud.names import (
    MAX_KEY,
    MAX_NAME,
    PARENT_BU,
    DeInfo,
    data_extensions,
    flat_name,
    key_problem,
    mcdev_unit,
    name_problem,
    short_key,
    synchronized_name,
)
from compiler.resolved import ResolvedEcosystem


def test_the_limits_are_marketing_clouds() -> None:
    assert (MAX_KEY, MAX_NAME, PARENT_BU) == (36, 128, "_ParentBU_")


def test_a_key_of_exactly_36_characters_is_accepted_37_is_not() -> None:
    assert key_problem("K" * 36) is None
    assert key_problem("K" * 37) == "is longer than 36 characters"


@pytest.mark.parametrize("key", ["Audience 1", "a_b-c.d", "Z9"])
def test_letters_digits_underscore_dash_dot_and_space_make_a_key(key: str) -> None:
    assert key_problem(key) is None


@pytest.mark.parametrize("key", ["a/b", "a;b", "é", "a\tb", ""])
def test_any_other_character_is_refused(key: str) -> None:
    assert key_problem(key) == "may only hold letters, digits, '_', '-', '.' and spaces"


def test_a_key_that_cannot_be_a_file_name_is_refused_by_the_path_rules() -> None:
    assert key_problem("..") == "is empty or a relative folder reference"
    assert key_problem("NUL") == "is a name Windows reserves for devices"
    assert key_problem("key.") == "starts with a dot or ends with a dot or space"


def test_a_name_of_1_and_of_128_characters_is_accepted_0_and_129_are_not() -> None:
    assert name_problem("N") is None
    assert name_problem("N" * 128) is None
    assert name_problem("") == "must be 1 to 128 characters"
    assert name_problem("N" * 129) == "must be 1 to 128 characters"


@pytest.mark.parametrize(
    ("name", "why"),
    [
        ("_Sent", "starts with '_', which Marketing Cloud reserves for system data views"),
        ("#tmp", "starts with '#' or '@', which SQL reads as a temporary table or a variable"),
        ("@var", "starts with '#' or '@', which SQL reads as a temporary table or a variable"),
        ("line\nbreak", "contains control characters"),
        ("bell\x07", "contains control characters"),
    ],
)
def test_a_display_name_marketing_cloud_or_sql_would_misread_is_refused(
    name: str, why: str
) -> None:
    assert name_problem(name) == why


@pytest.mark.parametrize("name", ["Brand audience", "a_b", "x#y", "Ünïcode"])
def test_a_prefix_in_the_middle_is_no_prefix(name: str) -> None:
    assert name_problem(name) is None


def test_a_short_key_is_kept_and_a_long_one_ends_in_a_digest_of_the_whole() -> None:
    assert short_key("k" * 36) == "k" * 36
    long = "k" * 37
    digest = hashlib.sha256(long.encode()).hexdigest()[:8]
    assert short_key(long) == "k" * 27 + "_" + digest
    assert len(short_key(long)) == 36
    assert short_key("k" * 36 + "x") != short_key("k" * 36 + "y")  # stable and distinct
    assert short_key("abcdefghij", limit=10) == "abcdefghij"
    assert (
        short_key("abcdefghijk", limit=10) == "a_" + hashlib.sha256(b"abcdefghijk").hexdigest()[:8]
    )


@pytest.mark.parametrize(
    ("resource", "flat"),
    [
        ("newsletter[brand_retail]", "newsletter_brand_retail"),
        ("a[x][y]", "a_x_y"),
        ("plain", "plain"),
        ("empty[]", "empty_"),
    ],
)
def test_a_for_each_instance_gets_a_flat_name(resource: str, flat: str) -> None:
    assert flat_name(resource) == flat


def test_the_parent_unit_is_mcdevs_parent_folder() -> None:
    assert mcdev_unit("enterprise", True) == "_ParentBU_"
    assert mcdev_unit("brand", False) == "brand"
    info = DeInfo(
        resource="r", system="mc", business_unit="enterprise", engage_unit="corp",
        parent=True, key="K", name="N", shared=False, address="data_extension.r",
    )  # fmt: skip
    assert info.folder == "deploy/mc/_ParentBU_"
    child = DeInfo(
        resource="r", system="mc", business_unit="brand", engage_unit="brand",
        parent=False, key="K", name="N", shared=False, address="data_extension.r",
    )  # fmt: skip
    assert child.folder == "deploy/mc/brand"


# ---------------------------------------------------------------- on a compiled ecosystem
BASIC = Path(__file__).resolve().parent / "fixtures" / "marketing_cloud" / "basic"


def compiled(write_eco: WriteEco, *edits: tuple[str, str]) -> ResolvedEcosystem:
    text = (BASIC / "ecosystem.yaml").read_text("utf-8")
    for old, new in edits:
        assert old in text, old
        text = text.replace(old, new, 1)
    comp = compile_eco(write_eco({"ecosystem.yaml": text}))
    assert comp.resolved is not None, [f.message for f in comp.findings]
    return comp.resolved


def test_each_data_extension_is_placed_in_its_unit_with_its_names(write_eco: WriteEco) -> None:
    infos, findings = data_extensions(compiled(write_eco))
    assert findings == []
    assert sorted(infos) == ["audience", "master", "summary"]
    master, audience, summary = infos["master"], infos["audience"], infos["summary"]
    assert (master.system, master.business_unit, master.engage_unit, master.parent) == (
        "mc", "parent", "corp", True,
    )  # fmt: skip
    assert (master.key, master.name, master.shared) == ("MASTER", "Customer Master", True)
    assert master.folder == "deploy/mc/_ParentBU_"
    assert (audience.business_unit, audience.parent, audience.shared) == ("child", False, False)
    assert audience.folder == "deploy/mc/child"
    assert (summary.key, summary.name) == ("SUMMARY", "summary")  # no name: the resource's
    assert summary.address == "data_extension.summary"


def test_shared_with_everyone_is_shared(write_eco: WriteEco) -> None:
    infos, _ = data_extensions(compiled(write_eco, ("shared_with: [brand]", 'shared_with: "*"')))
    assert infos["master"].shared is True


def test_without_a_key_the_flat_resource_name_is_the_key(write_eco: WriteEco) -> None:
    infos, _ = data_extensions(compiled(write_eco, ("    external_key: SUMMARY\n", "")))
    assert infos["summary"].key == "summary"


def test_two_keys_differing_in_case_in_one_unit_are_refused_once(write_eco: WriteEco) -> None:
    resolved = compiled(write_eco, ("external_key: SUMMARY", "external_key: master"))
    infos, findings = data_extensions(resolved)
    assert sorted(infos) == ["audience", "master"]  # master comes first, keeps its key
    assert [(f.code, f.address) for f in findings] == [("E7801", "data_extension.summary")]
    assert findings[0].message == (
        "data extension 'summary': external_key 'master' is also the key of 'master'"
    )


def test_the_same_key_in_another_unit_is_no_clash(write_eco: WriteEco) -> None:
    resolved = compiled(write_eco, ("external_key: AUDIENCE", "external_key: MASTER"))
    infos, findings = data_extensions(resolved)
    assert findings == []
    assert infos["audience"].key == infos["master"].key == "MASTER"


def test_a_refused_name_and_key_are_each_reported(write_eco: WriteEco) -> None:
    resolved = compiled(
        write_eco,
        ("external_key: MASTER", "external_key: 'M/1'"),
        ("name: Customer Master", "name: _M"),
    )
    infos, findings = data_extensions(resolved)
    assert "master" not in infos
    assert [f.message for f in findings] == [
        "data extension 'master': external_key 'M/1' may only hold letters, digits, '_', '-', "
        "'.' and spaces",
        "data extension 'master': name '_M' starts with '_', which Marketing Cloud reserves "
        "for system data views",
    ]
    assert all(f.span is not None and f.span.line > 0 for f in findings)


def test_a_synchronized_object_has_the_connectors_suffix(write_eco: WriteEco) -> None:
    plain = compiled(write_eco)
    assert synchronized_name(plain, "mc", "Contact_Salesforce") == (
        "Contact_Salesforce", "integration.mcc",
    )  # fmt: skip
    assert synchronized_name(plain, "mc", "Nothing") == ("Nothing", "")
    suffixed = compiled(
        write_eco,
        ("business_units: [corp, brand]\n", "business_units: [corp, brand]\n      suffix: _1\n"),
    )
    assert synchronized_name(suffixed, "mc", "Contact_Salesforce") == (
        "Contact_Salesforce_1", "integration.mcc",
    )  # fmt: skip

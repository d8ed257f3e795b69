"""compiler/rules/platform.py: each default limit sits exactly at the published figure.

A data extension external key of exactly 36 characters is accepted and 37 is E8005;
a connector user serving exactly 10 business units is silent and 11 is W8013. The
figures the codes' docs pages cite (36 characters, about 20 and at most 250 fields)
are the defaults the rules apply, so the page and the check never disagree.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from test_rules_fixtures import ROOT

from compiler.diagnostics import Finding
from compiler.rules.check import check_path
from compiler.rules.platform import Limits
from compiler.rules.platform_limits import E_CONNECT_FIELDS, E_EXTERNAL_KEY, W_CONNECT_FIELDS


def _eco(tmp_path: Path, case: str) -> Path:
    eco = tmp_path / "eco"
    shutil.copytree(ROOT / "_base", eco)
    for file in sorted((ROOT / case).iterdir()):
        shutil.copy(file, eco / file.name)
    return eco


def _codes(eco: Path, code: str) -> list[Finding]:
    result = check_path(eco)
    assert result.analyzed, [f.message for f in result.findings]
    return [f for f in result.findings if f.code == code]


@pytest.mark.parametrize(("length", "fires"), [(36, False), (37, True)])
def test_an_external_key_of_36_characters_is_the_longest_accepted(
    tmp_path: Path, length: int, fires: bool
) -> None:
    eco = _eco(tmp_path, "e8005_fires")
    shop = eco / "shop.yaml"
    key = "k" * length
    shop.write_text(shop.read_text().replace("loyalty_programme_members_and_points_v2", key))
    found = _codes(eco, "E8005")
    assert [f.message for f in found] == (
        [
            f"external key of data extension 'loyalty' has {length} characters; "
            "at most 36 are allowed"
        ]
        if fires
        else []
    )


@pytest.mark.parametrize(("stores", "fires"), [(9, False), (10, True)])
def test_ten_business_units_is_the_most_one_connector_user_serves(
    tmp_path: Path, stores: int, fires: bool
) -> None:
    """The retail unit plus 9 stores is 10 units (silent), plus 10 stores 11 (W8013)."""
    eco = _eco(tmp_path, "w8013_fires")
    integrations = eco / "integrations.yaml"
    text = integrations.read_text()
    listed = ", ".join(["retail", *(f"store_{n:02}" for n in range(1, stores + 1))])
    start = text.index("business_units: [")
    end = text.index("]", start)
    integrations.write_text(f"{text[:start]}business_units: [{listed}]{text[end + 1 :]}")
    found = _codes(eco, "W8013")
    assert len(found) == (1 if fires else 0)
    if fires:
        assert "serves 11 business units" in found[0].message
        assert "more than the 10 one connector user serves" in found[0].message
        assert "'store_10' is the first beyond" in found[0].message


def _figure(text: str, pattern: str) -> int:
    match = re.search(pattern, text)
    assert match, pattern
    return int(match.group(1))


def test_the_defaults_are_the_figures_the_docs_pages_cite() -> None:
    limits = Limits()
    assert limits.de_external_key_max == _figure(
        E_EXTERNAL_KEY.rationale, r"documents a (\d+)-character limit"
    )
    assert limits.mcc_fields_recommended == _figure(
        W_CONNECT_FIELDS.rationale, r"about (\d+) fields per object"
    )
    assert limits.mcc_fields_max == _figure(
        E_CONNECT_FIELDS.rationale, r"at most (\d+) fields per object"
    )


def test_an_unknown_limit_names_the_known_ones_and_known_ones_override() -> None:
    with pytest.raises(ValueError) as err:
        Limits().with_overrides({"zz_limit": 1, "aa_limit": 2, "mcc_fields_max": 3})
    message = str(err.value)
    assert message.startswith("unknown limit 'aa_limit'; known limits: ")
    assert message.endswith(", ".join(Limits.names()))
    assert Limits.names() == sorted(Limits.names())
    assert "de_external_key_max" in Limits.names()
    changed = Limits().with_overrides({"mcc_fields_max": 3})
    assert changed.mcc_fields_max == 3
    assert changed.de_external_key_max == Limits().de_external_key_max
    assert Limits().with_overrides({}) == Limits()
    with pytest.raises(AttributeError):
        changed.mcc_fields_max = 4  # type: ignore[misc]

"""compiler/rules/queries.py: what its mutation run found unpinned (benchmarks/README.md
"Mutation scores"): the findings' messages (the positions are pinned in
tests/test_rules_fixtures.py) and the Block rule's `bypass` exemption of a user that
may create the records."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_rules_fixtures import check_case

MESSAGES = [
    (
        "e3910_fires",
        "E3910",
        "sync rule 'newsletter_refresh' and 'contacts_to_newsletter' both overwrite mc.newsletter",
    ),
    (
        "e7910_fires",
        "E7910",
        "sync rule 'winback_build' writes data extension 'winback', which is not in the retrieve",
    ),
    (
        "w5910_fires",
        "W5910",
        "duplicate rule 'contact_dupes' blocks duplicate Contact inserts and does not exempt "
        "integration user 'mc_connect_user', which may create Contact records",
    ),
]


@pytest.mark.parametrize(("case", "code", "message"), MESSAGES, ids=[m[0] for m in MESSAGES])
def test_messages_name_the_resources_and_nothing_else(
    tmp_path: Path, case: str, code: str, message: str
) -> None:
    assert [f.message for f in check_case(tmp_path, case) if f.code == code] == [message]


def test_hardcoded_ids_are_named_one_per_finding(tmp_path: Path) -> None:
    found = [f.message for f in check_case(tmp_path, "w8910_fires") if f.code == "W8910"]
    assert sorted(found) == [
        "the SQL of sync rule 'contacts_to_newsletter' hard-codes MID 100001",
        "the SQL of sync rule 'contacts_to_newsletter' hard-codes record type id "
        "'0125g000001AbCdAAK'",
    ]


def test_a_bypassed_user_that_may_create_the_records_is_exempt(tmp_path: Path) -> None:
    # w5910_fires's user, which may create contacts, listed in the rule's bypass: no W5910,
    # and nothing else changes (W4004 still says the create permission is not needed)
    fires = [(f.code, f.message) for f in check_case(tmp_path / "fires", "w5910_fires")]
    bypassed = [(f.code, f.message) for f in check_case(tmp_path / "b", "w5910_bypass_silent")]
    assert [c for c, _ in fires] == ["W5910", "W4004"]
    assert bypassed == [f for f in fires if f[0] != "W5910"]

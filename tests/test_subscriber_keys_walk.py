"""E5004 and E5502 share one walk up the data flows from a sendable data extension's
subscriber field (`subscriber_keys.upstream`, bounded at WALK_LIMIT fields, the field
itself included). Both findings are unchanged where their upstream sets differ: E5004 counts
the field itself as where the key may come from, E5502 does not; and both stop at the same
bound, whose boundary is pinned on the rule fixtures' base (crm:Contact.Id → Marketing Cloud
Connect → mc:Contact_Salesforce.Id → query → mc:newsletter.SubscriberKey: three fields)."""

from __future__ import annotations

from pathlib import Path

import pytest
from rulecase import Suite, checked, edit

from compiler.rules import subscriber_keys

CASES = Path(__file__).parent / "fixtures" / "subscriber_keys"
SUITE = Suite(CASES)
KEY = "    subscriber_key: crm:Contact.Id\n"
UNIT = "      retail: {mid: 100001}\n"
# the unit's own strategy: E5502 judges it, E5004 leaves the unit alone
STRATEGY = '      retail: {mid: 100001, key_strategy: {kind: external_id, source: "%s"}}\n'
WALKERS = ("E5004", "E5502")  # E5501 (Connect serves a unit keyed otherwise) walks nothing


def codes(tmp_path: Path, old: str, new: str) -> list[tuple[str, str]]:
    eco = SUITE.eco(tmp_path)
    edit(eco, "systems.yaml", old, new)
    # a system's key differing from the data model's is E5004 too, but walks nothing
    walked = [f for f in checked(eco) if f.address.startswith("data_extension.")]
    return [(f.code, f.address) for f in walked if f.code in WALKERS]


NEWSLETTER = "data_extension.newsletter"


@pytest.mark.parametrize(
    ("limit", "fires"),
    [(3, False), (2, True), (subscriber_keys.WALK_LIMIT, False)],
)
def test_e5004_and_e5502_stop_at_the_same_bound(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, limit: int, fires: bool
) -> None:
    """At three fields the walk reaches crm:Contact.Id (silent); at two it stops at
    mc:Contact_Salesforce.Id, so the key's source is beyond the bound for both rules."""
    monkeypatch.setattr(subscriber_keys, "WALK_LIMIT", limit)
    strategy = STRATEGY % "crm:Contact.Id"
    assert codes(tmp_path / "key", KEY, KEY) == ([("E5004", NEWSLETTER)] if fires else [])
    assert codes(tmp_path / "own", UNIT, strategy) == ([("E5502", NEWSLETTER)] if fires else [])


def test_the_field_itself_counts_for_e5004_not_for_e5502(tmp_path: Path) -> None:
    """A key declared as the subscriber field itself is where E5004 finds it; a strategy
    whose source is the subscriber field itself is filled from elsewhere for E5502."""
    own = "mc:newsletter.SubscriberKey"
    assert codes(tmp_path / "key", KEY, f"    subscriber_key: {own}\n") == []
    assert codes(tmp_path / "own", UNIT, STRATEGY % own) == [("E5502", NEWSLETTER)]


def test_the_key_two_fields_up_is_found_by_both(tmp_path: Path) -> None:
    """The unbounded case the two rules agree on: the real default bound, the key's
    source two fields up."""
    assert codes(tmp_path / "key", KEY, KEY) == []
    assert codes(tmp_path / "own", UNIT, STRATEGY % "crm:Contact.Id") == []

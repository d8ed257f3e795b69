"""compiler/rules/formats.py: W3301's messages say what format arrives (none declared, a
hash that erases it), which its mutation run found unpinned (benchmarks/README.md
"Mutation scores"); the positions are pinned in tests/test_rules_fixtures.py."""

from __future__ import annotations

from pathlib import Path

from test_rules_fixtures import check_case


def test_messages_name_the_arriving_format(tmp_path: Path) -> None:
    found = [f.message for f in check_case(tmp_path, "formats_fires") if f.code == "W3301"]
    assert found == [
        "sync_rule.callers_to_contacts writes callcentre:Caller.Phone (no declared format) "
        "into crm:Contact.Phone, whose format is phone_e164",
        # e164 first, then sha256: the hash is what arrives, whatever came before it
        "sync_rule.callers_to_de writes callcentre:Caller.Phone (a sha256 hash) into "
        "mc:callers.Mobile, whose format is phone_e164",
        "sync_rule.callers_to_de writes callcentre:Caller.Country (no declared format) into "
        "mc:callers.Country, whose format is iso_country",
    ]

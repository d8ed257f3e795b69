"""compiler/rules/units.py: E7003's message and related labels name the data extension, its
unit and the unit the rule runs in, declared or taken from the rule's target (the
mutation run found them unpinned: benchmarks/README.md "Mutation scores re-run at the
merge"); the positions are pinned in tests/test_rules_fixtures.py."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_rules_fixtures import check_case


@pytest.mark.parametrize("case", ["e7003_fires", "e7003_target_unit_fires"])
def test_e7003_says_which_unit_uses_which_data_extension(tmp_path: Path, case: str) -> None:
    found = [f for f in check_case(tmp_path, case) if f.code == "E7003"]
    assert [f.message for f in found] == [
        "sync rule 'outlet_copy' uses data extension 'newsletter' of business unit 'retail' "
        "from business unit 'outlet', which it is not shared with"
    ]
    assert [r.message for r in found[0].related] == ["it lives here", "the rule runs in 'outlet'"]

"""compiler/rules/consent.py: the messages of E6004 (the propagation time, in minutes)
and E6006 (what inverts the consent: a `values` translation, or a missing `invert`),
which its mutation run found unpinned (benchmarks/README.md "Mutation scores"); the
positions are pinned in tests/test_rules_fixtures.py."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_rules_fixtures import check_case

MESSAGES = [
    # 24h 15m of schedules on the way: 1455 minutes, over the 24h bound
    (
        "e6004_fires",
        "E6004",
        "email opt-outs take up to 1455 minutes to reach mc:newsletter.OptedOut; the policy "
        "allows 24h",
    ),
    # the translation is on the last mapping (the query), not the first (Connect): the
    # path counts as translated once any mapping on it translated
    (
        "e6006_values_fires",
        "E6006",
        "email consent arrives in mc:newsletter.OptedOut (opt_out) inverted: an opt-out "
        "arrives as false, which there means opted in; a `values` translation on the way "
        "maps it to the opposite",
    ),
    (
        "e6006_fires",
        "E6006",
        "email consent arrives in mc:newsletter.OptedOut (opt_in) inverted: an opt-out "
        "arrives as true, which there means opted in; the path from 'crm' (opt_out) lacks "
        "an `invert` transform",
    ),
]


@pytest.mark.parametrize(("case", "code", "message"), MESSAGES, ids=[m[0] for m in MESSAGES])
def test_messages(tmp_path: Path, case: str, code: str, message: str) -> None:
    assert [f.message for f in check_case(tmp_path, case) if f.code == code] == [message]

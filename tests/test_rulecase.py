"""The rule-case helper itself: its fire/silent pair fails on every kind of difference it
is there to catch (a position, a related position, an extra code, a code suppressed, a
silent twin that fires), on a real pair (per-unit leads: tests/fixtures/unit_leads)."""

from __future__ import annotations

from pathlib import Path

import pytest
from rulecase import FIXTURES, RuleCase, Suite, checked, edit, suppress

SUITE = Suite(FIXTURES / "unit_leads")
DECISION = ("units.yaml", 11, 30)
PAIR = RuleCase("E8201", "e8201_ae_fires", "e8201_ae_silent", [(("case.yaml", 19, 7), (DECISION,))])


def test_the_true_pair_passes(tmp_path: Path) -> None:
    SUITE.fires_and_stays_silent(tmp_path, PAIR)


@pytest.mark.parametrize(
    "wrong",
    [
        PAIR._replace(expected=[(("case.yaml", 19, 8), (DECISION,))]),  # a column off
        PAIR._replace(expected=[(("case.yaml", 19, 7), ())]),  # the related side missing
        PAIR._replace(expected=[]),  # the finding not expected at all
        PAIR._replace(also=("W8202",)),  # another code that does not show
        PAIR._replace(suppressed=("E8201",)),  # a suppression that is not there
        PAIR._replace(silent="e8201_ae_fires"),  # a "silent" twin that fires
        PAIR._replace(silent_suppressed=("W9001",)),
    ],
)
def test_each_difference_fails_the_pair(tmp_path: Path, wrong: RuleCase) -> None:
    with pytest.raises(AssertionError):
        SUITE.fires_and_stays_silent(tmp_path, wrong)


def test_suppress_adds_a_suppression_that_matches(tmp_path: Path) -> None:
    eco = SUITE.eco(tmp_path, PAIR.fires)
    suppress(eco, "case.yaml", "E8201", "The unit's leads are converted at once.")
    found = checked(eco)
    assert [(f.code, f.suppressed is not None) for f in found] == [("E8201", True)]


def test_edit_refuses_text_that_is_not_there(tmp_path: Path) -> None:
    eco = SUITE.eco(tmp_path, PAIR.fires)
    with pytest.raises(AssertionError):
        edit(eco, "case.yaml", "no such text", "")

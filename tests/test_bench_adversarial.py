"""benchmarks.adversarial: each shape compiles and meets its rule, rounds of a floor's length."""

from __future__ import annotations

import math

import pytest

from benchmarks import adversarial
from benchmarks.adversarial import FLOOR, SHAPES, Row, rule_of, runs_for, shape_rows
from compiler.rules import RULES


def test_a_round_is_at_least_the_floor() -> None:
    assert runs_for(1.0) == 1  # a run longer than the floor is a round alone
    assert runs_for(FLOOR) == 1
    assert runs_for(FLOOR / 4) == 4
    assert runs_for(FLOOR / 4.5) == 5  # rounded up: never shorter than the floor
    assert runs_for(0.0) == 1000  # a run below the timer's resolution: the most
    assert runs_for(1e-9, most=7) == 7


def test_every_shape_is_made_against_a_registered_rule() -> None:
    assert {rule_of(name) for name in SHAPES} <= set(RULES)
    assert rule_of("two-writers") == "two-writers"
    assert rule_of("data-flow-loops (unscoped loops)") == "data-flow-loops"


def test_row_growths_and_line() -> None:
    row = Row("r", (10, 100), seconds=[0.5, 4.0], findings=[1, 2], calls=[10, 95], runs=[3, 1])
    assert row.growth == 8.0
    assert row.call_growth == 9.5
    assert row.limit == pytest.approx(10.5)
    line = row.line()
    assert "(runs 3 / 1)" in line and "| yes |" in line and "10 / 95: 9.50x" in line
    assert math.isnan(Row("r", (10, 100)).call_growth)
    slow = Row("r", (10, 100), seconds=[0.1, 1.1], findings=[0, 0])
    assert "**no**" in slow.line()


def test_shape_rows_time_each_shape_at_both_sizes() -> None:
    rows = shape_rows((40, 80), 2, {"data-flow-loops"}, calls=True)
    assert [r.rule for r in rows] == ["data-flow-loops", "data-flow-loops (unscoped loops)"]
    for row in rows:
        assert len(row.seconds) == 2 and all(s >= 0 for s in row.seconds)
        assert len(row.runs) == 2 and len(row.calls) == 2 and row.calls[1] > row.calls[0]
    # the unscoped shape: one loop a_k → c_k → a_k for each of its n/20 groups
    assert rows[1].findings == [2, 4]
    assert rows[0].findings == [0, 0]
    assert all(runs >= 1 for row in rows for runs in row.runs)


def test_the_control_is_linear_work_timed_like_the_rules() -> None:
    items, index = adversarial._control_items(5)
    assert adversarial._control(items, index) == {f"crm:Thing_{k}__c": k for k in range(5)}
    row = adversarial.control_row((10, 100), 1)
    assert row.rule == adversarial.CONTROL and row.findings == [0, 0]
    assert len(row.seconds) == 2 and len(row.runs) == 2 and all(r >= 1 for r in row.runs)


def test_run_names_the_control_row_as_adversarial_does() -> None:
    from benchmarks.run import ADVERSARIAL_CONTROL

    assert ADVERSARIAL_CONTROL == adversarial.CONTROL

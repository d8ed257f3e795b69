"""benchmarks.run's verdicts: a figure that measured nothing gives no verdict ("—"),
never a "met" (a negative memory cost, a rule too fast to time at one size)."""

from __future__ import annotations

import pytest

from benchmarks.run import Measure, per_resource_kib, report


def _memory(many_kib: int, one_kib: int) -> dict[str, Measure]:
    memory = {"_count": Measure(cpu=[20000.0])}
    for kind in ("salesforce", "external", "data_extension"):
        memory[kind] = Measure(cpu=[1.0], rss=[many_kib])
        memory[f"{kind}-1"] = Measure(cpu=[0.1], rss=[one_kib])
    return memory


def test_a_cost_is_the_difference_per_resource() -> None:
    memory = _memory(45_000 + 19_999 * 3, 45_000)
    assert per_resource_kib(memory, "salesforce") == pytest.approx(3.0)


@pytest.mark.parametrize(("many", "one"), [(45_000, 45_000), (44_000, 45_000)])
def test_no_cost_measured_is_no_verdict(
    many: int, one: int, capsys: pytest.CaptureFixture[str]
) -> None:
    memory = _memory(many, one)
    assert per_resource_kib(memory, "salesforce") != per_resource_kib(memory, "salesforce")
    report({}, memory, {})
    lines = [line for line in capsys.readouterr().out.splitlines() if "memory of a" in line]
    assert len(lines) == 2
    assert all(line.endswith("| —x | — |") for line in lines)


def test_a_rule_too_fast_at_one_size_has_no_growth(capsys: pytest.CaptureFixture[str]) -> None:
    rows = [
        {"rule": "fast", "sizes": [10000, 100000], "seconds": [0.0001, 0.0]},
        {"rule": "timed", "sizes": [10000, 100000], "seconds": [0.01, 0.1]},
    ]
    report({}, {}, {"benchmark": Measure(rows=rows)})
    out = capsys.readouterr().out
    fast = next(line for line in out.splitlines() if "rule fast " in line)
    timed = next(line for line in out.splitlines() if "rule timed " in line)
    assert fast.endswith("| —x | — |")
    assert timed.endswith("| 10.00x | yes |")

"""Issue 12, fix12 item 6: compiler/plan's dead code. `check_findings` had a "graph cycle"
escape that never ran: building the graph never fails on a dependency cycle (only its
creation order does), so a plan of a cyclic ecosystem records the cycle's own finding and
the plan refuses the order. `Edited.dry_run` was read by nobody (the command knows its
own flag)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from compiler.graph import GraphCycleError, build_graph
from compiler.pipeline import compile_path
from compiler.plan.conflicts import check_findings
from compiler.plan.state_edit import Edited

BROKEN = Path(__file__).parent / "fixtures" / "broken_ecosystem"


def test_a_dependency_cycle_is_recorded_by_check_and_refused_by_the_order() -> None:
    comp = compile_path(BROKEN)
    assert comp.resolved is not None
    graph = build_graph(comp.resolved)  # does not raise on the campaigns' parent cycle
    with pytest.raises(
        GraphCycleError, match=r"campaign\.retail_spring -> campaign\.retail_summer"
    ):
        graph.creation_order()
    cycle = [f for f in check_findings(comp.resolved) if f.code == "E7103"]
    assert [f.address for f in cycle] == ["campaign.retail_spring"]
    assert check_findings(comp.resolved) == check_findings(comp.resolved, graph)


def test_an_edit_result_holds_only_what_its_callers_read() -> None:
    assert [f.name for f in dataclasses.fields(Edited)] == ["records", "serial"]

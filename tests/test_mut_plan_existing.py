"""Resources declared `existing: true` (public groups and routing configurations the org
already has) are not in the plan: generation writes no file for them and apply creates
nothing, so the plan neither creates them nor counts them; one engage recorded in state
before it was declared existing is refused (deleting it would remove it from the org).

A small real ecosystem (the plan fixture plus a queue, two groups and two routing
configurations, one of each existing), planned with the real CLI, its plan file, text and
generated tree compared."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import RunEngage
from test_plan_support import (
    STATE,
    append,
    apply_now,
    edit,
    in_own_folder,  # noqa: F401 (autouse fixture)
    make_plan,
    read_state,
    workspace,
)

from compiler.plan.errors import PlanError

ROUTING = """
queues:
  service_cases:
    system: crm
    label: Service cases
    objects: [Lead]
    omni_channel: Service_Routing
    members: {public_groups: [Service_Agents, Stylists]}
public_groups:
  Service_Agents:
    system: crm
    label: Service agents
  Stylists:
    system: crm
    existing: true
routing_configs:
  Service_Routing:
    system: crm
    label: Service routing
  Clienteling_Routing:
    system: crm
    existing: true
"""

MANAGED = ("public_group.Service_Agents", "queue.service_cases", "routing_config.Service_Routing")
EXISTING = ("public_group.Stylists", "routing_config.Clienteling_Routing")


def _routing_workspace() -> Path:
    root = workspace()
    edit(
        root / "ecosystem.yaml",
        "    type: salesforce\n",
        "    type: salesforce\n    products: [service_cloud]\n",
    )
    (root / "routing.yaml").write_text("apiVersion: engage/v1\n" + ROUTING, encoding="utf-8")
    return root


def test_the_plan_lists_only_what_generation_writes(engage: RunEngage) -> None:
    _routing_workspace()
    run = engage("plan", "ecosystem", "--out", "plans/p.plan.json")
    assert run.code == 2, run.err
    saved = json.loads(Path("plans/p.plan.json").read_text(encoding="utf-8"))
    planned = {c["address"] for c in saved["changes"]}
    assert set(MANAGED) <= planned
    assert not planned & set(EXISTING)
    assert saved["summary"]["add"] == len(saved["changes"])  # all creates, none of EXISTING
    for address in EXISTING:
        assert address not in run.out  # the text names neither (the queue names Stylists)
    for address in MANAGED:
        assert address in run.out

    gen = engage("generate", "ecosystem", "--out", "build")
    assert gen.code == 0, gen.err
    written = {p.name for p in Path("build").rglob("*") if p.is_file()}
    assert "Service_Agents.group-meta.xml" in written
    assert "Service_Routing.queueRoutingConfig-meta.xml" in written
    assert not {n for n in written if n.startswith(("Stylists.", "Clienteling_Routing."))}


def test_existing_resources_are_never_recorded_by_apply() -> None:
    _routing_workspace()
    apply_now()
    state = read_state()
    assert state is not None
    assert set(MANAGED) <= set(state.resources)
    assert not set(state.resources) & set(EXISTING)
    again = make_plan()
    assert again.changes == []
    assert again.summary.unchanged == len(state.resources)


def test_declaring_a_group_existing_takes_it_out_of_the_count() -> None:
    root = _routing_workspace()
    managed = make_plan()
    edit(root / "routing.yaml", "    label: Service agents\n", "    existing: true\n")
    declared = make_plan()
    assert {c.address for c in managed.changes} - {c.address for c in declared.changes} == {
        "public_group.Service_Agents"
    }
    assert declared.summary.add == managed.summary.add - 1


def test_a_recorded_resource_declared_existing_is_refused_with_what_to_do() -> None:
    root = _routing_workspace()
    apply_now()  # engage created Service_Agents
    edit(
        root / "routing.yaml",
        "  Service_Agents:\n    system: crm\n",
        "  Service_Agents:\n    system: crm\n    existing: true\n",
    )
    with pytest.raises(PlanError) as refused:
        make_plan()
    err = refused.value
    assert "public_group.Service_Agents" in err.message
    assert "recorded in state" in err.message
    assert "engage state rm public_group.Service_Agents" in err.hint
    assert err.span is not None
    assert (err.span.file, err.span.line, err.span.column) == ("ecosystem/routing.yaml", 13, 15)


def test_the_refusal_reaches_the_cli_and_state_rm_clears_it(engage: RunEngage) -> None:
    root = _routing_workspace()
    apply_now()
    edit(
        root / "routing.yaml",
        "  Service_Routing:\n    system: crm\n",
        "  Service_Routing:\n    system: crm\n    existing: true\n",
    )
    run = engage("plan", "ecosystem")
    assert run.code == 1
    assert "Traceback" not in run.err
    assert "routing_config.Service_Routing" in run.err and "hint:" in run.err
    rm = engage("state", "rm", "routing_config.Service_Routing", "--state", STATE.as_posix())
    assert rm.code == 0, rm.err
    again = engage("plan", "ecosystem")
    assert again.code == 0, again.err  # nothing to do: the org keeps it, engage forgets it


def test_an_existing_resource_beside_a_recorded_managed_one_is_planned() -> None:
    """The refusal is about recorded addresses only: a new existing group beside the
    recorded ones plans nothing for it, and the recorded ones stay unchanged."""
    root = _routing_workspace()
    apply_now()
    append(root / "routing.yaml", "  Planning_Routing:\n    system: crm\n    existing: true\n")
    plan = make_plan()
    assert plan.changes == []

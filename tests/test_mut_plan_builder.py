"""Building a plan (compiler.plan.builder), through `build_plan` on the plan fixture's real
files: the production flag of the environment, who may approve (a governance group's
proposed members as far as state records them), the summary's counts."""

from __future__ import annotations

import math

from test_plan_support import (
    apply_now,
    backend,
    edit,
    in_own_folder,  # noqa: F401 (autouse fixture)
    make_plan,
    read_state,
    workspace,
)

from compiler.plan import planfile
from compiler.plan.builder import _encoded, _plain
from compiler.plan.canonical import digest, encode_items
from compiler.plan.resources import DesiredResource
from compiler.plan.state import ApplyMarker, StateEntry


def test_a_plan_for_a_production_environment_says_so() -> None:
    workspace()
    assert make_plan(env="prod").production is True
    assert make_plan(env="dev").production is False
    assert make_plan(env=None).production is False  # the base: no environment
    assert make_plan(env=None).environment is None


def test_approvers_are_the_proposed_members_that_state_records() -> None:
    root = workspace()
    assert make_plan().approvers == {
        "committee": ["ana", "bruno", "carla"],
        "data_protection": ["dpo"],
    }
    apply_now()
    edit(root / "integrations.yaml", "[ana, bruno, carla]", "[ana, bruno, carla, dora]")
    plan = make_plan()
    assert plan.approvers["committee"] == ["ana", "bruno", "carla"]  # dora: proposed only
    assert plan.approvers["data_protection"] == ["dpo"]
    [change] = plan.changes
    assert (change.address, change.action) == ("group.committee", "update")


def test_the_summary_counts_each_action_and_the_unchanged() -> None:
    root = workspace()
    first = make_plan()
    assert first.summary.add == len(first.changes)
    assert first.summary.unchanged == 0
    apply_now()
    state = read_state()
    assert state is not None
    recorded = len(state.resources)
    edit(root / "integrations.yaml", "max_propagation: 1h", "max_propagation: 2h")
    plan = make_plan()
    assert [c.action for c in plan.changes] == ["update"]
    summary = plan.summary
    assert (summary.add, summary.change, summary.replace, summary.destroy, summary.move) == (
        0,
        1,
        0,
        0,
        0,
    )
    assert summary.unchanged == recorded - 1


def test_a_plan_over_an_interrupted_apply_names_what_it_recorded() -> None:
    workspace()
    apply_now()
    state = read_state()
    assert state is not None
    assert make_plan().interrupted_apply is None  # a finished apply leaves no marker
    marker = ApplyMarker(
        plan_digest="sha256:" + "0" * 64,
        serial_from=state.serial - 1,
        recorded=["system.mc", "data_extension.newsletter"],
        deleted=["data_extension.old", "data_extension.gone"],
    )
    backend().write(state.model_copy(update={"apply": marker}))
    interrupted = make_plan().interrupted_apply
    assert interrupted is not None
    assert interrupted.plan_digest == "sha256:" + "0" * 64
    assert interrupted.recorded == ["data_extension.newsletter", "system.mc"]  # sorted
    assert interrupted.deleted == ["data_extension.gone", "data_extension.old"]


def test_only_a_recorded_group_entry_counts_as_an_applied_governance_group() -> None:
    # an entry of another kind named like a governance group, with a `members` list, is
    # not the group as applied: the approvers stay the proposed members (a queue's
    # address sorts after the group's, so a mutant reading it would overwrite the group's)
    workspace()
    apply_now()
    state = read_state()
    assert state is not None
    attributes = {"members": ["ana"]}
    other = StateEntry(kind="queue", attributes=attributes, digest=digest(attributes))
    resources = {**state.resources, "queue.committee": other}
    backend().write(state.model_copy(update={"resources": resources}))
    plan = make_plan()
    assert plan.approvers["committee"] == ["ana", "bruno", "carla"]
    assert ("queue.committee", "delete") in [(c.address, c.action) for c in plan.changes]


def test_a_resource_whose_attributes_hold_nan_adds_nothing_to_the_digest_splice() -> None:
    nan = {"x": math.nan}
    fallback = DesiredResource(address="a.nan", kind="a", attributes={"v": nan})
    assert encode_items(fallback.attributes) is None
    members = ["ana"]
    encoded = DesiredResource(
        address="a.ok",
        kind="a",
        attributes={"m": members, "n": 3},
        encoded=encode_items({"m": members, "n": 3}),
    )
    spliced = _encoded({"a.nan": fallback, "a.ok": encoded})
    assert spliced == {id(members): '["ana"]'}  # the integer is written as it is


def test_the_values_of_a_resource_orjson_wrote_are_taken_as_they_are() -> None:
    members, labels, other = ["ana"], {"team": "crm"}, ["bruno"]
    written = DesiredResource(
        address="a.ok",
        kind="a",
        attributes={"m": members, "l": labels, "n": 3, "s": "x"},
        plain=True,
    )
    encoded = DesiredResource(
        address="a.other",
        kind="a",
        attributes={"m": other},
        encoded=encode_items({"m": other}),
    )
    # a resource whose canonical JSON orjson wrote; one encoded the long way is spliced
    assert _plain({"a.ok": written, "a.other": encoded}) == {"a.ok"}


def test_a_plan_of_resources_orjson_wrote_is_written_without_hashing_it_again() -> None:
    workspace()
    planfile._ORJSON_WRITTEN.clear()
    plan = make_plan()
    # its digest was hashed from orjson's own bytes, values taken as they are: the plan
    # file is then written by orjson without a second hash (plan2's short way)
    assert plan.digest in planfile._ORJSON_WRITTEN
    assert plan.digest == planfile.compute_digest(plan)

"""apply's inputs come from its command line: the ecosystem path and the state location a
plan recorded are compared with the ones given, never followed (compiler.plan.inputs)."""

from __future__ import annotations

from pathlib import Path

import pytest

from compiler.plan.definition import Plan, SourceRef, StateRef, Summary
from compiler.plan.errors import StalePlanError
from compiler.plan.inputs import check_source_path, check_state_location

PG = "postgresql://engage@db.example/engage"


def plan(source: str = "ecosystem", state: str = ".engage/state/dev.json") -> Plan:
    return Plan(
        engage_version="0",
        ecosystem="eco",
        environment="dev",
        source=SourceRef(path=source, digest="d"),
        state=StateRef(location=state, lineage=None, serial=0),
        summary=Summary(),
        changes=[],
    )


@pytest.mark.parametrize("given", ["ecosystem", "./ecosystem", "ecosystem/", "x/../ecosystem"])
def test_the_same_source_path_spelt_otherwise_is_accepted(given: str) -> None:
    check_source_path(plan(), given)


def test_a_source_path_reached_through_a_symlink_is_the_same(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("real").mkdir()
    Path("link").symlink_to("real")
    check_source_path(plan(source="real"), "link")  # normpath differs, resolve() agrees


def test_another_source_path_is_refused_with_both_named() -> None:
    with pytest.raises(StalePlanError) as caught:
        check_source_path(plan(), "other")
    assert caught.value.message == (
        "the plan was made from the ecosystem 'ecosystem', but this apply compiles 'other'; "
        "engage never reads where a plan file says"
    )
    assert "`engage apply PLAN --source other` only applies plans made from 'other'" in (
        caught.value.hint
    )


@pytest.mark.parametrize(
    "given", [".engage/state/dev.json", "./.engage/state/dev.json", ".engage//state/dev.json"]
)
def test_the_same_state_file_spelt_otherwise_is_accepted(given: str) -> None:
    check_state_location(plan(), given)


def test_a_state_url_must_be_the_same_string() -> None:
    check_state_location(plan(state=PG), PG)
    for recorded, given in ((PG, PG + "/"), (PG, "engage"), ("engage", PG)):
        with pytest.raises(StalePlanError) as caught:
            check_state_location(plan(state=recorded), given)
        assert caught.value.message.startswith(
            f"the plan was computed against the state {recorded}, but this apply would use "
            f"{given}; "
        )


def test_a_url_like_path_is_compared_as_text_not_as_a_path() -> None:
    # normpath would make these equal; a URL is compared byte for byte
    with pytest.raises(StalePlanError):
        check_state_location(plan(state="postgresql://h/db"), "postgresql://h//db")


def test_another_state_file_is_refused() -> None:
    with pytest.raises(StalePlanError) as caught:
        check_state_location(plan(), ".engage/state/prod.json")
    assert "engage never writes where a plan file says" in caught.value.message
    assert caught.value.hint.startswith("Pass the state the plan was made against with --state")


def test_one_url_side_is_enough_to_compare_as_text() -> None:
    # `postgresql:/h/db` is no URL, but it is the URL's normpath: compared as paths they match
    for recorded, given in (("postgresql://h/db", "postgresql:/h/db"),
                            ("postgresql:/h/db", "postgresql://h/db")):  # fmt: skip
        with pytest.raises(StalePlanError):
            check_state_location(plan(state=recorded), given)

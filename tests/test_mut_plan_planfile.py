"""Saved plans read back from real files (compiler.plan.planfile): sealed, round-tripped,
and every way a file is not what engage wrote is a PlanError naming it."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from compiler.plan import planfile
from compiler.plan.canonical import pretty_json
from compiler.plan.definition import AttributeChange, Change, Plan, SourceRef, StateRef, Summary
from compiler.plan.errors import PlanError
from compiler.plan.planfile import compute_digest, load_plan, plan_json, save_plan, seal

AGAIN = "Make it again with `engage plan --out ...` (and have it approved again)."


def plan() -> Plan:
    return seal(
        Plan(
            engage_version="0",
            ecosystem="eco",
            environment="dev",
            source=SourceRef(path="ecosystem", digest="d"),
            state=StateRef(location=".engage/state/dev.json", lineage=None, serial=0),
            summary=Summary(add=1),
            changes=[],
        )
    )


def test_seal_fills_the_digest_of_everything_else() -> None:
    sealed = plan()
    assert sealed.digest == compute_digest(sealed)
    assert sealed.digest.startswith("sha256:")
    assert compute_digest(sealed.model_copy(update={"digest": "other"})) == sealed.digest
    assert compute_digest(sealed.model_copy(update={"ecosystem": "x"})) != sealed.digest


def test_a_saved_plan_loads_back_equal(tmp_path: Path) -> None:
    path = tmp_path / "p.plan.json"
    save_plan(plan(), path)
    assert path.read_text(encoding="utf-8") == plan_json(plan())
    assert plan_json(plan()) == pretty_json(plan().model_dump(mode="json"))
    assert load_plan(path) == plan()


def test_an_unsealed_plan_is_written_the_same_way() -> None:
    unsealed = plan().model_copy(update={"digest": "not-a-digest"})
    assert plan_json(unsealed) == pretty_json(unsealed.model_dump(mode="json"))


def test_a_plan_edited_after_it_was_written_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "p.plan.json"
    data = plan().model_dump(mode="json")
    data["ecosystem"] = "edited"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(PlanError) as caught:
        load_plan(path)
    assert caught.value.message == (
        f"{path} was modified after engage wrote it (its digest does not match its content)"
    )
    assert caught.value.hint.startswith("Never edit a plan by hand")


def _refusal(tmp_path: Path, content: bytes) -> PlanError:
    path = tmp_path / "p.plan.json"
    path.write_bytes(content)
    with pytest.raises(PlanError) as caught:
        load_plan(path)
    return caught.value


@pytest.mark.parametrize("content", [b"", b"  \n\t "])
def test_an_empty_file_is_not_a_plan(tmp_path: Path, content: bytes) -> None:
    err = _refusal(tmp_path, content)
    assert err.message == f"{tmp_path / 'p.plan.json'} is empty: not an engage plan"
    assert err.hint == AGAIN


def test_a_file_that_is_not_json(tmp_path: Path) -> None:
    err = _refusal(tmp_path, b"{plan")
    assert err.message.startswith(f"{tmp_path / 'p.plan.json'} is not valid JSON (Expecting ")
    assert err.hint == AGAIN


@pytest.mark.parametrize("content", [b"[1]", b'{"kind": "engage-state"}', b"{}"])
def test_a_file_of_another_kind(tmp_path: Path, content: bytes) -> None:
    err = _refusal(tmp_path, content)
    assert err.message == (
        f'{tmp_path / "p.plan.json"} is not an engage plan file (no `"kind": "engage-plan"`)'
    )
    assert err.hint == f"Pass the file `engage plan --out` wrote. {AGAIN}"


@pytest.mark.parametrize(("version", "shown"), [(2, "2"), (None, "None"), ("1", "1")])
def test_another_plan_format(tmp_path: Path, version: object, shown: str) -> None:
    data = {"kind": "engage-plan"} | ({} if version is None else {"format_version": version})
    err = _refusal(tmp_path, json.dumps(data).encode())
    assert err.message == (
        f"{tmp_path / 'p.plan.json'} has plan format {shown}; this engage reads 1"
    )
    assert err.hint.startswith("Make the plan again with this version of engage")


def test_a_plan_missing_a_field_names_its_path(tmp_path: Path) -> None:
    data = plan().model_dump(mode="json")
    del data["state"]["location"]
    err = _refusal(tmp_path, json.dumps(data).encode())
    assert err.message == (
        f"{tmp_path / 'p.plan.json'} is not a valid plan: state.location: Field required"
    )
    assert err.hint == AGAIN


def test_a_missing_plan_file(tmp_path: Path) -> None:
    with pytest.raises(PlanError) as caught:
        load_plan(tmp_path / "none.plan.json")
    assert caught.value.message == f"plan {tmp_path / 'none.plan.json'} does not exist"
    assert caught.value.hint.startswith("Check the path")


def test_a_plan_that_is_not_utf8(tmp_path: Path) -> None:
    err = _refusal(tmp_path, b"\xff\xfe{}")
    assert err.message == f"{tmp_path / 'p.plan.json'} is not an engage plan (not UTF-8 text)"
    assert err.hint == AGAIN


def test_a_plan_path_that_is_a_folder(tmp_path: Path) -> None:
    (tmp_path / "p.plan.json").mkdir()
    with pytest.raises(PlanError) as caught:
        load_plan(tmp_path / "p.plan.json")
    assert caught.value.message == f"cannot read plan {tmp_path / 'p.plan.json'}: Is a directory"


def test_a_plan_that_cannot_be_saved(tmp_path: Path) -> None:
    (tmp_path / "p.plan.json").mkdir()
    with pytest.raises(PlanError) as caught:
        save_plan(plan(), tmp_path / "p.plan.json")
    assert caught.value.message == (
        f"cannot save the plan to {tmp_path / 'p.plan.json'}: Is a directory"
    )
    assert caught.value.hint.startswith("Pass an --out file in a folder this user can write")


def test_a_plan_whose_digest_orjson_hashed_is_written_without_hashing_it_again(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    hashed: list[int] = []
    real = planfile._hashed

    def counting(parts: Iterator[bytes]) -> str:
        hashed.append(1)
        return real(parts)

    monkeypatch.setattr(planfile, "_hashed", counting)
    change = Change(
        address="queue.care",
        kind="queue",
        action="create",
        attributes=[AttributeChange(path="members", op="add", after=["ana", "é"])],
    )
    unsealed = plan().model_copy(update={"changes": [change]})
    hashed.clear()
    sealed = seal(unsealed)
    assert hashed == [1]
    text = plan_json(sealed)
    # the digest was hashed from orjson's own bytes of every value: the file is written by
    # orjson, the same text as the definition, without a second hash
    assert hashed == [1]
    assert text == pretty_json(planfile.plan_document(sealed))

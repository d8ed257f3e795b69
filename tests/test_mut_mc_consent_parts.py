"""The parts of a consent suppression (compiler.emit.marketing_cloud.consent), as T-SQL:
which values are opted out or in for each polarity, the row kept (consented, or not opted
out, NULL included), which field of a storage holds the subscriber key, and the per-unit
test of each unit storage polarity."""

from __future__ import annotations

from typing import Any

import pytest
from sqlglot import exp

from compiler.emit.marketing_cloud.consent import (
    _unit_test,
    consented,
    keep,
    opted_out,
    storage_key,
)
from compiler.emit.sql import col, number
from compiler.model.consent import Storage
from compiler.model.data_extensions import DataExtension
from compiler.model.unit_consent import UnitStorage
from compiler.resolved import FieldSpec, ObjectSpec

V = col("Opt", "s")


def storage(polarity: str, **values: Any) -> Storage:
    return Storage.model_validate({"object": "O", "field": "Opt", "polarity": polarity, **values})


def sql(e: exp.Expr | str | None) -> str | None:
    return e if e is None or isinstance(e, str) else e.sql(dialect="tsql")


def test_opt_out_polarity_a_one_is_opted_out_and_anything_else_kept() -> None:
    s = storage("opt_out")
    assert sql(opted_out(V, s)) == "[s].[Opt] = 1"
    assert consented(V, s) is None
    assert sql(keep(V, s)) == "[s].[Opt] IS NULL OR NOT [s].[Opt] = 1"


def test_opt_in_polarity_only_a_one_is_kept() -> None:
    s = storage("opt_in")
    assert sql(consented(V, s)) == "[s].[Opt] = 1"
    assert opted_out(V, s) is None
    assert sql(keep(V, s)) == "[s].[Opt] = 1"


def test_status_polarity_uses_its_values_opted_in_first() -> None:
    both = storage("status", opted_in_values=["Active"], opted_out_values=["Unsubscribed", "Held"])
    assert sql(consented(V, both)) == "[s].[Opt] IN ('Active')"
    assert sql(opted_out(V, both)) == "[s].[Opt] IN ('Unsubscribed', 'Held')"
    assert sql(keep(V, both)) == "[s].[Opt] IN ('Active')"
    out_only = storage("status", opted_out_values=["Unsubscribed"])
    assert consented(V, out_only) is None
    assert sql(keep(V, out_only)) == "[s].[Opt] IS NULL OR NOT [s].[Opt] IN ('Unsubscribed')"
    none = storage("status")
    assert (consented(V, none), opted_out(V, none), keep(V, none)) == (None, None, None)


def spec(kind: str, **fields: bool) -> ObjectSpec:
    return ObjectSpec(
        system="mc",
        name="O",
        kind=kind,
        fields={
            n: FieldSpec(name=n, type="Text", platform="marketing_cloud", primary_key=pk)
            for n, pk in fields.items()
        },
    )


def de(sendable: str | None) -> DataExtension:
    data: dict[str, Any] = {"business_unit": "corp", "fields": {"K": {"type": "Text"}}}
    if sendable:
        data["sendable"] = {"field": sendable}
    return DataExtension.model_validate(data)


def test_a_data_view_relates_by_subscriber_key() -> None:
    assert storage_key(spec("standard", SubscriberKey=False, Id=True), None) == "SubscriberKey"


def test_a_standard_object_without_subscriber_key_falls_back_to_its_primary_key() -> None:
    assert storage_key(spec("standard", Id=True), None) == "Id"


def test_a_sendable_data_extension_relates_by_its_sendable_field() -> None:
    assert storage_key(spec("data_extension", K=True, SubscriberKey=False), de("Mail")) == "Mail"


def test_otherwise_the_single_primary_key_or_none() -> None:
    assert storage_key(spec("data_extension", K=True, X=False), de(None)) == "K"
    assert storage_key(spec("data_extension", K=True, J=True), de(None)) is None
    assert storage_key(spec("data_extension", K=False), None) is None
    assert storage_key(spec("custom", SubscriberKey=False, K=True), None) == "K"


SOURCE = exp.to_table("ENT._BusinessUnitUnsubscribes").as_("c")
LINK = exp.EQ(this=col("SubscriberKey", "c"), expression=number(7))


def unit(polarity: str, **values: Any) -> UnitStorage:
    return UnitStorage.model_validate(
        {"object": "U", "field": "F", "polarity": polarity, "unit_field": "BusinessUnitID",
         **values}
    )  # fmt: skip


def test_a_row_unit_storage_is_a_not_exists_of_the_row() -> None:
    assert sql(_unit_test(unit("row"), SOURCE, LINK)) == (
        "NOT EXISTS(SELECT 1 FROM ENT._BusinessUnitUnsubscribes AS c WHERE [c].[SubscriberKey] = 7)"
    )


def test_an_opt_in_unit_storage_is_an_exists_of_the_consent() -> None:
    assert sql(_unit_test(unit("opt_in"), SOURCE, LINK)) == (
        "EXISTS(SELECT 1 FROM ENT._BusinessUnitUnsubscribes AS c "
        "WHERE [c].[SubscriberKey] = 7 AND [c].[F] = 1)"
    )


def test_an_opt_out_unit_storage_is_a_not_exists_of_the_opt_out() -> None:
    assert sql(_unit_test(unit("opt_out"), SOURCE, LINK)) == (
        "NOT EXISTS(SELECT 1 FROM ENT._BusinessUnitUnsubscribes AS c "
        "WHERE [c].[SubscriberKey] = 7 AND [c].[F] = 1)"
    )


def test_a_status_unit_storage_prefers_its_opted_in_values() -> None:
    both = unit("status", opted_in_values=["in"], opted_out_values=["out"])
    assert sql(_unit_test(both, SOURCE, LINK)) == (
        "EXISTS(SELECT 1 FROM ENT._BusinessUnitUnsubscribes AS c "
        "WHERE [c].[SubscriberKey] = 7 AND [c].[F] IN ('in'))"
    )
    out = unit("status", opted_out_values=["out"])
    assert sql(_unit_test(out, SOURCE, LINK)) == (
        "NOT EXISTS(SELECT 1 FROM ENT._BusinessUnitUnsubscribes AS c "
        "WHERE [c].[SubscriberKey] = 7 AND [c].[F] IN ('out'))"
    )


def test_a_status_unit_storage_without_values_says_so() -> None:
    assert _unit_test(unit("status"), SOURCE, LINK) == (
        "storage U.F lists no opted-in or opted-out values"
    )


@pytest.mark.parametrize("polarity", ["opt_in", "opt_out", "status"])
def test_the_link_is_kept_in_the_subquery(polarity: str) -> None:
    s = unit(polarity, opted_in_values=["in"])
    out = _unit_test(s, SOURCE, LINK)
    assert isinstance(out, exp.Expr) and "[c].[SubscriberKey] = 7" in out.sql(dialect="tsql")

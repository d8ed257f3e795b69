"""compiler/rules/subscriber_keys.py: the paths its mutation run found unpinned
(benchmarks/README.md "Mutation scores, continued (rules B)"): the identity kind of a
field per platform, an external-id strategy filled from another external id, a key field
declared on the system only, a system-wide strategy left to E5004, the one-list message of
E5502 and every further departing list of E5503."""

from __future__ import annotations

import shutil
from dataclasses import FrozenInstanceError
from pathlib import Path

import pytest
from test_subscriber_keys import CASES
from test_unit_consent import BASE, unit_eco

from compiler.diagnostics import Finding
from compiler.graph import build_graph
from compiler.pipeline import compile_path
from compiler.rules import Context
from compiler.rules.check import check_path
from compiler.rules.subscriber_keys import _shared, field_kind, sendable_fills, upstream

AE_CASE = BASE.parent / "ae_silent"  # the base with an Account Engagement system


@pytest.fixture(scope="module")
def ae_context(tmp_path_factory: pytest.TempPathFactory) -> Context:
    eco = tmp_path_factory.mktemp("kinds") / "eco"
    shutil.copytree(BASE, eco)
    for name in ("systems.yaml", "units.yaml"):
        shutil.copy(AE_CASE / name, eco / name)
    comp = compile_path(eco)
    assert comp.resolved is not None, [f.message for f in comp.findings]
    return Context(comp.resolved, build_graph(comp.resolved))


@pytest.mark.parametrize(
    ("address", "kind"),
    [
        ("crm:Contact.Id", "crm_id"),  # a record id by name and type
        ("crm:Case.ContactId", "crm_id"),  # by name: a lookup to a contact
        ("crm:Contact.FirstName", "external_id"),  # a Salesforce text field
        ("crm:Contact.Email", "email"),
        ("shop:Customer.Id", "external_id"),  # named Id, but not a Salesforce system
        ("pardot:Prospect.CrmContactFid", "crm_id"),  # Account Engagement's CRM contact id
        ("pardot:Prospect.Id", "external_id"),  # the prospect's own id is not the CRM's
        ("pardot:Prospect.Email", "email"),
    ],
)
def test_the_identity_kind_of_a_field_depends_on_its_platform(
    ae_context: Context, address: str, kind: str
) -> None:
    assert field_kind(ae_context, address) == kind


def _check(eco: Path) -> list[Finding]:
    result = check_path(eco)
    assert result.analyzed, [f"{f.span} {f.message}" for f in result.findings]
    return list(result.findings)


def _edit(file: Path, old: str, new: str) -> None:
    text = file.read_text()
    assert old in text
    file.write_text(text.replace(old, new))


def test_an_external_id_strategy_filled_from_another_external_id_departs(tmp_path: Path) -> None:
    eco = unit_eco(tmp_path, "e5502_source_silent", root=CASES)
    _edit(
        eco / "members.yaml", "{source: Id, target: MemberKey}", "{source: Tier, target: MemberKey}"
    )
    _edit(eco / "members.yaml", "MemberKey: Id", "MemberKey: Tier")
    found = [f for f in _check(eco) if f.code == "E5502"]
    assert [f.address for f in found] == ["data_extension.shop_members[club]"]
    assert "from shop:Customer.Tier (an external customer id), not from shop:Customer.Id" in (
        found[0].message
    )


def test_a_key_field_declared_on_the_system_alone_leaves_mixed_keys_to_e5004(
    tmp_path: Path,
) -> None:
    eco = unit_eco(tmp_path, "e5503_fires", root=CASES)
    _edit(
        eco / "systems.yaml",
        "    channels: [email]\n",
        "    channels: [email]\n    subscriber_key: crm:Contact.Id\n",
    )
    codes = [f.code for f in _check(eco)]
    assert "E5503" not in codes
    assert "E5004" in codes


def test_a_strategy_inherited_from_the_system_is_judged_by_e5004_where_a_field_is_declared(
    tmp_path: Path,
) -> None:
    eco = unit_eco(tmp_path, "e5502_fires", root=CASES)
    _edit(eco / "systems.yaml", "        key_strategy: {kind: crm_id}\n", "")
    _edit(
        eco / "systems.yaml",
        "    subscriber_key: crm:Contact.Id\n",
        "    subscriber_key: crm:Contact.Id\n    key_strategy: {kind: crm_id}\n",
    )
    codes = [f.code for f in _check(eco)]
    assert "E5502" not in codes
    assert "E5004" in codes


def test_one_departing_list_is_named_alone(tmp_path: Path) -> None:
    eco = unit_eco(tmp_path, "e5502_source_fires", root=CASES)
    (eco / "vip.yaml").unlink()
    _edit(eco / "members.yaml", "for_each: [outlet, club]", "for_each: [outlet]")
    found = [f for f in _check(eco) if f.code == "E5502"]
    assert [f.message for f in found] == [
        "sendable data extension 'shop_members[outlet]' relates 'MemberKey' to the subscriber "
        "key, but fills it from shop:Customer.Email (an email address), not from "
        "shop:Customer.Id"
    ]


def test_every_further_departing_list_is_a_related_location(tmp_path: Path) -> None:
    eco = unit_eco(tmp_path, "e5503_fires", root=CASES)
    case = (eco / "case.yaml").read_text()
    extra = case.split("data_extensions:\n", 1)[1].split("sync_rules:\n", 1)
    more = (
        "apiVersion: engage/v1\ndata_extensions:\n"
        + extra[0].replace("shop_receipts", "shop_returns")
        + "sync_rules:\n"
        + extra[1]
        .replace("shop_to_receipts", "shop_to_returns")
        .replace("shop_receipts", "shop_returns")
    )
    (eco / "returns.yaml").write_text(more)
    found = [f for f in _check(eco) if f.code == "E5503"]
    assert len(found) == 1
    assert [r.message for r in found[0].related] == [
        "'newsletter' fills it from mc:Contact_Salesforce.Id (the CRM record id)",
        "'shop_returns' fills it from shop:Customer.Email",
    ]


def test_connect_names_the_source_of_an_external_id_strategy(tmp_path: Path) -> None:
    eco = unit_eco(tmp_path, "e5501_all_fires", root=CASES)
    _edit(
        eco / "systems.yaml",
        "key_strategy: {kind: email}",
        'key_strategy: {kind: external_id, source: "shop:Customer.Id"}',
    )
    found = [f for f in _check(eco) if f.code == "E5501"]
    assert [f.message for f in found] == [
        "Marketing Cloud Connect serves 'outlet' of 'mc', whose subscriber key is an external "
        "customer id (shop:Customer.Id), not the CRM id the connector keys subscribers by"
    ]


def test_connect_names_every_unit_that_inherits_the_systems_strategy(tmp_path: Path) -> None:
    eco = unit_eco(tmp_path, "e5501_all_fires", root=CASES)
    _edit(eco / "systems.yaml", "        key_strategy: {kind: crm_id}\n", "")
    _edit(eco / "systems.yaml", "        key_strategy: {kind: email}\n", "")
    _edit(
        eco / "systems.yaml",
        "    subscriber_key: crm:Contact.Id\n",
        "    subscriber_key: crm:Contact.Id\n    key_strategy: {kind: email}\n",
    )
    found = [f for f in _check(eco) if f.code == "E5501"]
    assert len(found) == 1
    assert found[0].message.startswith(
        "Marketing Cloud Connect serves 'outlet', 'retail' of 'mc', whose subscriber key is "
        "an email address,"
    )
    assert len(found[0].related) == 2


def test_an_external_id_strategy_without_a_source_takes_any_external_id(
    tmp_path: Path,
) -> None:
    """Units keyed by `external_id` with no `source` accept any external customer id
    (the shop's), like any strategy of one kind; naming the source narrows it to that
    field (e5502_source_fires, the same shape, departs)."""
    eco = unit_eco(tmp_path, "e5502_source_silent", root=CASES)
    strategy = 'key_strategy: {kind: external_id, source: "shop:Customer.Id"}'
    text = (eco / "systems.yaml").read_text()
    assert text.count(strategy) == 2
    (eco / "systems.yaml").write_text(text.replace(strategy, "key_strategy: {kind: external_id}"))
    assert [f.code for f in _check(eco) if f.code.startswith("E55")] == []
    # the same units with the members keyed by an email: another kind, E5502
    _edit(
        eco / "members.yaml",
        "{source: Id, target: MemberKey}",
        "{source: Email, target: MemberKey}",
    )
    _edit(eco / "members.yaml", "MemberKey: Id", "MemberKey: Email")
    found = [f.address for f in _check(eco) if f.code == "E5502"]
    assert found == ["data_extension.shop_members[club]"]


def test_an_email_is_known_by_its_type_or_its_format_alone(tmp_path: Path) -> None:
    """A field named unlike an email holds one when its type is email (whatever its
    format) or its format is email (whatever its type); a text field with neither holds an
    external id."""
    eco = tmp_path / "eco"
    shutil.copytree(BASE, eco)
    (eco / "logins.yaml").write_text(
        "apiVersion: engage/v1\nobjects:\n  shop.Login:\n    fields:\n"
        "      Contact: {type: email, length: 80}\n"
        "      Handle: {type: text, length: 80, format: email}\n"
        "      Nickname: {type: text, length: 80}\n"
    )
    comp = compile_path(eco)
    assert comp.resolved is not None and comp.ok, [f.message for f in comp.findings]
    ctx = Context(comp.resolved, build_graph(comp.resolved))
    kinds = [field_kind(ctx, f"shop:Login.{name}") for name in ("Contact", "Handle", "Nickname")]
    assert kinds == ["email", "email", "external_id"]


def test_walks_and_fills_keep_equal_sets_once_and_no_instance_dicts(tmp_path: Path) -> None:
    """The walks up the data flows and the fills live until their last reader: each is
    slotted, and an upstream or kinds set equal to one already kept is that one
    (`_shared`, the memo's "subscriber_keys.sets")."""
    eco = tmp_path / "eco"
    shutil.copytree(BASE, eco)
    result = check_path(eco)
    assert result.analyzed and result.graph is not None
    assert result.compilation.resolved is not None
    ctx = Context(result.compilation.resolved, result.graph)
    (fill,) = sendable_fills(ctx)
    walk = upstream(ctx, "mc:newsletter.SubscriberKey")
    assert walk.fields and fill.upstream is walk.fields and fill.kinds == {"crm_id"}
    assert _shared(ctx, frozenset(walk.fields)) is walk.fields
    assert _shared(ctx, frozenset({"crm_id"})) is fill.kinds
    fresh = frozenset({"not", "kept"})
    assert _shared(ctx, fresh) is fresh and _shared(ctx, frozenset(fresh)) is fresh
    assert not hasattr(walk, "__dict__") and not hasattr(fill, "__dict__")
    with pytest.raises(FrozenInstanceError):  # memoised and shared by E5004 and E5502
        walk.roots = ()  # type: ignore[misc]
    with pytest.raises(FrozenInstanceError):
        fill.writer = ""  # type: ignore[misc]


def test_a_sendable_field_that_only_feeds_others_has_no_fill(tmp_path: Path) -> None:
    """A sendable data extension whose subscriber field is in the data flows but filled by
    nothing (it only feeds another data extension) has no fill and breaks no rule."""
    eco = tmp_path / "eco"
    shutil.copytree(BASE, eco)
    (eco / "digest.yaml").write_text(
        "apiVersion: engage/v1\n"
        "data_extensions:\n"
        "  digest:\n"
        "    business_unit: retail\n"
        "    external_key: digest\n"
        "    sendable: {field: SubscriberKey}\n"
        "    fields:\n"
        "      SubscriberKey: {type: Text, length: 18, primary_key: true}\n"
        "  digest_copy:\n"
        "    business_unit: retail\n"
        "    external_key: digest_copy\n"
        "    fields:\n"
        "      Key: {type: Text, length: 18, primary_key: true}\n"
        "sync_rules:\n"
        "  digest_to_copy:\n"
        "    integration: mc_queries\n"
        "    source: mc.digest\n"
        "    target: mc.digest_copy\n"
        "    business_unit: retail\n"
        "    match: {source: SubscriberKey, target: Key}\n"
        "    fields:\n"
        "      Key: SubscriberKey\n"
    )
    result = check_path(eco)
    assert result.analyzed and result.graph is not None
    assert result.compilation.resolved is not None
    assert list(result.findings) == []  # no E9900: no rule broke on it
    ctx = Context(result.compilation.resolved, result.graph)
    assert "mc:digest.SubscriberKey" in ctx.graph.dataflow
    assert [fill.de for fill in sendable_fills(ctx)] == ["newsletter"]

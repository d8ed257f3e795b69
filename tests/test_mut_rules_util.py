"""compiler/rules/_util.py: declared fields and data-flow edges, on the real clean base.

A field declared in the ecosystem is `declared`; one that comes from engage's catalog
(crm's standard Contact) or none at all is not. A data-flow edge
made by a sync rule names the rule and finds the rule's mapping; one made by an
integration (Marketing Cloud Connect) names no rule and has no mapping.
"""

from __future__ import annotations

import shutil

import pytest
from test_rules_fixtures import ROOT

from compiler.rules._util import declared, flows
from compiler.rules.check import check_path
from compiler.rules.context import Context


@pytest.fixture(scope="module")
def ctx(tmp_path_factory: pytest.TempPathFactory) -> Context:
    eco = tmp_path_factory.mktemp("util") / "eco"
    shutil.copytree(ROOT / "_base", eco)
    result = check_path(eco)
    assert result.analyzed and result.graph is not None
    assert result.compilation.resolved is not None
    return Context(result.compilation.resolved, result.graph)


def test_declared_fields(ctx: Context) -> None:
    shop = ctx.field("shop:Customer.Email")
    catalog = ctx.field("crm:Contact.Email")
    de_field = ctx.field("mc:newsletter.OptedOut")
    assert declared(shop) and declared(de_field)
    assert not declared(catalog) and not declared(None)


def test_flows_of_rules_and_of_integrations(ctx: Context) -> None:
    found = flows(ctx)
    assert flows(ctx) is found  # built once per analysis
    by_pair = {(f.source, f.target): f for f in found}
    rule_flow = by_pair["mc:Contact_Salesforce.Email", "mc:newsletter.EmailAddress"]
    assert rule_flow.rule_name == "contacts_to_newsletter"
    assert rule_flow.path == ("sync_rules", "contacts_to_newsletter", "fields", "EmailAddress")
    assert rule_flow.mapping(ctx) == "Email"
    assert rule_flow.reverse is False and rule_flow.transforms == ()
    connect = by_pair["crm:Contact.Email", "mc:Contact_Salesforce.Email"]
    assert connect.key == "integration.mc_connect"
    assert connect.rule_name is None and connect.mapping(ctx) is None
    assert sorted({f.rule_name for f in found if f.rule_name}) == sorted(ctx.eco.sync_rules)


def test_a_flow_is_frozen_and_has_no_instance_dict(ctx: Context) -> None:
    """A flow per data-flow edge lives through most of the rules (~160,000 at 100k
    resources): slots, no per-instance dict; and a flow cannot be altered by a rule."""
    flow = flows(ctx)[0]
    assert not hasattr(flow, "__dict__")
    with pytest.raises(AttributeError):
        flow.source = "x"  # type: ignore[misc]

"""compiler/rules/context.py: the lookups every rule shares, on the real clean base.

Positions (a value's span), raw YAML values through mappings and
lists (an index past the end, a name into a list, a path through a scalar: None),
field and object lookups for declared, catalog and unknown addresses, and the shared
indexes (sync rules per target, source and integration; integrations per user).
"""

from __future__ import annotations

import shutil

import pytest
from test_rules_fixtures import ROOT

from compiler.rules.check import check_path
from compiler.rules.context import Context, split_field
from compiler.rules.platform import Limits


@pytest.fixture(scope="module")
def ctx(tmp_path_factory: pytest.TempPathFactory) -> Context:
    eco = tmp_path_factory.mktemp("context") / "eco"
    shutil.copytree(ROOT / "_base", eco)
    result = check_path(eco)
    assert result.analyzed and result.graph is not None
    assert result.compilation.resolved is not None
    return Context(result.compilation.resolved, result.graph)


def test_split_field() -> None:
    assert split_field("crm:Contact.Email") == ("crm", "Contact", "Email")
    assert split_field("mc:a.b.Field") == ("mc", "a.b", "Field")


def test_a_value_span(ctx: Context) -> None:
    path = ("data_extensions", "newsletter", "external_key")
    value = ctx.span(path)
    assert value.file.endswith("data_extensions.yaml")
    assert (value.line, value.column) == (5, 19)
    related = ctx.related(path, "here")
    assert related.span == value and related.message == "here"


def test_fields_and_objects(ctx: Context) -> None:
    email = ctx.field("mc:newsletter.EmailAddress")
    assert email is not None and email.type == "EmailAddress"
    assert ctx.field("mc:newsletter.EmailAddress") is email  # cached, the same spec
    assert ctx.field("mc:newsletter.Nope") is None
    assert ctx.field("mc:nowhere.EmailAddress") is None
    assert ctx.field("nosystem:Contact.Email") is None
    assert ctx.object("crm", "Contact") is not None
    assert ctx.object("crm", "Nope") is None and ctx.object("nosystem", "Contact") is None
    de = ctx.object_of_de("newsletter")
    assert de is not None and de is ctx.object("mc", "newsletter")
    assert ctx.object_of_de("nowhere") is None
    assert ctx.system_type("crm") == "salesforce"
    assert ctx.system_type("mc") == "marketing_cloud"
    assert ctx.system_type("nowhere") == ""
    assert ctx.limits == Limits()


def test_shared_indexes(ctx: Context) -> None:
    eco = ctx.eco
    for index, attr in (
        (ctx.rules_by_target, "target"),
        (ctx.rules_by_source, "source"),
        (ctx.rules_by_integration, "integration"),
    ):
        expected: dict[str, list[str]] = {}
        for name in sorted(eco.sync_rules):
            expected.setdefault(getattr(eco.sync_rules[name], attr), []).append(name)
        assert {k: [n for n, _ in v] for k, v in index.items()} == expected
        assert all(rule is eco.sync_rules[n] for v in index.values() for n, rule in v)
        assert expected
    by_user = {
        user: sorted(n for n in eco.integrations if eco.integrations[n].user == user)
        for user in {i.user for i in eco.integrations.values() if i.user}
    }
    assert dict(ctx.integrations_by_user) == by_user
    assert by_user["mc_connect_user"] == ["mc_connect"]
    assert None not in ctx.integrations_by_user and "" not in ctx.integrations_by_user
    assert set(ctx.access) >= {"mc_connect_user"}

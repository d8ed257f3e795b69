"""The assemble stage: merging documents, environment overlays, for_each and placeholders."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from conftest import FixtureEco, RunEngage, compile_eco, locate, where
from hypothesis import given, settings
from hypothesis import strategies as st
from test_validate import Case, H, _ids, check

from compiler.assemble import assemble
from compiler.model import Ecosystem
from compiler.model.systems import MarketingCloudSystem
from compiler.pipeline import Compilation
from compiler.source import ParseCache, load
from compiler.yamlparse import Limits, parse_text

# ------------------------------------------------------------------ documents and merging

DOCUMENTS = [
    Case("x.yaml", "systems: {}\n", "systems", "E1007", "has no apiVersion"),
    Case("x.yaml", "apiVersion: engage/v2\nsystems: {}\n", "engage/v2", "E1007",
         "has apiVersion 'engage/v2'; this engage reads engage/v1"),
    Case("x.yaml", "- apiVersion: engage/v1\n", "- api", "E1007", "not a mapping of sections"),
    Case("x.yaml", "just text\n", "just", "E1007", "not a mapping of sections"),
    Case("x.yaml", H + "environment: ''\n", "environment", "E2002",
         "`environment:` must name an environment"),
    Case("x.yaml", H + "systems:\n  crm: {type: salesforce, region: us}\n", "crm", "E2001",
         "system 'crm' is declared twice"),
    Case("x.yaml", H + "ecosystem: {name: again}\n", "ecosystem", "E2001",
         "the section 'ecosystem' is declared twice"),
    Case("x.yaml", H + "consent: {}\n", "consent", "E2001",
         "the section 'consent' is declared twice"),
    Case("x.yaml", H + "sections: {}\n", "sections", "E1001",
         "unknown key 'sections' in document"),
]  # fmt: skip


@pytest.mark.parametrize("case", DOCUMENTS, ids=_ids(DOCUMENTS))
def test_documents(fixture_eco: FixtureEco, case: Case) -> None:
    check(fixture_eco, case)


def test_declared_twice_names_the_first_declaration(fixture_eco: FixtureEco) -> None:
    text = H + "integration_users:\n  mule_user: {system: crm}\n"
    comp = compile_eco(fixture_eco({"x.yaml": text}))
    (finding,) = comp.findings
    assert where(finding) == ("E2001", "eco/x.yaml", *locate(text, "mule_user"))
    (related,) = finding.related
    first = (fixture_eco() / "integrations.yaml").read_text()
    assert (related.span.file, related.span.line, related.span.column) == (
        "eco/integrations.yaml",
        *locate(first, "mule_user:"),
    )
    assert related.message == "first declared here"


def test_sections_merge_across_files_and_documents(fixture_eco: FixtureEco) -> None:
    text = (
        H + "systems:\n  erp: {type: external, category: erp, region: eu}\n---\n"
        + H + "systems:\n  billing: {type: external, category: billing, region: eu}\n"
        + "moved:\n  - {from: system.old_erp, to: system.erp}\n"
    )  # fmt: skip
    comp = compile_eco(fixture_eco({"more/systems.yaml": text}))
    assert comp.ok and comp.resolved is not None
    eco = comp.resolved.ecosystem
    assert {"crm", "erp", "billing"} <= set(eco.systems)
    assert [m.to for m in eco.moved] == ["data_extension.customers", "system.erp"]
    span = comp.resolved.index.at(("systems", "billing", "category"))
    expected = ("eco/more/systems.yaml", *locate(text, "billing,"))
    assert (span.file, span.line, span.column) == expected


# ------------------------------------------------------------------------------ overlays


def resolved(comp: Compilation) -> Ecosystem:
    assert comp.resolved is not None, comp.findings
    return comp.resolved.ecosystem


def mids(comp: Compilation) -> dict[str, int | None]:
    mc = resolved(comp).systems["mc"]
    assert isinstance(mc, MarketingCloudSystem)
    return {name: unit.mid for name, unit in mc.business_units.items()}


def test_overlay_values_apply_only_in_their_environment(fixture_eco: FixtureEco) -> None:
    root = fixture_eco()
    base, sandbox, production = (compile_eco(root, env) for env in (None, "sandbox", "production"))
    assert mids(base) == {"parent": 100000001, "retail": 100000002, "outlet": 100000003}
    # a mapping merges key by key: the overlay changes one MID and leaves the others alone
    assert mids(sandbox) == {"parent": 100000001, "retail": 200000002, "outlet": 100000003}
    assert resolved(sandbox).integrations["mc_connect"].schedule.every == "1h"
    assert resolved(base).integrations["mc_connect"].schedule.every == "15m"
    users = resolved(production).integration_users
    assert users["mc_connect_user"].username == "mcc@example.com"
    assert resolved(base).integration_users["mc_connect_user"].username.endswith(".crm")
    # positions of overlaid values point into the overlay file
    assert sandbox.resolved is not None
    span = sandbox.resolved.index.at(("integrations", "mc_connect", "schedule", "every"))
    assert (span.file, span.line) == ("eco/overlays/sandbox.yaml", 9)


def test_overlay_may_add_resources(fixture_eco: FixtureEco) -> None:
    text = (
        H + "environment: sandbox\nsystems:\n  test_shop: {type: external, category: "
        "ecommerce, region: eu}\n"
    )
    root = fixture_eco({"overlays/extra.yaml": text})
    assert "test_shop" in resolved(compile_eco(root, "sandbox")).systems
    assert "test_shop" not in resolved(compile_eco(root, "production")).systems


def test_overlay_mistake_is_reported_at_its_own_position(
    fixture_eco: FixtureEco, engage: RunEngage
) -> None:
    text = H + "environment: production\nintegrations:\n  mc_connect:\n    schedule: {evry: 1h}\n"
    root = fixture_eco({"overlays/production.yaml": text})
    expected = ("E1001", "eco/overlays/production.yaml", *locate(text, "evry"))
    # the base is fine; validating every environment finds the overlay's mistake
    assert [where(f) for f in compile_eco(root, None).findings] == [expected]
    assert [where(f) for f in compile_eco(root, "production").findings] == [expected]
    assert compile_eco(root, "sandbox").findings == ()
    assert engage("validate", "eco", "--env", "sandbox").code == 0
    run = engage("validate", "eco", "--env", "production")
    assert run.code == 1 and "did you mean 'every'?" in run.out


def test_overlay_can_break_a_reference(fixture_eco: FixtureEco) -> None:
    text = H + "environment: sandbox\nintegrations:\n  mc_connect:\n    user: mc_user\n"
    root = fixture_eco({"overlays/sandbox.yaml": text})
    (finding,) = compile_eco(root).findings
    assert where(finding) == ("E2010", "eco/overlays/sandbox.yaml", *locate(text, "mc_user"))


def test_overlay_for_an_undeclared_environment(fixture_eco: FixtureEco) -> None:
    text = H + "environment: sandbx\nsystems: {}\n"
    comp = compile_eco(fixture_eco({"overlays/typo.yaml": text}))
    (finding,) = comp.findings
    assert where(finding) == ("E2002", "eco/overlays/typo.yaml", *locate(text, "sandbx"))
    assert "(did you mean 'sandbox'?)" in finding.message


def test_unknown_env_option(fixture_eco: FixtureEco, engage: RunEngage) -> None:
    root = fixture_eco()
    (finding,) = compile_eco(root, "sandbx").findings
    text = (root / "ecosystem.yaml").read_text()
    assert where(finding) == ("E2002", "eco/ecosystem.yaml", *locate(text, "ecosystem:"))
    assert "(did you mean 'sandbox'?)" in finding.message
    assert "(declared: production, sandbox)" in finding.message
    run = engage("validate", "eco", "--env", "prod")
    assert run.code == 1 and "E2002" in run.out


# ------------------------------------------------------------------------------ for_each

DE = H + "data_extensions:\n  promo:\n"
FOR_EACH = [
    Case("x.yaml", DE + "    for_each: [retail, outlte]\n    business_unit: ${each}\n"
         "    fields: {A: {type: Text}}\n", "outlte", "E2003",
         "for_each names business unit 'outlte', which is not declared (did you mean 'outlet'?)"),
    Case("x.yaml", DE + "    for_each: retail\n    business_unit: ${each}\n"
         "    fields: {A: {type: Text}}\n", "retail\n", "E2003",
         "for_each must be a non-empty list of business units, or '*'"),
    Case("x.yaml", DE + "    for_each: []\n    business_unit: ${each}\n"
         "    fields: {A: {type: Text}}\n", "[]", "E2003", "non-empty list"),
    Case("x.yaml", DE + "    business_unit: ${each}\n    fields: {A: {type: Text}}\n",
         "${each}", "E2004", "holds a placeholder, but its resource has no for_each"),
    Case("x.yaml", DE + "    for_each: [retail]\n    business_unit: ${brand}\n"
         "    fields: {A: {type: Text}}\n", "${brand}", "E2004",
         "unknown placeholder ${brand}; only ${each...} exists"),
    Case("x.yaml", DE + "    for_each: [retail]\n    business_unit: retail\n"
         "    name: ${each.marketing_cloud.mid}\n    fields: {A: {type: Text}}\n",
         "${each.marketing", "E2004", "business unit 'retail' has no value at "
         "'marketing_cloud.mid'"),
    Case("x.yaml", DE + "    for_each: [retail]\n    business_unit: retail\n"
         "    name: ${each.marketing_cloud}\n    fields: {A: {type: Text}}\n",
         "${each.marketing", "E2004", "${each.marketing_cloud} is not a single value"),
    Case("x.yaml", DE + "    for_each: [industry]\n    business_unit: ${each}\n"
         "    fields: {A: {type: Text}}\n", "${each}", "E2012",
         "business unit 'industry' has no marketing_cloud mapping"),
]  # fmt: skip


@pytest.mark.parametrize("case", FOR_EACH, ids=_ids(FOR_EACH))
def test_for_each_mistakes(fixture_eco: FixtureEco, case: Case) -> None:
    check(fixture_eco, case)


def test_for_each_instantiates_one_resource_per_business_unit(fixture_eco: FixtureEco) -> None:
    comp = compile_eco(fixture_eco())
    assert comp.resolved is not None
    des = comp.resolved.ecosystem.data_extensions
    assert {n for n in des if n.startswith("newsletter")} == {
        "newsletter[retail]",
        "newsletter[outlet]",
    }
    assert des["newsletter[outlet]"].business_unit == "outlet"
    assert des["newsletter[outlet]"].name == "Newsletter Outlet Brand"
    assert des["newsletter[retail]"].description == "Newsletter audience of retail"
    assert des["newsletter[retail]"].for_each is None


def test_for_each_star_means_every_business_unit(fixture_eco: FixtureEco) -> None:
    text = H + (
        "sync_rules:\n  audit:\n    for_each: '*'\n    integration: shop_to_mc\n"
        "    source: shop.Customer\n    target: mc.customers\n    business_unit: ${each}\n"
        "    fields: {EmailAddress: email}\n"
    )
    comp = compile_eco(fixture_eco({"x.yaml": text}))
    assert comp.ok and comp.resolved is not None
    names = sorted(n for n in comp.resolved.ecosystem.sync_rules if n.startswith("audit"))
    assert names == ["audit[industry]", "audit[outlet]", "audit[retail]"]
    assert "sync_rule.audit[outlet]" in comp.resolved.addresses


def test_for_each_instances_point_at_their_definition(fixture_eco: FixtureEco) -> None:
    text = H + (
        "data_extensions:\n  promo:\n    for_each: [retail, outlet]\n"
        "    business_unit: ${each}\n    fields: {A: {type: Txt}}\n"
    )
    comp = compile_eco(fixture_eco({"x.yaml": text}))
    # each instance is invalid, and each points at the definition they share
    assert [where(f) for f in comp.findings] == [("E1004", "eco/x.yaml", *locate(text, "Txt"))] * 2
    assert "promo[outlet]" in comp.findings[0].message
    assert "promo[retail]" in comp.findings[1].message


# ------------------------------------------- placeholders: files that cannot hold one skipped


def _placeholder_findings(comp: Compilation) -> list[tuple[str, str, int, int]]:
    return [where(f) for f in comp.findings if f.code == "E2004"]


@pytest.mark.parametrize(
    "spelled",
    ['"\\x24{each}"', '"\\u0024{each}"', '"$\\x7beach}"', '"\\U00000024{each}"',
     '"$\\\n      {each}"'],
)  # fmt: skip
def test_a_placeholder_spelled_by_an_escape_is_found(fixture_eco: FixtureEco, spelled: str) -> None:
    # no `${` in the file's text, but a double-quoted string's escape spells one: the
    # backslash keeps the file's resources searched
    text = DE + f"    business_unit: {spelled}\n    fields: {{A: {{type: Text}}}}\n"
    assert "${" not in text
    comp = compile_eco(fixture_eco({"x.yaml": text}))
    assert _placeholder_findings(comp) == [("E2004", "eco/x.yaml", *locate(text, spelled[:3]))]


def test_a_placeholder_an_overlay_brings_into_a_clean_file_is_found(
    fixture_eco: FixtureEco,
) -> None:
    overlay = H + "environment: sandbox\nintegrations:\n  mc_connect:\n    user: ${each}\n"
    root = fixture_eco({"overlays/extra.yaml": overlay})
    source = load(root, None, ParseCache(None))
    (integrations,) = (d for d in source.documents if d.file == "eco/integrations.yaml")
    assert not integrations.placeholders  # the resource's own file cannot hold one
    expected = [("E2004", "eco/overlays/extra.yaml", *locate(overlay, "${each}"))]
    assert _placeholder_findings(compile_eco(root, "sandbox")) == expected
    assert _placeholder_findings(compile_eco(root, "production")) == []


@pytest.mark.parametrize(
    ("text", "placeholders"),
    [("a: b\n", False), ("a: ${each}\n", True), ("a: '$ {x}'\n", False), ('a: "\\t"\n', True),
     ("# ${each}\na: b\n", True), ("a: $\n  {b}\n", False)],
)  # fmt: skip
def test_documents_say_whether_their_file_may_hold_a_placeholder(
    tmp_path: Path, text: str, placeholders: bool
) -> None:
    (tmp_path / "x.yaml").write_text(H + text, encoding="utf-8")
    (doc,) = load(tmp_path, None, ParseCache(None)).documents
    assert doc.placeholders is placeholders


def _fixture_folders() -> list[Path]:
    roots = [Path(__file__).parent / "fixtures", Path(__file__).parent.parent / "ecosystem"]
    found = {p.parent for root in roots for p in root.rglob("*.yaml")}
    return sorted(f for f in found if not any(p in found for p in f.parents))


def test_skipping_clean_files_finds_what_searching_every_resource_finds() -> None:
    """Oracle: on every fixture folder (each environment too), assemble with the files'
    flags gives the findings and values it gives with every document marked as possibly
    holding a placeholder (every resource searched, as before the flag)."""
    compared = skipped = 0
    for folder in _fixture_folders():
        documents = load(folder, None, ParseCache(None)).documents
        searched = tuple(dataclasses.replace(d, placeholders=True) for d in documents)
        skipped += any(not d.placeholders for d in documents)
        envs = {d.environment for d in documents if d.environment is not None}
        for env in [None, *sorted(envs)]:
            fast, slow = assemble(documents, env), assemble(searched, env)
            assert fast.findings == slow.findings, (folder, env)
            assert (fast.assembled is None) == (slow.assembled is None)
            if fast.assembled is not None and slow.assembled is not None:
                assert fast.assembled.value == slow.assembled.value, (folder, env)
            compared += 1
    assert compared > 100 and skipped > 50


@given(
    st.lists(
        st.sampled_from(["$", "{", "}", "each", " ", "\n    ", "\n\n    ", "''", "\\x24",
                         "\\x7b", "\\u0024", "\\\n    ", "\\ ", "a", "\\$"]),
        max_size=12,
    ),
    st.sampled_from(['"', "'", "", "|\n    ", ">\n    "]),
)  # fmt: skip
@settings(max_examples=300, deadline=None)
def test_a_string_holds_a_placeholder_only_when_its_text_may(pieces: list[str], style: str) -> None:
    """What the flag relies on: a parsed string holds `${` only when the text holds `${`
    or a backslash (folding adds a space or line break between lines; only escapes drop
    or make characters)."""
    body = "".join(pieces)
    if style in ('"', "'"):
        if style == "'":
            body = body.replace("'", "''")
        scalar = f"{style}{body}{style}"
    else:
        scalar = style + body
    text = f"a: {scalar}\n"
    docs, problem = parse_text(text, "x.yaml", Limits())
    if problem is not None or not docs or not isinstance(docs[0].value, dict):
        return
    value = docs[0].value.get("a")
    if isinstance(value, str) and "${" in value:
        assert "${" in text or "\\" in text

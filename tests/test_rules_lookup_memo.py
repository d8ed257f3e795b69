"""The rules' memoized lookups give what the uncached lookups they replace give.

`Context.object`, `Context.field` and `Context.object_of_de` look each name up once per
analysis; `typefit._pairs` and `privacy._personal_flows` build once what their module's
rules read (issue 11: the rules stage). Each is compared, on the rules fixtures' base and
on a benchmark ecosystem, with the original computation written out here: for every
name the ecosystem has and for unknown names, first read and again (cached), in any
order (Hypothesis), and on a fresh context per read.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_rules_fixtures import ROOT

from benchmarks.ecosystems import write
from compiler.resolved import FieldSpec, ObjectSpec
from compiler.rules import privacy, typefit
from compiler.rules._util import Flow, flows
from compiler.rules.check import check_path
from compiler.rules.context import Context, split_field

_CONTEXTS: dict[str, Context] = {}


def _context(folder: Path) -> Context:
    result = check_path(folder)
    assert result.analyzed and result.graph is not None
    assert result.compilation.resolved is not None
    return Context(result.compilation.resolved, result.graph)


@pytest.fixture(scope="module", params=["fixtures", "benchmark"])
def ctx(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Context:
    name = str(request.param)
    if name not in _CONTEXTS:
        folder = tmp_path_factory.mktemp(name) / "eco"
        if name == "fixtures":
            shutil.copytree(ROOT / "_base", folder)
        else:
            write(300, folder)
        _CONTEXTS[name] = _context(folder)
    return _CONTEXTS[name]


def _fresh(ctx: Context) -> Context:
    return Context(ctx.resolved, ctx.graph, ctx.limits)


def _object(ctx: Context, system: str, name: str) -> ObjectSpec | None:
    """The lookup before the memo."""
    return ctx.resolved.objects.get(system, {}).get(name)


def _field(ctx: Context, address: str) -> FieldSpec | None:
    system, obj, name = split_field(address)
    spec = _object(ctx, system, obj)
    return spec.fields.get(name) if spec is not None else None


def _object_of_de(ctx: Context, name: str) -> ObjectSpec | None:
    de = ctx.eco.data_extensions.get(name)
    unit = ctx.eco.business_units.get(de.business_unit) if de is not None else None
    if unit is None or unit.marketing_cloud is None:
        return None
    return _object(ctx, unit.marketing_cloud.system, name)


def _object_names(ctx: Context) -> list[tuple[str, str]]:
    names = [(system, obj) for system, objs in ctx.resolved.objects.items() for obj in objs]
    systems = sorted(ctx.resolved.objects)
    unknown = [(s, "NoSuchObject") for s in systems] + [("nosystem", "Contact"), ("", "")]
    return names + unknown


def _addresses(ctx: Context) -> list[str]:
    out = [a for flow in flows(ctx) for a in (flow.source, flow.target)]
    for system, objs in list(ctx.resolved.objects.items())[:3]:
        for obj in list(objs)[:5]:
            out += [f"{system}:{obj}.{field}" for field in objs[obj].fields]
            out.append(f"{system}:{obj}.NoSuchField")
    return [*out, "nosystem:Contact.Email", "crm:NoSuchObject.Email", "crm:", ":", ""]


def _de_names(ctx: Context) -> list[str]:
    return [*sorted(ctx.eco.data_extensions), "no_such_extension", ""]


def test_the_ecosystems_have_what_is_compared(ctx: Context) -> None:
    assert len(flows(ctx)) > 10 and ctx.eco.data_extensions
    assert any(_object_of_de(ctx, n) is not None for n in ctx.eco.data_extensions)
    assert any(_field(ctx, a) is None for a in _addresses(ctx))
    assert sum(1 for a in _addresses(ctx) if _field(ctx, a) is not None) > 10


def test_objects_as_before(ctx: Context) -> None:
    memo = _fresh(ctx)
    for _ in range(2):  # first read, then from the memo
        for system, name in _object_names(ctx):
            assert memo.object(system, name) == _object(ctx, system, name)
            assert _fresh(ctx).object(system, name) == _object(ctx, system, name)


def test_fields_as_before(ctx: Context) -> None:
    memo = _fresh(ctx)
    for _ in range(2):
        for address in _addresses(ctx):
            assert memo.field(address) == _field(ctx, address)
            assert _fresh(ctx).field(address) == _field(ctx, address)


def test_data_extension_objects_as_before(ctx: Context) -> None:
    memo = _fresh(ctx)
    for _ in range(2):
        for name in _de_names(ctx):
            assert memo.object_of_de(name) == _object_of_de(ctx, name)
            assert _fresh(ctx).object_of_de(name) == _object_of_de(ctx, name)


def test_a_memo_returns_the_same_spec(ctx: Context) -> None:
    memo = _fresh(ctx)
    address = next(a for a in _addresses(ctx) if _field(ctx, a) is not None)
    assert memo.field(address) is memo.field(address)
    system, obj, _ = split_field(address)
    assert memo.object(system, obj) is memo.object(system, obj)
    assert memo.eco is ctx.resolved.ecosystem


@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_any_order_of_lookups_as_before(data: st.DataObject) -> None:
    ctx = _CONTEXTS.get("fixtures")
    if ctx is None:  # the module fixture builds it; alone, this test builds it itself
        ctx = _CONTEXTS["fixtures"] = _context(_copy_base())
    memo = _fresh(ctx)
    kinds = st.sampled_from(["object", "field", "de"])
    for kind in data.draw(st.lists(kinds, min_size=1, max_size=30)):
        if kind == "object":
            system, name = data.draw(st.sampled_from(_object_names(ctx)))
            assert memo.object(system, name) == _object(ctx, system, name)
        elif kind == "field":
            address = data.draw(st.sampled_from(_addresses(ctx)))
            assert memo.field(address) == _field(ctx, address)
        else:
            name = data.draw(st.sampled_from(_de_names(ctx)))
            assert memo.object_of_de(name) == _object_of_de(ctx, name)


def _copy_base() -> Path:
    import tempfile

    folder = Path(tempfile.mkdtemp(prefix="engage-memo-")) / "eco"
    shutil.copytree(ROOT / "_base", folder)
    return folder


def test_typefit_pairs_as_before(ctx: Context) -> None:
    fresh = _fresh(ctx)
    expected = [
        (flow, src, dst)
        for flow in flows(fresh)
        for src, dst in [(_field(ctx, flow.source), _field(ctx, flow.target))]
        if src is not None and dst is not None
    ]
    assert typefit._pairs(fresh) == expected
    assert typefit._pairs(fresh) is typefit._pairs(fresh)  # built once
    assert expected


def _units_before(ctx: Context, flow: Flow) -> list[str]:
    out: list[str] = []
    name = flow.rule_name
    if name is not None and ctx.eco.sync_rules[name].business_unit:
        out.append(str(ctx.eco.sync_rules[name].business_unit))
    for address in (flow.source, flow.target):
        system, _, rest = address.partition(":")
        obj = rest.rpartition(".")[0]
        spec = _object(ctx, system, obj)
        if spec is not None and spec.kind == "data_extension":
            out.append(ctx.eco.data_extensions[obj].business_unit)
    return sorted(set(out))


def test_privacy_personal_flows_as_before(ctx: Context) -> None:
    fresh = _fresh(ctx)
    expected = []
    for flow in flows(fresh):
        spec = _field(ctx, flow.source)
        if spec is not None and spec.personal_data != "none":
            expected.append((flow, spec, _units_before(ctx, flow)))
    assert expected and any(units for _, _, units in expected)
    assert privacy._personal_flows(fresh) == expected
    assert privacy._personal_flows(fresh) is privacy._personal_flows(fresh)


@pytest.mark.parametrize(
    ("type_", "scale", "decimal"),
    [
        ("currency", None, True),  # a currency, percent or Decimal has decimals, scale or not
        ("percent", None, True),
        ("Decimal", None, True),
        ("number", 2, True),  # a number with a scale has decimals
        ("number", None, False),
        ("number", 0, False),
        ("Number", None, False),
    ],
)
def test_which_types_have_decimals(type_: str, scale: int | None, decimal: bool) -> None:
    spec = FieldSpec("Amount", type_, "salesforce", scale=scale)
    assert typefit._decimal(spec) is decimal
    integer = FieldSpec("Amount", "Number", "marketing_cloud")
    problem = typefit._type_problem(spec, integer, ())
    assert (problem is not None and "loses the decimals" in problem) is decimal


_JOB_CODES = """apiVersion: engage/v1
data_extensions:
  jobs:
    business_unit: retail
    external_key: jobs
    fields:
      CustomerId: {type: Text, length: 18, primary_key: true}
      JobCode: {type: Text, length: 5}
sync_rules:
  shop_jobs:
    integration: shop_feed
    source: shop.Customer
    target: mc.jobs
    business_unit: retail
    match: {source: Id, target: CustomerId}
    fields:
      CustomerId: Id
      JobCode: JOB
"""


@pytest.mark.parametrize(
    ("mapping", "fires"),
    [("Job", True), ("{from: Job, transform: to_number}", False)],
)
def test_a_length_is_compared_only_for_text_arriving_as_text(
    tmp_path: Path, mapping: str, fires: bool
) -> None:
    """The shop's 100-character job title into a 5-character text field is E3005; converted
    to a number on the way (a number into a text field), its length is not compared."""
    folder = tmp_path / "eco"
    shutil.copytree(ROOT / "_base", folder)
    (folder / "jobs.yaml").write_text(_JOB_CODES.replace("JOB", mapping), encoding="utf-8")
    found = [f for f in check_path(folder).findings if f.code == "E3005"]
    assert [f.message for f in found] == (
        [
            "sync_rule.shop_jobs writes shop:Customer.Job (up to 100 characters) into "
            "mc:jobs.JobCode (5 characters)"
        ]
        if fires
        else []
    )

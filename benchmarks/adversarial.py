"""Issue 11: every rule that scans pairs or cycles, timed alone on a shape made against it.

    python -m benchmarks.adversarial                      # each shape at 1,000 and 10,000
    python -m benchmarks.adversarial --sizes 200 2000 --only campaign-hierarchy
    python -m benchmarks.adversarial --benchmark 10000 100000   # every rule, benchmark shapes
    python -m benchmarks.adversarial --json               # one JSON line (benchmarks.run)
    python -m benchmarks.adversarial --calls              # also count the rule's calls

A shape is an ecosystem generator `n -> {file: text}` built so that the rule's pair or
cycle scan meets its worst case: many writers of one field that the Account Engagement
connector keeps apart (two-writers), one weakly connected component holding many
mixed-unit cycles (data-flow-loops), a chain and a circle of parents (campaign-hierarchy),
many upserts into one object on alternating keys (match-keys), many block rules beside
many integration users who may not create their objects (block-rule-creating-user),
many integrations of one user (shared-integration-user), many writers of one
overwritten data extension, half of them reading it (query-overwrites), and for
data-flow-loops a second shape whose mixed-unit loops share their strongly connected
parts with unscoped loops (data-flow-loops (unscoped loops)). Each shape is
compiled at the two sizes (not timed); then the rule alone runs on a fresh analysis
context (its shared lookups built inside the timing: they are part of its cost), CPU
seconds per run, best of --repeat rounds. A round runs the rule enough times in a row
that it lasts at least `FLOOR` CPU seconds (0.05; the count is chosen once per size from
a first run, as `timeit` does, and printed as `runs`), so that a rule of a few
milliseconds is not read off one timer interval; the rounds alternate the two sizes, so
that a change of the machine's load meets both alike. The growth t(large) / t(small) is
printed against the size ratio; a rule is linear when its growth is at most 1.05x the
size ratio (10.5 for 10x).

With --calls, each rule also runs once under a profile hook that counts its Python and C
function calls (`sys.setprofile`): the count does not depend on the machine's load or
caches, so its growth says whether the rule's work is linear when the CPU seconds (which
a shared machine's load and a heap ten times larger move by tens of percent) cannot.

With --benchmark, every registered rule is timed alone the same way on the benchmark
ecosystems (`benchmarks.ecosystems`) at the two sizes given.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from compiler.gcpause import gc_paused
from compiler.graph import EcosystemGraph, build_graph
from compiler.pipeline import compile_source
from compiler.resolved import ResolvedEcosystem
from compiler.rules import RULES, Context
from compiler.rules.registry import run_rule
from compiler.source import ParseCache, load

Shape = Callable[[int], dict[str, str]]

CRM = "  crm: {type: salesforce, region: eu, personal_data: personal}\n"
SHOP = "  shop: {type: external, category: ecommerce, region: eu, personal_data: personal}\n"
HEAD = "apiVersion: engage/v1\necosystem: {name: adversarial}\n"


def _mc(units: int, extra: str = "") -> str:
    lines = "".join(f"      bu_{k}: {{mid: {100000 + k}}}\n" for k in range(units))
    return (
        "  mc:\n    type: marketing_cloud\n    region: eu\n    personal_data: personal\n"
        f"    channels: [email]\n{extra}    business_units:\n{lines}"
    )


def _units(units: int) -> str:
    return "business_units:\n" + "".join(
        f"  bu_{k}: {{brand: Brand {k}, segment: b2c, "
        f"marketing_cloud: {{system: mc, business_unit: bu_{k}}}}}\n"
        for k in range(units)
    )


def two_writers(n: int) -> dict[str, str]:
    """n two-way Account Engagement connector rules from n CRM objects onto one prospect
    field, all claiming the CRM wins: no pair conflicts (one-to-one sync), so every writer
    is compared with the earlier ones."""
    objects = "".join(
        f"  crm.Thing_{k}__c:\n    fields:\n      First__c: {{type: text, length: 40}}\n"
        for k in range(n)
    )
    rules = "".join(
        f"  prospect_{k}:\n    integration: ae_connector\n    source: pardot.Prospect\n"
        f"    target: crm.Thing_{k}__c\n    direction: two_way\n    mode: update\n"
        f"    precedence: target_wins\n    fields: {{First__c: FirstName}}\n"
        for k in range(n)
    )
    return {
        "eco.yaml": HEAD
        + "systems:\n"
        + CRM
        + "  pardot: {type: account_engagement, region: eu, personal_data: personal}\n"
        + "integrations:\n  ae_connector:\n    type: account_engagement_connector\n"
        + "    from: pardot\n    to: crm\n    schedule: {every: 5m}\n"
        + f"objects:\n{objects}sync_rules:\n{rules}"
    }


def data_flow_loops(n: int) -> dict[str, str]:
    """n loops, each between two data extensions through rules of two business units, all
    fed by one unscoped flow from the CRM: one weakly connected component of n mixed-unit
    cycles."""
    des = "".join(
        f"  {side}_{k}:\n    business_unit: bu_{k}\n    fields:\n"
        "      Key: {type: Text, length: 18, primary_key: true}\n"
        "      Email: {type: EmailAddress, length: 254}\n"
        for k in range(n)
        for side in ("a", "b")
    )
    rules = "".join(
        f"  ab_{k}:\n    integration: mc_queries\n    source: mc.a_{k}\n    target: mc.b_{k}\n"
        f"    business_unit: bu_{k}\n    fields: {{Key: Key, Email: Email}}\n"
        f"  ba_{k}:\n    integration: mc_queries\n    source: mc.b_{k}\n    target: mc.a_{k}\n"
        f"    business_unit: bu_{(k + 1) % n}\n    fields: {{Key: Key, Email: Email}}\n"
        f"  feed_{k}:\n    integration: crm_feed\n    source: crm.Contact\n    target: mc.a_{k}\n"
        "    fields: {Key: Id}\n"
        for k in range(n)
    )
    return {
        "eco.yaml": HEAD
        + "systems:\n"
        + CRM
        + _mc(n)
        + _units(n)
        + "integrations:\n  mc_queries: {type: query, from: mc, to: mc, schedule: {every: 1h}}\n"
        + "  crm_feed: {type: api, from: crm, to: mc, schedule: {every: 1h}}\n"
        + f"data_extensions:\n{des}sync_rules:\n{rules}"
    }


def data_flow_loops_unscoped(n: int) -> dict[str, str]:
    """n/20 groups of three data extensions in one weakly connected component (one
    unscoped feed from the CRM): a mixed-unit loop a_k → b_k → a_k as in
    `data_flow_loops`, and an unscoped loop a_k → c_k → a_k beside it, so that every
    strongly connected part holds flows of no business unit. Each unit's re-examination
    read the unscoped flows of the whole component: quadratic before c04efc0 (see the
    README's rules4 section)."""
    groups = max(2, n // 20)
    files = data_flow_loops(groups)
    extra = "".join(
        f"  c_{k}:\n    business_unit: bu_{k}\n    fields:\n"
        "      Key: {type: Text, length: 18, primary_key: true}\n"
        for k in range(groups)
    )
    rules = "".join(
        f"  u_ac_{k}:\n    integration: mc_queries\n    source: mc.a_{k}\n    target: mc.c_{k}\n"
        "    fields: {Key: Key}\n"
        f"  u_ca_{k}:\n    integration: mc_queries\n    source: mc.c_{k}\n    target: mc.a_{k}\n"
        "    fields: {Key: Key}\n"
        for k in range(groups)
    )
    text = files["eco.yaml"].replace("data_extensions:\n", "data_extensions:\n" + extra, 1)
    return {"eco.yaml": text + rules}


def campaign_hierarchy(n: int) -> dict[str, str]:
    """A chain of n/2 campaigns, each the parent of the next, and a circle of n/2."""
    half = max(2, n // 2)
    chain = "".join(
        f"  chain_{k:06d}: {{system: crm" + (f", parent: chain_{k - 1:06d}" if k else "") + "}\n"
        for k in range(half)
    )
    circle = "".join(
        f"  circle_{k:06d}: {{system: crm, parent: circle_{(k + 1) % half:06d}}}\n"
        for k in range(half)
    )
    return {"eco.yaml": HEAD + "systems:\n" + CRM + "campaigns:\n" + chain + circle}


def match_keys(n: int) -> dict[str, str]:
    """n upserts into crm.Contact from n external objects, alternating two match keys,
    each scoped to its own business unit (so no two carry the same records)."""
    objects = "".join(
        f"  shop.Person_{k}:\n    fields:\n"
        "      Id: {type: text, length: 18, external_id: true}\n"
        "      Email: {type: email}\n"
        for k in range(n)
    )
    units = "business_units:\n" + "".join(
        f"  bu_{k}: {{brand: Brand {k}, segment: b2c, crm: {{system: crm}}}}\n" for k in range(n)
    )
    rules = "".join(
        f"  person_{k}:\n    integration: shop_feed\n    source: shop.Person_{k}\n"
        f"    target: crm.Contact\n    mode: upsert\n    business_unit: bu_{k}\n"
        f"    match: {{source: {'Id' if k % 2 else 'Email'}, "
        f"target: {'External_Id__c' if k % 2 else 'Email'}}}\n"
        "    fields: {Email: Email, External_Id__c: Id}\n"
        for k in range(n)
    )
    return {
        "eco.yaml": HEAD
        + "systems:\n"
        + CRM
        + SHOP
        + "objects:\n  crm.Contact:\n    fields:\n"
        + "      External_Id__c: {type: text, length: 18, external_id: true}\n"
        + objects
        + units
        + "integrations:\n  shop_feed: {type: api, from: shop, to: crm, schedule: {every: 1h}}\n"
        + f"sync_rules:\n{rules}"
    }


def block_rules(n: int) -> dict[str, str]:
    """n/2 active block duplicate rules on n/2 CRM objects, and n/2 integration users that
    read only: no user may create what a rule blocks."""
    half = max(1, n // 2)
    objects = "".join(
        f"  crm.Thing_{k}__c:\n    fields:\n      Name__c: {{type: text, length: 40}}\n"
        for k in range(half)
    )
    matching = "".join(
        f"  thing_{k}:\n    system: crm\n    object: Thing_{k}__c\n"
        "    items: [{field: Name__c}]\n"
        for k in range(half)
    )
    duplicates = "".join(
        f"  thing_{k}:\n    system: crm\n    object: Thing_{k}__c\n"
        f"    matching_rules: [thing_{k}]\n"
        "    on_create: {action: block}\n"
        for k in range(half)
    )
    users = "".join(
        f"  reader_{k}:\n    system: crm\n    permissions:\n"
        f"      Thing_{k}__c: {{object: [read]}}\n"
        for k in range(half)
    )
    return {
        "eco.yaml": HEAD
        + "systems:\n"
        + CRM
        + f"objects:\n{objects}matching_rules:\n{matching}duplicate_rules:\n{duplicates}"
        + f"integration_users:\n{users}"
    }


def shared_user(n: int) -> dict[str, str]:
    """n integrations that all run as one integration user."""
    integrations = "".join(
        f"  feed_{k}: {{type: custom, from: crm, to: shop, user: one_user, "
        "schedule: {every: 1d}}\n"
        for k in range(n)
    )
    return {
        "eco.yaml": HEAD
        + "systems:\n"
        + CRM
        + SHOP
        + "integration_users:\n  one_user:\n    system: crm\n    permissions:\n"
        + "      Contact: {object: [read], fields: {Email: read}}\n"
        + f"integrations:\n{integrations}"
    }


def overwrite_writers(n: int) -> dict[str, str]:
    """n overwrite rules writing one data extension, half of them reading it (consumers):
    every later writer of each group is reported."""
    rules = "".join(
        f"  write_{k}:\n    integration: mc_queries\n"
        f"    source: mc.{'target' if k % 2 else 'source'}\n"
        "    target: mc.target\n    business_unit: bu_0\n    mode: overwrite\n"
        "    fields: {Key: Key}\n"
        for k in range(n)
    )
    return {
        "eco.yaml": HEAD
        + "systems:\n"
        + CRM
        + _mc(1)
        + _units(1)
        + "integrations:\n  mc_queries: {type: query, from: mc, to: mc, schedule: {every: 1h}}\n"
        + "data_extensions:\n  target:\n    business_unit: bu_0\n    fields:\n"
        + "      Key: {type: Text, length: 18, primary_key: true}\n"
        + "  source:\n    business_unit: bu_0\n    fields:\n"
        + "      Key: {type: Text, length: 18, primary_key: true}\n"
        + f"sync_rules:\n{rules}"
    }


SHAPES: dict[str, Shape] = {
    "two-writers": two_writers,
    "data-flow-loops": data_flow_loops,
    "campaign-hierarchy": campaign_hierarchy,
    "match-keys": match_keys,
    "block-rule-creating-user": block_rules,
    "shared-integration-user": shared_user,
    "query-overwrites": overwrite_writers,
    "data-flow-loops (unscoped loops)": data_flow_loops_unscoped,
}

# A shape named other than its rule: the rule it is made against.
RULE_OF: dict[str, str] = {"data-flow-loops (unscoped loops)": "data-flow-loops"}


def rule_of(shape: str) -> str:
    return RULE_OF.get(shape, shape)


@dataclass
class Row:
    """One rule timed alone at two sizes."""

    rule: str
    sizes: tuple[int, int]
    seconds: list[float] = field(default_factory=list)
    findings: list[int] = field(default_factory=list)
    calls: list[int] = field(default_factory=list)  # with --calls
    runs: list[int] = field(default_factory=list)  # runs a round of each size times

    @property
    def growth(self) -> float:
        return self.seconds[1] / self.seconds[0] if self.seconds[0] > 0 else float("nan")

    @property
    def call_growth(self) -> float:
        if len(self.calls) != 2 or not self.calls[0]:
            return float("nan")
        return self.calls[1] / self.calls[0]

    @property
    def limit(self) -> float:
        return 1.05 * self.sizes[1] / self.sizes[0]

    def line(self) -> str:
        small, large = self.sizes
        met = "yes" if self.growth <= self.limit else "**no**"
        calls = ""
        if len(self.calls) == 2:
            calls = f" {self.calls[0]:,} / {self.calls[1]:,}: {self.call_growth:.2f}x |"
        runs = f" (runs {self.runs[0]:,} / {self.runs[1]:,})" if len(self.runs) == 2 else ""
        return (
            f"| {self.rule} | {small:,} / {large:,} | "
            f"{self.seconds[0]:.4f} / {self.seconds[1]:.4f}{runs} | "
            f"{self.findings[0]:,} / {self.findings[1]:,} | "
            f"{self.growth:.1f}x (size {large / small:g}x) | {met} |{calls}"
        )


def _compiled(files: dict[str, str], folder: Path) -> tuple[ResolvedEcosystem, EcosystemGraph]:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    comp = compile_source(load(folder, None, ParseCache(None)))
    if comp.resolved is None or not comp.ok:
        errors = [f"{f.code} {f.message}" for f in comp.findings if f.severity == "error"][:3]
        raise SystemExit(f"the shape in {folder} does not compile: {errors}")
    return comp.resolved, build_graph(comp.resolved)


FLOOR = 0.05  # CPU seconds a round lasts at least


def runs_for(first: float, floor: float = FLOOR, most: int = 1000) -> int:
    """How many runs in a row make a round of at least `floor` CPU seconds, when one run
    took `first` (at least 1, at most `most`)."""
    if first <= 0:
        return most
    return max(1, min(most, math.ceil(floor / first)))


def run_once(name: str, resolved: ResolvedEcosystem, graph: EcosystemGraph) -> tuple[float, int]:
    """CPU seconds of one run of the rule alone on a fresh context, and its finding count."""
    ctx = Context(resolved, graph)
    start = time.process_time()
    found = run_rule(RULES[name], ctx, debug=True)
    return time.process_time() - start, len(found)


def time_round(name: str, resolved: ResolvedEcosystem, graph: EcosystemGraph, runs: int) -> float:
    """CPU seconds per run over `runs` runs in a row, each on a fresh context (the contexts
    are made before the timing: building one is not the rule's cost)."""
    contexts = [Context(resolved, graph) for _ in range(runs)]
    rule = RULES[name]
    start = time.process_time()
    for ctx in contexts:
        run_rule(rule, ctx, debug=True)
    return (time.process_time() - start) / runs


def time_rule(
    name: str, resolved: ResolvedEcosystem, graph: EcosystemGraph, repeat: int
) -> tuple[float, int, int]:
    """Best CPU seconds per run of the rule alone (rounds of at least `FLOOR` seconds),
    its finding count and the runs a round made."""
    first, count = run_once(name, resolved, graph)
    runs = runs_for(first)
    best = min(time_round(name, resolved, graph, runs) for _ in range(max(1, repeat)))
    return best, count, runs


def count_calls(name: str, resolved: ResolvedEcosystem, graph: EcosystemGraph) -> int:
    """The Python and C function calls of the rule alone on a fresh context."""
    calls = 0

    def hook(frame: object, event: str, arg: object) -> None:
        nonlocal calls
        if event in ("call", "c_call"):
            calls += 1

    ctx = Context(resolved, graph)
    sys.setprofile(hook)
    try:
        run_rule(RULES[name], ctx, debug=True)
    finally:
        sys.setprofile(None)
    return calls


def shape_rows(
    sizes: tuple[int, int], repeat: int, only: set[str], calls: bool = False
) -> list[Row]:
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="engage-adv-") as tmp, gc_paused():
        for name, shape in SHAPES.items():
            rule = rule_of(name)
            if only and name not in only and rule not in only:
                continue
            row = Row(name, sizes)
            compiled = [_compiled(shape(size), Path(tmp) / f"{name}_{size}") for size in sizes]
            best = [float("inf")] * len(sizes)
            for resolved, graph in compiled:
                first, count = run_once(rule, resolved, graph)
                row.runs.append(runs_for(first))
                row.findings.append(count)
            for _ in range(max(1, repeat)):  # the sizes alternate, round by round
                for i, (resolved, graph) in enumerate(compiled):
                    best[i] = min(best[i], time_round(rule, resolved, graph, row.runs[i]))
            row.seconds = best
            if calls:
                row.calls = [count_calls(rule, resolved, graph) for resolved, graph in compiled]
            del compiled
            rows.append(row)
            print(row.line(), file=sys.stderr, flush=True)
    return rows


CONTROL = "control: a linear loop"


@dataclass(frozen=True)
class _Item:
    source: str
    key: str


def _control_items(n: int) -> tuple[list[_Item], dict[str, int]]:
    items = [_Item(f"crm:Thing_{k}__c.First__c", f"sync_rule.prospect_{k}") for k in range(n)]
    return items, {item.key.partition(".")[2]: k for k, item in enumerate(items)}


def _control(items: list[_Item], index: dict[str, int]) -> dict[str, int]:
    """What a rule does per item, and only that: read an attribute, split a name, look it
    up in a dict, write a dict. The work is exactly linear; its growth is this machine's."""
    out: dict[str, int] = {}
    for item in items:
        out[item.source.partition(".")[0]] = index[item.key.partition(".")[2]]
    return out


def control_row(sizes: tuple[int, int], repeat: int) -> Row:
    """The growth of a loop whose work is exactly linear (`_control`) at the same sizes,
    timed the same way: what the cache and the heap alone add to a rule's growth. Not a
    target: printed beside the rules to read theirs against."""
    row = Row(CONTROL, sizes)
    data = [_control_items(size) for size in sizes]
    runs = []
    for items, index in data:
        start = time.process_time()
        _control(items, index)
        runs.append(runs_for(time.process_time() - start))
    best = [float("inf")] * len(sizes)
    for _ in range(max(1, repeat)):
        for i, (items, index) in enumerate(data):
            start = time.process_time()
            for _ in range(runs[i]):
                _control(items, index)
            best[i] = min(best[i], (time.process_time() - start) / runs[i])
    row.seconds, row.runs, row.findings = best, runs, [0, 0]
    return row


def benchmark_rows(
    sizes: tuple[int, int], repeat: int, only: set[str], calls: bool = False
) -> list[Row]:
    from benchmarks.ecosystems import write

    names = [n for n in sorted(RULES) if not only or n in only]
    rows = {n: Row(n, sizes) for n in names}
    with tempfile.TemporaryDirectory(prefix="engage-adv-") as tmp, gc_paused():
        for size in sizes:
            folder = Path(tmp) / f"eco_{size}"
            write(size, folder)
            resolved, graph = _compiled({}, folder)
            for name in names:
                seconds, count, runs = time_rule(name, resolved, graph, repeat)
                rows[name].seconds.append(seconds)
                rows[name].findings.append(count)
                rows[name].runs.append(runs)
                if calls:
                    rows[name].calls.append(count_calls(name, resolved, graph))
            del resolved, graph
    return list(rows.values())


def print_table(rows: list[Row], title: str) -> None:
    print(f"\n### {title}\n")
    calls = any(row.calls for row in rows)
    print(
        "| rule | sizes | CPU-s a run, alone (runs a round) | findings | growth "
        "| linear (≤ 1.05x size ratio) |" + (" calls, growth |" if calls else "")
    )
    print("|---|---|---|---|---|---|" + ("---|" if calls else ""))
    for row in rows:
        print(row.line())


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs=2, default=[1000, 10000])
    parser.add_argument("--benchmark", type=int, nargs=2, default=None, metavar="SIZE")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--only", nargs="*", default=[])
    parser.add_argument("--json", action="store_true", help="one JSON line of the rows")
    parser.add_argument("--calls", action="store_true", help="also count each rule's calls")
    args = parser.parse_args()
    only = set(args.only)
    if args.benchmark:
        sizes = (args.benchmark[0], args.benchmark[1])
        rows = benchmark_rows(sizes, args.repeat, only, args.calls)
        title = "Every rule alone on the benchmark ecosystems"
    else:
        rows = shape_rows((args.sizes[0], args.sizes[1]), args.repeat, only, args.calls)
        rows.append(control_row((args.sizes[0], args.sizes[1]), args.repeat))
        title = "Rules alone on their adversarial shapes"
    if args.json:
        print(json.dumps([asdict(r) for r in rows]))
    else:
        print_table(rows, title)


if __name__ == "__main__":
    main()

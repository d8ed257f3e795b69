"""Benchmark `engage check` on synthetic ecosystems of 1k, 10k and 100k resources.

    python benchmarks/bench_check.py                 # 1000 10000 100000
    python benchmarks/bench_check.py --sizes 1000 5000

Each size is written as YAML into a temporary folder (one file per 500 brand blocks), then
timed stage by stage: load (parse, no cache), validate (assemble + model + resolve),
graph, rules (+ suppressions). A brand block holds 10 resources (a business unit, two
data extensions, an integration user, two integrations, three sync rules, a matching
rule), so the graph and the rules see realistic fan-out: every block reads the shared
Marketing Cloud Connect objects and writes its own data extensions. Time per resource
should stay flat as the size grows (linear cost).

Like `engage` itself (compiler/cli.py, compiler.pipeline.gc_paused), the stages run with
Python's cyclic garbage collector paused: otherwise its rescans of the growing heap, not
engage's code, dominate the larger sizes and the timings jump with when it happens to run.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from compiler.gcpause import gc_paused
from compiler.graph import build_graph
from compiler.pipeline import compile_source
from compiler.rules import analyze
from compiler.source import ParseCache, load
from compiler.suppress import apply_suppressions

PER_BLOCK = 10
BLOCKS_PER_FILE = 500

HEADER = """apiVersion: engage/v1
ecosystem:
  name: synthetic
  data_model: {subscriber_key: "crm:Contact.Id"}
integration_users:
  mc_connect_user:
    system: crm
    permissions:
      Contact:
        object: [read]
        fields: {Email: read, FirstName: read, HasOptedOutOfEmail: read}
integrations:
  mc_connect:
    type: marketing_cloud_connect
    from: crm
    to: mc
    user: mc_connect_user
    schedule: {every: 15m}
    marketing_cloud_connect:
      objects: {Contact: [Email, FirstName, HasOptedOutOfEmail]}
  mc_queries: {type: query, from: mc, to: mc, schedule: {every: 1h}}
objects:
  shop.Order:
    fields:
      Order_Id: {type: text, length: 20, external_id: true}
      Customer_Id: {type: text, length: 18}
      Amount: {type: currency, precision: 12, scale: 2}
consent:
  channels:
    email:
      system_of_record: crm
      storage:
        crm: {object: Contact, field: HasOptedOutOfEmail, polarity: opt_out}
        mc: {object: list_0, field: OptedOut, polarity: opt_out}
"""


def systems(blocks: int) -> str:
    units = "".join(f"      bu_{k}: {{mid: {100000 + k}}}\n" for k in range(blocks))
    return (
        "apiVersion: engage/v1\nsystems:\n"
        "  crm: {type: salesforce, region: eu, personal_data: personal}\n"
        "  shop: {type: external, category: ecommerce, region: eu, personal_data: personal}\n"
        "  mc:\n    type: marketing_cloud\n    region: eu\n    personal_data: personal\n"
        "    channels: [email]\n    business_units:\n" + units
    )


def block(k: int) -> dict[str, str]:
    """One brand's resources, by section."""
    return {
        "business_units": f"""  bu_{k}:
    brand: Brand {k}
    segment: b2c
    crm: {{system: crm}}
    marketing_cloud: {{system: mc, business_unit: bu_{k}}}
    sending_domains: [mail.brand{k}.example]
""",
        "data_extensions": f"""  list_{k}:
    business_unit: bu_{k}
    sendable: {{field: SubscriberKey}}
    fields:
      SubscriberKey: {{type: Text, length: 18, primary_key: true}}
      EmailAddress: {{type: EmailAddress, length: 254, personal_data: personal}}
      FirstName: {{type: Text, length: 40, personal_data: personal}}
      OptedOut: {{type: Boolean}}
  orders_{k}:
    business_unit: bu_{k}
    fields:
      OrderId: {{type: Text, length: 20, primary_key: true}}
      CustomerId: {{type: Text, length: 18}}
      Amount: {{type: Decimal, precision: 12, scale: 2}}
""",
        "integration_users": f"""  shop_user_{k}:
    system: crm
    permissions:
      Contact: {{object: [read], fields: {{Email: read}}}}
""",
        "integrations": f"""  shop_feed_{k}:
    {{type: api, from: shop, to: mc, schedule: {{every: 1h}}}}
  crm_export_{k}:
    {{type: custom, from: crm, to: shop, user: shop_user_{k}, schedule: {{every: 1d}}}}
""",
        "sync_rules": f"""  list_{k}:
    integration: mc_queries
    source: mc.Contact_Salesforce
    target: mc.list_{k}
    business_unit: bu_{k}
    match: {{source: Id, target: SubscriberKey}}
    fields:
      {{SubscriberKey: Id, EmailAddress: Email, FirstName: FirstName, OptedOut: HasOptedOutOfEmail}}
  orders_{k}:
    integration: shop_feed_{k}
    source: shop.Order
    target: mc.orders_{k}
    business_unit: bu_{k}
    match: {{source: Order_Id, target: OrderId}}
    fields: {{OrderId: Order_Id, CustomerId: Customer_Id, Amount: Amount}}
  export_{k}:
    integration: crm_export_{k}
    source: crm.Contact
    target: shop.Order
    mode: update
    match: {{source: Email, target: Customer_Id}}
    fields: {{Customer_Id: Email}}
""",
        "matching_rules": f"""  email_{k}:
    system: crm
    object: Contact
    items: [{{field: Email}}]
""",
    }


def files(blocks: int) -> Iterator[tuple[str, str]]:
    yield "00_header.yaml", HEADER
    yield "01_systems.yaml", systems(blocks)
    for start in range(0, blocks, BLOCKS_PER_FILE):
        parts: dict[str, list[str]] = {}
        for k in range(start, min(blocks, start + BLOCKS_PER_FILE)):
            for section, text in block(k).items():
                parts.setdefault(section, []).append(text)
        body = "".join(f"{s}:\n{''.join(t)}" for s, t in parts.items())
        yield f"blocks_{start // BLOCKS_PER_FILE:04d}.yaml", "apiVersion: engage/v1\n" + body


def timed(label: str, times: dict[str, float], func, *args):  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    out = func(*args)
    times[label] = time.perf_counter() - start
    return out


def run(size: int, folder: Path) -> tuple[int, int, dict[str, float]]:
    blocks = max(1, size // PER_BLOCK)
    for name, text in files(blocks):
        (folder / name).write_text(text, encoding="utf-8")
    times: dict[str, float] = {}
    source = timed("load", times, load, folder, None, ParseCache(None))
    comp = timed("validate", times, compile_source, source)
    assert comp.ok and comp.resolved is not None, comp.findings[:5]
    graph = timed("graph", times, build_graph, comp.resolved)
    found = timed("rules", times, analyze, comp.resolved, graph)
    timed("suppress", times, apply_suppressions, comp.resolved, found)
    return len(comp.resolved.addresses), len(found), times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 100000])
    args = parser.parse_args()
    print(
        f"{'resources':>10} {'findings':>9} {'load':>8} {'validate':>9} {'graph':>7} "
        f"{'rules':>7} {'total':>8} {'ms/1k res':>10}"
    )
    for size in args.sizes:
        with tempfile.TemporaryDirectory() as tmp, gc_paused():
            count, findings, t = run(size, Path(tmp))
        total = sum(t.values())
        print(
            f"{count:>10} {findings:>9} {t['load']:>7.2f}s {t['validate']:>8.2f}s "
            f"{t['graph']:>6.2f}s {t['rules'] + t['suppress']:>6.2f}s {total:>7.2f}s "
            f"{1000 * total / count * 1000:>9.1f}",
            flush=True,
        )


if __name__ == "__main__":
    main()

"""The benchmark ecosystems: synthetic, valid, realistic in shape, any size.

A brand block holds 10 resources (a business unit, two data extensions, an integration
user, two integrations, three sync rules, a matching rule), the shapes of
`bench_check.py`: every block reads the shared Marketing Cloud Connect objects and writes
its own data extensions, so the graph and the rules see realistic fan-out. Blocks are
written 10 to a file (100 resources per file), so 10,000 resources are 100 files and a
warm re-check "after editing 1 of 100 files" has a meaning. One file of `systems`
(`systems_only`) measures memory per Salesforce system, against external systems and
data extensions.

The blocks' exports all write the shared `shop.Order.Customer_Id`, so `check` reports
conflict errors on them by design (E3001/E3005). A governance policy over the sync rules
(`GOVERNANCE`) lets `plan --allow-conflicts` accept them, so the benchmark times a real
plan, not its refusal ("no governance policy covers the conflicting resources"); its
`signatures: optional` lets the benchmark apply that plan with one unsigned approval, to
time a one-change plan against the state of an applied plan.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from benchmarks.bench_check import HEADER, block, systems

PER_BLOCK = 10
BLOCKS_PER_FILE = 10
GOVERNANCE = """governance:
  groups:
    integration_owners:
      description: Who approves the sync rules and their conflicts.
      members: [bench_owner, bench_deputy]
  policies:
    sync_rules:
      description: Every sync rule, and any conflict on one, is approved by its owners.
      when:
        kinds: [sync_rule]
      require:
        - group: integration_owners
      signatures: optional
"""


def files(resources: int) -> Iterator[tuple[str, str]]:
    """(file name, text) of an ecosystem of about `resources` resources."""
    blocks = max(1, resources // PER_BLOCK)
    yield "00_header.yaml", HEADER + GOVERNANCE
    yield "01_systems.yaml", systems(blocks)
    for start in range(0, blocks, BLOCKS_PER_FILE):
        parts: dict[str, list[str]] = {}
        for k in range(start, min(blocks, start + BLOCKS_PER_FILE)):
            for section, text in block(k).items():
                parts.setdefault(section, []).append(text)
        body = "".join(f"{s}:\n{''.join(t)}" for s, t in parts.items())
        yield f"blocks_{start // BLOCKS_PER_FILE:05d}.yaml", "apiVersion: engage/v1\n" + body


def write(resources: int, folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in files(resources):
        path = folder / name
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


def systems_only(count: int, kind: str) -> str:
    """One file of `count` systems of one type (salesforce or external), nothing else; or
    (kind data_extension) of `count` data extensions of one field in one business unit."""
    lines = [
        "apiVersion: engage/v1",
        "ecosystem: {name: systems}",
        "systems:",
    ]
    if kind == "data_extension":
        lines += [
            "  mc: {type: marketing_cloud, region: eu, business_units: {bu: {mid: 100001}}}",
            "business_units:",
            "  bu: {brand: B, segment: b2c, marketing_cloud: {system: mc, business_unit: bu}}",
            "data_extensions:",
        ]
        lines += [
            f"  de_{i}: {{business_unit: bu, fields: "
            "{Key: {type: Text, length: 18, primary_key: true}}}"
            for i in range(count)
        ]
    elif kind == "salesforce":
        lines += [f"  sys_{i}: {{type: salesforce, region: eu}}" for i in range(count)]
    else:
        lines += [
            f"  sys_{i}: {{type: external, category: ecommerce, region: eu}}" for i in range(count)
        ]
    return "\n".join(lines) + "\n"

"""Benchmark `engage validate` against ruamel.yaml alone on synthetic ecosystems.

    python benchmarks/bench_validate.py                    # 1000 10000 50000 resources
    python benchmarks/bench_validate.py --sizes 1000 --keep /tmp/eco

For each size, a valid ecosystem is written into a temporary folder: shared systems and
business units, then resources in files of 100 (a third each: data extensions with six
fields, custom CRM objects with five fields, sync rules mapping four fields), plus two
environment overlays. Then, on the same files:

- C events: the raw libyaml event stream (`CParser.get_event()` to the end), the floor
  any YAML loader pays;
- ruamel compose: `YAML(typ="safe").compose_all()`, the node graph ruamel.yaml builds
  (C-accelerated), which is what "ruamel.yaml alone" takes before any checking;
- engage load, cold / warm: the load stage (values + span index) with an empty parse
  cache, then with the cache filled by the cold run;
- compile in-process, warm: what `engage validate` computes (load, assemble, model,
  resolve, for the base and each of the two environments), in this process, warm cache;
- process start: `engage --version`, the cost of starting Python and importing the CLI;
- engage validate, cold / warm: the whole command in a fresh process, with an empty
  cache directory, then again with the filled one.

Times are wall-clock seconds, best of --repeat runs (the cold runs get a fresh cache
directory each time). Results vary with the machine; compare the ratios.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from ruamel.yaml import YAML
from ruamel.yaml import events as ev

from compiler.pipeline import compile_path
from compiler.source import ParseCache, ecosystem_files, load

try:
    from _ruamel_yaml import CParser
except ImportError:  # pragma: no cover
    sys.exit("ruamel.yaml.clib is not installed: the C parser is what this benchmark measures")

PER_FILE = 100
UNITS = 20

HEADER = """apiVersion: engage/v1
ecosystem:
  name: synthetic
  environments:
    sandbox: {}
    production: {production: true}
systems:
  crm: {type: salesforce, region: eu, personal_data: personal}
  shop: {type: external, category: ecommerce, region: eu, personal_data: personal}
  mc:
    type: marketing_cloud
    region: eu
    personal_data: personal
    business_units:
"""


def header() -> str:
    units = "".join(f"      bu{u}: {{mid: {100000000 + u}}}\n" for u in range(UNITS))
    brands = "".join(
        f"  brand{u}:\n    brand: Brand {u}\n    segment: b2c\n"
        f"    marketing_cloud: {{system: mc, business_unit: bu{u}}}\n"
        for u in range(UNITS)
    )
    shared = (
        "objects:\n  shop.Customer:\n    fields:\n"
        "      customer_no: {type: text, length: 20, external_id: true}\n"
        "      email: {type: email, length: 254, personal_data: personal}\n"
        "      first_name: {type: text, length: 40, personal_data: personal}\n"
        "      tier: {type: text, length: 10}\n"
        "integrations:\n  shop_to_mc: {type: api, from: shop, to: mc, schedule: {every: 1h}}\n"
    )
    return HEADER + units + "business_units:\n" + brands + shared


def data_extension(i: int) -> str:
    return (
        f"  de{i}:\n    business_unit: brand{i % UNITS}\n    description: Audience {i}\n"
        "    fields:\n"
        "      SubscriberKey: {type: Text, length: 20, primary_key: true}\n"
        "      EmailAddress: {type: EmailAddress, length: 254, personal_data: personal}\n"
        "      FirstName: {type: Text, length: 40}\n"
        "      Tier: {type: Text, length: 10}\n"
        "      Points: {type: Number}\n"
        "      Joined: {type: Date}\n"
        "    sendable: {field: SubscriberKey}\n"
    )


def crm_object(i: int) -> str:
    return (
        f"  crm.Custom{i}__c:\n    label: Custom object {i}\n    fields:\n"
        "      Name__c: {type: text, length: 80}\n"
        "      Email__c: {type: email, length: 80, personal_data: personal}\n"
        "      Status__c: {type: picklist, values: [New, Active, Closed]}\n"
        "      Amount__c: {type: currency, precision: 12, scale: 2}\n"
        "      Since__c: {type: date}\n"
    )


def sync_rule(i: int, de: int) -> str:
    return (
        f"  sync{i}:\n    integration: shop_to_mc\n    source: shop.Customer\n"
        f"    target: mc.de{de}\n    match: {{source: customer_no, target: SubscriberKey}}\n"
        "    fields:\n      SubscriberKey: customer_no\n"
        "      EmailAddress: {from: email, transform: [trim, lower]}\n"
        "      FirstName: first_name\n      Tier: tier\n"
    )


def chunk(kind: int, first: int, count: int) -> str:
    section, make = [
        ("data_extensions", data_extension),
        ("objects", crm_object),
        ("sync_rules", lambda i: sync_rule(i, i)),
    ][kind]
    body = "".join(make(i) for i in range(first, first + count))
    return f"apiVersion: engage/v1\n{section}:\n{body}"


def write_ecosystem(root: Path, resources: int) -> int:
    """Write about `resources` resources (plus the shared ones); return the file count."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "00_shared.yaml").write_text(header())
    per_kind = max(1, resources // 3)
    files = 1
    for kind in range(3):
        for first in range(0, per_kind, PER_FILE):
            name = root / f"k{kind}" / f"part{first // PER_FILE:05d}.yaml"
            name.parent.mkdir(exist_ok=True)
            name.write_text(chunk(kind, first, min(PER_FILE, per_kind - first)))
            files += 1
    for env, mid in (("sandbox", 900000000), ("production", 100000000)):
        overlay = (
            f"apiVersion: engage/v1\nenvironment: {env}\nsystems:\n  mc:\n"
            f"    business_units:\n      bu0: {{mid: {mid}}}\n"
        )
        (root / f"zz_{env}.yaml").write_text(overlay)
        files += 1
    return files


# ----------------------------------------------------------------------------- timers


def best(runs: int, func: Callable[[], object], setup: Callable[[], None] | None = None) -> float:
    times = []
    for _ in range(runs):
        if setup:
            setup()
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return min(times)


def texts(root: Path) -> list[str]:
    return [p.read_text(encoding="utf-8") for p in ecosystem_files(root)]


def c_events(root: Path) -> None:
    end = ev.StreamEndEvent
    for text in texts(root):
        parser = CParser(text)
        while type(parser.get_event()) is not end:
            pass


def ruamel_compose(root: Path) -> None:
    yaml = YAML(typ="safe")
    for text in texts(root):
        for _ in yaml.compose_all(text):
            pass


def engage_command(*args: str) -> list[str]:
    found = shutil.which("engage")
    return [found, *args] if found else [sys.executable, "-m", "compiler.cli", *args]


def engage_validate(root: Path, cache: Path) -> None:
    env = {**os.environ, "ENGAGE_CACHE_DIR": str(cache), "NO_COLOR": "1"}
    cmd = engage_command("validate", str(root))
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        sys.exit(f"the synthetic ecosystem does not validate:\n{done.stdout[-3000:]}")


def measure(root: Path, runs: int, scratch: Path) -> dict[str, float]:
    cache = scratch / "cache"

    def fresh() -> None:
        shutil.rmtree(cache, ignore_errors=True)

    results = {
        "C events": best(runs, lambda: c_events(root)),
        "ruamel compose": best(runs, lambda: ruamel_compose(root)),
        "engage load, cold": best(runs, lambda: load(root, cache=ParseCache(None))),
    }
    fresh()
    load(root, cache=ParseCache(cache / "yaml"))
    results["engage load, warm"] = best(runs, lambda: load(root, cache=ParseCache(cache / "yaml")))
    results["compile in-process, warm"] = best(runs, lambda: compile_warm(root, cache))
    results["process start"] = best(runs, start_only)
    results["engage validate, cold"] = best(runs, lambda: engage_validate(root, cache), fresh)
    results["engage validate, warm"] = best(runs, lambda: engage_validate(root, cache))
    return results


def compile_warm(root: Path, cache: Path) -> None:
    """What `engage validate` computes, without the process start and the rendering."""
    comp = compile_path(root, all_environments=True, cache=ParseCache(cache / "yaml"))
    assert comp.ok, comp.findings[:3]


def start_only() -> None:
    """`engage --version`: the cost of starting the process and importing the CLI."""
    subprocess.run(engage_command("--version"), capture_output=True, check=True)


def report(rows: list[tuple[int, int, int, dict[str, float]]]) -> str:
    names = list(rows[0][3])
    lines = [
        "| resources | files | MB | " + " | ".join(names) + " |",
        "|---:|---:|---:|" + "---:|" * len(names),
    ]
    for resources, files, size, result in rows:
        cells = " | ".join(f"{result[n]:.3f}" for n in names)
        lines.append(f"| {resources:,} | {files:,} | {size / 1e6:.1f} | {cells} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 50000])
    parser.add_argument("--repeat", type=int, default=3, help="runs per measure (best kept)")
    parser.add_argument("--keep", type=Path, help="write the ecosystems here and keep them")
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        base = args.keep or Path(tmp)
        for size in args.sizes:
            root = base / f"eco{size}"
            shutil.rmtree(root, ignore_errors=True)
            files = write_ecosystem(root, size)
            nbytes = sum(p.stat().st_size for p in ecosystem_files(root))
            print(f"{size:,} resources: {files} files, {nbytes / 1e6:.1f} MB", file=sys.stderr)
            rows.append((size, files, nbytes, measure(root, args.repeat, Path(tmp) / "s")))
    print(report(rows))


if __name__ == "__main__":
    main()

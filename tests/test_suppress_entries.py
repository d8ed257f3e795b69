"""`suppress.entries`: every resource's suppressions, by address in sorted order, whatever
the order the resources are written or declared in (it sorts only the addresses that carry
suppressions, issue 11)."""

from __future__ import annotations

from pathlib import Path

from test_rules_fixtures import check_case

from compiler.pipeline import compile_source
from compiler.resolved import ResolvedEcosystem
from compiler.source import ParseCache, load
from compiler.suppress import Entry, _applies, entries


def _resolved(eco: Path) -> ResolvedEcosystem:
    comp = compile_source(load(eco, None, ParseCache(None)))
    assert comp.resolved is not None
    return comp.resolved


def _every_address(resolved: ResolvedEcosystem) -> dict[str, list[Entry]]:
    """The table as the whole sorted address list gives it (entries before issue 11)."""
    out: dict[str, list[Entry]] = {}
    for address, path in sorted(resolved.addresses.items()):
        if len(path) != 2:
            continue
        resource = getattr(resolved.ecosystem, str(path[0]), {}).get(path[1])
        items = getattr(resource, "suppress", [])
        if items:
            out[address] = [
                Entry(address, i, s, (*path, "suppress", i), _applies(s, str(path[1])))
                for i, s in enumerate(items)
            ]
    return out


def _suppress(eco: Path, file: str, marker: str, codes: list[str]) -> None:
    items = "".join(f"      - {{code: {c}, reason: accepted}}\n" for c in codes)
    text = (eco / file).read_text(encoding="utf-8")
    assert marker in text
    (eco / file).write_text(text.replace(marker, marker + "    suppress:\n" + items, 1), "utf-8")


def test_entries_are_sorted_by_address_and_hold_each_item(tmp_path: Path) -> None:
    check_case(tmp_path, "_base")
    eco = tmp_path / "eco"
    # written systems, sync rules, business units: none in the addresses' sorted order
    _suppress(eco, "systems.yaml", "    personal_data: personal\n", ["W9001"])
    _suppress(eco, "sync.yaml", "    business_unit: retail\n", ["E8003", "E8004"])
    _suppress(eco, "units.yaml", "    segment: b2c\n", ["W9001"])
    resolved = _resolved(eco)
    table = entries(resolved)
    assert list(table) == sorted(table)
    assert table == _every_address(resolved)
    assert len(table) == 3
    by_codes = {a: [(e.index, e.suppress.code, e.path) for e in es] for a, es in table.items()}
    (rule,) = [a for a in by_codes if a.startswith("sync_rule.")]
    assert by_codes[rule] == [
        (0, "E8003", ("sync_rules", "contacts_to_newsletter", "suppress", 0)),
        (1, "E8004", ("sync_rules", "contacts_to_newsletter", "suppress", 1)),
    ]


def test_no_suppressions_no_entries(tmp_path: Path) -> None:
    check_case(tmp_path, "_base")
    resolved = _resolved(tmp_path / "eco")
    assert entries(resolved) == {} == _every_address(resolved)

"""Generation honours the YAML's suppressions, as `engage check` does."""

from __future__ import annotations

from pathlib import Path

from compiler.emit.generate import generate
from compiler.pipeline import compile_path

EXAMPLE = Path(__file__).resolve().parent.parent / "ecosystem"


def test_a_generation_finding_suppressed_next_to_its_resource_is_shown_as_suppressed(
    tmp_path: Path,
) -> None:
    comp = compile_path(EXAMPLE, "production")
    assert comp.ok and comp.resolved is not None
    result = generate(comp.resolved, tmp_path / "out")
    sms = [f for f in result.findings if f.address == "sync_rule.sms_audience_build"]
    assert [f.code for f in sms] == ["W6802"]
    assert sms[0].suppressed is not None
    assert "MobileConnect" in sms[0].suppressed.reason
    assert [f for f in result.findings if f.suppressed is None] == []


def test_an_unsuppressed_generation_finding_stays_active(tmp_path: Path) -> None:
    root = tmp_path / "eco"
    for src in EXAMPLE.rglob("*"):
        if src.is_file():
            dest = root / src.relative_to(EXAMPLE)
            dest.parent.mkdir(parents=True, exist_ok=True)
            dest.write_bytes(src.read_bytes())
    rules = root / "sync" / "marketing_cloud.yaml"
    text = rules.read_text(encoding="utf-8")
    start = text.index("    suppress:\n      - code: W6802")
    end = text.index("    fields:", start)
    rules.write_text(text[:start] + text[end:], encoding="utf-8")
    comp = compile_path(root, "production")
    assert comp.ok and comp.resolved is not None
    result = generate(comp.resolved, tmp_path / "out")
    active = [(f.code, f.address) for f in result.findings if f.suppressed is None]
    assert active == [("W6802", "sync_rule.sms_audience_build")]

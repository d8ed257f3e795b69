"""The committee's review page (`engage show PLAN --format html`), in a real browser.

Headless Chromium (the Debian package, installed by .ci/run) loads the page of the example
plan with the network closed; the test asserts on the rendered DOM (summary, risks first,
diagram drawn, approvals and commands), that nothing was fetched and nothing was logged to
the console, that text contrast passes WCAG AA, and that the page reads the same with
JavaScript disabled. The screenshot is kept at the path the test prints (a CI artifact).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from browser import Chromium, chromium_path
from conftest import RunEngage

REPO = Path(__file__).resolve().parent.parent
ARTIFACTS = Path(os.environ.get("ENGAGE_ARTIFACTS", REPO / "build" / "test-artifacts"))

# Contrast of every element's own text against the first opaque background behind it.
CONTRAST_JS = r"""
(() => {
  const rgb = s => (s.match(/[\d.]+/g) || []).map(Number);
  const lum = ([r, g, b]) => {
    const f = c => { c /= 255; return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  const background = el => {
    for (; el; el = el.parentElement) {
      const c = rgb(getComputedStyle(el).backgroundColor);
      if (c.length === 3 || c[3] > 0) return c.slice(0, 3);
    }
    return [255, 255, 255];
  };
  const worst = [];
  for (const el of document.querySelectorAll('body *')) {
    const own = [...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
    if (!own || el.closest('svg')) continue;
    const a = lum(rgb(getComputedStyle(el).color)), b = lum(background(el));
    const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    if (ratio < 4.5) worst.push([el.tagName, el.textContent.slice(0, 40), ratio.toFixed(2)]);
  }
  return worst;
})()
"""

DOM_JS = r"""
(() => {
  const svg = document.querySelector('#diagram + figure svg');
  const box = svg ? svg.getBoundingClientRect() : {width: 0, height: 0};
  return {
    title: document.title,
    h1: document.querySelector('h1').textContent,
    headings: [...document.querySelectorAll('h2')].map(h => h.textContent),
    summary: document.querySelector('#summary').innerText,
    firstRisk: document.querySelector('section.risk h3').textContent,
    systems: [...document.querySelectorAll('svg g.system')].map(g => g.dataset.system),
    arrows: document.querySelectorAll('svg path[marker-end]').length,
    diagram: [Math.round(box.width), Math.round(box.height)],
    commands: [...document.querySelectorAll('kbd')].map(k => k.textContent),
    signatures: [...document.querySelectorAll('.badge')].map(b => b.textContent),
    scripts: document.scripts.length,
    fetched: performance.getEntriesByType('resource').map(r => r.name),
  };
})()
"""


@pytest.fixture
def browser() -> Iterator[Chromium]:
    binary = chromium_path()
    if binary is None:  # .ci/run installs it; only a machine without apt lacks it
        pytest.skip("chromium is not installed (apt-get install chromium)")
    with tempfile.TemporaryDirectory(prefix="engage-chromium-") as profile:
        chromium = Chromium(binary, Path(profile))
        try:
            yield chromium
        finally:
            chromium.close()


def _review_page(engage: RunEngage) -> Path:
    shutil.copytree(REPO / "ecosystem", "ecosystem")
    plan = "plans/production.plan.json"
    assert engage("plan", "ecosystem", "--env", "production", "--out", plan).code == 2
    approved = engage(
        "approve", plan, "--as", "elena_vidal", "--comment", "retail is fine", "--unsigned"
    )
    assert approved.code == 0, approved.err
    shown = engage("show", plan, "--format", "html", "--out", "review.html")
    assert shown.code == 0, shown.err
    return Path("review.html").resolve()


def test_the_review_page_renders_in_chromium(engage: RunEngage, browser: Chromium) -> None:
    page_file = _review_page(engage)
    page = browser.open(page_file.as_uri())
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    shot = ARTIFACTS / "review-page.png"
    width, height = browser.screenshot(shot)
    print(f"\nscreenshot of the review page: {shot} ({width}x{height})")
    assert shot.stat().st_size > 50_000 and height > 2000

    dom = browser.evaluate(DOM_JS)
    assert dom["h1"] == "Review: Solvis Group, production"
    assert dom["headings"][:4] == [
        "In short",
        "On this page",
        "What changes, cloud by cloud",
        "Risky changes, the most serious first",
    ]
    # the one approval given is unsigned, and the policies require signatures: all 7 still due
    assert "Still needed before it can be applied: 7 approvals." in dom["summary"]
    assert "120 things added" in dom["summary"]
    assert dom["firstRisk"].startswith("Consent:")  # risky changes ordered by seriousness
    assert dom["systems"] == [
        "crm", "csv_drop", "ecommerce", "erp", "interaction",
        "mc", "meta_ads", "mulesoft", "pardot", "social", "talkdesk",
    ]  # fmt: skip
    assert dom["arrows"] == 11 and dom["diagram"][0] > 600 and dom["diagram"][1] > 300
    assert "engage approve plans/production.plan.json --as lucia_ferrer" in dom["commands"]
    assert not any("--as elena_vidal" in c for c in dom["commands"])  # she has approved
    assert dom["signatures"] == ["unsigned (not verified)"]  # elena approved --unsigned
    assert dom["scripts"] == 0 and dom["fetched"] == []
    assert page.console == [] and page.exceptions == []
    assert [e for e in page.log if e.get("level") in ("error", "warning")] == []
    assert browser.evaluate(CONTRAST_JS) == []


def test_the_page_reads_without_javascript(engage: RunEngage, browser: Chromium) -> None:
    page_file = _review_page(engage)
    browser.open("about:blank")
    browser.call("Emulation.setScriptExecutionDisabled", value=True)
    browser.call("Page.navigate", url=page_file.as_uri())
    browser.wait_for("Page.loadEventFired")
    # with scripts off, read the DOM through the protocol, not through page script
    root = browser.call("DOM.getDocument", depth=-1)["root"]["nodeId"]
    summary = browser.call("DOM.querySelector", nodeId=root, selector="#summary")["nodeId"]
    text = browser.call("DOM.getOuterHTML", nodeId=summary)["outerHTML"]
    assert "Still needed before it can be applied" in text
    node = browser.call("DOM.querySelector", nodeId=root, selector="svg g.system")["nodeId"]
    assert node != 0


def test_crafted_names_cannot_inject_markup() -> None:
    from compiler.plan.definition import Change, Plan, SourceRef, StateRef, Summary
    from compiler.plan.planfile import seal
    from compiler.render.plan_html import render_html

    evil = '<script>alert(1)</script>"><img src=x onerror=alert(2)>'
    plan = seal(
        Plan(
            engage_version="0",
            ecosystem=evil,
            environment=evil,
            source=SourceRef(path="eco", digest="x"),
            state=StateRef(location="s.json", lineage=None, serial=0),
            summary=Summary(add=1),
            changes=[
                Change(
                    address=f"data_extension.{evil}",
                    kind="data_extension",
                    action="create",
                    risks=["personal_data"],
                    notes=[evil],
                )
            ],
        )
    )
    page = render_html(plan, plan_path=evil)
    assert "<script" not in page and "<img" not in page
    assert "&lt;script&gt;" in page

"""The review page shows each approval's verification verdict, as `engage show` and
`engage apply` judge it: verified against the keys the ecosystem declares, refused (and
then not counted, and the member asked again), or unsigned. Parsed with lxml's HTML parser;
the browser test (test_review_page.py) renders the example's page.
"""

from __future__ import annotations

from pathlib import Path

from conftest import RunEngage
from lxml import html
from test_plan_support import (
    in_own_folder,  # noqa: F401 (autouse fixture)
    key_of,
    signer_of,
    workspace,
)

from compiler.plan.approvals import add_approval
from compiler.plan.planfile import load_plan

PLAN = "plans/p.plan.json"


def _page(engage: RunEngage) -> html.HtmlElement:
    shown = engage("show", PLAN, "--format", "html", "--out", "review.html")
    assert shown.code == 0, shown.err
    return html.fromstring(Path("review.html").read_bytes())


def _badges(page: html.HtmlElement) -> list[str]:
    return [
        " ".join(td.text_content().split())
        for td in page.xpath("//td[span[contains(@class, 'badge')]]")
    ]


def _planned(engage: RunEngage) -> None:
    workspace()
    assert engage("plan", "--out", PLAN).code == 2
    assert load_plan(Path(PLAN)).required_approvals, "the fixture's first plan needs the dpo"


def test_a_verified_signature_says_so_and_counts(engage: RunEngage) -> None:
    _planned(engage)
    assert engage("approve", PLAN, "--as", "dpo", "--key", key_of("dpo")).code == 0
    page = _page(engage)
    (badge,) = _badges(page)
    assert badge.startswith("✓ signature verified SHA256:"), badge
    summary = page.get_element_by_id("summary").text_content()
    assert "Every approval this plan needs has been given." in summary
    assert not page.xpath("//*[@id='how-to-approve']")


def test_a_signature_by_another_key_is_refused_and_not_counted(engage: RunEngage) -> None:
    """A record in dpo's name signed with mallory's key (not declared for dpo): `missing`
    alone would count it, since it carries a signature; the verdict does not."""
    _planned(engage)
    add_approval(load_plan(Path(PLAN)), Path(PLAN), "dpo", "", signer_of("mallory"))
    page = _page(engage)
    (badge,) = _badges(page)
    assert badge.startswith("✗ refused"), badge
    summary = page.get_element_by_id("summary").text_content()
    assert "Still needed before it can be applied: 1 approval." in summary
    commands = [k.text_content() for k in page.xpath("//kbd")]
    assert f"engage approve {PLAN} --as dpo" in commands  # asked again


def test_without_the_sources_a_signed_approval_is_shown_as_not_verified(
    engage: RunEngage,
) -> None:
    _planned(engage)
    assert engage("approve", PLAN, "--as", "dpo", "--key", key_of("dpo")).code == 0
    Path("ecosystem/data.yaml").write_text(
        Path("ecosystem/data.yaml").read_text(encoding="utf-8").replace("Newsletter", "News"),
        encoding="utf-8",
    )
    (badge,) = _badges(_page(engage))
    assert badge.startswith("signed, not verified"), badge
    assert "not the ones this plan was made from" in badge


def test_an_unsigned_approval_says_it_is_not_verified(engage: RunEngage) -> None:
    _planned(engage)
    assert engage("approve", PLAN, "--as", "dpo", "--unsigned").code == 0
    page = _page(engage)
    assert _badges(page) == ["unsigned (not verified)"]
    summary = page.get_element_by_id("summary").text_content()
    assert "Still needed before it can be applied: 1 approval." in summary  # required

"""The docs: generated parts current, every key and code documented, examples and links true.

Regenerate with `engage docs` (and `engage schema --out schemas/engage-v1.schema.json`).
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from conftest import LANGUAGE_FIXTURES, RunEngage

from compiler.diagnostics import REGISTRY
from compiler.docsgen import (
    BEGIN,
    END,
    Example,
    all_models,
    import_everything,
    language_reference,
    load_examples,
    out_of_date,
    replace_generated,
)

REPO = Path(__file__).resolve().parent.parent
DOCS = REPO / "docs"
EXAMPLES = LANGUAGE_FIXTURES / "examples"
HAND_WRITTEN = ["getting-started.md", "language.md", "editor.md"]


@pytest.fixture(scope="module")
def examples() -> dict[str, Example]:
    return load_examples(EXAMPLES)


def test_generated_docs_are_current(examples: dict[str, Example]) -> None:
    stale = out_of_date(DOCS, examples)
    assert stale == [], "generated docs are out of date: run `engage docs`"


def test_every_finding_code_has_a_page_and_an_index_entry() -> None:
    import_everything()
    index = (DOCS / "rules" / "README.md").read_text(encoding="utf-8")
    for info in REGISTRY:
        page = (DOCS / "rules" / f"{info.code}.md").read_text(encoding="utf-8")
        assert page.startswith(f"# {info.code}: {info.title}\n")
        assert info.rationale in page and info.hint in page
        assert f"[{info.code}]({info.code}.md)" in index


def test_every_key_of_every_model_is_in_the_language_reference() -> None:
    text = (DOCS / "language.md").read_text(encoding="utf-8")
    sections = {s.split("\n", 1)[0]: s for s in text.split("\n### ")[1:]}
    for model in all_models():
        # a key is documented on the model, or once on the ancestor that declares it
        documented = [sections[c.__name__] for c in model.__mro__ if c.__name__ in sections]
        assert documented and documented[0] is sections[model.__name__]
        for name, info in model.model_fields.items():
            row = f"| `{info.alias or name}` |"
            assert any(row in section for section in documented), (model.__name__, row)


def test_inherited_keys_are_documented_once_on_the_base() -> None:
    reference = language_reference()
    assert reference.count("| `for_each` |") == 1
    assert reference.count("| `suppress` |") == 1
    assert "Also takes every key of [Resource](#resource)." in reference


def test_loader_schema_and_reference_codes_have_a_working_example(
    examples: dict[str, Example],
) -> None:
    import_everything()
    # W0100 comes from `engage fmt`, not from loading: its example is tests/test_fmt.py's.
    # E0008 and E0009 need over a million resources or four million values at the default
    # limits: tests/test_loader_limits.py shows them with lowered limits
    mine = {info.code for info in REGISTRY if info.code[1] in "012"} - {"W0100", "E0008", "E0009"}
    assert mine <= set(examples), sorted(mine - set(examples))
    page = (DOCS / "rules" / "E2010.md").read_text(encoding="utf-8")
    assert "error[E2010] integration user 'mc_conector' is not declared" in page
    assert "--> integrations.yaml:13:11" in page


def test_an_example_that_does_not_produce_its_code_is_refused(tmp_path: Path) -> None:
    (tmp_path / "E1001").mkdir()
    (tmp_path / "E1001" / "ok.yaml").write_text("apiVersion: engage/v1\necosystem: {name: x}\n")
    with pytest.raises(ValueError, match="does not produce E1001"):
        load_examples(tmp_path)


def test_replace_generated_keeps_the_hand_written_parts() -> None:
    text = f"# Title\n\nprose\n\n{BEGIN}\nold\n{END}\n\nafter\n"
    new = replace_generated(text, "NEW")
    assert new == f"# Title\n\nprose\n\n{BEGIN}\n\nNEW\n\n{END}\n\nafter\n"
    assert replace_generated(new, "NEW") == new
    assert replace_generated("# Only prose\n", "X") == f"# Only prose\n\n{BEGIN}\n\nX\n\n{END}\n"


def test_engage_docs_check_and_write(tmp_path: Path, engage: RunEngage) -> None:
    docs = tmp_path / "docs"
    shutil.copytree(DOCS, docs)
    assert engage("docs", "--out", str(docs), "--examples", str(EXAMPLES)).code == 0
    assert engage("docs", "--out", str(docs), "--examples", str(EXAMPLES), "--check").code == 0
    fresh = (docs / "rules" / "E0001.md").read_text()
    (docs / "rules" / "E0001.md").write_text("edited by hand")
    (docs / "rules" / "E0999.md").write_text("a code that no longer exists")
    run = engage("docs", "--out", str(docs), "--examples", str(EXAMPLES), "--check")
    assert run.code == 1
    assert "E0001.md" in run.out and "E0999.md" in run.out
    run = engage("docs", "--out", str(docs), "--examples", str(EXAMPLES))
    assert run.code == 0
    assert not (docs / "rules" / "E0999.md").exists()
    assert (docs / "rules" / "E0001.md").read_text() == fresh


LINK = re.compile(r"\]\(([^)#\s]*)(#[^)\s]*)?\)")


def _anchors(markdown: str) -> set[str]:
    heads = re.findall(r"^#+ (.+)$", markdown, flags=re.M)
    return {re.sub(r"[^\w\- ]", "", h).strip().lower().replace(" ", "-") for h in heads}


@pytest.mark.parametrize("name", [*HAND_WRITTEN, "rules/README.md", "rules/E2010.md"])
def test_links_lead_somewhere(name: str) -> None:
    page = DOCS / name
    text = page.read_text(encoding="utf-8")
    for target, anchor in LINK.findall(text):
        if target.startswith("http"):
            continue
        path = (page.parent / target).resolve() if target else page
        assert path.exists(), f"{name}: broken link {target}"
        if anchor and path.suffix == ".md":
            assert anchor[1:] in _anchors(path.read_text(encoding="utf-8")), (name, anchor)


def _blocks(markdown: str, lang: str) -> list[str]:
    return re.findall(rf"```{lang}\n(.*?)```", markdown, flags=re.S)


def test_the_editor_settings_point_at_the_schema_and_the_ecosystem() -> None:
    text = (DOCS / "editor.md").read_text(encoding="utf-8")
    (settings,) = [json.loads(b) for b in _blocks(text, "json")]
    ((schema, globs),) = settings["yaml.schemas"].items()
    assert (REPO / schema).is_file()
    assert any(list(REPO.glob(g)) for g in globs)
    (modeline,) = re.findall(r"# yaml-language-server: \$schema=(\S+)", text)
    assert (REPO / "ecosystem" / modeline).resolve() == (REPO / schema).resolve()


def test_getting_started_shows_what_engage_really_prints(tmp_path: Path, engage: RunEngage) -> None:
    text = (DOCS / "getting-started.md").read_text(encoding="utf-8")
    shown = next(b for b in _blocks(text, "text") if "error[E1001]" in b)
    assert engage("init").code == 0
    systems = tmp_path / "ecosystem" / "systems.yaml"
    yaml = systems.read_text(encoding="utf-8").replace("    region: eu\n", "    regoin: eu\n", 1)
    systems.write_text(yaml.replace("business_unit: main}", "business_unit: mian}"))
    run = engage("validate")
    assert run.code == 1
    assert run.out == shown


def test_every_option_a_hint_names_exists() -> None:
    """A hint that says `--some-option` must name an option some command really has."""
    import_everything()
    from compiler.cli import cli

    options = {
        opt
        for command in cli.all_commands()
        for param in command.params
        for opt in getattr(param, "opts", [])
    }
    named = {
        (info.code, opt)
        for info in REGISTRY
        for opt in re.findall(r"(?<![\w-])--[a-z][a-z-]+", info.hint + " " + info.rationale)
    }
    assert named, "the check found no option at all: the pattern is wrong"
    assert sorted((code, opt) for code, opt in named if opt not in options) == []

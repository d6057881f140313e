"""Fences a demanding author writes: literal examples, unclosed blocks, headers SuperFences cannot read, snippets."""

from __future__ import annotations

import re

import markdown
import pytest

from mkdocs_cnnsummary.markdown.extension import CnnSummaryExtension, source_line_map

SPEC = "input: [4]\nlayers:\n  - Dense: 2\n"
BAD = "input: [4]\nlayers:\n  - Dense: 2\n  - Conv2D: 3\n"
SETUPS = {"fenced_code": ["fenced_code"], "superfences": ["pymdownx.superfences", "attr_list"]}


def convert(text: str, setup: str, extra: list | None = None, configs: dict | None = None) -> tuple[str, list]:
    problems: list = []
    ext = CnnSummaryExtension(report=lambda problem, line: problems.append((line, problem.describe())))
    html = markdown.markdown(text, extensions=[*SETUPS[setup], ext, "admonition", *(extra or [])],
                             extension_configs=configs or {})
    return html, problems


@pytest.mark.parametrize("setup", SETUPS)
def test_a_fence_in_an_indented_code_block_is_shown_as_text(setup):
    text = "Write this:\n\n    ```cnn title=\"x\"\n    input: [4]\n    layers:\n      - Dense: 2\n    ```\n\nafter\n"
    html, problems = convert(text, setup)
    assert "cnnsummary" not in html and problems == []
    assert '<pre><code>```cnn title="x"\ninput: [4]' in html


@pytest.mark.parametrize("setup", SETUPS)
def test_indented_fences_under_list_items_and_notes_still_render(setup):
    text = ("- item\ncontinued lazily\n\n    ```cnn\n    " + SPEC.replace("\n", "\n    ") + "```\n\n"
            "!!! note\n    ```cnn\n    " + SPEC.replace("\n", "\n    ") + "```\n")
    html, problems = convert(text, setup)
    assert html.count("cnnsummary__table") == 2 and problems == []


@pytest.mark.parametrize("setup", SETUPS)
def test_an_unclosed_fence_is_reported_with_its_line(setup):
    _html, problems = convert("before\n\n```cnn\n" + SPEC, setup)
    assert [line for line, _ in problems] == [3]
    assert "never closed" in problems[0][1]
    _html, problems = convert("> ```cnn\n> input: [4]\n\nafter\n", setup)
    assert [line for line, _ in problems] == [1]


@pytest.mark.parametrize("header", ['expect-error="x"', "title=abc", 'title="a" @@', 'title="abc'])
def test_headers_superfences_cannot_read_are_reported_and_still_rendered(header):
    html, problems = convert(f"text\n\n```cnn {header}\n{SPEC}```\n\nafter\n", "superfences")
    assert "SuperFences cannot read" in problems[0][1] and problems[0][0] == 3
    assert "cnnsummary" in html and "<p>after</p>" in html and "<code>cnn" not in html


def test_readable_headers_are_not_reported():
    for header in ('title="a" worked="table"', '{.cnn #id .extra title="x"}', "expect_error"):
        fence = f"```{header}\n" if header.startswith("{") else f"```cnn {header}\n"
        _html, problems = convert(fence + BAD + "```\n", "superfences")
        assert not any("SuperFences" in p for _, p in problems), header


@pytest.mark.parametrize("setup", SETUPS)
def test_ids_and_classes_in_the_brace_form_are_not_options(setup):
    html, problems = convert('```{.cnn #net .wide title="x"}\n' + SPEC + "```\n", setup)
    assert problems == [] and '<caption class="cnnsummary__hidden">x</caption>' in html


@pytest.mark.parametrize("setup", SETUPS)
def test_lines_count_in_the_page_as_written_when_snippets_insert_text(setup, tmp_path):
    (tmp_path / "layers.yaml").write_text("  - Dense: 2\n  - Dense: 3\n", encoding="utf-8")
    include = '--8<-- "layers.yaml"\n'
    text = ("```cnn\ninput: [4]\nlayers:\n" + include + "```\n\n"  # lines 1-5: a body with a snippet, fine
            "```cnn\n" + BAD + "```\n\n"  # lines 7-12: Conv2D on line 11
            "```cnn\ninput: [4]\nlayers:\n" + include + "  - Conv2D: 3\n```\n")  # Conv2D on line 18
    html, problems = convert(text, setup, ["pymdownx.snippets"], {"pymdownx.snippets": {"base_path": [str(tmp_path)]}})
    assert [line for line, _ in problems] == [11, 18]
    assert html.count("cnnsummary__table") == 1


def test_source_line_map_points_inserted_lines_at_their_include():
    source = ["a", "--8<-- x", "b", "c"]
    assert source_line_map(source, ["a", "x1", "x2", "x3", "b", "c", "", ""]) == [1, 2, 2, 2, 3, 4, 4, 4]
    assert source_line_map(["a\tb", "c"], ["a   b", "c"]) == [1, 2]


@pytest.mark.parametrize("setup", SETUPS)
@pytest.mark.parametrize("text", [
    "> Quote\n>\n> ```cnn\n> input: [4]\n> layers:\n>   - Dense: 2\n> ```\n",
    "> > ```cnn\n> > input: [4]\n> > layers:\n> >   - Dense: 2\n> > ```\n",
    "- item\n\n    > ```cnn\n    > input: [4]\n    > layers:\n    >   - Dense: 2\n    > ```\n",
    ">```cnn\n>input: [4]\n>layers:\n>  - Dense: 2\n>```\n",
], ids=["end-of-quote", "nested-quotes", "quote-in-list", "no-space"])
def test_a_block_in_a_blockquote_is_no_paragraph(setup, text):
    html, problems = convert(text, setup)
    assert problems == [] and "cnnsummary__table" in html
    assert "<blockquote>" in html and not re.search(r"<p>\s*<div", html)

"""The ``cnnsummary`` Markdown extension on a bare Python-Markdown, with fenced_code and with SuperFences."""

from __future__ import annotations

import os
import re
import textwrap
from pathlib import Path

import markdown
import pytest
from bs4 import BeautifulSoup

from mkdocs_cnnsummary import summarize
from mkdocs_cnnsummary.markdown.extension import CnnSummaryExtension, find_fences
from mkdocs_cnnsummary.render.html import render_summary

SNAPSHOTS = Path(__file__).parent / "snapshots"
UPDATE = os.environ.get("CNNSUMMARY_UPDATE_SNAPSHOTS") == "1"

SPEC = """\
name: mnist-ish
input: [28, 28, 1]
layers:
  - Conv2D: [32, 5]
  - Conv2D: {filters: 8, kernel_size: 3, name: frozen, trainable: false}
  - Flatten
  - Dense: 10
"""

BAD = """\
input: [4, 4, 1]
layers:
  - Dense: 3
  - Conv2D: [3, 5]
"""

FENCES = {
    "fenced_code": ["fenced_code", "admonition", "pymdownx.tabbed"],
    "superfences": ["pymdownx.superfences", "admonition", "pymdownx.tabbed"],
    "superfences_after": ["admonition", "pymdownx.tabbed", "pymdownx.superfences"],
}


def indent(text: str, prefix: str = "    ") -> str:
    return textwrap.indent(text, prefix, lambda line: True)


def fence(spec: str, header: str = "", marker: str = "```") -> str:
    return f"{marker}cnn{' ' + header if header else ''}\n{spec}{marker}\n"


def convert(text: str, setup: str, problems: list | None = None, **config) -> BeautifulSoup:
    if problems is not None:
        config["report"] = lambda problem, line: problems.append((problem, line))
    exts = [CnnSummaryExtension(**config), *FENCES[setup]] if setup != "superfences_after" else [
        *FENCES[setup][:2], CnnSummaryExtension(**config), FENCES[setup][2]]
    html = markdown.markdown(text, extensions=exts)
    return BeautifulSoup(html, "html.parser")


def tables(soup: BeautifulSoup) -> list:
    return soup.select("div.cnnsummary table.cnnsummary__table")


def cell_texts(table) -> list[list[str]]:
    """What each cell shows (without the words only screen readers get)."""
    for hint in table.select("tbody .cnnsummary__hidden, wbr"):  # screen-reader words, break opportunities
        hint.decompose()
    table.smooth()
    return [[" ".join(c.get_text(" ", strip=True).split()) for c in tr.find_all(["th", "td"], recursive=False)]
            for tr in table.select("tbody > tr.cnnsummary__row")]


@pytest.mark.parametrize("setup", list(FENCES))
def test_table_matches_the_engine(setup):
    soup = convert(fence(SPEC), setup)
    (table,) = tables(soup)
    summary = summarize(SPEC)
    rows = cell_texts(table)
    assert [h.get_text() for h in table.select("thead th")] == ["#", "Layer (type)", "Output Shape", "Param #"]
    assert table.caption.get_text() == "mnist-ish"
    assert len(rows) == 1 + len(summary.layers)  # the input is a row
    assert rows[0][1] == "input (InputLayer)"
    warned = {w.layer for w in summary.warnings}
    for row, layer in zip(rows[1:], summary.layers, strict=True):
        assert row[1] == f"{layer.name} ({layer.type})" + (" ⚠" if layer.name in warned else "")
        assert row[2] == "(" + ", ".join("None" if d is None else str(d) for d in layer.output_shape) + ")"
        assert row[3] == f"{layer.params:,}"
    totals = soup.select_one(".cnnsummary__totals").get_text(" ", strip=True)
    assert f"Total params: {summary.total_params:,} ({summary.total_params * 4:,} bytes" in totals
    assert f"Non-trainable params: {summary.non_trainable_params:,}" in totals
    assert "float32" in soup.select_one(".cnnsummary__assumption").get_text()
    # every layer row's header opens its calculation, in the row underneath
    details = soup.select("tr.cnnsummary__row > th > details.cnnsummary__toggle")
    assert len(details) == len(summary.layers)
    assert not any(d.has_attr("open") for d in details)
    assert len(soup.select("tr.cnnsummary__row--with-worked + tr.cnnsummary__worked-row ol.cnnsummary__steps")) == \
        len(summary.layers)


def test_accessible_markup():
    soup = convert(fence(SPEC), "superfences")
    table = tables(soup)[0]
    assert all(th["scope"] == "col" for th in table.select("thead th"))
    assert all(th["scope"] == "row" for th in table.select("tbody tr.cnnsummary__row > th"))
    assert len(table.select("tbody tr.cnnsummary__row > th")) == 5
    # the wrapper is no landmark and no tab stop of its own (browsers make it focusable when it scrolls)
    wrapper = soup.select_one(".cnnsummary__scroll")
    assert not wrapper.has_attr("role") and not wrapper.has_attr("tabindex") and not wrapper.has_attr("aria-label")
    assert "table:not" not in str(soup) and table.get("class") == ["cnnsummary__table"]
    # the disclosure buttons say what they open
    summary = table.select_one("details.cnnsummary__toggle > summary")
    assert summary.get_text(" ", strip=True).endswith(", calculation")


@pytest.mark.parametrize("setup", list(FENCES))
def test_nested_in_lists_admonitions_and_tabs(setup):
    text = "\n".join([
        "Intro.", "",
        "- a list item", "", indent(fence(SPEC, 'title="in a list"')),
        "!!! note", "", indent(fence(SPEC, 'title="in a note"', "~~~")),
        '=== "Tab one"', "", indent(fence(SPEC, 'title="in a tab"')),
        '=== "Tab two"', "", indent("!!! tip\n\n" + indent(fence(SPEC, 'title="deep"'))),
        "Outro.",
    ])
    soup = convert(text, setup)
    captions = {t.caption.get_text(): t for t in tables(soup)}
    assert set(captions) == {"in a list", "in a note", "in a tab", "deep"}
    assert captions["in a list"].find_parent("li") is not None
    assert "note" in captions["in a note"].find_parent("div", class_="admonition")["class"]
    assert captions["in a tab"].find_parent("div", class_="tabbed-set") is not None
    assert captions["deep"].find_parent("div", class_="tip") is not None
    assert soup.find("p", string="Outro.") is not None
    assert "```" not in soup.get_text() and "~~~" not in soup.get_text()


@pytest.mark.parametrize("setup", list(FENCES))
def test_other_fences_and_examples_are_left_alone(setup):
    example = "````markdown\n" + fence(SPEC, 'title="example"') + "````\n"
    text = "```python\nprint('cnn')\n```\n\n" + example + "\n" + fence(SPEC, 'title="live"')
    soup = convert(text, setup)
    assert [t.caption.get_text() for t in tables(soup)] == ["live"]
    code = [c.get_text() for c in soup.find_all("code")]
    assert any("print('cnn')" in c for c in code)
    assert any('```cnn title="example"' in c and "Conv2D: [32, 5]" in c for c in code)


def test_find_fences_skips_unclosed_and_inner_fences():
    lines = ["````md", "```cnn", "x", "```", "````", "- item", "", "    ```cnn", "    y", "    ```", "```cnn", "open"]
    found = [(f.lang, f.start, f.body) for f in find_fences(lines)]
    assert found == [("md", 0, ["```cnn", "x", "```"]), ("cnn", 7, ["y"])]


@pytest.mark.parametrize("setup", ["fenced_code", "superfences"])
def test_options(setup):
    text = "\n".join([
        fence(SPEC, 'title="Expanded" worked="expanded"'),
        fence(SPEC, "title='None' worked=\"none\""),
        fence(SPEC, 'title="Cols" columns="layer, params" worked="none"'),
        fence(SPEC, 'title="Table" worked="table"'),
    ])
    soup = convert(text, setup)
    by = {t.caption.get_text(): t for t in tables(soup)}
    assert all(d.has_attr("open") for d in by["Expanded"].select("details"))
    assert not by["None"].select("details") and not by["None"].select(".cnnsummary__cell-step")
    assert [th.get_text() for th in by["Cols"].select("thead th")] == ["Layer (type)", "Param #"]
    worked = cell_texts(by["Table"])
    assert "(5 × 5 × 1 + 1) × 32 = 832" in worked[1][3]
    assert "⌊(28 − 5)/1⌋ + 1 = 24" in worked[1][2] and "→ (None, 24, 24, 32)" in worked[1][2]
    assert not by["Table"].select("details")
    summary = summarize(SPEC)
    total = by["Table"].find_parent("div", class_="cnnsummary").select_one(".cnnsummary__totals").get_text()
    assert " + ".join(f"{layer.params:,}" for layer in summary.layers if layer.params) in total


def test_brace_header_and_extension_defaults():
    text = '```{.cnn title="Braces" worked="table"}\n' + SPEC + "```\n"
    soup = convert(text, "superfences", worked="none", columns="layer output_shape")
    (table,) = tables(soup)
    assert table.caption.get_text() == "Braces"
    assert [th.get_text() for th in table.select("thead th")] == ["Layer (type)", "Output Shape"]
    assert table.select(".cnnsummary__cell-step")  # the header's worked="table" wins over the default
    soup = convert(fence(SPEC), "fenced_code", worked="none")
    assert not soup.select("details")


def test_connected_to_for_graph_networks():
    spec = """\
inputs: {a: [8], b: [8]}
layers:
  - {Dense: 4, name: left, inputs: [a]}
  - {Dense: 4, name: right, inputs: [b]}
  - {Dense: 2, name: out, inputs: [left]}
outputs: [out, right]
"""
    (table,) = tables(convert(fence(spec), "superfences"))
    assert table.select("thead th")[-1].get_text() == "Connected to"
    rows = cell_texts(table)
    assert rows[0][1] == "a (InputLayer)" and rows[1][1] == "b (InputLayer)"
    assert rows[-1][-1] == "left"


@pytest.mark.parametrize("setup", ["fenced_code", "superfences"])
def test_error_box_and_report(setup):
    problems: list = []
    text = "# Page\n\n" + fence(SPEC, 'title="before"') + "\n" + fence(BAD) + "\n" + fence(SPEC, 'title="after"')
    soup = convert(text, setup, problems)
    assert [t.caption.get_text() for t in tables(soup)] == ["before", "after"]
    box = soup.select_one("div.cnnsummary-error")
    message = box.select_one(".cnnsummary-error__message").get_text(" ", strip=True)
    assert message.startswith("Error (line 4 of the block, layer 'conv2d' (Conv2D))")
    assert "5×5 kernel" in message
    assert box.select_one("mark").get_text().strip().endswith("- Conv2D: [3, 5]")
    ((problem, line),) = problems
    fence_line = text.splitlines().index("```cnn", 10) + 1
    assert line == fence_line + 4
    assert problem.layer == "conv2d" and "Conv2D" in problem.describe()


@pytest.mark.parametrize("setup", ["fenced_code", "superfences"])
def test_option_errors_are_reported(setup):
    problems: list = []
    soup = convert(fence(SPEC, 'worked="tabel"') + "\n" + fence(SPEC, 'colour="red"'), setup, problems)
    assert len(soup.select("div.cnnsummary-error")) == 2
    assert "did you mean 'table'?" in problems[0][0].describe()
    assert "unknown fence option 'colour'" in problems[1][0].describe()


@pytest.mark.parametrize("setup", ["fenced_code", "superfences"])
def test_expect_error(setup):
    problems: list = []
    text = "\n".join([
        fence(BAD, 'title="fails as documented" expect_error'),
        fence(BAD, 'expect_error="does not fit"'),
        fence(BAD, 'expect_error="negative dimension"'),
        fence(SPEC, 'title="works" expect_error'),
    ])
    soup = convert(text, setup, problems)
    boxes = soup.select("div.cnnsummary-error--expected")
    assert len(boxes) == 3
    assert boxes[0].select_one(".cnnsummary-error__label").get_text() == "Expected error"
    assert [t.caption.get_text() for t in tables(soup)] == ["works"]
    assert len(problems) == 2
    assert "does not mention 'negative dimension'" in problems[0][0].describe()
    assert "expected to fail" in problems[1][0].describe()


@pytest.mark.parametrize("setup", ["fenced_code", "superfences"])
def test_expect_mismatch_is_an_error(setup):
    problems: list = []
    summary = summarize(SPEC)
    frozen = summary.layer("frozen").params
    good = SPEC + f"expect:\n  total_params: {summary.total_params}\n  frozen: {{params: {frozen}}}\n"
    bad = SPEC + f"expect:\n  total_params: {summary.total_params + 1}\n"
    text = fence(good, 'title="ok"') + "\n" + fence(bad)
    soup = convert(text, setup, problems)
    assert [t.caption.get_text() for t in tables(soup)] == ["ok"]
    ((problem, line),) = problems
    assert line == text.splitlines().index("```cnn") + 1 + problem.line
    assert f"total_params is {summary.total_params + 1:,} but the network computes {summary.total_params:,}" \
        in problem.describe()
    assert problem.line == SPEC.count("\n") + 2  # the total_params line under expect:


def test_escaping_of_titles_and_layer_names():
    evil = "<script>alert(1)</script>"
    img = "<img src=x onerror=alert(1)>"
    spec = f'input: [4]\nlayers:\n  - Dense: {{units: 2, name: "{img}"}}\n'
    html = markdown.markdown(fence(spec, f'title="{evil}"') + "\n" + fence(BAD.replace("Conv2D: [3, 5]",
                             f'Conv2D: {{filters: 3, kernel_size: 5, name: "{img}"}}'), f"title='{evil}'"),
                             extensions=[CnnSummaryExtension(report=lambda p, line: None), "pymdownx.superfences"])
    assert "<script>" not in html and "<img" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html


def test_caption_falls_back_to_the_spec_name_and_a_default():
    """Untitled networks are told apart by what they are, not all called the same."""
    soup = convert(fence(SPEC) + "\n" + fence("input: [4]\nlayers:\n  - Dense: 2\n") + "\n"
                   + fence("framework: pytorch\ninput: [3, 8, 8]\nlayers:\n  - Conv2d(3, 4, 3)\n  - Flatten\n"),
                   "fenced_code")
    assert [t.caption.get_text() for t in tables(soup)] == [
        "mnist-ish", "Keras network: 1 layer, 10 parameters, (None, 4) → (None, 2)",
        "PyTorch network: 2 layers, 112 parameters, [None, 3, 8, 8] → [None, 144]"]


def test_cache_reuses_rendered_blocks():
    cache: dict = {}
    convert(fence(SPEC) + "\n" + fence(SPEC, 'worked="table"'), "superfences", cache=cache)
    assert len(cache) == 2
    key = next(iter(cache))
    cache[key] = type(cache[key])("<div>cached</div>")
    soup = convert(fence(SPEC), "superfences", cache=cache)
    assert "cached" in soup.get_text()


def test_entry_point_name():
    html = markdown.markdown(fence(SPEC), extensions=["cnnsummary"])
    assert 'class="cnnsummary__table"' in html


def _normalise(html: str) -> str:
    text = BeautifulSoup(html, "html.parser").prettify()
    return re.sub(r"[ \t]+\n", "\n", text)


def test_golden_snapshot():
    """The HTML of one table; regenerate with CNNSUMMARY_UPDATE_SNAPSHOTS=1 after an intended change."""
    html = _normalise(render_summary(summarize(SPEC), title="Snapshot", worked="collapsed"))
    path = SNAPSHOTS / "summary_table.html"
    if UPDATE:
        path.parent.mkdir(exist_ok=True)
        path.write_text(html, encoding="utf-8")
    assert html == path.read_text(encoding="utf-8")


def test_importing_the_extension_and_plugin_stays_light():
    import subprocess
    import sys

    code = ("import sys, mkdocs_cnnsummary.markdown.extension as m; "
            "assert 'jinja2' not in sys.modules and 'mkdocs' not in sys.modules; "
            "import mkdocs_cnnsummary.mkdocs.plugin; "
            "print(sorted(x for x in ('tensorflow', 'torch', 'keras') if x in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


@pytest.mark.parametrize("setup", list(FENCES))
def test_slots_give_the_page_the_stash_would(setup, monkeypatch):
    """The stash keeps a short slot per block, filled after Python-Markdown puts its stash back: the page is
    the same as with the HTML itself in the stash, in paragraphs, lists, notes and tabs alike."""
    text = "\n".join([
        "Intro.", "", fence(SPEC, 'title="plain"'),
        "- a list item", "", indent(fence(SPEC, 'title="in a list"')),
        "!!! note", "", indent(fence(BAD, 'title="in a note"', "~~~")),
        '=== "Tab one"', "", indent(fence(SPEC, 'title="in a tab"')),
        "> " + fence(SPEC).replace("\n", "\n> ").rstrip("> "),
        "Outro & more.",
    ])
    exts = [CnnSummaryExtension(report=lambda p, line: None), *FENCES[setup]]
    md = markdown.Markdown(extensions=exts)
    slotted = md.convert(text)
    assert all(len(html) < 40 for html in md.htmlStash.rawHtmlBlocks if "cnnsummary" in html)
    assert "\x02" not in slotted and "cnnsummary:" not in slotted
    assert len(BeautifulSoup(slotted, "html.parser").select("div.cnnsummary")) == 5
    monkeypatch.setattr(CnnSummaryExtension, "slot", lambda self, html: html)
    exts = [CnnSummaryExtension(report=lambda p, line: None), *FENCES[setup]]
    assert markdown.markdown(text, extensions=exts) == slotted

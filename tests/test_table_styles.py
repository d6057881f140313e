"""What the look of the summary tables relies on, in the HTML and in the shipped stylesheet.

The tables were checked by eye in mkdocs-material (light and slate), MkDocs' own theme (light
and dark) and readthedocs, at desktop and phone widths; these tests keep the markup and the
CSS rules that those checks depend on, without a browser.
"""

from __future__ import annotations

import re
import subprocess
import sys
import textwrap
from pathlib import Path

import markdown
import pytest
import yaml
from bs4 import BeautifulSoup

from mkdocs_cnnsummary.render.html import stylesheet

SEQUENTIAL = """\
input: [28, 28, 1]
layers:
  - Conv2D(32, 5)
  - MaxPooling2D(2)
  - Flatten
  - Dense(10)
"""

GRAPH = """\
input: [10, 8]
layers:
  - name: encoder
    LSTM: {units: 5, return_state: true}
  - name: out
    Dense: 3
    inputs: encoder[0]
  - name: from_cell_state
    Dense: 4
    inputs: encoder[2]
outputs: [out, from_cell_state]
"""

TORCH = """\
framework: pytorch
input: [3, 8, 8]
layers:
  - Conv2d(3, 4, 3)
  - BatchNorm2d(4)
"""

BAD = """\
input: [4, 4, 1]
layers:
  - Conv2D: {filters: 3, kernel_size: 5, name: too_big}
"""


def fence(spec: str, header: str = "") -> str:
    return f"```cnn {header}\n{spec}```\n"


PAGE = "\n".join([
    "# Styles", "",
    fence(SEQUENTIAL, 'title="collapsed"'),
    fence(SEQUENTIAL, 'title="expanded" worked="expanded"'),
    fence(SEQUENTIAL, 'title="table" worked="table"'),
    fence(GRAPH, 'title="graph"'),
    fence(TORCH, 'title="torch"'),
    fence(BAD, 'title="expected" expect_error="does not fit"'),
])


# --- a small CSS reader: (at-rule context, selector, {property: value}) for every rule ---------------------

def _rules(css: str, context: str = "") -> list[tuple[str, str, dict[str, str]]]:
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    out, i = [], 0
    while True:
        start = css.find("{", i)
        if start < 0:
            return out
        depth, end = 1, start + 1
        while depth:
            depth += {"{": 1, "}": -1}.get(css[end], 0)
            end += 1
        head, body = " ".join(css[i:start].split()), css[start + 1:end - 1]
        if head.startswith("@") and "{" in body:
            out += _rules(body, head)
        else:
            decls = {}
            for part in body.split(";"):
                if ":" in part:
                    name, value = part.split(":", 1)
                    decls[name.strip()] = " ".join(value.split())
            out.append((context, head, decls))
        i = end


CSS = stylesheet()
RULES = _rules(CSS)


def declarations(selector_part: str) -> dict[str, str]:
    """The screen declarations of every rule one of whose selectors ends with ``selector_part``, merged in order."""
    merged: dict[str, str] = {}
    for context, head, decls in RULES:
        if context.startswith("@media print"):
            continue
        if any(sel.strip().endswith(selector_part) for sel in head.split(",")):
            merged.update(decls)
    return merged


@pytest.fixture(scope="module")
def soup() -> BeautifulSoup:
    return BeautifulSoup(markdown.markdown(PAGE, extensions=["cnnsummary"]), "html.parser")


def blocks(soup: BeautifulSoup) -> dict[str, object]:
    return {t.caption.get_text(): t.find_parent("div", class_="cnnsummary")
            for t in soup.select("table.cnnsummary__table")}


def test_css_parses_into_rules():
    assert len(RULES) > 40
    assert all(head for _, head, _ in RULES)


# --- narrow screens: the table scrolls inside its own wrapper, never the page ------------------------------

def test_every_table_sits_in_a_focusable_scroll_region(soup):
    for table in soup.select("table.cnnsummary__table"):
        wrapper = table.parent
        assert wrapper.name == "div" and "cnnsummary__scroll" in wrapper["class"]
        assert wrapper["role"] == "region" and wrapper["tabindex"] == "0"
        assert wrapper["aria-label"] == table.caption.get_text()


def test_the_wrapper_scrolls_sideways_and_the_block_stays_within_the_page():
    scroll = declarations(".cnnsummary__scroll")
    assert scroll["overflow-x"] == "auto"
    assert scroll["max-width"] == "100%"
    assert "outline" in declarations(".cnnsummary__scroll:focus-visible")
    # a table wider than the wrapper keeps its width (and scrolls) instead of squeezing every cell
    table = declarations("table.cnnsummary__table")
    assert table["display"] == "table" and table["max-width"] == "none" and table["min-width"] == "100%"
    assert declarations(".cnnsummary__table td")["white-space"] == "nowrap"


def test_long_text_outside_the_wrapper_can_wrap(soup):
    """The one long code run outside the table (the worked sum of the totals) wraps at its spaces."""
    block = blocks(soup)["table"]
    sum_code = block.select_one(".cnnsummary__totals .cnnsummary__total-sum code")
    assert sum_code is not None and " + " in sum_code.get_text()
    assert declarations(".cnnsummary__total-sum code")["white-space"] == "normal"
    assert declarations(".cnnsummary-error")["overflow-wrap"] == "break-word"
    # the spec shown in an error box scrolls in a wrapper of its own
    error_pre = soup.select_one(".cnnsummary-error pre.cnnsummary-error__source")
    assert "cnnsummary__scroll" in error_pre.parent["class"]


def test_cells_may_break_only_where_the_markup_allows(soup):
    # the layer cell may put "(Conv2D)" under the name, never split either
    assert declarations("tbody .cnnsummary__col-layer")["white-space"] == "normal"
    assert declarations(".cnnsummary__name")["white-space"] == "nowrap"
    assert declarations(".cnnsummary__type")["white-space"] == "nowrap"
    # worked="table": a step breaks between its name and its calculation, never inside the calculation
    steps = blocks(soup)["table"].select(".cnnsummary__cell-step")
    assert steps and all(s.select_one(".cnnsummary__quantity") and s.select_one(".cnnsummary__calc") for s in steps)
    assert declarations(".cnnsummary--worked-table .cnnsummary__calc")["white-space"] == "nowrap"
    assert declarations(".cnnsummary--worked-table .cnnsummary__quantity")["white-space"] == "nowrap"


def test_scroll_edges_use_no_guessed_background():
    """The edge shadows are drawn from the text colour, so tinted admonitions and dark schemes need no setting."""
    edges = [(ctx, head, d) for ctx, head, d in RULES if "box-shadow" in d and "cnnsummary__scroll" in head
             and "inset" in d["box-shadow"]]
    assert edges and all(ctx.startswith("@supports") for ctx, _, _ in edges)
    assert "currentColor" in declarations(".cnnsummary")["--cnnsummary-edge-shadow"]


# --- colours and fonts come from the theme (light and dark) -------------------------------------------------

def test_colours_are_the_themes_variables():
    variables = declarations(".cnnsummary")
    assert "--md-default-fg-color--light" in variables["--cnnsummary-muted"]  # Material, light and slate
    assert "--bs-secondary-color" in variables["--cnnsummary-muted"]  # MkDocs' theme, light and dark
    assert "--bs-border-color" in variables["--cnnsummary-border"]
    for name in ("--cnnsummary-muted", "--cnnsummary-border", "--cnnsummary-shade"):
        assert "currentColor" in variables[name], f"{name} falls back to a fixed colour"
    assert "--md-code-font-family" in variables["--cnnsummary-mono"]
    assert "--bs-font-monospace" in variables["--cnnsummary-mono"]


def test_no_text_colour_is_hard_coded():
    allowed = re.compile(r"^(inherit|currentColor|transparent|var\(--cnnsummary-[a-z-]+\))$")
    for _, head, decls in RULES:
        if "color" in decls:
            assert allowed.match(decls["color"]), f"{head}: color {decls['color']}"
    assert declarations(".cnnsummary")["font-family"] == "inherit"


def test_material_sizes_follow_its_own_tables():
    assert declarations(".md-typeset .cnnsummary table.cnnsummary__table")["font-size"] == "0.64rem"


# --- numbers, grouping, focus, meaning without colour -------------------------------------------------------

def test_numbers_are_right_aligned_with_tabular_figures(soup):
    table = blocks(soup)["torch"].select_one("table")
    headers = [th.get_text() for th in table.select("thead th")]
    assert "Buffers" in headers
    for i, th in enumerate(table.select("thead th")):
        numeric = th.get_text() in ("#", "Param #", "Buffers")
        assert ("cnnsummary__num" in th["class"]) == numeric
        for row in table.select("tbody tr.cnnsummary__row"):
            cell = row.find_all(["th", "td"], recursive=False)[i]
            assert ("cnnsummary__num" in cell["class"]) == numeric
    num = declarations(".cnnsummary__table .cnnsummary__num")
    assert num["text-align"] == "right" and num["font-variant-numeric"] == "tabular-nums"


def test_each_calculation_is_grouped_with_its_layer_row(soup):
    for caption in ("collapsed", "expanded", "graph", "torch"):
        rows = blocks(soup)[caption].select("tbody > tr")
        for row, after in zip(rows, [*rows[1:], None], strict=True):
            if "cnnsummary__row--with-worked" in row["class"]:
                assert after is not None and "cnnsummary__worked-row" in after["class"]
            if after is not None and "cnnsummary__worked-row" in after["class"]:
                assert "cnnsummary__row--with-worked" in row["class"]
    assert not blocks(soup)["table"].select(".cnnsummary__row--with-worked, .cnnsummary__worked-row")
    grouped = declarations("tr.cnnsummary__row--with-worked > td")
    assert grouped["border-bottom"] == "0"


def test_multi_output_shapes_line_up(soup):
    encoder = blocks(soup)["graph"].select("tbody tr.cnnsummary__row")[1]
    codes = encoder.select(".cnnsummary__col-output_shape code")
    assert len(codes) == 3 and codes[0].get_text().startswith("[(")
    assert [c.get("class") for c in codes] == [None, ["cnnsummary__shape-more"], ["cnnsummary__shape-more"]]
    assert declarations("code.cnnsummary__shape-more")["margin-left"] == "1ch"


def test_summary_toggles_show_keyboard_focus():
    focus = declarations("summary:focus-visible")
    assert focus["outline"].startswith("2px solid")
    assert declarations("details.cnnsummary__worked > summary")["cursor"] == "pointer"
    # themes that draw their own icons on <summary> are undone, the native disclosure marker stays
    assert declarations("summary::before")["content"] == "none"
    assert "disclosure-closed" in declarations("details.cnnsummary__worked > summary")["list-style"]


def test_meaning_is_never_carried_by_colour_alone(soup):
    box = soup.select_one(".cnnsummary-error--expected")
    assert box.select_one(".cnnsummary-error__label").get_text() == "Expected error"
    marked = box.select_one("mark")
    assert marked is not None and "▶" in marked.get_text()
    assert declarations(".cnnsummary-error__source mark")["font-weight"] == "700"
    first = blocks(soup)["collapsed"].select_one("tbody tr.cnnsummary__row--layer .cnnsummary__col-layer")
    assert first.select_one(".cnnsummary__type").get_text().startswith("(")
    assert declarations(".cnnsummary__name")["font-weight"] == "700"


# --- the themes' own table styles are undone where they would show ------------------------------------------

def test_readthedocs_striping_boxes_and_wrapper_are_undone():
    """Its script adds .docutils to every table and wraps it in .wy-table-responsive."""
    wrapper = declarations(".cnnsummary__scroll > .wy-table-responsive")
    assert wrapper["overflow"] == "visible" and wrapper["margin"] == "0"
    cells = declarations("table.cnnsummary__table.docutils tbody tr td")
    assert cells["border-width"] == "0 0 1px !important" and cells["background"] == "transparent"
    assert cells["vertical-align"] == "top"
    assert declarations("table.cnnsummary__table.docutils")["display"] == "table"
    assert declarations("table.cnnsummary__table.docutils caption")["text-align"] == "left"
    assert declarations("ol.cnnsummary__steps > li")["list-style"] == "none"


THEMES = {
    "material-slate": {"name": "material", "palette": {"scheme": "slate"}},
    "mkdocs-dark": {"name": "mkdocs", "color_mode": "dark"},
    "readthedocs": {"name": "readthedocs"},
}


@pytest.mark.parametrize("theme", list(THEMES))
def test_built_sites_ship_the_stylesheet_and_leave_the_markup_alone(tmp_path, theme):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "index.md").write_text(PAGE, encoding="utf-8")
    config = {"site_name": "Styles", "theme": THEMES[theme], "plugins": ["cnnsummary"],
              "markdown_extensions": ["admonition"]}
    (tmp_path / "mkdocs.yml").write_text(yaml.safe_dump(config), encoding="utf-8")
    command = [sys.executable, "-m", "mkdocs", "build", "--strict", "-q",
               "-f", str(tmp_path / "mkdocs.yml"), "-d", str(tmp_path / "site")]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, textwrap.shorten(done.stderr, 2000)
    site = Path(tmp_path / "site")
    assert (site / "assets" / "cnnsummary.css").read_text(encoding="utf-8") == CSS
    page = BeautifulSoup((site / "index.html").read_text(encoding="utf-8"), "html.parser")
    links = [link["href"] for link in page.find_all("link", rel="stylesheet")]
    ours = [i for i, h in enumerate(links) if h.endswith("assets/cnnsummary.css")]
    assert ours, links
    if theme == "material-slate":
        assert page.find(attrs={"data-md-color-scheme": "slate"}) is not None
    if theme == "mkdocs-dark":
        assert page.html.get("data-bs-theme") == "dark"
    for table in page.select("table.cnnsummary__table"):
        assert "cnnsummary__scroll" in table.parent["class"]  # no theme wrapper in between at build time
        assert table["class"] == ["cnnsummary__table"]

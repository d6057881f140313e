"""What the look of the summary tables relies on, in the HTML and in the shipped stylesheet.

The tables were checked in headless Chromium (scripts/screenshots.py: screenshots, the width of
every table against its wrapper, contrast ratios) in mkdocs-material (light and slate), MkDocs'
own theme (light and dark), readthedocs, mkdocs-shadcn and Zensical, at 1280 and 390 px; these
tests keep the markup and the CSS rules that those checks depend on, without a browser.
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

COMPACT = """\
input: [8, 8, 3]
blocks:
  conv_bn:
    layers:
      - Conv2D(4, 3, padding="same", use_bias=False, name="conv")
      - BatchNormalization(name="bn")
layers:
  - conv_bn: {}
    name: stage{i}
    repeat: 2
  - Flatten
  - Dense(10)
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


def declarations(selector_part: str, media: str = "") -> dict[str, str]:
    """The declarations of every rule one of whose selectors ends with ``selector_part``, merged in order:
    those for every screen, then those of the ``@media`` and ``@container`` queries that contain ``media``
    (``max-width``, ``cnnsummary-cards``)."""
    merged: dict[str, str] = {}
    for context, head, decls in RULES:
        if context.startswith(("@media", "@container")) and not (media and media in context):
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

def test_every_table_sits_in_a_scroll_wrapper_that_is_no_landmark_and_no_tab_stop(soup):
    """A tab stop on a wrapper that does not scroll is one key press for nothing, and one region label per
    block repeats itself; Chromium and Firefox make a wrapper focusable when it does scroll."""
    for table in soup.select("table.cnnsummary__table"):
        wrapper = table.parent
        assert wrapper.name == "div" and wrapper["class"] == ["cnnsummary__scroll"]
        assert wrapper.attrs == {"class": ["cnnsummary__scroll"]}
    assert not soup.select("[tabindex], [role=region], .cnnsummary [aria-label]:not(.cnnsummary__notices)")


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
    """On a phone a table must fit before it scrolls: cells wrap at chosen places, never inside a number."""
    assert declarations(".cnnsummary__table .cnnsummary__num")["white-space"] == "nowrap"
    # the layer cell puts "(Conv2D)" under the name (always on a phone); names break only after "_"
    assert declarations("tbody .cnnsummary__col-layer")["white-space"] == "normal"
    assert declarations(".cnnsummary__col-layer .cnnsummary__type", "@media (max-width")["display"] == "block"
    for part in (".cnnsummary__name", ".cnnsummary__type"):
        assert declarations(part)["white-space"] == "normal" and declarations(part)["overflow-wrap"] == "normal"
    table = declarations("table.cnnsummary__table")
    assert table["word-break"] == "normal" and table["hyphens"] == "manual"
    assert any(name.find("wbr") for name in soup.select(".cnnsummary__name"))  # from_cell_state
    for name in soup.select(".cnnsummary__name"):
        assert all(str(prev).endswith("_") for prev in (w.previous_sibling for w in name.find_all("wbr")))
    # a shape takes two lines at most: two halves that do not break
    shapes = soup.select("code.cnnsummary__shape")
    assert shapes and all(1 <= len(c.select(".cnnsummary__part")) <= 2 for c in shapes)
    assert all(c.get_text() == c.get_text().strip() for c in soup.select(".cnnsummary__part"))
    assert declarations("code.cnnsummary__shape")["white-space"] == "normal"
    assert declarations(".cnnsummary__part")["white-space"] == "nowrap"
    # worked="table": every step the same way, its name on a line, its calculation on the next
    steps = blocks(soup)["table"].select(".cnnsummary__cell-step")
    assert steps and all(s.select_one(".cnnsummary__quantity") and s.select_one(".cnnsummary__calc") for s in steps)
    assert declarations(".cnnsummary--worked-table .cnnsummary__cell-step .cnnsummary__quantity")["display"] == "block"
    calc = ".cnnsummary--worked-table .cnnsummary__cell-step .cnnsummary__calc"
    assert declarations(calc)["display"] == "block" and declarations(calc)["white-space"] == "nowrap"
    assert declarations(calc, "max-width")["white-space"] == "normal"  # on a phone it wraps at its spaces
    # expanded calculations wrap at their spaces, the result stays with its "="
    assert declarations("ol.cnnsummary__steps code")["white-space"] == "normal"
    assert declarations(".cnnsummary__result")["white-space"] == "nowrap"


def test_a_scroll_cue_every_browser_shows():
    """Shadows fixed to the wrapper, covered at the ends by layers that scroll with the content: background
    attachment local and scroll, which Chromium, Firefox and Safari draw alike (no scroll-driven animation)."""
    background = declarations(".cnnsummary .cnnsummary__scroll")["background"]
    assert background.count(" local") == 2 and background.count(" scroll") == 2
    assert background.count("var(--cnnsummary-bg)") == 2 and background.count("var(--cnnsummary-edge-shadow)") == 2
    assert not [ctx for ctx, head, _ in RULES if "cnnsummary__scroll" in head and ctx.startswith("@supports")]
    assert "currentColor" in declarations(".cnnsummary")["--cnnsummary-edge-shadow"]
    assert declarations(".cnnsummary .cnnsummary__scroll")["scrollbar-width"] == "thin"


# --- colours and fonts come from the theme (light and dark) -------------------------------------------------

def test_colours_are_the_themes_variables():
    variables = declarations(".cnnsummary")
    # the page background of Material/Zensical, Bootstrap (MkDocs' theme), Furo, pydata and shadcn, else Canvas
    for name in ("--md-default-bg-color", "--bs-body-bg", "--color-background-primary", "--pst-color-background",
                 "--color-background", "Canvas"):
        assert name in variables["--cnnsummary-bg"], name
    # rules in the colour of the theme's own tables
    for name in ("--md-typeset-table-color", "--bs-border-color", "--color-table-border"):
        assert name in variables["--cnnsummary-border"], name
    # secondary text: the text colour mixed into the background, never a faint transparency
    assert variables["--cnnsummary-muted"] == "color-mix(in srgb, currentColor 80%, var(--cnnsummary-bg))"
    for name in ("--cnnsummary-muted", "--cnnsummary-border", "--cnnsummary-shade"):
        assert "currentColor" in variables[name], f"{name} falls back to a fixed colour"
    assert "--md-code-font-family" in variables["--cnnsummary-mono"]
    assert "--bs-font-monospace" in variables["--cnnsummary-mono"]


def test_no_text_colour_is_hard_coded():
    allowed = re.compile(r"^(inherit|currentColor|transparent|var\(--cnnsummary-[a-z-]+\)"
                         r"|color-mix\(in srgb, currentColor [7-9]\d%, var\(--cnnsummary-[a-z]+\)\))$")
    for _, head, decls in RULES:
        if "color" in decls:
            assert allowed.match(decls["color"]), f"{head}: color {decls['color']}"
    assert declarations(".cnnsummary")["font-family"] == "inherit"


def test_one_type_size_for_the_whole_block():
    """Material sizes its tables (and admonitions) at 0.64rem: the block, totals included, is that size,
    the same inside an admonition; elsewhere a rem size, which does not shrink in nested containers."""
    assert declarations(".md-typeset .cnnsummary")["font-size"] == "0.64rem"
    assert declarations(".cnnsummary")["font-size"].endswith("rem")
    assert declarations("table.cnnsummary__table")["font-size"] == "1em"
    assert declarations(".cnnsummary .cnnsummary__totals")["font-size"] == "1em"
    assert declarations(".cnnsummary .cnnsummary__totals p")["font-size"] == "1em"
    # Material boxes its tables in its table colour, and so are these
    assert "var(--cnnsummary-border)" in declarations(".md-typeset .cnnsummary table.cnnsummary__table")["border"]


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
    # the calculation row shows only while the row header's disclosure button is open
    hide = [head for _, head, d in RULES if d.get("display") == "none" and ":has(" in head]
    assert (".cnnsummary .cnnsummary__table tr.cnnsummary__row:has(details.cnnsummary__toggle:not([open]))"
            " + tr.cnnsummary__worked-row") in hide
    expanded = blocks(soup)["expanded"]
    assert all(d.has_attr("open") for d in expanded.select("details.cnnsummary__toggle"))
    assert declarations("tr.cnnsummary__worked-row > td")["border-top"] == "0"


def test_multi_output_shapes_line_up(soup):
    encoder = blocks(soup)["graph"].select("tbody tr.cnnsummary__row")[1]
    codes = encoder.select(".cnnsummary__col-output_shape code")
    assert len(codes) == 3 and codes[0].get_text().startswith("[(")
    assert [c.get("class") for c in codes] == [["cnnsummary__shape"], ["cnnsummary__shape", "cnnsummary__shape-more"],
                                               ["cnnsummary__shape", "cnnsummary__shape-more"]]
    assert declarations("code.cnnsummary__shape-more")["margin-left"] == "1ch"


def test_the_disclosure_buttons_are_drawn_here_and_big_enough(soup):
    """The row header opens the calculation: a 24 px target at least, a focus ring, and a triangle drawn by this
    stylesheet (themes erase the browser's marker, mkdocs-shadcn for one, or draw icons of their own)."""
    summary = declarations("details.cnnsummary__toggle > summary")
    assert summary["cursor"] == "pointer" and summary["min-height"] == "24px" and summary["list-style"] == "none"
    assert summary["margin"].startswith("calc(-1 * var(--cnnsummary-pad-y))")  # it fills its cell
    assert declarations("summary:focus-visible")["outline"].startswith("2px solid")
    marker = declarations("details.cnnsummary__toggle > summary::before")
    assert marker["content"] == '"" !important' and marker["display"] == "block !important"
    assert "currentColor" in marker["border-color"] and marker["border-color"].endswith("!important")
    assert marker["mask"] == "none !important" and marker["forced-color-adjust"] == "none"
    assert declarations("details.cnnsummary__toggle[open] > summary::before")["transform"] == "rotate(90deg)"
    assert declarations("details.cnnsummary__toggle > summary::after")["content"] == "none !important"
    assert declarations("details.cnnsummary__toggle > summary::marker")["content"] == '""'
    toggles = soup.select("th > details.cnnsummary__toggle > summary")
    assert toggles and all(t.select(".cnnsummary__hidden")[-1].get_text() == ", calculation" for t in toggles)


def test_the_fold_control_draws_the_same_triangle():
    """The control that folds a block's rows (or a module's) is a button like the calculations' one, with the
    triangle drawn here: a theme's ``summary { list-style: none }`` or erased ::-webkit-details-marker leave it."""
    for part in ("summary", "summary::before", "summary::after", "summary::marker", "summary::-webkit-details-marker"):
        fold, toggle = (declarations(f"details.cnnsummary__{kind} > {part}") for kind in ("fold", "toggle"))
        assert fold == toggle, part
    assert declarations("details.cnnsummary__fold[open] > summary::before")["transform"] == "rotate(90deg)"
    assert not any("disclosure" in value for _, _, decls in RULES for value in decls.values())
    html = markdown.markdown(fence(COMPACT, 'title="blocks"'), extensions=["cnnsummary"])
    folds = BeautifulSoup(html, "html.parser").select("th > details.cnnsummary__fold > summary")
    assert folds and all(f.select_one(".cnnsummary__name") for f in folds)


def test_wide_tables_become_cards_in_a_narrow_column():
    """Five columns or more do not fit a phone: below 40em (a container query on the block, so also inside an
    admonition) each row is a card whose lines are headed by their column's header, carried by every data
    cell as data-label; the headers stay for screen readers; four columns or fewer stay a table."""
    wide = 'columns="index layer output_shape params trainable non_trainable buffers connected_to"'
    html = markdown.markdown(fence(SEQUENTIAL, wide) + "\n" + fence(SEQUENTIAL, 'columns="layer output_shape params"'),
                             extensions=["cnnsummary"])
    eight, three = BeautifulSoup(html, "html.parser").select("div.cnnsummary")
    assert "cnnsummary--stackable" in eight["class"] and "cnnsummary--stackable" not in three["class"]
    for block in (eight, three):
        headers = [th.get_text() for th in block.select("thead th")]
        for row in block.select("tbody tr.cnnsummary__row"):
            cells = row.find_all(["th", "td"], recursive=False)
            assert [c.get("data-label") for c in cells] == [None if c.name == "th" else h
                                                           for c, h in zip(cells, headers, strict=True)]
    assert declarations(".cnnsummary.cnnsummary--stackable")["container"] == "cnnsummary-cards / inline-size"
    assert [ctx for ctx, head, _ in RULES if "stackable" in head and ctx] == \
        ["@container cnnsummary-cards (max-width: 40em)"] * len([1 for ctx, head, _ in RULES
                                                                  if "stackable" in head and ctx])
    narrow = "cnnsummary-cards"
    table = ".cnnsummary--stackable .cnnsummary__scroll table.cnnsummary__table"
    assert declarations(table, narrow)["display"] == "block"
    assert declarations("table.cnnsummary__table > thead", narrow)["clip"] == "rect(0 0 0 0)"
    label = declarations(".cnnsummary__table > tbody > tr > td[data-label]::before", narrow)
    assert label["content"] == "attr(data-label)" and label["float"] == "left"
    assert label["color"] == "var(--cnnsummary-muted)"
    assert declarations(".cnnsummary__table > tbody > tr > td[data-label]", narrow)["text-align"] == "right"
    cell = ".cnnsummary--stackable .cnnsummary__table > tbody > tr > td"
    assert declarations(cell, narrow)["white-space"] == "normal"
    # the layer reference's tables: "Meaning: ..." lines in the same narrow columns
    reference = declarations(".cnnsummary-reference--layer table > tbody > tr > td[data-label]::before", narrow)
    assert reference["content"] == 'attr(data-label) ": "'
    # numbers still never break; a value longer than its line goes under its header, whole
    assert declarations(".cnnsummary__table .cnnsummary__num")["white-space"] == "nowrap"


def test_narrower_tables_become_cards_when_their_cells_cannot_fit_a_phone():
    """Four columns fit a phone unless a cell cannot get narrow enough: VGG-16's 102,764,544 parameters beside
    (None, 224, 224, 64) need about 28em where a phone has 24 (measured in Chromium: 28.8em)."""
    from mkdocs_cnnsummary.render.fit import name_pieces, shape_halves, type_pieces

    assert name_pieces("max_pooling2d_2") == ["max_", "pooling2d_2"] and name_pieces("fc1") == ["fc1"]
    assert type_pieces("GlobalAveragePooling2D") == ["Global", "Average", "Pooling2D"]
    assert shape_halves("(None, 224, 224, 64)") == ["(None, 224,", "224, 64)"]
    assert shape_halves("(None, 10)") == ["(None, 10)"]
    vgg = "\n".join(["input: [224, 224, 3]", "layers:", "  - Conv2D(64, 3, padding='same', name='block1_conv1')",
                     "  - MaxPooling2D(2, name='block1_pool')",
                     "  - Conv2D(512, 3, padding='same', name='block5_conv3')",
                     "  - MaxPooling2D(16, name='block5_pool')", "  - Flatten(name='flatten')",
                     "  - Dense(4096, name='fc1')", "  - Dense(1000, name='predictions')", ""])
    page = fence(vgg, 'columns="index layer output_shape params"') + "\n" + fence(SEQUENTIAL)
    wide, small = BeautifulSoup(markdown.markdown(page, extensions=["cnnsummary"]), "html.parser").select(
        "div.cnnsummary")
    assert len(wide.select("thead th")) == len(small.select("thead th")) == 4
    assert "cnnsummary--stackable" in wide["class"] and "cnnsummary--stackable" not in small["class"]


def test_error_box_text_keeps_its_contrast():
    """Measured in Chromium (light and dark, Material, MkDocs' theme, readthedocs, shadcn, Zensical):
    secondary text of the box is the text colour mixed 84 % into the box's shade, line numbers 82 % into the
    page colour, and the marked line keeps the full text colour on a light mark (20 % yellow in the page
    colour): 5:1 and more everywhere, also in Material's slate scheme."""
    box = declarations(".cnnsummary.cnnsummary-error")
    assert box["--cnnsummary-muted"] == "color-mix(in srgb, currentColor 84%, var(--cnnsummary-shade))"
    lineno = declarations(".cnnsummary .cnnsummary-error__lineno")["color"]
    assert lineno.startswith("color-mix(in srgb, currentColor 82%")
    assert declarations(".cnnsummary-error__source mark .cnnsummary-error__lineno")["color"] == "inherit"
    assert declarations(".cnnsummary")["--cnnsummary-mark"] == "color-mix(in srgb, #ffd600 20%, var(--cnnsummary-bg))"


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

def test_theme_wrappers_striping_and_boxes_are_undone():
    """readthedocs' script adds .docutils to every table and wraps it in .wy-table-responsive; mkdocs-shadcn
    wraps every table in a .table-wrapper that scrolls: the block scrolls in its own wrapper only."""
    for theirs in (".cnnsummary__scroll > .wy-table-responsive", ".cnnsummary__scroll > .table-wrapper"):
        wrapper = declarations(theirs)
        assert wrapper["overflow"] == "visible !important" and wrapper["margin"] == "0 !important"
    cells = declarations("table.cnnsummary__table.docutils tbody tr td")
    assert cells["border-width"] == "1px 0 0 !important" and cells["background"] == "transparent"
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

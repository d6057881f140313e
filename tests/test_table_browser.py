"""The summary tables of the example site in a real browser (headless Chromium), Material light and slate, at
1280 and 390 px: no page is wider than the screen, no table scrolls or cuts a number (on a phone a table of
five columns or more, or one whose cells cannot get narrow enough, is one card per row), every kind of text
of the blocks keeps a contrast of 4.5:1, and a layer's name opens its calculation (a target of 24 px at
least); wide tables on pages of their own in Material and furo; the fold control's triangle.  The phone views
and the wide tables are checked in every installed engine (Chromium and Firefox); an engine that is not
installed is skipped (.ci/run installs both)."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import yaml
from browser import Browser, browsers, chromium, launch, png_pixels
from sites import build_example_site
from table_checks import CHECKS, PAGE_WIDTH

PAGES = ["index.html", "guide/index.html", "questions/unet-up-convolution/index.html",
         "questions/lasagne-mnist/index.html", "questions/depthwise-separable/index.html",
         "questions/unknown-spatial-size/index.html", "questions/denoiser-output-size/index.html",
         "gallery/vgg16/index.html", "gallery/lenet5/index.html", "pytorch-code/index.html"]
VIEWS = [(width, dark) for width in (1280, 390) for dark in (False, True)]

pytestmark = pytest.mark.skipif(not browsers(), reason="no browser is installed (apt-get install chromium firefox-esr)")
needs_chromium = pytest.mark.skipif(chromium() is None, reason="chromium is not installed (apt-get install chromium)")
#: the views each engine is checked in: every view in Chromium, the phone's in Firefox
ENGINE_VIEWS = {"chromium": VIEWS, "firefox": [(390, False), (390, True)]}


@pytest.fixture(scope="module", params=browsers())
def engine(request) -> str:
    """Each installed browser engine in turn (tests of the phone layout run in every one)."""
    return request.param


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    return build_example_site(tmp_path_factory.mktemp("site"))


@pytest.fixture(scope="module")
def seen(site, engine) -> dict[tuple[str, int, bool], dict]:
    """What CHECKS measures on each page in each view of the engine."""
    out = {}
    with launch(engine) as browser:
        for width, dark in ENGINE_VIEWS[engine]:
            for page in PAGES:
                browser.open((site / page).as_uri(), width=width, dark=dark)
                out[(page, width, dark)] = browser.evaluate(CHECKS)
    return out


def test_tables_fit_the_screen(seen):
    for (page, width, dark), report in seen.items():
        where = f"{page} at {width} px{' (dark)' if dark else ''}"
        assert report["tables"], where
        assert not report["page_wider_than_screen"], (where, report["overflowing"])
        for table in (t for t in report["tables"] if t["columns"]):  # an error box's spec may scroll
            assert not table["scrolls"] and not table["cut"], (where, table)
        for table in (t for t in report["tables"] if t["scrolls"]):  # an error box's spec: the edge shows it
            assert table["cue"], (where, table)


def test_every_kind_of_text_keeps_its_contrast(seen):
    kinds = set()
    for (page, width, dark), report in seen.items():
        for kind, worst in report["contrast"].items():
            kinds.add(kind)
            assert worst["ratio"] >= 4.5, (page, width, "dark" if dark else "light", kind, worst)
    assert {"type", "name", "totals", "assumption", "error-where", "error-lineno", "error-marked-line"} <= kinds


def test_no_landmark_labels_or_tab_stops_of_our_own(seen):
    for report in seen.values():
        assert report["duplicate_labels"] == []
        assert not any(table["focusable"] for table in report["tables"] if not table["scrolls"])


TOGGLE = """(() => {
  const details = document.querySelector('details.cnnsummary__toggle:not([open])');
  const summary = details.querySelector('summary');
  const row = details.closest('tr').nextElementSibling;
  const before = getComputedStyle(row).display;
  const box = summary.getBoundingClientRect();
  const marker = getComputedStyle(summary, '::before');
  summary.click();
  return {before, after: getComputedStyle(row).display, height: box.height, width: box.width,
          marker: [marker.content, marker.borderLeftWidth, marker.display], steps: row.textContent.trim()};
})()"""


@needs_chromium
@pytest.mark.parametrize("width", [1280, 390])
def test_a_layer_name_opens_its_calculation(site, width):
    with Browser() as browser:
        browser.open((site / "index.html").as_uri(), width=width)
        toggle = browser.evaluate(TOGGLE)
    assert toggle["before"] == "none" and toggle["after"] == "table-row"
    assert toggle["height"] >= 24 and toggle["width"] >= 24
    assert toggle["marker"][0] == '""' and toggle["marker"][1] != "0px" and toggle["marker"][2] == "block"
    assert "(5 × 5 × 1 + 1) × 32" in toggle["steps"]


# --- wide tables on a phone: one card per row, no number cut, in MkDocs Material and Sphinx ---------------------

FIVE = "columns='layer output_shape params trainable non_trainable'"
#: name -> (fence options, spec) of each wide table
WIDE_SPECS = {
    "trainable": ('title="Trainable and non-trainable" ' + FIVE, """input: [32, 32, 3]
layers:
  - Conv2D(16, 3, trainable=False)
  - BatchNormalization
  - Flatten
  - Dense(10)
"""),
    "vgg": ('title="VGG-16 head, every column" worked="expanded" '
            'columns="index layer output_shape params trainable non_trainable buffers connected_to"', """\
input: [7, 7, 512]
layers:
  - Flatten(name="flatten")
  - Dense(4096, name="fc1")
  - Dense(4096, name="fc2")
  - Dense(1000, name="predictions")
"""),
    "vgg4": ('title="VGG-16 in four columns" columns="index layer output_shape params"', """\
input: [224, 224, 3]
layers:
  - Conv2D(64, 3, padding="same", name="block1_conv1")
  - MaxPooling2D(2, name="block1_pool")
  - Conv2D(512, 3, padding="same", name="block5_conv3")
  - MaxPooling2D(16, name="block5_pool")
  - Flatten(name="flatten")
  - Dense(4096, name="fc1")
  - Dense(1000, name="predictions")
"""),
    "torchinfo": ("title=\"PyTorch in torchinfo's style\" "
                  'columns="layer output_shape params trainable non_trainable buffers"', """\
framework: pytorch
input: [3, 224, 224]
layers:
  - Conv2d(3, 64, 3, padding=1)
  - BatchNorm2d(64)
  - Flatten
  - Linear(3211264, 10)
"""),
    "cells": ('title="Calculations in the cells" worked="table" ' + FIVE, """\
input: [7, 7, 512]
layers:
  - Flatten(name="flatten")
  - Dense(4096, name="fc1")
"""),
    "blocks": ('title="Blocks" fold="open" ' + FIVE, """\
input: [32, 32, 3]
blocks:
  conv_bn:
    params: {filters: 64}
    layers:
      - Conv2D($filters, 3, padding="same", use_bias=False, name="conv")
      - BatchNormalization(name="bn")
  pair:
    layers:
      - conv_bn: {filters: 8}
        name: a
      - conv_bn: {filters: 8}
        name: b
layers:
  - pair: {}
    name: stage{i}
    repeat: 2
  - GlobalAveragePooling2D
  - Dense(1000)
"""),
}
WIDE_BLOCKS = {name: f"```cnn {options}\n{spec}```" for name, (options, spec) in WIDE_SPECS.items()}


def _indented(text: str) -> str:
    return textwrap.indent(text, "    ")


#: the blocks on a MkDocs page: on the page, in an admonition and in a content tab
MKDOCS_PAGE = "\n\n".join([
    "# Wide tables", WIDE_BLOCKS["trainable"], WIDE_BLOCKS["vgg"], WIDE_BLOCKS["vgg4"],
    '!!! note "In an admonition"', _indented(WIDE_BLOCKS["torchinfo"]),
    '=== "In a tab"', _indented(WIDE_BLOCKS["cells"]), '=== "Another tab"', "    Nothing here.",
    WIDE_BLOCKS["blocks"], ""])
#: the same in MyST Markdown for Sphinx (no content tabs there)
SPHINX_PAGE = "\n\n".join([
    "# Wide tables", WIDE_BLOCKS["trainable"], WIDE_BLOCKS["vgg"], WIDE_BLOCKS["vgg4"],
    ":::{note}\n" + WIDE_BLOCKS["torchinfo"] + "\n:::", WIDE_BLOCKS["cells"], WIDE_BLOCKS["blocks"], ""])
SPHINX_CONF = """extensions = ["myst_parser", "mkdocs_cnnsummary.sphinx"]
myst_fence_as_directive = ["cnn"]
myst_enable_extensions = ["colon_fence"]
html_theme = "furo"
"""
ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "DISABLE_MKDOCS_2_WARNING": "true", "NO_COLOR": "1"}


def _run(command: list[str], cwd: Path) -> None:
    done = subprocess.run(command, cwd=cwd, env=ENV, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.fixture(scope="module")
def wide_sites(tmp_path_factory) -> dict[str, Path]:
    """The page of wide tables built with MkDocs Material (light and slate) and with Sphinx (furo)."""
    root = tmp_path_factory.mktemp("wide")
    pages = {}
    for scheme in ("default", "slate"):
        project = root / f"material-{scheme}"
        (project / "docs").mkdir(parents=True)
        (project / "docs" / "index.md").write_text(MKDOCS_PAGE, encoding="utf-8")
        config = {"site_name": "Wide", "theme": {"name": "material", "palette": {"scheme": scheme}},
                  "plugins": ["cnnsummary"], "markdown_extensions": [
                      "admonition", "pymdownx.superfences", {"pymdownx.tabbed": {"alternate_style": True}}]}
        (project / "mkdocs.yml").write_text(yaml.safe_dump(config), encoding="utf-8")
        _run([sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-d", "site"], project)
        pages[f"material-{scheme}"] = project / "site" / "index.html"
    if all(importlib.util.find_spec(name) for name in ("sphinx", "myst_parser", "furo")):
        project = root / "sphinx"
        project.mkdir()
        (project / "conf.py").write_text(SPHINX_CONF, encoding="utf-8")
        (project / "index.md").write_text(SPHINX_PAGE, encoding="utf-8")
        _run([sys.executable, "-m", "sphinx", "-q", "-W", "--no-color", "-b", "html", ".", "_build"], project)
        pages["sphinx-furo"] = project / "_build" / "index.html"
    return pages


#: every text of a wide table holding a digit, and where its characters are drawn, with every calculation open
NUMBERS = r"""(() => {
  document.querySelectorAll('.cnnsummary details').forEach(d => { d.open = true; });
  const out = {...PAGE_WIDTH, blocks: []};
  for (const block of document.querySelectorAll('.cnnsummary--stackable')) {
    const scroll = block.querySelector('.cnnsummary__scroll');
    const table = block.querySelector('table.cnnsummary__table');
    if (!table.getBoundingClientRect().width) continue;  // in a hidden tab
    const texts = [], bad = [];
    const walker = document.createTreeWalker(table.tBodies[0].parentNode, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (!/\d/.test(node.data) || node.parentElement.closest('thead, caption')) continue;
      const cell = node.parentElement.closest('td, th');
      const holder = node.parentElement;
      const box = cell.getBoundingClientRect();
      const range = document.createRange();
      range.selectNodeContents(node);
      const rects = Array.from(range.getClientRects()).filter(r => r.width > 0);
      texts.push(node.data.trim());
      const inside = rects.length > 0 && rects.every(r => r.left >= Math.max(0, box.left) - 0.5 &&
        r.right <= Math.min(out.screen_width, box.right) + 0.5);
      const clipped = [holder, cell].some(e => e.scrollWidth > e.clientWidth + 1 &&
                                               getComputedStyle(e).overflowX !== 'visible');
      if (!inside || clipped)
        bad.push({text: node.data.trim(), rects: rects.map(r => [Math.round(r.left), Math.round(r.right)]),
                  cell: [Math.round(box.left), Math.round(box.right)], clipped});
    }
    const cells = Array.from(table.querySelectorAll('tbody td, tbody th')).filter(c => c.getBoundingClientRect().width);
    const wide = cells.filter(c => c.scrollWidth > c.clientWidth + 1).map(c => c.textContent.trim().slice(0, 40));
    out.blocks.push({caption: table.caption.textContent.trim(), texts, bad, wide_cells: wide,
                     scrolls: scroll.scrollWidth > scroll.clientWidth + 1,
                     headers_shown: table.tHead.getBoundingClientRect().width > 1,
                     labels: cells.filter(c => c.dataset.label).slice(0, 8)
                       .map(c => {  // Firefox gives the declared attr(), Chromium its value
                         const content = getComputedStyle(c, '::before').content;
                         return content === 'attr(data-label)' ? JSON.stringify(c.dataset.label) : content;
                       })});
  }
  return out;
})()""".replace("PAGE_WIDTH", PAGE_WIDTH)


def _wide_views(wide_sites) -> list[tuple[str, bool]]:
    """(site, dark) of each wide site, light ones first (Firefox starts afresh for another scheme)."""
    return sorted(((name, name.endswith("slate")) for name in wide_sites), key=lambda view: view[1])


def test_wide_tables_on_a_phone_show_every_number_whole(wide_sites, engine):
    """At 390 px a table of five to eight columns, or of four whose cells cannot get narrow enough (trainable
    counts, buffers, connections, the 102,764,544 parameters of VGG-16's first Dense layer, torchinfo's style,
    calculations in the cells or open under the rows, groups of a compact spec) is one card per row: nothing
    scrolls, every text holding a digit is drawn whole inside its cell and the screen, on the page, in an
    admonition and in a content tab."""
    seen = {}
    with launch(engine) as browser:
        for name, dark in _wide_views(wide_sites):
            browser.open(wide_sites[name].as_uri(), width=390, dark=dark)
            browser.evaluate("document.fonts.ready.then(() => true)")
            tabs = browser.evaluate("document.querySelectorAll('.tabbed-set > input').length")
            for tab in range(tabs) if tabs else [None]:  # each content tab in turn
                if tab is not None:
                    browser.evaluate(f"document.querySelectorAll('.tabbed-set > input')[{tab}].click()")
                report = browser.evaluate(NUMBERS)
                assert not report["page_wider_than_screen"], (name, report["overflowing"])
                for block in report["blocks"]:
                    seen[(name, block["caption"])] = block
    for (name, caption), block in seen.items():
        where = f"{name}: {caption}"
        assert block["texts"] and not block["bad"], (where, block["bad"][:4])
        assert not block["scrolls"] and not block["wide_cells"] and not block["headers_shown"], (where, block)
        assert '"Param #"' in block["labels"] or '"Output Shape"' in block["labels"], (where, block["labels"])
    for name in wide_sites:
        captions = {caption for site, caption in seen if site == name}
        expected = {"Trainable and non-trainable", "VGG-16 head, every column", "VGG-16 in four columns",
                    "PyTorch in torchinfo's style",
                    "Calculations in the cells", "Blocks"}
        assert captions == expected, (name, captions)
        vgg = seen[(name, "VGG-16 head, every column")]["texts"]
        assert "102,764,544" in vgg and any("(25088 + 1) × 4096" in t for t in vgg), name


#: a Markdown table like the guide's: MkDocs' own theme gives it Bootstrap's ``.table``, whose cells do not break
#: a long code word, so at 390 px it is wider than the screen (the theme's table, not ours)
THEME_TABLE = """| Option | Values | Default |
|---|---|---|
| `columns` | `index`, `layer`, `output_shape`, `params`, `trainable`, `non_trainable` | depends |
| `columns` | with commas: `index,layer,output_shape,params,trainable,non_trainable,buffers` | depends |
| `style` | `torchinfo` (`Layer (type:depth-idx)`, `[None, 16, 32, 32]`), `nolearn` (`32x24x24`) | its own |
| `expect_error` | the block documents a failing network | — |
"""
#: a block whose spec is wrong: its error box, with the spec, sits on the page too
ERROR_BLOCK = "```cnn title=\"A wrong block\"\ninput: [4, 4, 1]\nlayers:\n  - Conv2D: {filters: 3, kernel_size: 5}\n```"


#: worked steps in the cells of analysis columns: on a phone each cell is a card line under its column's label
MACS_BLOCK = """```cnn title="MACs in the cells" worked="table" columns="layer output_shape params macs flops"
input: [28, 28, 1]
layers:
  - Conv2D(32, 5)
  - Flatten
  - Dense(10)
```"""


@pytest.fixture(scope="module")
def mkdocs_theme_page(tmp_path_factory) -> Path:
    """Wide tables, an error box and the theme's own too-wide table on a page of MkDocs' built-in theme."""
    project = tmp_path_factory.mktemp("mkdocs-theme")
    (project / "docs").mkdir()
    page = "\n\n".join(["# MkDocs' theme", WIDE_BLOCKS["vgg"], WIDE_BLOCKS["cells"], MACS_BLOCK, ERROR_BLOCK,
                         THEME_TABLE])
    (project / "docs" / "index.md").write_text(page, encoding="utf-8")
    config = {"site_name": "Theme", "theme": {"name": "mkdocs"}, "plugins": ["search", "cnnsummary"],
              "markdown_extensions": ["pymdownx.superfences"]}
    (project / "mkdocs.yml").write_text(yaml.safe_dump(config), encoding="utf-8")
    _run([sys.executable, "-m", "mkdocs", "build", "-q", "-d", "site"], project)  # not strict: the error box
    return project / "site" / "index.html"


def test_a_page_wider_than_a_phone_is_caught_and_never_by_our_output(mkdocs_theme_page, engine):
    """The page-width check measures against the layout viewport and names what sticks out: in MkDocs' own
    theme at 390 px the theme's Bootstrap table of the options is too wide, in Chromium's mobile emulation (whose
    window grows to the page) as in Firefox.  That table is the one thing the check excludes; no element of the
    blocks (cards, worked steps in the cells, the error box) may stick out."""
    with launch(engine) as browser:
        browser.open(mkdocs_theme_page.as_uri(), width=390)
        browser.evaluate("document.fonts.ready.then(() => true)")
        report = browser.evaluate(PAGE_WIDTH)
    theirs = [o for o in report["overflowing"] if not o["ours"]]
    assert [o for o in report["overflowing"] if o["ours"]] == [], report
    assert report["page_wider_than_screen"], report  # the check sees it, in every engine
    assert theirs and all(o["element"].startswith("table.table") for o in theirs), report  # the theme's own table


#: each MACs and FLOPs cell of the card layout: its label (the ::before of the cell) and the text it shows
CARD_CELLS = r"""(() => Array.from(document.querySelectorAll('.cnnsummary td.cnnsummary__col-macs, ' +
                                                            '.cnnsummary td.cnnsummary__col-flops'))
  .filter(td => td.closest('tr').classList.contains('cnnsummary__row--layer')).map(td => {
    const label = getComputedStyle(td, '::before');  // Firefox gives the declared attr(), Chromium its value
    const content = label.content === 'attr(data-label)' ? td.dataset.label : label.content.replace(/^"|"$/g, '');
    return {label: label.display === 'none' ? null : content, text: td.innerText,
            headers_hidden: td.closest('table').tHead.getBoundingClientRect().width <= 1};
  }))()"""


def test_a_card_names_a_calculated_count_once(mkdocs_theme_page, engine):
    """In a phone's card, a MACs cell with its calculation reads "MACs" once (the card's label) and then the
    calculation, ``24 × 24 × 32 × (5 × 5 × 1) = 460,800``; the same for FLOPs."""
    with launch(engine) as browser:
        browser.open(mkdocs_theme_page.as_uri(), width=390)
        cells = browser.evaluate(CARD_CELLS)
    assert len(cells) == 6 and all(cell["headers_hidden"] for cell in cells), cells  # cards, two cells per layer
    for cell in cells:
        label = cell["label"]
        assert label in ("MACs", "FLOPs") and label.lower() not in cell["text"].lower(), cell
    assert "24 × 24 × 32 × (5 × 5 × 1)" in cells[0]["text"] and "460,800" in cells[0]["text"]


def test_wide_tables_keep_their_columns_on_a_desktop(wide_sites, engine):
    """At 1280 px the same tables are tables, their headers shown; one still too wide scrolls with its edge cue."""
    with launch(engine) as browser:
        for name, dark in _wide_views(wide_sites):
            browser.open(wide_sites[name].as_uri(), width=1280, dark=dark)
            report = browser.evaluate(CHECKS)
            tables = [t for t in report["tables"] if t["columns"] >= 5]
            assert len(tables) >= 4, name
            # a table still wider than the column (eight columns in furo's 736 px) scrolls, with the edge cue
            assert not any(t["cut"] and not t["scrolls"] for t in tables), (name, tables)
            assert all(t["cue"] for t in tables if t["scrolls"]), (name, tables)
            assert sum(not t["scrolls"] for t in tables) >= 4, (name, tables)
            shown = browser.evaluate("Array.from(document.querySelectorAll('.cnnsummary--stackable thead'))"
                                     ".filter(h => h.getBoundingClientRect().width > 1).length")
            assert shown >= 4, name


def test_card_labels_keep_their_contrast_light_and_dark(wide_sites, engine):
    with launch(engine) as browser:
        for name, dark in _wide_views(wide_sites):
            browser.open(wide_sites[name].as_uri(), width=390, dark=dark)
            contrast = browser.evaluate(CHECKS)["contrast"]
            for kind in ("label", "name", "type", "cell"):
                assert contrast[kind]["ratio"] >= 4.5, (name, kind, contrast[kind])


#: what themes such as mkdocs-shadcn do to every <summary>: no marker of the browser's, no pseudo-elements
ERASE_MARKERS = """(() => {
  const style = document.createElement('style');
  style.textContent = `summary { list-style: none !important; }
    summary::-webkit-details-marker { display: none !important; }
    summary::marker { content: none !important; }`;
  document.head.appendChild(style);
  const summary = document.querySelector('details.cnnsummary__fold > summary');
  summary.scrollIntoView({block: 'center'});
  const box = summary.getBoundingClientRect();
  const name = summary.querySelector('.cnnsummary__name').getBoundingClientRect();
  const marker = getComputedStyle(summary, '::before');
  return {list: getComputedStyle(summary).listStyleType, content: marker.content, display: marker.display,
          border: marker.borderLeftWidth, color: marker.borderLeftColor,
          clip: {x: box.left, y: box.top, width: Math.max(1, name.left - box.left - 1), height: box.height},
          height: box.height, width: box.width};
})()"""


@needs_chromium
@pytest.mark.parametrize("width", [1280, 390])
def test_the_fold_control_draws_its_own_triangle(wide_sites, width):
    """A theme that erases the browser's disclosure markers does not erase the triangle of the control that
    folds a block's rows: it is drawn (pixels darker than the page, left of the name) and big enough."""
    for name, dark in _wide_views(wide_sites):
        with Browser() as browser:
            browser.open(wide_sites[name].as_uri(), width=width, dark=dark)
            seen = browser.evaluate(ERASE_MARKERS)
            assert seen["list"] == "none" and seen["content"] == '""' and seen["display"] == "block", (name, seen)
            assert seen["border"] != "0px" and seen["height"] >= 24, (name, seen)
            png = browser.screenshot(clip=seen["clip"], scale=2)
        _, _, rows = png_pixels(png)
        lightness = [sum(row[i:i + 3]) / 3 for row in rows for i in range(0, len(row), 4)]
        background = max(set(lightness), key=lightness.count)
        drawn = [v for v in lightness if abs(v - background) > 80]
        assert len(drawn) >= 20, (name, width, len(drawn))  # a triangle of about 6 × 8 px (scale 2: ×4)
MODULE_FOLD = """(() => {
  const row = name => [...document.querySelectorAll('tr')].find(tr => {
    const th = tr.querySelector('th');
    return th && th.textContent.trim().split(/\\s/)[0] === name;
  });
  const shown = name => getComputedStyle(row(name)).display !== 'none';
  const before = {block: shown('layer2.0'), conv: shown('layer2.0.conv1'), down: shown('layer2.0.downsample.0')};
  row('layer2.0').querySelector('details.cnnsummary__fold summary').click();
  const opened = {conv: shown('layer2.0.conv1'), down: shown('layer2.0.downsample.0')};
  row('layer2').querySelector('details.cnnsummary__fold summary').click();
  const closed = {block: shown('layer2.0'), conv: shown('layer2.0.conv1'), next: shown('layer3')};
  return {before, opened, closed};
})()"""


@needs_chromium
def test_pytorch_module_rows_fold_and_unfold(site):
    """depth="2": a block's modules start folded; its name opens them (its downsample path stays folded), and
    closing the stage hides everything under it."""
    with Browser() as browser:
        browser.open((site / "pytorch-code" / "index.html").as_uri(), width=1280)
        seen = browser.evaluate(MODULE_FOLD)
    assert seen["before"] == {"block": True, "conv": False, "down": False}
    assert seen["opened"] == {"conv": True, "down": False}
    assert seen["closed"] == {"block": False, "conv": False, "next": True}


WARN_MARKS = r"""(() => Array.from(document.querySelectorAll('.cnnsummary__warn-mark')).map(mark => {
  const cell = mark.closest('th');
  const name = cell.querySelector('.cnnsummary__type') || cell.querySelector('.cnnsummary__name');
  const lines = Array.from(name.getClientRects());
  const last = lines[lines.length - 1], own = mark.getBoundingClientRect();
  return {name: name.textContent, mark_top: Math.round(own.top), name_bottom: Math.round(last.bottom),
          name_top: Math.round(last.top), inside: own.right <= cell.getBoundingClientRect().right + 0.5};
}))()"""


@pytest.mark.parametrize("width", [1280, 390])
def test_a_warning_mark_stays_on_its_layer_names_line(site, width, engine):
    """The ⚠ of a warned layer follows its name and type on the type's line (on a phone the type is under the
    name), inside the cell: never a line of its own under the name's toggle; in every engine."""
    with launch(engine) as browser:
        browser.open((site / "analysis" / "index.html").as_uri(), width=width)
        marks = browser.evaluate(WARN_MARKS)
    assert marks, "the analysis page shows design warnings"
    for mark in marks:
        assert mark["name_top"] - 4 <= mark["mark_top"] < mark["name_bottom"], mark
        assert mark["inside"], mark

"""The summary tables of the example site in a real browser (headless Chromium), Material light and slate, at
1280 and 390 px: no page is wider than the screen, a table of four columns or fewer fits a phone, no wide
table scrolls on a desktop, every kind of text of the blocks keeps a contrast of 4.5:1, and a layer's name
opens its calculation (a target of 24 px at least).  Skipped when Chromium is not installed (.ci/run
installs it)."""

from __future__ import annotations

from pathlib import Path

import pytest
from browser import Browser, chromium
from sites import build_example_site
from table_checks import CHECKS

PAGES = ["index.html", "guide/index.html", "questions/unet-up-convolution/index.html",
         "questions/lasagne-mnist/index.html", "questions/depthwise-separable/index.html",
         "questions/unknown-spatial-size/index.html", "questions/denoiser-output-size/index.html",
         "pytorch-code/index.html"]
VIEWS = [(width, dark) for width in (1280, 390) for dark in (False, True)]

pytestmark = pytest.mark.skipif(chromium() is None, reason="chromium is not installed (apt-get install chromium)")


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    return build_example_site(tmp_path_factory.mktemp("site"))


@pytest.fixture(scope="module")
def seen(site) -> dict[tuple[str, int, bool], dict]:
    """What CHECKS measures on each page in each view."""
    out = {}
    with Browser() as browser:
        for width, dark in VIEWS:
            for page in PAGES:
                browser.open((site / page).as_uri(), width=width, dark=dark)
                out[(page, width, dark)] = browser.evaluate(CHECKS)
    return out


def test_tables_fit_the_screen(seen):
    for (page, width, dark), report in seen.items():
        where = f"{page} at {width} px{' (dark)' if dark else ''}"
        assert report["tables"], where
        assert not report["page_wider_than_screen"], where
        for table in (t for t in report["tables"] if t["columns"]):  # an error box's spec may scroll
            if width >= 1280 or table["columns"] <= 4:  # wider tables scroll on a phone, with the edge cue
                assert not table["scrolls"] and not table["cut"], (where, table)


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


@pytest.mark.parametrize("width", [1280, 390])
def test_a_layer_name_opens_its_calculation(site, width):
    with Browser() as browser:
        browser.open((site / "index.html").as_uri(), width=width)
        toggle = browser.evaluate(TOGGLE)
    assert toggle["before"] == "none" and toggle["after"] == "table-row"
    assert toggle["height"] >= 24 and toggle["width"] >= 24
    assert toggle["marker"][0] == '""' and toggle["marker"][1] != "0px" and toggle["marker"][2] == "block"
    assert "(5 × 5 × 1 + 1) × 32" in toggle["steps"]


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


def test_pytorch_module_rows_fold_and_unfold(site):
    """depth="2": a block's modules start folded; its name opens them (its downsample path stays folded), and
    closing the stage hides everything under it."""
    with Browser() as browser:
        browser.open((site / "pytorch-code" / "index.html").as_uri(), width=1280)
        seen = browser.evaluate(MODULE_FOLD)
    assert seen["before"] == {"block": True, "conv": False, "down": False}
    assert seen["opened"] == {"conv": True, "down": False}
    assert seen["closed"] == {"block": False, "conv": False, "next": True}

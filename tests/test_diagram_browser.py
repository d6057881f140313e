"""The example site's U-Net diagram in a real browser (headless Chromium), light and dark, wide and phone-sized:
it is drawn (not blank), large enough to read, shaped as a U, no label leaves its box or overlaps another box,
and its text contrasts with its boxes.  Skipped when Chromium is not installed (.ci/run installs it)."""

from __future__ import annotations

import os
from collections import Counter
from pathlib import Path

import pytest
from browser import Browser, chromium, png_pixels
from sites import build_example_site

ROOT = Path(__file__).resolve().parent.parent
PAGE = "questions/unet-up-convolution/index.html"
#: set to a directory to keep the screenshots (to look at them)
KEEP = os.environ.get("CNNSUMMARY_SCREENSHOTS")

pytestmark = pytest.mark.skipif(chromium() is None, reason="chromium is not installed (apt-get install chromium)")

MEASURE = """(() => {
  const svg = [...document.querySelectorAll('.cnnsummary-diagram svg')].find(s => s.getBoundingClientRect().width > 0);
  const wrapper = svg.parentElement;
  window.scrollTo(0, svg.getBoundingClientRect().top + window.scrollY - 80);
  const r = svg.getBoundingClientRect();
  const rect = el => { const b = el.getBoundingClientRect(); return [b.left, b.top, b.right, b.bottom]; };
  const canvas = document.createElement('canvas').getContext('2d', {willReadFrequently: true});
  const paint = colours => {  // composite colours over each other, as the page does
    canvas.clearRect(0, 0, 1, 1);
    for (const c of colours) { canvas.fillStyle = '#000'; canvas.fillStyle = c; canvas.fillRect(0, 0, 1, 1); }
    return Array.from(canvas.getImageData(0, 0, 1, 1).data).slice(0, 3);
  };
  let page = getComputedStyle(document.body).backgroundColor;
  if (paint([page]).every(v => v === 0) && page.includes('0)')) page = '#fff';
  const nodes = [...svg.querySelectorAll('.cnnsummary-diagram__node')].map(g => {
    const box = g.querySelector('rect.cnnsummary-diagram__box:not(.cnnsummary-diagram__box--behind)');
    const fill = getComputedStyle(box).fill;
    const under = paint([page, fill]);
    const spans = [...g.querySelectorAll('tspan')].map(t => ({
      role: t.getAttribute('class').replace('cnnsummary-diagram__', ''), text: t.textContent,
      rect: rect(t), colour: paint([page, fill, getComputedStyle(t).fill]), under}));
    return {name: g.dataset.layer, box: rect(box), spans};
  });
  return {width: r.width, height: r.height, viewBox: svg.viewBox.baseVal.width, left: r.left, top: r.top,
          scheme: document.body.getAttribute('data-md-color-scheme'), page: paint([page]),
          scroll: [wrapper.scrollWidth, wrapper.clientWidth], nodes,
          variant: wrapper.className.includes('variant--compact') ? 'compact' : 'wide',
          clip: [r.left + window.scrollX, r.top + window.scrollY, Math.min(r.width, wrapper.clientWidth), r.height]};
})()"""


def luminance(rgb: list[int]) -> float:
    def channel(c: int) -> float:
        c /= 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: list[int], b: list[int]) -> float:
    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    return build_example_site(tmp_path_factory.mktemp("site"))


@pytest.fixture(scope="module")
def browser():
    with Browser() as b:
        yield b


def inside(inner: list[float], outer: list[float], slack: float = 0.5) -> bool:
    return (inner[0] >= outer[0] - slack and inner[1] >= outer[1] - slack
            and inner[2] <= outer[2] + slack and inner[3] <= outer[3] + slack)


def overlap(a: list[float], b: list[float]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


@pytest.mark.parametrize("dark", [False, True], ids=["light", "dark"])
@pytest.mark.parametrize("width", [1280, 390])
def test_unet_diagram_in_the_browser(site, browser, width, dark):
    browser.open((site / PAGE).as_uri(), width=width, dark=dark)
    browser.wait_for("document.querySelector('.cnnsummary-diagram svg') !== null")
    m = browser.evaluate(MEASURE)
    assert m["scheme"] == ("slate" if dark else "default")
    assert (luminance(m["page"]) < 0.05) if dark else (luminance(m["page"]) > 0.9)

    # large enough to read: a 12-unit font is shown at 10 CSS pixels or more, and the drawing is tall
    font = 12 * m["width"] / m["viewBox"]
    assert font >= 9.99 and m["height"] > 1000, m
    assert m["scroll"][0] <= m["scroll"][1]  # fits the column without scrolling (the compact variant on a phone)
    assert m["variant"] == ("wide" if width == 1280 else "compact")

    nodes = {n["name"]: n for n in m["nodes"]}
    assert len(nodes) == 39  # the input and 38 layers
    boxes = list(nodes.values())
    for i, a in enumerate(boxes):  # no box on another, every label inside its box (real font metrics)
        assert not [b["name"] for b in boxes[i + 1:] if overlap(a["box"], b["box"])], a["name"]
        for span in a["spans"]:
            assert inside(span["rect"], a["box"]), (a["name"], span)
        for j, s in enumerate(a["spans"]):
            assert not [t for t in a["spans"][j + 1:] if overlap(s["rect"], t["rect"])], (a["name"], s)

    # a U: down the left, up the right, each skip straight across its band
    def centre(name: str) -> tuple[float, float]:
        b = nodes[name]["box"]
        return (b[0] + b[2]) / 2, (b[1] + b[3]) / 2

    assert centre("conv1")[0] < centre("merge9")[0] and abs(centre("conv1")[1] - centre("merge9")[1]) < 60
    assert centre("drop4")[1] == pytest.approx(centre("merge6")[1], abs=0.5)
    deepest = max(boxes, key=lambda n: n["box"][3])
    assert any(s["text"].startswith("16×16×") for s in deepest["spans"])  # the bottleneck at the bottom
    assert centre("up9")[1] < centre("up8")[1] < centre("up7")[1] < centre("up6")[1]  # the decoder climbs

    # text contrasts with its box: names and shapes as body text (4.5), types and counts as secondary (3)
    for n in boxes:
        for span in n["spans"]:
            ratio = contrast(span["colour"], span["under"])
            assert ratio >= (4.5 if span["role"] in ("name", "shape") else 3.0), (n["name"], span["role"], ratio)

    # the screenshot shows a drawing: several colours, and marks on a good share of it
    x, y, w, h = m["clip"]
    png = browser.screenshot(clip={"x": x, "y": y, "width": w, "height": min(h, 700)}, scale=0.5)
    if KEEP:
        Path(KEEP).mkdir(parents=True, exist_ok=True)
        browser.evaluate("document.querySelectorAll('.md-header, .md-tabs')"
                         ".forEach(e => e.style.visibility = 'hidden')")  # the sticky header would cover it
        full = browser.screenshot(clip={"x": x, "y": y, "width": w, "height": h})
        (Path(KEEP) / f"unet-{width}-{'dark' if dark else 'light'}.png").write_bytes(full)
    pw, ph, rows = png_pixels(png)
    colours = Counter(row[i:i + 3] for row in rows for i in range(0, len(row), 4))
    marked = 1 - colours.most_common(1)[0][1] / (pw * ph)  # pixels not of the background colour
    assert len(colours) > 20 and marked > 0.1, (len(colours), marked)

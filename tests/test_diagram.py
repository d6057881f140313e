"""Diagrams: the SVG is well-formed, shows every layer and exactly the graph's edges, is the same bytes for
the same spec, escapes what users write, and its layouts never put a box on a box or an edge through a box."""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from random_networks import random_network
from test_gallery import BLOCKS as GALLERY_BLOCKS

from mkdocs_cnnsummary import SpecError, summarize
from mkdocs_cnnsummary.block import FenceOptions, parse_options, render_block, split_header
from mkdocs_cnnsummary.cli import main
from mkdocs_cnnsummary.render.diagram.geometry import PAD_X, SPAN_GAP, Layout, Route, dims
from mkdocs_cnnsummary.render.diagram.graph import build_graph
from mkdocs_cnnsummary.render.diagram.options import DiagramOptions, parse_diagram
from mkdocs_cnnsummary.render.diagram.text import text_width, xml_safe
from mkdocs_cnnsummary.render.svg import MAX_BOXES, layout_for, render_diagram_html, render_svg

ROOT = Path(__file__).resolve().parent.parent
SPECS = ROOT / "tests" / "specs"
SVG = "{http://www.w3.org/2000/svg}"
UNET = (SPECS / "seed_000_unet.yaml").read_text(encoding="utf-8")

RESIDUAL = """
name: Two residual blocks
input: [32, 32, 16]
layers:
  - Conv2D(16, 3, padding="same", name="a1")
  - ReLU(name="a2")
  - Conv2D(16, 3, padding="same", name="a3")
  - {name: add1, Add: {}, inputs: [input, a3]}
  - Conv2D(32, 3, strides=2, padding="same", name="b1")
  - ReLU(name="b2")
  - Conv2D(32, 3, padding="same", name="b3")
  - {name: proj, Conv2D: {filters: 32, kernel_size: 1, strides: 2}, inputs: add1}
  - {name: add2, Add: {}, inputs: [b3, proj]}
  - GlobalAveragePooling2D
  - Dense(10)
"""

PYTORCH = """
framework: pytorch
input: [3, 32, 32]
layers:
  - Conv2d(3, 16, 3, padding=1)
  - BatchNorm2d(16)
  - ReLU()
  - MaxPool2d(2)
  - Flatten()
  - Linear(4096, 10)
"""

MULTI = """
inputs: {image: [32, 32, 3], meta: [5]}
layers:
  - {name: conv, Conv2D: [8, 3], inputs: image}
  - GlobalAveragePooling2D
  - {name: joined, Concatenate: {}, inputs: [global_average_pooling2d, meta]}
  - {name: lstm_in, Reshape: [[1, 13]]}
  - {name: lstm, LSTM: {units: 4, return_state: true}}
  - {name: h, Dense: 2, inputs: "lstm[1]"}
  - {name: c, Dense: 2, inputs: "lstm[2]"}
outputs: [h, c]
"""


def repeated(blocks: int) -> str:
    """A stem and ``blocks`` identical residual blocks."""
    lines = ["input: [16, 16, 8]", "layers:", '  - Conv2D(8, 3, padding="same", name="stem")']
    prev = "stem"
    for i in range(blocks):
        lines += [f'  - Conv2D(8, 3, padding="same", name="r{i}a")', f'  - Conv2D(8, 3, padding="same", name="r{i}b")',
                  f"  - {{name: r{i}add, Add: {{}}, inputs: [{prev}, r{i}b]}}"]
        prev = f"r{i}add"
    return "\n".join(lines) + "\n"


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def boxes(root: ET.Element) -> list[ET.Element]:
    return [g for g in root.iter(f"{SVG}g") if "cnnsummary-diagram__node" in g.get("class", "").split()]


def drawn_edges(root: ET.Element) -> set[tuple[str, str]]:
    return {(g.get("data-from"), g.get("data-to")) for g in root.iter(f"{SVG}g")
            if "cnnsummary-diagram__edge" in g.get("class", "").split()}


def graph_edges(summary) -> set[tuple[str, str]]:
    """(source, layer) for every connection of the summary (``lstm[1]`` is the layer ``lstm``)."""
    out = set()
    for layer in summary.layers:
        for ref in layer.inputs:
            out.add((ref.split("[")[0] if ref.endswith("]") else ref, layer.name))
    return out


CASES = {"unet": UNET, "residual": RESIDUAL, "pytorch": PYTORCH, "multi": MULTI,
         **{p.stem: p.read_text(encoding="utf-8") for p in sorted(SPECS.glob("*.yaml")) if "too_small" not in p.stem}}
WORDS = ["vertical", "horizontal", "vertical layered", "horizontal layered"]


@pytest.mark.parametrize("words", WORDS)
@pytest.mark.parametrize("case", sorted(CASES))
def test_every_layer_and_every_edge_is_drawn(case, words):
    summary = summarize(CASES[case])
    root = parse(render_svg(summary, words + " unfolded"))
    assert root.tag == f"{SVG}svg" and root.get("role") == "img" and root.find(f"{SVG}title").text
    drawn = [g.get("data-layer") for g in boxes(root)]
    names = [i.name for i in summary.inputs] + [layer.name for layer in summary.layers]
    assert sorted(drawn) == sorted(names)
    assert drawn_edges(root) == graph_edges(summary)
    for g in boxes(root):  # each box says its name, its shape and its parameters
        text = "".join(g.find(f"{SVG}title").itertext())
        assert g.get("data-layer") in text


def test_labels_come_from_the_table():
    root = parse(render_svg(summarize(UNET)))
    up6 = next(g for g in boxes(root) if g.get("data-layer") == "up6")
    text = " ".join(t for el in up6.iter(f"{SVG}text") for t in el.itertext())
    assert "up6" in text and "Conv2D" in text and "32×32×512" in text and "2,097,664 params" in text


def test_folded_runs_keep_every_layer_and_their_totals():
    summary = summarize(repeated(4))
    root = parse(render_svg(summary))
    folds = [g for g in boxes(root) if g.get("data-repeat")]
    assert len(folds) == 1 and folds[0].get("data-repeat") == "4"  # r0 ... r3: four identical residual blocks
    members = folds[0].get("data-layers").split()
    assert members == [f"r{i}{part}" for i in range(4) for part in ("a", "b", "add")]
    text = " ".join(folds[0].itertext())
    assert "× 4" in text and f"{4 * 2 * 584:,} params" in text
    shown = {g.get("data-layer") for g in boxes(root) if not g.get("data-repeat")} | set(members)
    assert shown == {"input", "stem"} | {layer.name for layer in summary.layers}
    for src, dst in drawn_edges(root):  # drawn edges are real connections between different boxes
        assert (src, dst) in graph_edges(summary)
    assert len(boxes(parse(render_svg(summary, "unfolded")))) == 2 + 12


def test_a_single_repeated_layer_folds_from_three():
    two = summarize("input: [8]\nlayers:\n" + "  - Dense(4)\n" * 3)  # the first differs: it reads 8 values
    three = summarize("input: [8]\nlayers:\n" + "  - Dense(4)\n" * 4)
    assert [n.repeat for n in build_graph(two).nodes] == [1, 1, 1, 1]
    assert [n.repeat for n in build_graph(three).nodes] == [1, 1, 3]


def test_same_spec_same_bytes_in_any_process():
    first = render_svg(summarize(UNET), standalone=True)
    assert first == render_svg(summarize(UNET), standalone=True)
    code = ("import sys; from mkdocs_cnnsummary import summarize; from mkdocs_cnnsummary.render.svg import render_svg; "
            "sys.stdout.write(render_svg(summarize(sys.stdin.read()), standalone=True))")
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed, "PYTHONPATH": str(ROOT)}
        proc = subprocess.run([sys.executable, "-c", code], input=UNET, capture_output=True, text=True, env=env,
                              check=True)
        assert proc.stdout == first


HOSTILE = ['<script>alert("x")</script>', "a&b;&amp;", "q\"uo'te", "bell\x07", "line\nbreak", "\u202eevil",
           "]]></svg>", "\ud800lone", "{0}{svg}{variant}", "x" * 90]


@pytest.mark.parametrize("name", HOSTILE, ids=range(len(HOSTILE)))
def test_user_written_names_are_escaped(name):
    summary = summarize({"name": name, "input": [8], "layers": [{"name": name, "Dense": 4}, {"Dense": 2}]})
    for svg in (render_svg(summary), render_svg(summary, standalone=True),
                render_diagram_html(summary, DiagramOptions(placement="only"), title=name)):
        assert "<script" not in svg and svg.count("</svg>") == 1
        root = parse(svg[svg.index("<svg"):svg.index("</svg>") + 6])
        assert xml_safe(name) in [g.get("data-layer") for g in boxes(root)]
        assert xml_safe(name) in root.get("aria-label")
    figure = render_diagram_html(summary, DiagramOptions(placement="only"), title=name)
    assert parse(figure).find("figcaption").text == xml_safe(name)  # the whole figure is XML too


# layouts -----------------------------------------------------------------------------------------
def _cubic(a, b, axis, n=12):
    if axis == "y":
        mid = (a[1] + b[1]) / 2
        c1, c2 = (a[0], mid), (b[0], mid)
    else:
        mid = (a[0] + b[0]) / 2
        c1, c2 = (mid, a[1]), (mid, b[1])
    out = []
    for i in range(n + 1):
        t = i / n
        u = 1 - t
        out.append(tuple(u ** 3 * a[k] + 3 * u * u * t * c1[k] + 3 * u * t * t * c2[k] + t ** 3 * b[k] for k in (0, 1)))
    return out


def _samples(route: Route) -> list[tuple[float, float]]:
    """Points along the drawn edge (the same curves as the SVG path)."""
    out = []
    for a, b in zip(route.points, route.points[1:], strict=False):
        across = (a[0] - b[0]) if route.axis == "y" else (a[1] - b[1])
        if route.curved and abs(across) >= 0.5:
            out += _cubic(a, b, route.axis)
        else:
            n = max(2, int(max(abs(a[0] - b[0]), abs(a[1] - b[1])) / 3))
            out += [(a[0] + (b[0] - a[0]) * i / n, a[1] + (b[1] - a[1]) * i / n) for i in range(n + 1)]
    return out


def layout_problems(layout: Layout) -> list[str]:
    """Boxes that overlap, labels wider than their box, edges through a box or outside the drawing,
    band labels on a box or an edge."""
    out = []
    bs = layout.boxes
    for i, a in enumerate(bs):
        width = max(sum(s.width for s in line) + SPAN_GAP * (len(line) - 1) for line in a.lines)
        if width + 2 * PAD_X > a.w + 0.6:
            out.append(f"label wider than its box: {a.node.key}")
        out += [f"boxes overlap: {a.node.key}, {b.node.key}" for b in bs[i + 1:]
                if a.x < b.x + b.w and b.x < a.x + a.w and a.y < b.y + b.h and b.y < a.y + a.h]
    for r in layout.routes:
        for x, y in _samples(r):
            hit = next((b for b in bs if b.x + 1 < x < b.x + b.w - 1 and b.y + 1 < y < b.y + b.h - 1), None)
            if hit is not None:
                out.append(f"edge {r.edge.src} -> {r.edge.dst} through {hit.node.key}")
                break
            if not (-0.5 <= x <= layout.width + 0.5 and -0.5 <= y <= layout.height + 0.5):
                out.append(f"edge {r.edge.src} -> {r.edge.dst} outside the drawing")
                break
    for band in layout.bands:
        x0, y1 = band.label_at
        x1, y0 = x0 + text_width(band.label, size=11), y1 - 9
        out += [f"band label on {b.node.key}" for b in bs
                if x0 < b.x + b.w and b.x < x1 and y0 < b.y + b.h and b.y < y1]
        out += [f"band label on edge {r.edge.src}" for r in layout.routes
                if any(x0 - 1 < x < x1 + 1 and y0 - 1 < y < y1 + 1 for x, y in _samples(r))]
    return out


def random_unet(seed: int) -> dict:
    """An encoder-decoder network with skips: random depth, blocks, up-sampling kind and missing skips."""
    g = random.Random(seed)
    depth = g.randint(1, 4)
    layers, skips, count = [], [], [0]

    def name(prefix: str) -> str:
        count[0] += 1
        return f"{prefix}{count[0]}"

    for d in range(depth):
        for _ in range(g.randint(1, 3)):
            layers.append({"name": name("c"), "Conv2D": {"filters": 8 * (d + 1), "kernel_size": 3, "padding": "same"}})
        skips.append(layers[-1]["name"])
        layers.append({"name": name("p"), "MaxPooling2D": 2})
    for _ in range(g.randint(1, 4)):
        layers.append({"name": name("b"), "Conv2D": {"filters": 64, "kernel_size": 3, "padding": "same"}})
    for d in reversed(range(depth)):
        if g.random() < 0.5:
            layers.append({"name": name("u"), "UpSampling2D": 2})
        else:
            layers.append({"name": name("t"),
                           "Conv2DTranspose": {"filters": 8 * (d + 1), "kernel_size": 2, "strides": 2}})
        if g.random() < 0.85:
            layers.append({"name": name("m"), "Concatenate": None, "inputs": [skips[d], layers[-1]["name"]]})
        for _ in range(g.randint(1, 3)):
            layers.append({"name": name("c"), "Conv2D": {"filters": 8 * (d + 1), "kernel_size": 3, "padding": "same"}})
    layers.append({"name": "out", "Conv2D": {"filters": 1, "kernel_size": 1}})
    size = 2 ** g.randint(depth + 1, 7)
    return {"input": [size, size, g.choice([1, 3])], "layers": layers}


SAMPLES = int(os.environ.get("CNNSUMMARY_DIAGRAM_SAMPLES", "60"))


@pytest.mark.parametrize("direction", ["vertical", "horizontal"])
def test_random_networks_lay_out_cleanly(direction):
    bad = {}
    for seed in range(SAMPLES):
        summary = summarize(random_network(seed))
        _, layout = layout_for(summary, DiagramOptions(placement="below", direction=direction))
        problems = layout_problems(layout)
        if problems:
            bad[seed] = problems[:3]
    assert not bad


@pytest.mark.parametrize("direction", ["vertical", "horizontal"])
def test_random_encoder_decoders_are_drawn_as_a_clean_u(direction):
    arrangements, bad = [], {}
    for seed in range(SAMPLES):
        spec = random_unet(seed)
        summary = summarize(spec)
        _, layout = layout_for(summary, DiagramOptions(placement="below", direction=direction))
        arrangements.append(layout.arrangement)
        has_skip = any(len(item.get("inputs", [])) > 1 for item in spec["layers"])
        assert layout.arrangement == ("u" if has_skip else "layered"), seed
        problems = layout_problems(layout)
        if problems:
            bad[seed] = problems[:3]
    assert not bad and arrangements.count("u") > SAMPLES // 2


def test_the_seed_unet_reads_as_a_u():
    summary = summarize(UNET)
    _, layout = layout_for(summary, DiagramOptions(placement="below"))
    assert layout.arrangement == "u" and not layout_problems(layout)
    at = {b.node.key: b for b in layout.boxes}
    encoder = ["conv1", "conv1b", "pool1", "conv2b", "conv3b", "drop4", "pool4"]
    decoder = ["conv5b", "upsample6", "merge6", "merge7", "merge8", "merge9", "conv10"]
    assert max(at[k].x for k in encoder) < min(at[k].x for k in decoder)  # down the left, up the right
    assert [at[k].y for k in encoder] == sorted(at[k].y for k in encoder)  # going down ...
    assert [at[k].y for k in decoder] == sorted((at[k].y for k in decoder), reverse=True)  # ... and back up
    assert at["conv10"].y < at["pool1"].y and at["conv5"].y == max(b.y for b in layout.boxes)
    for src, dst in [("conv1b", "merge9"), ("conv2b", "merge8"), ("conv3b", "merge7"), ("drop4", "merge6")]:
        route = next(r for r in layout.routes if (r.edge.src, r.edge.dst) == (src, dst))
        assert route.kind == "skip" and route.points[0][1] == route.points[-1][1]  # straight across its band
    assert [b.label for b in layout.bands] == ["256×256", "128×128", "64×64", "32×32", "16×16"]


def test_a_shortcut_runs_beside_the_main_column():
    summary = summarize(RESIDUAL)
    _, layout = layout_for(summary, DiagramOptions(placement="below"))
    assert layout.arrangement == "layered" and not layout_problems(layout)
    at = {b.node.key: b for b in layout.boxes}
    main = ["input", "a1", "a2", "a3", "add1"]
    assert len({round(at[k].cx, 1) for k in main}) == 1  # the main path is one straight column
    shortcut = next(r for r in layout.routes if (r.edge.src, r.edge.dst) == ("input", "add1"))
    assert shortcut.kind == "skip"
    beside = [x for x, y in shortcut.points[1:-1]]
    assert beside and min(beside) > max(at[k].x + at[k].w for k in ("a1", "a2", "a3"))


def test_horizontal_layouts_run_left_to_right():
    summary = summarize(CASES["seed_001_mnist_keras"])
    _, layout = layout_for(summary, DiagramOptions(placement="below", direction="horizontal"))
    xs = [b.x for b in layout.boxes]
    assert xs == sorted(xs) and len({b.cy for b in layout.boxes}) == 1  # one straight row
    assert all(len(b.lines) >= 3 for b in layout.boxes)  # stacked labels: narrower boxes


def test_too_many_boxes_is_said_not_drawn():
    spec = "input: [4]\nlayers:\n" + "".join(f"  - Dense({4 + i % 7})\n" for i in range(MAX_BOXES + 5))
    summary = summarize(spec)
    with pytest.raises(ValueError, match="more than"):
        render_svg(summary)
    html = render_diagram_html(summary, DiagramOptions(placement="below"))
    assert "<svg" not in html and "the table" in html


def test_the_svg_scales_but_never_below_a_ten_pixel_font():
    root = parse(render_svg(summarize(UNET)))
    width = float(root.get("width"))
    assert root.get("viewBox") == f"0 0 {root.get('width')} {root.get('height')}"
    assert root.get("style") == f"min-width: {round(width * 10 / 12, 1):g}px"
    assert "<style>" not in render_svg(summarize(UNET)) and "<style>" in render_svg(summarize(UNET), standalone=True)


def test_shapes_are_written_without_the_batch():
    assert dims((None, 28, 28, 32)) == "28×28×32"
    assert dims((None, None, None, 16)) == "?×?×16"
    assert dims([(None, 4), (None, 4), (None, 4)]) == "4, 4, …"


# the option, the block, the command line ---------------------------------------------------------
def test_diagram_words():
    assert parse_diagram("below") == DiagramOptions(placement="below")
    assert parse_diagram("horizontal") == DiagramOptions(placement="below", direction="horizontal")
    assert parse_diagram("diagram").placement == "below"
    site = parse_diagram("below horizontal")
    assert parse_diagram("above", site) == DiagramOptions(placement="above", direction="horizontal")
    assert parse_diagram("none", site).placement == "none"
    assert parse_diagram("only layered unfolded") == DiagramOptions("only", "vertical", "layered", False)
    with pytest.raises(SpecError, match="did you mean 'horizontal'"):
        parse_diagram("horizontl")


def test_block_places_the_drawing_and_reports_bad_words():
    spec = "input: [28, 28, 1]\nlayers:\n  - Conv2D(8, 3)\n  - Flatten\n  - Dense(10)\n"
    for words, order in (("below", ("<table", "<svg")), ("above", ("<svg", "<table"))):
        html = render_block(spec, parse_options(split_header(f'diagram="{words}"'))).html
        assert html.index(order[0]) < html.index(order[1])
    only = render_block(spec, parse_options(split_header('diagram="only" title="Tiny"'))).html
    assert "<table" not in only and "<svg" in only and "Tiny</figcaption>" in only
    assert "<svg" not in render_block(spec, FenceOptions()).html
    with pytest.raises(SpecError, match="unknown diagram word"):
        parse_options(split_header('diagram="sideways"'))


def test_cli_writes_a_standalone_svg(tmp_path, capsys):
    spec = tmp_path / "unet.yaml"
    spec.write_text(UNET, encoding="utf-8")
    assert main([str(spec), "--format", "svg"]) == 0
    out = capsys.readouterr().out
    root = parse(out)
    assert root.find(f"{SVG}style") is not None and root.get("data-arrangement") == "u"
    assert out == render_svg(summarize(UNET), standalone=True)
    assert main([str(spec), "--format", "svg", "--diagram", "horizontal layered"]) == 0
    assert parse(capsys.readouterr().out).get("data-direction") == "horizontal"
    assert main([str(spec), "--format", "svg", "--diagram", "sideways"]) == 2
    assert "unknown diagram word 'sideways'" in capsys.readouterr().err


def test_plugin_default_draws_every_block(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "index.md").write_text("# Net\n\n```cnn\ninput: [8]\nlayers:\n  - Dense(4)\n```\n\n"
                                   '```cnn diagram="none"\ninput: [8]\nlayers:\n  - Dense(2)\n```\n', encoding="utf-8")
    config = {"site_name": "t", "docs_dir": "docs", "plugins": [{"cnnsummary": {"diagram": "above horizontal"}}]}
    (tmp_path / "mkdocs.yml").write_text(json.dumps(config), encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(ROOT), "NO_MKDOCS_2_WARNING": "1"}
    proc = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(tmp_path / "site")],
                          cwd=tmp_path, capture_output=True, text=True, env=env)
    assert proc.returncode == 0, proc.stderr
    html = (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    assert html.count('class="cnnsummary-diagram__svg"') == 1 and 'data-direction="horizontal"' in html
    assert html.index("cnnsummary-diagram__svg") < html.index("cnnsummary__table")
    config["plugins"] = [{"cnnsummary": {"diagram": "sideways"}}]
    (tmp_path / "mkdocs.yml").write_text(json.dumps(config), encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-d", str(tmp_path / "site")],
                          cwd=tmp_path, capture_output=True, text=True, env=env)
    assert proc.returncode != 0 and "unknown diagram word 'sideways'" in proc.stderr


def test_a_wide_vertical_drawing_has_a_compact_variant_for_phones():
    html = render_diagram_html(summarize(UNET), DiagramOptions(placement="below"))
    svgs = [parse(part[:part.index("</svg>") + 6]) for part in ("<svg" + p for p in html.split("<svg")[1:])]
    assert len(svgs) == 2 and "cnnsummary-diagram--switch-" in html
    wide, compact = (float(s.get("width")) for s in svgs)
    assert compact < wide and compact * 10 / 12 <= 340  # fits a phone's column at a 10 px font or more
    switch = int(html.split("cnnsummary-diagram--switch-")[1].split('"')[0].split()[0])
    assert switch >= wide * 10 / 12
    small = render_diagram_html(summarize(RESIDUAL), DiagramOptions(placement="below"))
    assert small.count("<svg") == 1 and "switch" not in small
    assert render_diagram_html(summarize(UNET), DiagramOptions("below", "horizontal")).count("<svg") == 1
    hostile = render_diagram_html(summarize(UNET), DiagramOptions(placement="only"), title='{svg} "<b>')
    assert parse(hostile).find("figcaption").text == '{svg} "<b>' and hostile.count("<svg") == 2


def with_blocks(summary, block: str, copies: list[list[str]]):
    """``summary`` as a compact spec's expansion would record it: each list of layers one copy of
    ``block`` made by one ``repeat:`` item (``LayerRecord.block``, ``Summary.blocks``)."""
    from types import SimpleNamespace

    summary.blocks = [SimpleNamespace(name=f"{block}_{i + 1}", block=block, parent=None, run=0, copy=i + 1,
                                      copies=len(copies)) for i in range(len(copies))]
    for i, names in enumerate(copies):
        for name in names:
            summary.layer(name).block = f"{block}_{i + 1}"
    return summary


def test_runs_of_block_copies_fold_as_the_table_does():
    summary = with_blocks(summarize(repeated(3)), "residual",
                          [[f"r{i}a", f"r{i}b", f"r{i}add"] for i in range(3)])
    graph = build_graph(summary)
    assert [(n.kind, n.repeat) for n in graph.nodes] == [("input", 1), ("layer", 1), ("fold", 3)]
    fold = graph.nodes[-1]
    assert fold.block == "residual" and fold.instances == ("residual_1", "residual_3") and fold.unit == 3
    root = parse(render_svg(summary))
    box = next(g for g in boxes(root) if g.get("data-repeat"))
    text = " ".join(box.itertext())
    assert "residual_1 … residual_3" in text and "× 3" in text
    assert [t.text for t in box.iter(f"{SVG}tspan") if t.get("class") == "cnnsummary-diagram__type"] == ["residual"]
    # copies that are not identical (a block whose width grows) still fold: the run is what the spec says
    grown = summarize("input: [8]\nlayers:\n  - Dense(4, name='a')\n  - Dense(6, name='b')\n  - Dense(2, name='c')\n")
    graph = build_graph(with_blocks(grown, "widen", [["a"], ["b"]]))
    assert [(n.kind, n.repeat, n.params) for n in graph.nodes[1:]] == [("fold", 2, 36 + 30), ("layer", 1, 14)]


def test_many_long_edges_stay_bounded():
    """Every layer reads the previous one and two far behind: tens of thousands of edge waypoints
    would be needed; the layout caps them and still draws every box and edge."""
    lines, names = ["input: [16]", "layers:"], ["input"]
    for i in range(300):
        sources = sorted({names[-1], names[len(names) // 2], names[len(names) // 3]})
        lines.append(f"  - {{name: k{i}, Concatenate: {{}}, inputs: [{', '.join(sources)}]}}" if len(sources) > 1
                     else f"  - {{name: k{i}, Dense: 4, inputs: {sources[0]}}}")
        names.append(f"k{i}")
    summary = summarize("\n".join(lines))
    root = parse(render_svg(summary, "unfolded"))
    assert len(boxes(root)) == 301 and drawn_edges(root) == graph_edges(summary)


@pytest.mark.parametrize(("title", "runs"), [
    ("ResNet-50 (Keras)", [("bottleneck", 2), ("bottleneck", 3), ("bottleneck", 5), ("bottleneck", 2)]),
    ("DenseNet-121 (Keras)", [("dense_layer", 6), ("dense_layer", 12), ("dense_layer", 24), ("dense_layer", 16)]),
    ("Vision Transformer encoder (Keras)", [("encoder_block", 6)]),
])
def test_gallery_compact_specs_fold_their_repeat_runs(title, runs):
    """The gallery's real compact specs (not hand-set fields): each ``repeat:`` run is one box that
    stands for every layer of its copies, and no layer is lost or drawn twice."""
    summary = summarize(GALLERY_BLOCKS[title])
    graph = build_graph(summary)
    folds = [n for n in graph.nodes if n.kind == "fold"]
    assert [(n.block, n.repeat) for n in folds] == runs
    drawn = [name for n in graph.nodes if n.kind != "input" for name in n.names]
    assert sorted(drawn) == sorted(layer.name for layer in summary.layers)
    for fold in folds:
        assert fold.params == sum(summary.layer(name).params for name in fold.names)
    root = parse(render_svg(summary))
    assert [g.get("data-repeat") for g in boxes(root) if g.get("data-repeat")] == [str(r) for _, r in runs]

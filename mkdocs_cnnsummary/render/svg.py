"""The network as an SVG drawing, written by hand: boxes labelled from the table, edges for every
connection, a U for encoder-decoder networks, runs of identical blocks folded into ``× N`` boxes.

No Graphviz, no font library, no script: the layout is computed here (``diagram/``) and the text
is real SVG text.  Colours are CSS variables and ``currentColor`` (``static/cnnsummary.css``), so the
page's light and dark schemes apply; a standalone file carries its own light defaults.  The same
summary and options always give the same bytes.

>>> from mkdocs_cnnsummary import summarize
>>> svg = render_svg(summarize("input: [28, 28, 1]\\nlayers:\\n  - Conv2D: [32, 3]\\n"))
>>> svg.startswith("<svg") and "26×26×32" in svg
True
"""

from __future__ import annotations

import itertools
import re
from html import escape

from ..engine.summary import Summary
from .diagram import words
from .diagram.geometry import PAD_X, SPAN_GAP, Box, Layout, Route, baseline, dims
from .diagram.graph import Graph, Node, build_graph
from .diagram.layered import layered_layout
from .diagram.options import DiagramOptions, parse_diagram
from .diagram.text import FONT_SIZE, xml_safe
from .formatting import count, input_type

#: the smallest font size a drawing may shrink to on a narrow page (CSS pixels); wider ones scroll
MIN_FONT_SIZE = 10.0
#: drawings with more boxes than this (after folding) are not drawn
MAX_BOXES = 400
#: the content width of a phone page (CSS pixels): wider vertical drawings get a compact variant
PHONE_WIDTH = 340.0
#: page widths at which a drawing switches to its compact variant (container queries in the stylesheet)
SWITCH_WIDTHS = (400, 440, 480, 520, 560, 600, 680, 760, 840, 920)
ARROW = 7.0
CORNER = 6.0
CLASS = "cnnsummary-diagram"

__all__ = ["MAX_BOXES", "DiagramOptions", "layout_for", "parse_diagram", "render_diagram_html", "render_svg"]


def layout_for(summary: Summary, options: DiagramOptions | None = None, *,
               compact: bool = False) -> tuple[Graph, Layout]:
    """The graph of ``summary`` and its layout under ``options``; a ValueError saying so when the
    drawing would have more than :data:`MAX_BOXES` boxes.  ``compact``: labels with one piece per
    line, for a vertical drawing on a narrow page."""
    from .diagram.ushape import find_u, u_layout

    options = options or DiagramOptions()
    graph = build_graph(summary, fold=options.fold, input_type=input_type(summary))
    if len(graph.nodes) > MAX_BOXES:
        raise ValueError(words.say(words.TOO_LARGE, boxes=len(graph.nodes), limit=MAX_BOXES))
    if options.arrangement == "auto":
        plan = find_u(graph)
        if plan is not None:
            return graph, u_layout(graph, plan, options.direction, compact=compact)
    return graph, layered_layout(graph, options.direction, compact=compact)


def render_svg(summary: Summary, options: DiagramOptions | str | None = None, *, standalone: bool = False,
               title: str | None = None, compact: bool = False) -> str:
    """The drawing as an ``<svg>`` element (``standalone``: an SVG file with its own styles).

    ``options``: a :class:`DiagramOptions` or words such as ``"horizontal layered"``.
    """
    if not isinstance(options, DiagramOptions):
        options = parse_diagram(options, DiagramOptions(placement="below"))
    graph, layout = layout_for(summary, options, compact=compact)
    return _svg(summary, graph, layout, standalone=standalone, title=title)


def min_width(svg: str) -> float:
    """The narrowest a drawing written by :func:`render_svg` may be shown (its font at MIN_FONT_SIZE)."""
    return float(re.search(r'width="([0-9.]+)"', svg).group(1)) * MIN_FONT_SIZE / FONT_SIZE


def render_diagram_html(summary: Summary, options: DiagramOptions, *, title: str | None = None) -> str:
    """The drawing for a page: the SVG in a scrolling frame (with a caption when it stands alone).

    A vertical drawing too wide for a phone comes with a compact variant (one label piece per line,
    narrower columns); the stylesheet shows it when the page is narrower than the wide one needs.
    """
    caption = ""
    if options.placement == "only" and (title or summary.name):
        caption = f'<figcaption class="{CLASS}__caption">{_esc(title or summary.name)}</figcaption>\n'
    try:
        wide = render_svg(summary, options, title=title)
    except ValueError as exc:
        return f'<p class="cnnsummary {CLASS} {CLASS}--too-large">{_esc(str(exc))}</p>\n'
    region = _esc(words.say(words.TITLE, name=title or summary.name or words.say(words.UNNAMED)))

    def frame(svg: str, variant: str = "") -> str:
        return (f'<div class="cnnsummary__scroll {CLASS}__scroll{variant}" role="region" aria-label="{region}" '
                f'tabindex="0">\n{svg}</div>\n')

    classes, body = f"cnnsummary {CLASS}", frame(wide)
    switch = next((w for w in SWITCH_WIDTHS if w >= min_width(wide)), None)
    if options.direction == "vertical" and min_width(wide) > PHONE_WIDTH and switch is not None:
        compact = render_svg(summary, options, title=title, compact=True)
        if min_width(compact) < min_width(wide):
            classes += f" {CLASS}--switch-{switch}"
            body = frame(wide, f" {CLASS}__variant--wide") + frame(compact, f" {CLASS}__variant--compact")
    return f'<figure class="{classes}" data-placement="{options.placement}">\n{caption}{body}</figure>\n'


# writing -------------------------------------------------------------------------------------
def _esc(text: str) -> str:
    return escape(xml_safe(text), quote=True)


def _num(v: float) -> str:
    """A coordinate with one decimal at most, the same text for the same value on every machine."""
    text = f"{round(v, 1):.1f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _describe(summary: Summary, graph: Graph, title: str | None) -> str:
    name = title or summary.name or words.say(words.UNNAMED)
    inputs = ", ".join(f"{i.name} ({dims(i.shape)})" for i in summary.inputs)
    outputs = ", ".join(summary.outputs)
    return (words.say(words.TITLE, name=name) + ": "
            + words.say(words.DESCRIPTION, layers=count(graph.layer_count), params=count(summary.total_params),
                        inputs=inputs, outputs=outputs))


def _svg(summary: Summary, graph: Graph, layout: Layout, *, standalone: bool, title: str | None) -> str:
    w, h = _num(layout.width), _num(layout.height)
    label = _esc(_describe(summary, graph, title))
    min_width = _num(layout.width * MIN_FONT_SIZE / FONT_SIZE)
    attrs = [f'xmlns="http://www.w3.org/2000/svg" class="{CLASS}__svg" viewBox="0 0 {w} {h}"',
             f'width="{w}" height="{h}" role="img" aria-label="{label}"',
             f'data-arrangement="{layout.arrangement}" data-direction="{layout.direction}"',
             f'font-size="{_num(FONT_SIZE)}"']
    if not standalone:
        attrs.append(f'style="min-width: {min_width}px"')
    out = [f"<svg {' '.join(attrs)}>", f"<title>{label}</title>"]
    if standalone:
        out.append(f"<style>{STANDALONE_CSS}</style>")
        out.append(f'<rect class="{CLASS}__background" width="100%" height="100%" fill="#fff"/>')
    if layout.bands:
        out.append(f'<g class="{CLASS}__bands">')
        for band in layout.bands:
            out.append(f'<g class="{CLASS}__band" data-level="{band.level}">'
                       f'<rect x="{_num(band.x)}" y="{_num(band.y)}" width="{_num(band.w)}" height="{_num(band.h)}"'
                       f' fill="none"/>')
            if band.label:
                tx, ty = band.label_at
                out.append(f'<text x="{_num(tx)}" y="{_num(ty)}" fill="currentColor">{_esc(band.label)}</text>')
            out.append("</g>")
        out.append("</g>")
    out.append(f'<g class="{CLASS}__edges">')
    out += [_edge(route) for route in layout.routes]
    out.append("</g>")
    out.append(f'<g class="{CLASS}__nodes">')
    out += [_node(box) for box in layout.boxes]
    out.append("</g>")
    out.append("</svg>")
    return "\n".join(out) + "\n"


# nodes ---------------------------------------------------------------------------------------
_CATEGORIES = (
    ("merge", re.compile(r"^(add|concatenate|cat|multiply|average|maximum|minimum|subtract|dot|"
                         r"concatlayer|elemwisesumlayer)$", re.I)),
    ("conv", re.compile(r"conv", re.I)),
    ("pool", re.compile(r"pool", re.I)),
    ("norm", re.compile(r"norm", re.I)),
    ("dense", re.compile(r"^(dense|linear|bilinear|denselayer|einsumdense)$", re.I)),
    ("resample", re.compile(r"upsampl|upscale|pixel(un)?shuffle|resizing", re.I)),
    ("recurrent", re.compile(r"lstm|gru|rnn|attention|transformer", re.I)),
)


def category(node: Node) -> str:
    """The family a box is tinted by (its text says the type; the tint only helps scanning)."""
    if node.kind == "input":
        return "input"
    types = node.unit_types or (node.type,)
    for name, pattern in _CATEGORIES:
        if any(pattern.search(t) for t in types):
            return name
    return "merge" if node.merges else "other"


def _node(box: Box) -> str:
    node = box.node
    classes = [f"{CLASS}__node", f"{CLASS}__node--{category(node)}"]
    if node.kind == "fold":
        classes.append(f"{CLASS}__node--repeat")
    if node.is_output:
        classes.append(f"{CLASS}__node--output")
    if node.kind == "fold":
        data = f'data-layers="{_esc(" ".join(node.names))}" data-layer="{_esc(node.key)}" data-repeat="{node.repeat}"'
    else:
        data = f'data-layer="{_esc(node.key)}"'
    out = [f'<g class="{" ".join(classes)}" {data} data-type="{_esc(node.type)}">',
           f"<title>{_esc(_tooltip(node))}</title>"]
    x, y, w, h = _num(box.x), _num(box.y), _num(box.w), _num(box.h)
    if node.kind == "fold":  # a stack of cards: this block, repeated
        for k in (2, 1):
            out.append(f'<rect class="{CLASS}__box {CLASS}__box--behind" x="{_num(box.x + 3 * k)}" '
                       f'y="{_num(box.y - 3 * k)}" width="{w}" height="{h}" rx="4" fill="none" stroke="currentColor"/>')
    out.append(f'<rect class="{CLASS}__box" x="{x}" y="{y}" width="{w}" height="{h}" rx="4" '
               f'fill="none" stroke="currentColor"/>')
    for i, line in enumerate(box.lines):
        parts = []
        for j, span in enumerate(line):
            gap = f' dx="{_num(SPAN_GAP)}"' if j else ""
            parts.append(f'<tspan class="{CLASS}__{span.role}"{gap}>{_esc(span.text)}</tspan>')
        out.append(f'<text x="{_num(box.x + PAD_X)}" y="{_num(baseline(box, i))}" fill="currentColor">'
                   + "".join(parts) + "</text>")
    out.append("</g>")
    return "\n".join(out)


def _tooltip(node: Node) -> str:
    if node.kind == "input":
        return words.say(words.INPUT_TITLE, name=node.key, shape=dims(node.shape))
    if node.kind == "fold":
        return words.say(words.FOLD_TITLE, count=len(node.names), n=node.repeat, names=", ".join(node.names))
    return words.say(words.NODE_TITLE, name=node.key, type=node.type, shape=dims(node.shape, node.batched),
                     params=words.say(words.PARAMS, count=count(node.params)))


# edges ---------------------------------------------------------------------------------------
def _edge(route: Route) -> str:
    e = route.edge
    line, head = _path(route)
    return (f'<g class="{CLASS}__edge {CLASS}__edge--{route.kind}" data-from="{_esc(e.src_layer)}" '
            f'data-to="{_esc(e.dst_layer)}"><path class="{CLASS}__line" d="{line}" fill="none" '
            f'stroke="currentColor"/><path class="{CLASS}__head" d="{head}" fill="currentColor"/></g>')


def _direction(a: tuple[float, float], b: tuple[float, float], route: Route) -> tuple[float, float]:
    """The unit direction in which the edge arrives at ``b``."""
    dx, dy = b[0] - a[0], b[1] - a[1]
    if route.curved:
        along = dy if route.axis == "y" else dx
        if abs(along) > 0.5:
            return (0.0, 1.0 if along > 0 else -1.0) if route.axis == "y" else (1.0 if along > 0 else -1.0, 0.0)
    length = (dx * dx + dy * dy) ** 0.5 or 1.0
    return dx / length, dy / length


def _path(route: Route) -> tuple[str, str]:
    """The SVG path data of the line (stopping under the arrowhead) and of the arrowhead."""
    pts = list(route.points)
    tip = pts[-1]
    ux, uy = _direction(pts[-2], tip, route)
    pts[-1] = (tip[0] - ux * (ARROW - 1), tip[1] - uy * (ARROW - 1))
    d = [f"M{_num(pts[0][0])} {_num(pts[0][1])}"]
    if route.curved:
        for a, b in itertools.pairwise(pts):
            if route.axis == "y":
                aligned = abs(a[0] - b[0]) < 0.5
                mid = (a[1] + b[1]) / 2
                c1, c2 = (a[0], mid), (b[0], mid)
            else:
                aligned = abs(a[1] - b[1]) < 0.5
                mid = (a[0] + b[0]) / 2
                c1, c2 = (mid, a[1]), (mid, b[1])
            if aligned:
                d.append(f"L{_num(b[0])} {_num(b[1])}")
            else:
                d.append(f"C{_num(c1[0])} {_num(c1[1])} {_num(c2[0])} {_num(c2[1])} {_num(b[0])} {_num(b[1])}")
    else:
        for i in range(1, len(pts) - 1):
            p, q, r = pts[i - 1], pts[i], pts[i + 1]
            lin = min(CORNER, _dist(p, q) / 2, _dist(q, r) / 2)
            a = _toward(q, p, lin)
            b = _toward(q, r, lin)
            d.append(f"L{_num(a[0])} {_num(a[1])}Q{_num(q[0])} {_num(q[1])} {_num(b[0])} {_num(b[1])}")
        d.append(f"L{_num(pts[-1][0])} {_num(pts[-1][1])}")
    px, py = -uy, ux
    base = (tip[0] - ux * ARROW, tip[1] - uy * ARROW)
    head = (f"M{_num(tip[0])} {_num(tip[1])}L{_num(base[0] + px * ARROW / 2)} {_num(base[1] + py * ARROW / 2)}"
            f"L{_num(base[0] - px * ARROW / 2)} {_num(base[1] - py * ARROW / 2)}Z")
    return "".join(d), head


def _dist(a: tuple[float, float], b: tuple[float, float]) -> float:
    return ((a[0] - b[0]) ** 2 + (a[1] - b[1]) ** 2) ** 0.5


def _toward(a: tuple[float, float], b: tuple[float, float], length: float) -> tuple[float, float]:
    d = _dist(a, b) or 1.0
    return a[0] + (b[0] - a[0]) * length / d, a[1] + (b[1] - a[1]) * length / d


#: the styles of a standalone file: light colours, system fonts (a page uses static/cnnsummary.css)
STANDALONE_CSS = (
    f".{CLASS}__svg{{color:#1f2328;font-family:system-ui,-apple-system,'Segoe UI',Roboto,Helvetica,Arial,"
    "sans-serif;font-variant-numeric:tabular-nums}"
    f".{CLASS}__box{{fill:#fff;stroke:#8c959f}}"
    f".{CLASS}__box--behind{{fill:#fff;stroke:#8c959f}}"
    f".{CLASS}__node--input .{CLASS}__box{{fill:#f6f8fa;stroke:#57606a}}"
    f".{CLASS}__node--conv .{CLASS}__box{{fill:#eef1fd}}"
    f".{CLASS}__node--pool .{CLASS}__box,.{CLASS}__node--resample .{CLASS}__box{{fill:#eaf6f6}}"
    f".{CLASS}__node--merge .{CLASS}__box{{fill:#fdf3e6}}"
    f".{CLASS}__node--dense .{CLASS}__box,.{CLASS}__node--recurrent .{CLASS}__box{{fill:#f4effa}}"
    f".{CLASS}__node--output .{CLASS}__box{{stroke:#1f2328;stroke-width:2}}"
    f".{CLASS}__name,.{CLASS}__repeat{{font-weight:700}}"
    f".{CLASS}__type,.{CLASS}__params{{fill:#57606a}}"
    f".{CLASS}__edge{{color:#6e7781}}"
    f".{CLASS}__edge--skip{{color:#bc4c00}}"
    f".{CLASS}__line{{stroke-width:1.4}}"
    f".{CLASS}__band rect{{fill:none}}"
    f".{CLASS}__band:nth-child(odd) rect{{fill:#f6f8fa}}"
    f".{CLASS}__band text{{fill:#57606a;font-size:11px}}"
)

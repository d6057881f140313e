"""What a layout produces: boxes with their labels, routed edges and bands, in user units."""

from __future__ import annotations

from dataclasses import dataclass, field

from ...engine.summary import Shape
from ..formatting import count
from . import words
from .graph import Edge, Node
from .text import FONT_SIZE, LINE_HEIGHT, text_width, truncate, xml_safe

PAD_X = 8.0
PAD_Y = 6.0
SPAN_GAP = 7.0  # space between two pieces of a line ("conv1" and "Conv2D")
MAX_NAME = 200.0
MAX_TYPE = 170.0
#: a name and type wider than this go on lines of their own
MAX_HEAD = 230.0
MARGIN = 12.0

Point = tuple[float, float]


@dataclass(frozen=True)
class Span:
    """A piece of a label line: its text and its role (name, type, shape, params, repeat)."""

    text: str
    role: str

    @property
    def width(self) -> float:
        return text_width(self.text, bold=self.role in ("name", "repeat"))


@dataclass
class Box:
    """A node's box: top-left corner, size and label lines."""

    node: Node
    lines: list[list[Span]]
    w: float
    h: float
    x: float = 0.0
    y: float = 0.0

    @property
    def cx(self) -> float:
        return self.x + self.w / 2

    @property
    def cy(self) -> float:
        return self.y + self.h / 2


@dataclass
class Route:
    """An edge's path: points from the source's side to the target's side.

    ``curved``: smooth curves whose tangents follow ``axis`` at every point; otherwise straight
    segments with rounded corners.  ``kind`` is ``flow`` (to the next layer) or ``skip``.
    """

    edge: Edge
    points: list[Point]
    kind: str = "flow"
    curved: bool = True
    axis: str = "y"


@dataclass(frozen=True)
class Band:
    """A horizontal or vertical strip of one spatial size (a level of a U), with its label."""

    x: float
    y: float
    w: float
    h: float
    label: str
    level: int
    label_at: Point = (0.0, 0.0)  # the label's start (left end of its baseline)


@dataclass
class Layout:
    """A finished drawing: its size, boxes, routes and bands."""

    arrangement: str  # "layered" or "u"
    direction: str  # "vertical" or "horizontal"
    width: float
    height: float
    boxes: list[Box]
    routes: list[Route]
    bands: list[Band] = field(default_factory=list)


def dims(shape: Shape | list[Shape], batched: bool = True) -> str:
    """``(None, 28, 28, 32)`` -> ``28×28×32``; unknown sizes are ``?``; several outputs are joined by ``, ``.

    ``batched=False``: a shape without a batch dimension (a PyTorch Parameter's), shown whole.
    """
    if isinstance(shape, list):
        parts = [dims(s, batched) for s in shape[:2]]
        return ", ".join(parts) + (", …" if len(shape) > 2 else "")
    sizes = ["?" if d is None else str(d) for d in shape[1 if batched else 0:]]
    return "×".join(sizes) if sizes else "–"


def label_lines(node: Node, *, stacked: bool) -> list[list[Span]]:
    """The label of a box: name and type, then output shape and parameters.

    ``stacked`` puts each piece on a line of its own (narrower boxes, for horizontal layouts); a
    name and type too wide for one line get a line each anyway.
    """
    if node.kind == "fold":
        first, last = node.instances or (node.names[0], node.names[-1])
        name = words.say(words.RANGE, first=_name(first), last=_name(last))
        kind = node.block or (node.unit_types[0] if node.unit == 1 else " → ".join(node.unit_types))
        if node.block is None and node.unit > 1 and text_width(kind) > MAX_TYPE:
            kind = words.say(words.UNIT_LAYERS, n=node.unit)
        head = [Span(truncate(name, MAX_NAME * 1.4, bold=True), "name"),
                Span(words.say(words.REPEAT, n=node.repeat), "repeat")]
    else:
        head = [Span(truncate(_name(node.key), MAX_NAME, bold=True), "name")]
        kind = node.type
    type_span = Span(truncate(xml_safe(kind), MAX_TYPE), "type")
    tail = [Span(dims(node.shape, node.batched), "shape")]
    if node.params:
        tail.append(Span(words.say(words.PARAMS, count=count(node.params)), "params"))
    if stacked:  # one piece per line
        return [head, [type_span], *([span] for span in tail)]
    if sum(s.width for s in head) + SPAN_GAP + type_span.width > MAX_HEAD:
        return [head, [type_span], tail]
    return [[*head, type_span], tail]


def _name(name: str) -> str:
    return xml_safe(name)


def make_box(node: Node, *, stacked: bool) -> Box:
    """A box sized to its label."""
    lines = label_lines(node, stacked=stacked)
    width = max(sum(s.width for s in line) + SPAN_GAP * (len(line) - 1) for line in lines)
    return Box(node, lines, round(width + 2 * PAD_X + 0.5), len(lines) * LINE_HEIGHT + 2 * PAD_Y)


def baseline(box: Box, line: int) -> float:
    """The y of the baseline of label line ``line`` (0-based)."""
    return box.y + PAD_Y + line * LINE_HEIGHT + (LINE_HEIGHT + FONT_SIZE * 0.7) / 2

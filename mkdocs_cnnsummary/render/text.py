"""Plain-text summary in the style of Keras 3's ``model.summary()`` (box-drawing table, totals)."""

from __future__ import annotations

from ..engine.records import record
from ..engine.summary import Summary
from ..i18n import _
from . import formatting as f

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Sequence

    from ..engine.summary import LayerRecord
    from . import analysis
    from .groups import Group

#: worked calculations wrap at this width when the table itself is narrower
MIN_WORKED_WIDTH = 76
CONTINUATION = "    = "


def _wrap(text: str, width: int) -> list[str]:
    """Break a worked step at its ``=`` signs (and before its note) so that lines fit ``width``."""
    if f.width(text) <= width:
        return [text]
    note = ""
    start = _note_start(text)
    if start is not None:
        text, note = text[:start], text[start + 1:]
    elif text.endswith("）") and "（" in text:  # a note in Chinese
        text, note = text[: text.index("（")], text[text.index("（"):]
    pieces = text.split(" = ")
    lines = _fill(pieces[0], width, "")
    for piece in pieces[1:]:
        if f.width(lines[-1]) + 3 + f.width(piece) <= width:
            lines[-1] += " = " + piece
        else:
            lines.extend(_fill(piece, width, CONTINUATION))
    if note:
        if f.width(lines[-1]) + 1 + f.width(note) <= width:
            lines[-1] += " " + note
        else:
            lines.append(" " * (f.width(CONTINUATION) - 2) + note)
    return lines


def _note_start(text: str) -> int | None:
    """Where the closing ``(note)`` of a step begins (the space before its parenthesis), if it has one."""
    if not text.endswith(")"):
        return None
    depth = 0
    for i in range(len(text) - 1, -1, -1):
        depth += {")": 1, "(": -1}.get(text[i], 0)
        if depth == 0:
            return i - 1 if i > 0 and text[i - 1] == " " else None
    return None


def _fill(piece: str, width: int, first: str) -> list[str]:
    """``first + piece``, broken at spaces (before an operator) into lines of at most ``width`` where it can."""
    if f.width(first) + f.width(piece) <= width:
        return [first + piece]
    indent = " " * f.width(CONTINUATION)
    lines = [first]
    for word in piece.split(" "):
        if f.width(lines[-1]) > f.width(indent) and f.width(lines[-1]) + 1 + f.width(word) > width:
            lines.append(indent + word)
        else:
            lines[-1] += (" " if lines[-1].strip() else "") + word
    return lines


def _shown_rows(summary: Summary, fold: str) -> list[tuple[int, Group | LayerRecord, bool]]:
    """(depth, row, whether the row is a group of rows) for each row the table shows; without folding, every
    layer (the groups module is only imported for folding)."""
    if fold == "none":
        return [(0, layer, False) for layer in summary.layers]
    from .groups import Group, visible_rows

    return [(depth, row, isinstance(row, Group)) for depth, row in visible_rows(summary, fold)]


@record
class _Row:
    """One table row: a list of lines per cell, and worked-calculation lines spanning the table."""

    cells: list[list[str]]
    worked: list[str]


def _rows(summary: Summary, worked: bool, graph: bool, buffers: bool, fold: str = "none",
          extras: Sequence[str] = (), options: analysis.Options | None = None) -> list[_Row]:
    if extras:
        from . import analysis

        options = options or analysis.Options()
        shown = analysis.kinds(extras)
    else:  # no analysis column: the analyses stay uncomputed, even for the worked steps
        shown = set()
    rows = []
    # a layer that keeps its input's shape (normalisation, activation) gives the very tuple of the row before:
    # written once (compared by identity, not by id(), which a freed object's successor may reuse)
    last_shape: object = None
    lines: list[str] = []
    for inp in summary.inputs:
        cells = [[f.layer_label(inp, f.input_type(summary))], f.shape_lines(inp.shape), ["0"]]
        if buffers:
            cells.append(["0"])
        if graph:
            cells.append(["-"])
        if extras:
            cells += [analysis.cell_lines(key, inp, summary, options) for key in extras]
        rows.append(_Row(cells, []))
    for depth, layer, group in _shown_rows(summary, fold):
        label = f.group_label(layer, fold) if group else f.layer_label(layer, layer.type)
        shape = layer.output_shape
        if shape is not last_shape or not lines:
            lines, last_shape = f.shape_lines(shape), shape
        cells = [["  " * depth + label], lines, [f.count(layer.params)]]
        if buffers:
            cells.append([f.count(layer.buffers)])
        if graph:
            sources = [f.printable(src) for src in layer.inputs]  # a group works its inputs out: once
            for i in range(len(sources) - 1):
                sources[i] += ","
            cells.append(sources or ["-"])
        if extras:
            cells += [analysis.cell_lines(key, layer, summary, options) for key in extras]
        steps = []
        if worked and not group:
            steps = [f.step_text(s) for s in layer.calculation]
            if shown:
                steps += analysis.step_lines(layer, shown)
        rows.append(_Row(cells, steps))
    return rows


#: text styles: Keras' ``model.summary()``, torchinfo's ``summary()`` and nolearn's layer information
STYLES = ("keras", "torchinfo", "nolearn")


def render_text(summary: Summary, *, worked: bool = False, style: str | None = "keras", fold: str = "none",
                columns: Sequence[str] = (), dtype: str = "float32", units: str = "MiB") -> str:
    """The summary as a text table; ``worked`` adds each layer's calculation under its row.

    ``fold`` (compact specs, Keras style): ``blocks`` shows each block instance, or run of copies,
    as one row with its totals (``▸ conv2_block2 … conv2_block3 (bottleneck × 2)``), ``open`` adds
    the rows inside each, indented; ``none`` lists the layers only.

    ``style="torchinfo"`` prints it as torchinfo does (``Layer (type:depth-idx)`` tree),
    ``style="nolearn"`` as nolearn prints a Lasagne network (``32x24x24``);
    None picks the style of the summary's framework.  ``columns`` adds analysis columns after the
    usual ones (``macs``, ``flops``, ``other_ops``, ``activations``, ``receptive_field``) and their totals;
    ``dtype`` and ``units`` write the memory.
    """
    extras: list[str] = []
    options = None
    if columns:  # the analysis columns and the lines under the table about them: only when asked for
        from . import analysis

        extras = analysis.extra_keys(columns)
        options = analysis.Options(dtype, units)
    if style is None:
        style = f.DEFAULT_STYLES.get(summary.framework, "keras")
    if style == "nolearn":
        from .nolearn import render_nolearn

        return render_nolearn(summary, worked=worked, columns=extras, options=options)
    if style == "torchinfo":
        from .torchinfo import render_torchinfo

        return render_torchinfo(summary, worked=worked, columns=extras, options=options)
    if style != "keras":
        raise ValueError(f"unknown text style {style!r}; use one of {', '.join(STYLES)}")
    graph = summary.is_graph
    buffers = f.with_buffers(summary)
    headers = [_("Layer (type)"), _("Output Shape"), _("Param #")]
    if buffers:
        headers.append(_("Buffers"))
    if graph:
        headers.append(_("Connected to"))
    right = {2, 3} if buffers else {2}
    right |= {len(headers) + i for i, key in enumerate(extras) if key != "receptive_field"}
    if extras:
        headers += [analysis.header(key) for key in extras]
    rows = _rows(summary, worked, graph, buffers, fold, extras, options)

    widths = [f.width(h) for h in headers]
    for i in range(len(widths)):
        column = [text for row in rows for text in row.cells[i]]
        if column:  # an ASCII column is measured by len (a character is a column there)
            longest = max(map(len if "".join(column).isascii() else f.width, column))
            widths[i] = max(widths[i], min(longest, f.MAX_COLUMN_WIDTH))
    # worked lines span the whole row, indented by 2 and wrapped at " = " to the table's width
    inner = sum(widths) + 3 * (len(widths) - 1)
    if any(row.worked for row in rows):
        target = max(inner, MIN_WORKED_WIDTH)
        for row in rows:
            row.worked = [piece for text in row.worked for piece in _wrap(text, target - 2)]
        stretch = 3 + int(buffers) if graph else 1  # a left-aligned column absorbs the extra width
        widths[stretch] += target - inner  # a word longer than that (a long name) overflows its line
        inner = sum(widths) + 3 * (len(widths) - 1)
    columns_of = [(w, i in right) for i, w in enumerate(widths)]

    def rule(left: str, fill: str, mid: str, end: str) -> str:
        return left + mid.join(fill * (w + 2) for w in widths) + end

    # a row of ASCII cells is padded by one format of the whole line (a character is a column there)
    ascii_line = "│ " + " │ ".join(f"{{:{'>' if r else '<'}{w}}}" for w, r in columns_of) + " │"

    def line(cells: list[str], sep: str = "│") -> str:
        if sep == "│" and "".join(cells).isascii():
            return ascii_line.format(*cells)
        padded = [f.pad(c, w, r) for c, (w, r) in zip(cells, columns_of, strict=True)]
        return f"{sep} " + f" {sep} ".join(padded) + f" {sep}"

    out = []
    if summary.name:
        out.append(_('Model: "{name}"', name=f.printable(summary.name)))
    out.append(rule("┏", "━", "┳", "┓"))
    out.append(line(headers, "┃"))
    out.append(rule("┡", "━", "╇", "┩"))
    between = rule("├", "─", "┼", "┤")
    for n, row in enumerate(rows):
        if n:
            out.append(between)
        height = max(map(len, row.cells))
        if height == 1:
            out.append(line([c[0] for c in row.cells]))
        else:
            for k in range(height):
                out.append(line([c[k] if k < len(c) else "" for c in row.cells]))
        for text in row.worked:
            out.append("│ " + f.pad("  " + text, inner) + " │")
    out.append(rule("└", "─", "┴", "┘"))
    for label, value in f.totals(summary):
        out.append(f" {label}: {f.count(value)} ({f.readable_size(value)})")
    out.append(f" {f.size_assumption()}")
    if extras:
        out += analysis.footer_text(summary, extras, options, worked)
    out.extend(notice_lines(summary))
    return "\n".join(out) + "\n"


def notice_lines(summary: Summary) -> list[str]:
    """The warnings and notes, one per line after the totals (``Warning: line 1: ...``)."""
    return [f" {f.notice_label(n)}: {f.notice_text(n)}" for n in summary.warnings]

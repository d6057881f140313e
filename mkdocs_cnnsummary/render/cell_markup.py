"""The markup inside a summary table's cells and worked calculations, escaped with markupsafe.

A table of ten layers has some forty cells and as many worked steps: written as template macros,
each cost a macro call and a dozen attribute look-ups and escapes through Jinja2, the larger part
of rendering a block.  Here each is one Python function that escapes every value it writes
(everything user-written stays escaped) and returns :class:`markupsafe.Markup`, which the
autoescaping template writes as it is.  The table's structure stays in ``summary.html.jinja``.
"""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup, escape

from ..i18n import _
from . import fit

TYPE_CHECKING = False
if TYPE_CHECKING:
    from ..engine.summary import Notice
    from .columns import Cell, Column, Row, StepView


def breakable_name(name: str) -> Markup:
    """``global_average_pooling2d`` may break after each ``_`` (``<wbr>``), nowhere else; a short last part
    (``max_pooling2d_2``) stays with the one before it."""
    return Markup("<wbr>".join([escape(part) for part in fit.name_pieces(name)]))


def breakable_type(type_name: str) -> Markup:
    """``GlobalAveragePooling2D`` may break before an inner capital (``Global|Average|Pooling2D``)."""
    return Markup("<wbr>".join([escape(part) for part in fit.type_pieces(type_name)]))


def breakable_shape(text: str) -> Markup:
    """``(None, 128, 128, 64)`` in two halves that each stay on one line, so a shape takes two lines at most."""
    return Markup(" ".join([f'<span class="cnnsummary__part">{escape(half)}</span>'
                            for half in fit.shape_halves(text)]))


def _note(step: StepView) -> str:
    return f' <span class="cnnsummary__note">({escape(step.note)})</span>' if step.note else ""


def cell_step(step: StepView) -> str:
    """A worked step inside a cell (``worked="table"``): ``params (3 × 3 × 1 + 1) × 32 = 320``."""
    quantity = f'<span class="cnnsummary__quantity">{escape(step.quantity)}</span> ' if step.quantity else ""
    if step.result is None:
        calc = escape(step.formula) if step.kind else "<code>None</code>"
    else:
        calc = f"<code>{escape(step.substituted)}</code>"
        if step.substituted != step.result:
            calc += f' <span class="cnnsummary__result">= <strong>{escape(step.result)}</strong></span>'
    return f'{quantity}<span class="cnnsummary__calc">{calc}</span>{_note(step)}'


def worked_step(step: StepView) -> Markup:
    """One item of a row's worked calculation: ``output height = ⌊(H − k)/s⌋ + 1 = ⌊(28 − 5)/1⌋ + 1 = 24``;
    an analysis step without a number says why (``MACs: unknown ...``)."""
    out = f'<span class="cnnsummary__quantity">{escape(step.quantity)}</span>'
    if step.result is None and step.kind:
        out += f": {escape(step.formula)}"
    else:
        out += f" = <code>{escape(step.formula)}</code>"
        if step.result is None:
            out += " = <code>None</code>"
        else:
            if step.substituted != step.formula:
                out += f" = <code>{escape(step.substituted)}</code>"
            if step.substituted != step.result:
                out += f' <span class="cnnsummary__result">= <strong>{escape(step.result)}</strong></span>'
    return Markup(out + _note(step))


def warn_mark(warnings: Sequence[Notice]) -> Markup:
    """The mark after a row's name and type when a design warning is about its layer (the warning is below)."""
    if not warnings:
        return Markup("")
    title = escape("; ".join(w.message for w in warnings))
    return Markup(f'&nbsp;<span class="cnnsummary__warn-mark" aria-hidden="true" title="{title}">⚠</span>'
                  f'<span class="cnnsummary__hidden">{escape(_(", warning below"))}</span>')


def cell_html(key: str, content: Cell, mark: str = "") -> Markup:
    """What a cell of column ``key`` shows: its worked steps (``worked="table"``), its lines (names and shapes
    that may break at their joints), the layer's type and ``mark`` (:func:`warn_mark`, already markup)."""
    out = [f'<span class="cnnsummary__cell-step">{cell_step(step)}</span>' for step in content.steps]
    framed = bool(content.steps and content.lines)
    if framed:
        out.append('<span class="cnnsummary__cell-result">→ ' if key == "output_shape"
                   else '<span class="cnnsummary__cell-result">')
    for i, line in enumerate(content.lines):
        if i:
            out.append("<br>")
        if key == "layer":
            out.append(f'<span class="cnnsummary__name">{breakable_name(line)}</span>')
        elif key == "output_shape":
            more = " cnnsummary__shape-more" if i else ""
            out.append(f'<code class="cnnsummary__shape{more}">{breakable_shape(line)}</code>')
        elif key == "connected_to":
            out.append(breakable_name(line))
        else:
            out.append(escape(line))
    if content.type_name:
        out.append(f' <span class="cnnsummary__type">({breakable_type(content.type_name)}){mark}</span>')
    else:
        out.append(mark)
    if framed:
        out.append("</span>")
    return Markup("".join(out))


def write_rows(rows: Sequence[Row], keys: Sequence[str], row_header: str, worked: bool) -> None:
    """Give each row the markup of its cells (the row header with the row's warning mark) and, with
    ``worked``, of its worked steps."""
    for row in rows:
        mark = warn_mark(row.warnings)
        row.markup = {key: cell_html(key, row.cells[key], mark if key == row_header else "") for key in keys}
        row.steps_markup = [worked_step(step) for step in row.steps] if worked else []


def openers(columns: Sequence[Column], row_header: str) -> dict[str, Markup]:
    """The opening tag of each column's cells: the row header's ``<th scope="row">``, the others' ``<td>``
    with the column's header as ``data-label`` (a stacked row's card shows it)."""
    out = {}
    for col in columns:
        attrs = ' scope="row"' if col.key == row_header else f' data-label="{escape(col.header)}"'
        num = " cnnsummary__num" if col.numeric else ""
        tag = "th" if col.key == row_header else "td"
        out[col.key] = Markup(f'<{tag}{attrs} class="cnnsummary__col-{escape(col.key)}{num}">')
    return out

"""The markup of a summary table's rows, cells, worked calculations and notices, written in Python.

A table of ten layers has some forty cells and as many worked steps.  Written as template loops and
macros, each cell cost a dozen attribute look-ups, a ``Markup`` object per escaped value and a resumption
of the template's generator: the larger part of rendering a block.  Here a row is one Python function
that escapes every value it writes (everything user-written stays escaped, with markupsafe's entities) and
the rows of a section come back as one :class:`markupsafe.Markup`, which the autoescaping template writes
as it is.  The table's frame (caption, header, sections, totals) stays in ``summary.html.jinja``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from markupsafe import Markup

from ..i18n import _
from . import fit
from . import formatting as f

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from ..engine.summary import Notice
    from .columns import Cell, Column, Row, Section, StepView


def escape(text: str) -> str:
    """``text`` with ``& < > " '`` as markupsafe writes them, as a plain string (no ``Markup`` object per value:
    the rows are joined first and marked safe once)."""
    if _SPECIAL(text) is None:  # most names, shapes and numbers: one search instead of five replacements
        return text
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&#34;").replace("'", "&#39;"))


_SPECIAL = re.compile("[&<>\"']").search


def breakable_name(name: str) -> Markup:
    """``global_average_pooling2d`` may break after each ``_`` (``<wbr>``), nowhere else; a short last part
    (``max_pooling2d_2``) stays with the one before it."""
    return Markup("<wbr>".join([escape(part) for part in fit.name_pieces(name)]))


def breakable_type(type_name: str) -> str:
    """``GlobalAveragePooling2D`` may break before an inner capital (``Global|Average|Pooling2D``)."""
    return "<wbr>".join([escape(part) for part in fit.type_pieces(type_name)])


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


def worked_step(step: StepView) -> str:
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
    return out + _note(step)


#: What was written once, remembered: names, types and shapes repeat from row to row and from table to
#: table, and so do many worked steps (a 3×3 convolution's height, a pooling of 2 ...).
#: (column, line, whether it is a cell's first line) -> (its markup, its widest unbreakable run in ems)
_WRITTEN: dict[tuple[str, str, bool], tuple[str, float]] = {}
#: a layer type -> the same
_TYPES: dict[str, tuple[str, float]] = {}
#: a worked step's fields -> its list item
_ITEMS: dict[tuple[str | None, ...], str] = {}
#: entries each memo keeps at the most (then it starts again)
MEMO_SIZE = 4096


def _remember(memo: dict, key: object, value: object) -> Any:
    """``value``, kept in ``memo`` under ``key``."""
    if len(memo) >= MEMO_SIZE:
        memo.clear()
    memo[key] = value
    return value


def _worked_item(step: StepView) -> str:
    key = (step.quantity, step.formula, step.substituted, step.result, step.note, step.kind)
    return _ITEMS.get(key) or _remember(_ITEMS, key, f"<li>{worked_step(step)}</li>\n")


def warn_mark(warnings: Sequence[Notice]) -> str:
    """The mark after a row's name and type when a design warning is about its layer (the warning is below)."""
    if not warnings:
        return ""
    title = escape("; ".join(w.message for w in warnings))
    return (f'&nbsp;<span class="cnnsummary__warn-mark" aria-hidden="true" title="{title}">⚠</span>'
            f'<span class="cnnsummary__hidden">{escape(_(", warning below"))}</span>')


#: the widest unbreakable run of each column so far, in ems (:mod:`.fit`), or None when not measured
Widths = dict


def _name_line(line: str, i: int) -> tuple[str, list[str]]:
    parts = fit.name_pieces(line)
    return f'<span class="cnnsummary__name">{"<wbr>".join([escape(part) for part in parts])}</span>', parts


def _shape_line(line: str, i: int) -> tuple[str, list[str]]:
    more = " cnnsummary__shape-more" if i else ""
    halves = fit.shape_halves(line)
    return f'<code class="cnnsummary__shape{more}">' + " ".join(
        [f'<span class="cnnsummary__part">{escape(half)}</span>' for half in halves]) + "</code>", halves


def _inputs_line(line: str, i: int) -> tuple[str, list[str]]:
    parts = fit.name_pieces(line)
    return "<wbr>".join([escape(part) for part in parts]), parts


def _text_line(line: str, i: int) -> tuple[str, list[str]]:
    return escape(line), [line]


#: how a line of each column's cells is written (others: escaped text), and the runs it cannot break
_LINES = {"layer": _name_line, "output_shape": _shape_line, "connected_to": _inputs_line}

def _line(key: str, line: str, i: int) -> tuple[str, float]:
    """A cell's line written, and the widest run it cannot break (in ems, see :mod:`.fit`)."""
    memo = (key, line, i > 0)
    written = _WRITTEN.get(memo)
    if written is None:
        html, pieces = _LINES.get(key, _text_line)(line, i)
        written = _remember(_WRITTEN, memo, (html, fit.widest(pieces, fit.advance(key), 0.0)))
    return written


def _type(type_name: str) -> tuple[str, float]:
    """The ``(Conv2D)`` under a layer's name, and its widest unbreakable run in ems."""
    return _TYPES.get(type_name) or _remember(_TYPES, type_name, (
        f' <span class="cnnsummary__type">({breakable_type(type_name)})', fit.type_em(type_name, 0.0)))


def _lines(key: str, lines: list[str], widths: Widths | None) -> str:
    """A cell's lines, one under the other, measured into ``widths`` when it is given."""
    if len(lines) == 1:
        html, em = _line(key, lines[0], 0)
        if widths is not None and em > widths[key]:
            widths[key] = em
        return html
    written = [_line(key, line, i) for i, line in enumerate(lines)]
    if widths is not None:
        widths[key] = max([widths[key], *[em for _html, em in written]])
    return "<br>".join([html for html, _em in written])


def cell_html(key: str, content: Cell, mark: str = "", widths: Widths | None = None) -> str:
    """What a cell of column ``key`` shows: its worked steps (``worked="table"``), its lines (names and shapes
    that may break at their joints), the layer's type and ``mark`` (:func:`warn_mark`, already markup).
    With ``widths``, the cell's unbreakable runs are measured into ``widths[key]`` (the widest so far)."""
    typed = ""
    if content.type_name:
        typed, em = _type(content.type_name)
        if widths is not None and em > widths[key]:
            widths[key] = em
    if not content.steps:  # the usual cell: its lines, and the layer's type
        out = _lines(key, content.lines, widths)
        return f"{out}{typed}{mark}</span>" if typed else out + mark
    if widths is not None:
        widths[key] = fit.steps_em(content.steps, widths[key])
    lines = content.lines
    parts = [f'<span class="cnnsummary__cell-step">{cell_step(step)}</span>' for step in content.steps]
    if lines:
        parts.append('<span class="cnnsummary__cell-result">→ ' if key == "output_shape"
                     else '<span class="cnnsummary__cell-result">')
    parts.append(_lines(key, lines, widths) if lines else "")
    parts.append(f"{typed}{mark}</span>" if typed else mark)
    if lines:
        parts.append("</span>")
    return "".join(parts)


def code_spans(text: str, tick: str = "`") -> str:
    """Escaped text whose ```...``` spans (or those between another ``tick``) become ``<code>``."""
    return "".join([f"<code>{escape(part)}</code>" if code else escape(part)
                    for code, part in f.code_parts(text, tick)])


def notice_item(notice: Notice) -> str:
    """A warning or note above the table: ``Warning (line 8, layer dense): it holds ... <hint>``."""
    kind = f' data-kind="{escape(notice.kind)}"' if notice.kind else ""
    where = ""
    if notice.line is not None:
        layer = escape(_(", layer {layer}", layer=notice.layer)) if notice.layer else ""
        where = f' <span class="cnnsummary__notice-where">({escape(_("line {line}", line=notice.line))}{layer})</span>'
    hint = f' <span class="cnnsummary__notice-hint">{code_spans(notice.hint)}</span>' if notice.hint else ""
    return (f'<li class="cnnsummary__notice cnnsummary__notice--{escape(f.notice_class(notice))}"{kind}>'
            f'<strong class="cnnsummary__notice-label">{escape(f.notice_label(notice))}</strong>{where}: '
            f"{code_spans(notice.message)}{hint}</li>\n")


def header_cells(columns: Sequence[Column]) -> Markup:
    """The cells of the header row: each column's header, with its column's classes."""
    return Markup("".join([f'<th scope="col" class="cnnsummary__col-{escape(col.key)}'
                           f'{" cnnsummary__num" if col.numeric else ""}">{escape(col.header)}</th>\n'
                           for col in columns]))


def openers(columns: Sequence[Column], row_header: str) -> dict[str, str]:
    """The opening tag of each column's cells: the row header's ``<th scope="row">``, the others' ``<td>``
    with the column's header as ``data-label`` (a stacked row's card shows it)."""
    out = {}
    for col in columns:
        attrs = ' scope="row"' if col.key == row_header else f' data-label="{escape(col.header)}"'
        num = " cnnsummary__num" if col.numeric else ""
        tag = "th" if col.key == row_header else "td"
        out[col.key] = f'<{tag}{attrs} class="cnnsummary__col-{escape(col.key)}{num}">'
    return out


class RowWriter:
    """Writes the rows of one table: ``columns`` in order, ``row_header`` the key of the row-header column,
    ``worked`` the table's mode (``collapsed`` and ``expanded`` fold a layer's calculation under its row),
    ``fold`` the compact spec's folding (``open`` opens the groups); with ``measure``, measures how narrow
    the table can get as it writes it (:meth:`min_width_em`)."""

    def __init__(self, columns: Sequence[Column], row_header: str, worked: str, fold: str,
                 measure: bool = True) -> None:
        self.keys = [col.key for col in columns]
        #: with ``measure``, the widest unbreakable run of each column (from its header's), and the deepest
        #: group of the rows written, for :func:`.fit.table_em`
        self.widths: Widths | None = {col.key: fit.header_em(col.header) for col in columns} if measure else None
        self.depth = 0
        self.row_header = row_header
        opening = openers(columns, row_header)
        closing = {key: "</th>\n" if key == row_header else "</td>\n" for key in self.keys}
        self.cells = [(key, opening[key], closing[key]) for key in self.keys]
        self.header_index = self.keys.index(row_header)
        self.with_steps = worked in ("collapsed", "expanded")
        self.toggle = f'<details class="cnnsummary__toggle"{" open" if worked == "expanded" else ""}><summary>'
        self.group_toggle = f'<details class="cnnsummary__fold"{" open" if fold == "open" else ""}><summary>'
        self.its_modules = f'<span class="cnnsummary__hidden">{escape(_(", its modules"))}</span></summary></details>'
        self.calculation = f'<span class="cnnsummary__hidden">{escape(_(", calculation"))}</span></summary></details>'
        self.steps_open = ((f'<td colspan="{self.header_index}"></td>\n' if self.header_index else "")
                           + f'<td colspan="{len(self.keys) - self.header_index}">\n<ol class="cnnsummary__steps">\n')

    def min_width_em(self, *, triangles: bool) -> float:
        """About the narrowest the rows written so far can be (see :func:`.fit.table_em`)."""
        assert self.widths is not None, "the writer does not measure"
        return fit.table_em(self.widths, self.depth, triangles=triangles)

    def section(self, section: Section) -> Markup:
        """The rows of one ``<tbody>``: its group's head row, then its rows."""
        out: list[str] = []
        if section.head is not None:
            self._group(section.head, True, out)
        for row in section.rows:
            if row.kind == "group":
                self._group(row, False, out)
            else:
                self._row(row, out)
        return Markup("".join(out))

    def _row(self, row: Row, out: list[str]) -> None:
        worked = self.with_steps and row.steps and row.fold is None
        within = f' data-in="{" ".join([f"m{k}" for k in row.within])}"' if row.within else ""
        classes = f"cnnsummary__row cnnsummary__row--{escape(row.kind)}"
        if worked:
            classes += " cnnsummary__row--with-worked"
        if row.fold is not None:
            classes += " cnnsummary__row--holder"
        if row.depth:
            classes += f" cnnsummary__depth-{row.depth}"
        fold = f' data-fold="{row.fold}"' if row.fold is not None else ""
        out.append(f'<tr class="{classes}"{fold}{within}>\n')
        cells, header, widths = row.cells, self.row_header, self.widths
        self.depth = max(self.depth, row.depth)
        for key, opening, closing in self.cells:
            if key != header:
                out.append(f"{opening}{cell_html(key, cells[key], '', widths)}{closing}")
                continue
            text = cell_html(key, cells[key], warn_mark(row.warnings), widths)
            if row.fold is not None:
                text = (f'<details class="cnnsummary__fold"{" open" if row.open else ""}><summary>'
                        f"{text}{self.its_modules}")
            elif worked:
                text = f"{self.toggle}{text}{self.calculation}"
            out.append(f"{opening}{text}{closing}")
        out.append("</tr>\n")
        if worked:
            out.append(f'<tr class="cnnsummary__worked-row"{within}>\n{self.steps_open}')
            out += [_worked_item(step) for step in row.steps]
            out.append("</ol>\n</td>\n</tr>\n")

    def _group(self, row: Row, head: bool, out: list[str]) -> None:
        """A compact spec's block instance (or run of copies): name, output and totals; the head row of a
        top-level group holds the ``<details>`` that folds the rows after it."""
        out.append(f'<tr class="cnnsummary__row cnnsummary__row--group{" cnnsummary__row--group-head" if head else ""}'
                   f' cnnsummary__depth-{row.depth}">\n')
        self.depth = max(self.depth, row.depth)
        for key, opening, closing in self.cells:
            text = cell_html(key, row.cells[key], warn_mark(row.warnings) if key == self.row_header else "",
                             self.widths)
            if head and key == self.row_header:
                text = f"{self.group_toggle}{text}</summary></details>"
            out.append(f"{opening}{text}{closing}")
        out.append("</tr>")  # no line break: the next row follows on the same line, as it always has

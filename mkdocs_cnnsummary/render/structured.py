"""A computed summary (or a spec error) as plain structure, for renderers of document trees.

The HTML renderer fills a template; the docutils renderer (:mod:`.doctree`, for Sphinx's
LaTeX, text and epub builders) and the MyST AST renderer (:mod:`.myst_ast`, for mystmd and
Jupyter Book) build nodes instead.  Both start from the views made here, so they show the
same caption, columns, cells, totals and worked steps as the HTML, and stay thin maps from
these views to their own node types.  Nothing here parses anything.

Inline content is a :data:`Line`: a tuple of ``(kind, text)`` runs, where ``kind`` is
``text``, ``code`` (a formula or a shape), ``strong`` (a name, a result) or ``muted``
(a type, a note).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ..engine.errors import SpecError
from ..engine.summary import Summary
from ..i18n import _, use_language
from . import analysis
from . import formatting as f
from .columns import Cell, StepView, build_rows, parse_columns, select_columns
from .html import _row_header_key, _totals, _where, check_worked, default_caption
from .styles import style_for

Run = tuple[str, str]
Line = tuple[Run, ...]

BUFFERS_NOTE = f.BUFFERS_NOTE


@dataclass(frozen=True)
class CellView:
    """One table cell: its lines, whether it holds a number (right-aligned) and heads its row."""

    lines: tuple[Line, ...]
    numeric: bool = False
    row_header: bool = False


@dataclass(frozen=True)
class Calculation:
    """The worked calculation of one layer: ``conv2d (Conv2D)`` and its steps."""

    title: Line
    steps: tuple[Line, ...]


@dataclass(frozen=True)
class TableView:
    """Everything a summary block shows, in reading order."""

    caption: str
    header: tuple[CellView, ...]
    rows: tuple[tuple[CellView, ...], ...]
    totals: tuple[Line, ...]
    notes: tuple[str, ...]
    calculations: tuple[Calculation, ...]  # empty unless worked is collapsed or expanded
    worked: str
    framework: str


@dataclass(frozen=True)
class ErrorView:
    """An error box: label, where, message, hint, and the spec with the offending line marked."""

    label: str
    title: str | None
    where: str
    message: str
    hint: str | None
    source: tuple[str, ...]
    marked: int | None  # 1-based line of ``source`` to mark
    expected: bool

    def numbered(self) -> list[str]:
        """The spec lines as `` 9 ▶ text`` (the marked one) or `` 9   text``."""
        return [f"{i:3d} {'▶' if i == self.marked else ' '} {text}".rstrip() for i, text in enumerate(self.source, 1)]


def step_line(step: StepView, *, formula: bool = True) -> Line:
    """``output height = ⌊(h − k_h)/s_h⌋ + 1 = ⌊(28 − 5)/1⌋ + 1 = 24 (note)``.

    Without ``formula`` (steps inside table cells): ``output height: ⌊(28 − 5)/1⌋ + 1 = 24``, and without a
    quantity (a cell's step named as its column): ``24 × 24 × 32 × (5 × 5 × 1) = 460,800``.
    """
    runs: list[Run] = [("text", step.quantity)]
    named = ": " if step.quantity else ""
    if step.result is None and step.kind:  # an analysis step without a number says why
        runs += [("text", named), ("text", step.formula)]
        if step.note:
            runs += [("text", " "), ("muted", f"({step.note})")]
        return tuple(runs)
    if formula:
        runs += [("text", " = "), ("code", step.formula)]
        if step.result is None:
            runs += [("text", " = "), ("code", "None")]
        elif step.substituted != step.formula:
            runs += [("text", " = "), ("code", step.substituted or "")]
    else:
        runs += [("text", named), ("code", "None" if step.result is None else step.substituted or "")]
    if step.result is not None and step.substituted != step.result:
        runs += [("text", " = "), ("strong", step.result)]
    if step.note:
        runs += [("text", " "), ("muted", f"({step.note})")]
    return tuple(runs)


def _cell_lines(key: str, cell: Cell, warned: bool = False) -> tuple[Line, ...]:
    lines: list[Line] = [step_line(step, formula=False) for step in cell.steps]
    values: list[Line] = []
    for text in cell.lines:
        if key == "layer":
            values.append((("strong", text),))
        elif key == "output_shape":
            values.append((("code", text),))
        else:
            values.append((("text", text),))
    if cell.type_name and values:
        values[-1] += (("text", " "), ("muted", f"({cell.type_name})"))
    if warned and values:  # a design warning about this layer, listed under the table
        values[-1] += (("text", " ⚠"),)
    if cell.steps and values and key == "output_shape":
        values[0] = (("text", "→ "), *values[0])
    return tuple(lines + values)


def table_view(summary: Summary, *, title: str | None = None, worked: str = "collapsed",
               columns: str | Sequence[str] | None = None, style: str | None = None, dtype: str = "float32",
               units: str = "MiB", **_ignored: Any) -> TableView:
    """The view of a computed network; options as for :func:`.html.render_summary` (others are ignored)."""
    check_worked(worked)
    table_style = style_for(summary, style)
    chosen = select_columns(summary, parse_columns(columns), table_style)
    options = analysis.Options(dtype, units)
    rows = build_rows(summary, chosen, worked_in_cells=worked == "table", style=table_style, options=options)
    row_header = _row_header_key(chosen)
    header = tuple(CellView(((("text", col.header),),), col.numeric) for col in chosen)
    body = tuple(
        tuple(CellView(_cell_lines(col.key, row.cells[col.key], col.key == row_header and bool(row.warnings)),
                       col.numeric, col.key == row_header) for col in chosen)
        for row in rows)
    totals = []
    for total in _totals(summary, worked == "table"):
        line: Line = (("text", total.label + " "), ("strong", total.count))
        if total.size:
            line += (("text", " " + total.size),)
        if total.sum_expression:
            line += (("text", " "), ("muted", _("sum over the layers:")), ("text", " "), ("code", total.sum_expression))
        totals.append(line)
    lines, analysis_notes, _memory = analysis.footer(summary, [c.key for c in chosen], options)
    totals += [(("text", _("{label}:", label=label) + " "), ("strong", text)) for label, text in lines]
    notes = [f.size_assumption()] + ([_(BUFFERS_NOTE)] if f.with_buffers(summary) else [])
    notes += analysis_notes + [f"{f.notice_label(n)}: {f.notice_text(n)}" for n in summary.warnings]
    calculations = ()
    if worked in ("collapsed", "expanded"):
        calculations = tuple(
            Calculation((("strong", row.name), ("text", " "), ("muted", f"({row.type_name})")),
                        tuple(step_line(step) for step in row.steps))
            for row in rows if row.steps)
    caption = title or summary.name or default_caption(summary, table_style)
    return TableView(caption, header, body, tuple(totals), tuple(notes),
                     calculations, worked, summary.framework)


def error_view(error: SpecError | str, *, title: str | None = None, source: str | None = None,
               expected: bool = False, label: str | None = None, **_ignored: Any) -> ErrorView:
    """The view of a spec that cannot be computed; options as for :func:`.html.render_error`."""
    if isinstance(error, str):
        error = SpecError(error)
    lines = tuple(source.rstrip("\n").split("\n")) if source else ()
    return ErrorView(label or (_("Expected error") if expected else _("Error")), title, _where(error), error.message,
                     error.hint, lines, error.line, expected)


def view(result: Summary | SpecError, **options: Any) -> TableView | ErrorView:
    """The view of whatever the engine produced, with the options the HTML was rendered with
    (in their ``language``)."""
    if options.get("language") is not None:
        language = options.pop("language")
        with use_language(language):
            return view(result, **options)
    if isinstance(result, SpecError):
        return error_view(result, **options)
    return table_view(result, **options)

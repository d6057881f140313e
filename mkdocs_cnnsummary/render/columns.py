"""The columns of a summary table, in one place.

A column is a key, a header and a function giving its cell for a row; adding a
column (operations, memory, receptive field ...) means adding one entry to
:data:`COLUMNS`, nothing in the templates.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from ..engine.errors import SpecError, did_you_mean, shown
from ..engine.records import field, record, replace
from ..engine.summary import InputRecord, LayerRecord, Notice, Step, Summary
from ..i18n import DEFAULT, N_, _, current, phrase
from . import analysis
from . import formatting as f
from .groups import Group, group_layers
from .styles import Style


@record(frozen=True)
class StepView:
    """One worked step, ready to show: ``output height: ⌊(28 − 5)/1⌋ + 1 = 24``."""

    quantity: str
    formula: str
    substituted: str | None
    result: str | None
    note: str | None = None
    kind: str | None = None  # an analysis step (MACs, receptive field ...): without a number it says why

    @classmethod
    def of(cls, step: Step) -> StepView:
        result = None if step.result is None else f.count(step.result)
        if current() == DEFAULT:  # English: the engine's own words
            return cls(step.quantity or "", step.formula or "", step.substituted, result, step.note, step.kind)
        return cls(phrase(step.quantity) or "", phrase(step.formula) or "", step.substituted, result,
                   phrase(step.note), step.kind)


@record
class Cell:
    """The content of one cell: lines of text, and the worked steps shown in the cell (``worked="table"``)."""

    lines: list[str] = field(default_factory=list)
    steps: list[StepView] = field(default_factory=list)
    type_name: str | None = None  # the "(Conv2D)" part of the layer cell


@record
class Row:
    """One table row: a network input, a layer, or a group of layers (a block instance or a run of them)."""

    kind: str  # "input", "layer" or "group"
    index: int | None
    name: str
    type_name: str
    record: InputRecord | LayerRecord | Group
    steps: list[StepView] = field(default_factory=list)  # the whole worked calculation
    cells: dict[str, Cell] = field(default_factory=dict)
    style: Style = field(default_factory=lambda: Style("keras"))
    options: analysis.Options = field(default_factory=analysis.Options)
    warnings: list[Notice] = field(default_factory=list)  # design warnings about this layer
    depth: int = 0  # how deep in block groups the row is
    # a module tree (PyTorch): the row's number as a module holding rows, the holders it is in, whether it shows open
    fold: int | None = None
    within: tuple[int, ...] = ()
    open: bool = True


@record
class Section:
    """Rows shown together: the rows of one top-level group under its own row (``head``), or plain rows."""

    rows: list[Row]
    head: Row | None = None


def is_params_step(step: Step) -> bool:
    return step.kind is None and "params" in step.quantity


def is_buffers_step(step: Step) -> bool:
    return step.kind is None and "buffers" in step.quantity


def is_shape_step(step: Step) -> bool:
    return step.kind is None and not is_params_step(step) and not is_buffers_step(step)


def _layer_steps(row: Row, which: Callable[[Step], bool], analysed: bool = False) -> list[StepView]:
    """The row's worked steps that ``which`` keeps: of its shape and parameters, or (``analysed``) of the
    analyses (computed for the whole network on first use, so only when a column shows them)."""
    if not isinstance(row.record, LayerRecord):
        return []
    return [StepView.of(s) for s in (row.record.analysis if analysed else row.record.calculation) if which(s)]


def _index(row: Row, summary: Summary, worked: bool) -> Cell:
    return Cell([str(row.index)])


def _layer(row: Row, summary: Summary, worked: bool) -> Cell:
    return Cell([row.name], type_name=row.type_name)


def _output_shape(row: Row, summary: Summary, worked: bool) -> Cell:
    shape = row.record.shape if isinstance(row.record, InputRecord) else row.record.output_shape
    steps = _layer_steps(row, is_shape_step) if worked else []
    return Cell(row.style.shape(shape), steps)


def _count_cell(attr: str, which: Callable[[Step], bool] | None = None) -> Callable[[Row, Summary, bool], Cell]:
    def cell(row: Row, summary: Summary, worked: bool) -> Cell:
        if isinstance(row.record, InputRecord):
            return Cell(["0"])
        value = f.count(getattr(row.record, attr))
        steps = _layer_steps(row, which) if worked and which is not None else []
        if len(steps) == 1 and steps[0].result == value:
            return Cell([], steps)  # the step already ends with the count
        return Cell([value], steps)

    return cell


def _analysis_cell(key: str) -> Callable[[Row, Summary, bool], Cell]:
    """MACs, FLOPs, other ops, activations or receptive field, with their steps (``worked="table"``)."""
    shown = set(analysis.EXTRA_COLUMNS[key][1])

    def cell(row: Row, summary: Summary, worked: bool) -> Cell:
        lines = analysis.cell_lines(key, row.record, summary, row.options)
        steps = _layer_steps(row, lambda s: s.kind in shown, analysed=True) if worked else []
        if key != "other_ops":  # the rule is under the table; in the cell the arithmetic is enough
            steps = [replace(s, note=None) if s.result is not None else s for s in steps]
        # a step named as its column ("MACs" under "MACs", and over a card's "MACs" label) is not named again
        name = analysis.header(key).casefold()
        steps = [replace(s, quantity="") if s.quantity.casefold() == name else s for s in steps]
        if key != "receptive_field" and len(steps) == 1 and steps[0].result == lines[0]:
            return Cell(lines[1:], steps)
        return Cell(lines, steps)

    return cell


def _connected_to(row: Row, summary: Summary, worked: bool) -> Cell:
    if isinstance(row.record, InputRecord):
        return Cell(["–"])
    return Cell(list(row.record.inputs))


def _group_total(attr: str) -> Callable[[Group, Style], Cell]:
    return lambda group, style: Cell([f.count(getattr(group, attr))])


@record(frozen=True)
class Column:
    """One possible column of the table."""

    key: str
    header: str
    cell: Callable[[Row, Summary, bool], Cell]
    numeric: bool = False
    default: Callable[[Summary], bool] = lambda summary: True
    aliases: tuple[str, ...] = ()
    #: the cell of a group row (a block's totals); None leaves it empty
    total: Callable[[Group, Style], Cell] | None = None


COLUMNS: tuple[Column, ...] = (
    Column("index", "#", _index, numeric=True, aliases=("#",)),
    Column("layer", N_("Layer (type)"), _layer, aliases=("name", "type"),
           total=lambda group, style: Cell([group.name], type_name=group.type_label)),
    Column("output_shape", N_("Output Shape"), _output_shape, aliases=("shape", "output"),
           total=lambda group, style: Cell(style.shape(group.output_shape))),
    Column("params", N_("Param #"), _count_cell("params", is_params_step), numeric=True, aliases=("param",),
           total=_group_total("params")),
    Column("trainable", N_("Trainable"), _count_cell("trainable_params"), numeric=True,
           default=lambda summary: False, aliases=("trainable_params",), total=_group_total("trainable_params")),
    Column("non_trainable", N_("Non-trainable"), _count_cell("non_trainable_params"), numeric=True,
           default=lambda summary: False, aliases=("non_trainable_params",),
           total=_group_total("non_trainable_params")),
    Column("buffers", N_("Buffers"), _count_cell("buffers", is_buffers_step), numeric=True, default=f.with_buffers,
           total=_group_total("buffers")),
    Column("connected_to", N_("Connected to"), _connected_to, default=lambda summary: summary.is_graph,
           aliases=("connected", "inputs"), total=lambda group, style: Cell(group.inputs)),
    *(Column(key, header, _analysis_cell(key), numeric=key != "receptive_field", default=lambda summary: False,
             aliases=tuple(a for a, k in analysis.ALIASES.items() if k == key),
             total=None if key == "receptive_field" else _group_total(key))
      for key, (header, _kinds) in analysis.EXTRA_COLUMNS.items()),
)

_BY_NAME = {name: col for col in COLUMNS for name in (col.key, *col.aliases)}


def column_names() -> list[str]:
    """The column keys a ``columns`` option accepts."""
    return [col.key for col in COLUMNS]


def parse_columns(value: str | Sequence[str] | None) -> tuple[str, ...]:
    """``"layer, params"`` -> ``("layer", "params")``; unknown names are a SpecError with a did-you-mean."""
    if value is None:
        return ()
    names = value.replace(",", " ").split() if isinstance(value, str) else [str(v).strip() for v in value]
    out = []
    for name in names:
        col = _BY_NAME.get(name.lower())
        if col is None:
            raise SpecError(_("unknown column {name}", name=shown(name)),
                            hint=did_you_mean(name, column_names()) or did_you_mean(name, list(_BY_NAME))
                            or _("columns: {column_names}", column_names=", ".join(column_names())))
        if col.key not in out:
            out.append(col.key)
    return tuple(out)


def select_columns(summary: Summary, requested: Sequence[str] = (), style: Style | None = None) -> list[Column]:
    """The requested columns in the requested order, or the defaults that apply to this network.

    A style renames headers (``Layer (type:depth-idx)`` for torchinfo ...); headers are in the current language.
    """
    chosen = tuple(_BY_NAME[name] for name in requested) if requested else tuple(
        col for col in COLUMNS if col.default(summary))
    key = (tuple([col.key for col in chosen]), id(style), current())
    known = _SELECTED.get(key)
    if known is None or known[0] is not style:
        known = (style, [replace(col, header=_(style.header(col.key, col.header) if style else col.header))
                         for col in chosen])
        if len(_SELECTED) < 256:
            _SELECTED[key] = known
    return list(known[1])


#: the columns with their headers, by (columns, style, language): the same few for every table of a site
_SELECTED: dict[tuple[object, ...], tuple[Style | None, list[Column]]] = {}


def build_rows(summary: Summary, columns: Sequence[Column], *, worked_in_cells: bool,
               style: Style | None = None, options: analysis.Options | None = None) -> list[Row]:
    """Inputs first, then every layer, with the cells of the chosen columns.

    A row's worked calculation has its shape and parameter steps, and the analysis steps of the chosen
    columns (MACs, receptive field ...).
    """
    style = style or Style("keras")
    options = options or analysis.Options()
    shown = analysis.kinds([c.key for c in columns])
    rows: list[Row] = []
    for rec in summary.inputs:
        rows.append(Row("input", len(rows), rec.name, f.input_type(summary), rec, style=style, options=options))
    notes: dict[str, list[Notice]] = {}
    for notice in summary.warnings:
        if notice.layer is not None:
            notes.setdefault(notice.layer, []).append(notice)
    for layer, type_label in zip(summary.layers, style.layer_types(summary), strict=True):
        steps = analysis.shown_steps(layer, shown)
        rows.append(Row("layer", len(rows), layer.name, type_label, layer, [StepView.of(s) for s in steps],
                        style=style, options=options, warnings=notes.get(layer.name, [])))
    for row in rows:
        row.cells = {col.key: col.cell(row, summary, worked_in_cells) for col in columns}
    return rows


def build_sections(summary: Summary, columns: Sequence[Column], rows: list[Row], style: Style | None = None
                   ) -> list[Section]:
    """The rows in sections: each top-level block instance (or run of instances) under one group row
    with its totals, nested groups as rows of their own inside it; other rows as they are."""
    style = style or Style("keras")
    by_layer = {id(row.record): row for row in rows if row.kind == "layer"}
    sections = [Section([row for row in rows if row.kind == "input"])]
    for entry in group_layers(summary):
        if not isinstance(entry, Group):
            if sections[-1].head is not None:
                sections.append(Section([]))
            sections[-1].rows.append(by_layer[id(entry)])
            continue
        inner = []
        for depth, child in entry.walk(1):
            if isinstance(child, Group):
                inner.append(_group_row(child, columns, style, depth))
            else:
                row = by_layer[id(child)]
                row.depth = depth
                inner.append(row)
        sections.append(Section(inner, _group_row(entry, columns, style, 0)))
    return [section for section in sections if section.rows or section.head]


def _group_row(group: Group, columns: Sequence[Column], style: Style, depth: int) -> Row:
    row = Row("group", None, group.name, group.type_label, group, style=style, depth=depth)
    row.cells = {col.key: col.total(group, style) if col.total else Cell([]) for col in columns}
    return row

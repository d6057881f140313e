"""HTML for a computed network (a summary table with worked calculations) or for a wrong spec.

Templates live in ``mkdocs_cnnsummary/templates`` (Jinja2, autoescaped); Jinja2
is imported on first render only.  Styles: ``mkdocs_cnnsummary/static/cnnsummary.css``.

>>> from mkdocs_cnnsummary import summarize
>>> html = render(summarize("input: [4]\\nlayers:\\n  - Dense: 2\\n"), title="Tiny")
>>> "<caption>Tiny</caption>" in html
True
"""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import TYPE_CHECKING, Any

from ..engine.errors import SpecError, printable
from ..engine.summary import LayerRecord, Summary
from ..i18n import _, current, ngettext, use_language
from . import analysis, fit
from . import formatting as f
from .columns import Column, Row, Section, StepView, build_rows, build_sections, parse_columns, select_columns
from .groups import check_fold
from .styles import Style, style_for

if TYPE_CHECKING:
    import jinja2

WORKED_MODES = ("collapsed", "expanded", "table", "none")
#: the stylesheet the rendered HTML expects
CSS_RESOURCE = "static/cnnsummary.css"
#: tables of this many columns or more do not fit a phone, nor do narrower ones whose cells cannot get narrow
#: enough (:meth:`.cell_markup.RowWriter.min_width_em`): in a narrow column the stylesheet shows each of their
#: rows as a card (``cnnsummary--stackable``: the layer, then one line per column headed by its ``data-label``)
STACK_FROM_COLUMNS = 5


@dataclass(frozen=True)
class Total:
    """One line under the table: ``Total params: 217,706 (870,824 bytes, 850.41 KB)``, in the current language."""

    label: str  # ``Total params:``
    count: str
    size: str | None  # ``(870,824 bytes, 850.41 KB)``; None for buffers (their dtypes vary)
    sum_expression: str | None = None  # ``832 + 9,248 + ... = 217,706`` (worked="table")


@lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("mkdocs_cnnsummary", "templates"),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
        bytecode_cache=_template_cache(),
        auto_reload=False,  # the package's templates do not change while it runs: no stat of them per block
    )
    env.filters["codespans"] = codespans
    env.globals.update(_=_, ngettext=ngettext)  # read the block's language when called
    return env


def _template_cache() -> jinja2.BytecodeCache | None:
    """Compiled templates kept between runs, as Python keeps its bytecode: compiling the table's template
    costs a docs build as much as computing a dozen blocks.  Jinja's own per-user cache directory (private
    to the user, checked by Jinja) holds them, under this package's name; a template whose text changed
    is compiled again, and a cache that cannot be read or written is skipped."""
    import jinja2

    class TemplateCache(jinja2.FileSystemBytecodeCache):
        def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
            try:
                super().load_bytecode(bucket)
            except (OSError, ValueError, EOFError, TypeError):
                bucket.reset()

        def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
            with contextlib.suppress(OSError):
                super().dump_bytecode(bucket)

    try:
        return TemplateCache(pattern="mkdocs-cnnsummary-%s.cache")
    except (OSError, RuntimeError):  # no private temporary directory
        return None


def codespans(text: str, tick: str = "`") -> Any:
    """Escaped text whose ```...``` spans (or those between another ``tick``) become ``<code>`` (the code a
    warning quotes, a layer's summary), as markup for a template."""
    from markupsafe import Markup

    from .cell_markup import code_spans

    return Markup(code_spans(text, tick))


def default_caption(summary: Summary, style: Style | None = None) -> str:
    """A caption that tells networks apart: ``Keras network: 4 layers, 46,922 parameters, (None, 28, 28, 1) →
    (None, 10)`` (shapes written in the table's style)."""
    write = (style or style_for(summary)).shape
    title = {"keras": "Keras", "pytorch": "PyTorch", "lasagne": "Lasagne"}.get(summary.framework)
    layers = len(summary.layers)
    what = _("{framework} network", framework=title) if title else _("Network")
    text = ngettext("{what}: {n} layer, {params} parameters", "{what}: {n} layers, {params} parameters",
                    layers).format(what=what, n=layers, params=f.count(summary.total_params))
    if summary.inputs and summary.layers:
        first = write(summary.inputs[0].shape)[0] + (" …" if len(summary.inputs) > 1 else "")
        last_layer = summary.layer(summary.outputs[0]) if summary.outputs else summary.layers[-1]
        last = write(last_layer.output_shape)[0] + (" …" if len(summary.outputs) > 1 else "")
        text += _(", {first} → {last}", first=first, last=last)
    return text


def stylesheet() -> str:
    """The CSS the rendered tables use (to ship with a site)."""
    return resources.files("mkdocs_cnnsummary").joinpath(CSS_RESOURCE).read_text(encoding="utf-8")


def _totals(summary: Summary, worked_table: bool) -> list[Total]:
    out = []
    for i, (label, n) in enumerate(f.totals(summary)):
        shown, label = f.count(n), _("{label}:", label=label)
        if i == 3:  # buffers
            out.append(Total(label, shown, None))
            continue
        expression = None
        if worked_table and i == 0:
            parts = [f.count(layer.params) for layer in summary.top_layers if layer.params]
            if len(parts) > 1:
                expression = " + ".join(parts) + f" = {shown}"
        size = _("({bytes} bytes, {size})", bytes=f.count(n * f.BYTES_PER_PARAM), size=f.readable_size(n))
        out.append(Total(label, shown, size, expression))
    return out


def _row_header_key(columns: Sequence[Column]) -> str:
    keys = [c.key for c in columns]
    return "layer" if "layer" in keys else keys[0]


def check_worked(worked: str) -> str:
    """A valid ``worked`` mode, or a SpecError saying which ones exist."""
    if worked not in WORKED_MODES:
        from ..engine.errors import did_you_mean, shown

        raise SpecError(_("unknown worked mode {worked}", worked=shown(worked)),
                        hint=did_you_mean(worked, WORKED_MODES) or _("use one of {choices}",
                                                                     choices=", ".join(WORKED_MODES)))
    return worked


#: modules deeper than this are folded by default (torchinfo's default ``depth``: rows 1-1 ... 3-n show)
DEFAULT_DEPTH = 3


def module_tree(rows: list[Row], depth: int | None) -> str:
    """Fold a PyTorch module tree: each row holding rows gets a number, every row the numbers of the rows it is
    in, and the rows deeper than ``depth`` (torchinfo's count: 1 for the model's own modules) start folded.
    Returns the key of the generated CSS rules that hide the rows of a closed module."""
    limit = DEFAULT_DEPTH if depth is None else depth
    stack: list[tuple[int, Row]] = []
    holders: list[Row] = []
    layer_rows = [row for row in rows if row.kind == "layer" and isinstance(row.record, LayerRecord)]
    for row, following in zip(layer_rows, [*layer_rows[1:], None], strict=True):
        level = row.record.depth  # type: ignore[union-attr]
        while stack and stack[-1][0] >= level:
            stack.pop()
        row.within = tuple(holder.fold for _, holder in stack)  # type: ignore[misc]
        row.depth = level
        if following is not None and following.record.depth > level:  # type: ignore[union-attr]
            row.fold = len(holders)
            row.open = level + 1 < limit
            holders.append(row)
            stack.append((level, row))
    if not holders:
        return ""
    digest = hashlib.sha256("|".join(f"{r.name}:{r.record.depth}" for r in layer_rows).encode()).hexdigest()[:12]
    return digest


def render_summary(summary: Summary, *, title: str | None = None, worked: str = "collapsed",
                   columns: str | Sequence[str] | None = None, style: str | None = None,
                   fold: str = "blocks", depth: int | None = None, dtype: str = "float32",
                   units: str = "MiB", language: str | None = None) -> str:
    """The summary table of a computed network, its totals and its worked calculations.

    ``worked``: ``collapsed`` (each layer's calculation folded under its row), ``expanded``
    (unfolded), ``table`` (the calculations inside the shape and parameter cells) or ``none``.
    ``columns``: column keys to show, in order (see :func:`~.columns.column_names`).
    ``style``: ``keras``, ``torchinfo`` or ``nolearn`` labels and shapes (default: the framework's own).
    ``dtype`` and ``units`` (``MB`` or ``MiB``): how the memory of the ``activations`` column is written.
    ``fold``: for a compact spec, ``blocks`` shows each block instance, and each run of copies of one,
    as one row with its totals that opens on demand (``<details>``), ``open`` shows them opened,
    ``none`` shows the layers only.  For a PyTorch module tree, each module holding rows folds and unfolds
    them; ``depth`` (torchinfo's, 3 by default) says how deep rows show before their modules start folded
    (``fold="none"``: no folding).
    ``language``: the words around the numbers (default: the current block's, see :mod:`..i18n`).
    """
    if language is not None and language != current():
        options = {k: v for k, v in locals().items() if k not in ("summary", "language")}
        with use_language(language):
            return render_summary(summary, **options)
    check_worked(worked)
    check_fold(fold)
    table_style = style_for(summary, style)
    chosen = select_columns(summary, parse_columns(columns), table_style)
    options = analysis.Options(dtype, units)
    rows: list[Row] = build_rows(summary, chosen, worked_in_cells=worked == "table", style=table_style,
                                 options=options)
    tree = module_tree(rows, depth) if summary.framework == "pytorch" and any(
        layer.parent is not None for layer in summary.layers) and fold != "none" else ""
    caption = title or summary.name or default_caption(summary, table_style)
    lines, notes, memory = analysis.footer(summary, [c.key for c in chosen], options)
    grouped = fold != "none" and summary.blocks
    sections = build_sections(summary, chosen, rows, table_style) if grouped else [Section(rows)]
    row_header = _row_header_key(chosen)
    from markupsafe import Markup

    from .cell_markup import RowWriter, header_cells, notice_item

    wide = len(chosen) >= STACK_FROM_COLUMNS
    writer = RowWriter(chosen, row_header, worked, fold, measure=not wide)
    bodies = [(section.head is not None, writer.section(section)) for section in sections]
    return _environment().get_template("summary.html.jinja").render(
        caption=caption, header_cells=header_cells(chosen), worked=worked, framework=summary.framework, tree=tree,
        bodies=bodies,
        holders=sorted({row.fold for row in rows if row.fold is not None}),
        stackable=wide or writer.min_width_em(triangles=worked in ("collapsed", "expanded")) > fit.PHONE_EM,
        totals=_totals(summary, worked == "table"),
        size_note=f.size_assumption(), buffers_note=_(f.BUFFERS_NOTE) if f.with_buffers(summary) else "",
        analysis_totals=lines, analysis_notes=notes,
        memory_steps=[StepView.of(s) for s in memory.steps] if memory else [],
        notices=Markup("".join([notice_item(n) for n in summary.warnings])),
    )


def render_error(error: SpecError | str, *, title: str | None = None, source: str | None = None,
                 expected: bool = False, label: str | None = None, language: str | None = None) -> str:
    """An error box: what is wrong, where (line of the block, layer), the hint, and the spec with the line marked.

    ``expected=True`` renders the box as the documented result of an ``expect_error`` block.
    """
    if language is not None:
        options = {k: v for k, v in locals().items() if k not in ("error", "language")}
        with use_language(language):
            return render_error(error, **options)
    if isinstance(error, str):
        error = SpecError(error)
    lines = source.rstrip("\n").split("\n") if source else []
    numbered = [(i, text, i == error.line) for i, text in enumerate(lines, 1)]
    shown_error = SpecError(printable(error.message), line=error.line, layer=error.layer,
                            layer_type=error.layer_type, hint=None if error.hint is None else printable(error.hint))
    return _environment().get_template("error.html.jinja").render(
        title=title, error=shown_error, where=printable(_where(error)), expected=expected, numbered=numbered,
        label=label or (_("Expected error") if expected else _("Error")),
    )


def _where(error: SpecError) -> str:
    """``line 9 of the block, layer 'too_small' (Conv2D)``."""
    parts = []
    if error.file is not None:
        parts.append(_("{file}, line {line}", file=error.file, line=error.line)
                     if error.line is not None else error.file)
    elif error.line is not None:
        parts.append(_("line {line} of the block", line=error.line))
    if error.layer is not None or error.layer_type is not None:
        parts.append(error.where(with_line=False))
    return _(", ").join(parts)


def render_code(code: str, label: str | None = None, *, collapsed: bool = False) -> str:
    """The code a block summarises, shown above its table (``echo``), folded when ``collapsed``."""
    return _environment().get_template("code.html.jinja").render(
        code=code.strip("\n"), label=label or _("Code"), collapsed=collapsed)


def render(result: Summary | SpecError, **options: Any) -> str:
    """HTML for whatever the engine produced: a Summary (see :func:`render_summary`) or a SpecError."""
    if isinstance(result, SpecError):
        keep = {k: v for k, v in options.items() if k in ("title", "source", "expected", "label", "language")}
        return render_error(result, **keep)
    keep = {k: v for k, v in options.items() if k in ("title", "worked", "columns", "style", "fold", "depth",
                                                        "dtype", "units", "language")}
    return render_summary(result, **keep)

"""GitHub-flavoured Markdown summary: a table, the totals and optionally the worked calculations."""

from __future__ import annotations

from collections.abc import Sequence

from ..engine.summary import Step, Summary
from ..i18n import _, phrase
from . import analysis
from . import formatting as f
from .groups import Group, visible_rows


def _cell(text: str) -> str:
    """Escape what would break a table cell or start Markdown markup (a line break included)."""
    text = f.printable(text)
    for ch in ("\\", "|", "*", "_", "`", "<", ">", "[", "]", "&", "~"):
        text = text.replace(ch, "\\" + ch)
    return text


def _step(step: Step) -> str:
    """``- params: `(k_h × k_w × c_in + 1) × filters` = `(3 × 3 × 1 + 1) × 32` = 320``."""
    parts = [f"`{step.formula}`"]
    if step.result is None and step.kind:
        parts = [_cell(phrase(step.formula) or "")]
    elif step.result is None:
        parts.append("None")
    else:
        if step.substituted is not None and step.substituted != step.formula:
            parts.append(f"`{step.substituted}`")
        if step.substituted not in (str(step.result), f.count(step.result)):
            parts.append(f.count(step.result))
    text = f"- {_cell(phrase(step.quantity) or '')}: " + " = ".join(parts)
    if step.note:
        text += _(" ({note})", note=_cell(phrase(step.note) or ""))
    return text


def render_markdown(summary: Summary, *, worked: bool = False, fold: str = "none", columns: Sequence[str] = (),
                    dtype: str = "float32", units: str = "MiB") -> str:
    """The summary as a Markdown table followed by its totals (and each layer's worked calculation).

    ``fold``: as for :func:`~.text.render_text` (block rows in bold, the rows inside indented).
    ``columns`` adds analysis columns (``macs``, ``flops``, ``other_ops``, ``activations``,
    ``receptive_field``) and their totals.
    """
    extras = analysis.extra_keys(columns)
    options = analysis.Options(dtype, units)
    shown = analysis.kinds(extras)
    graph = summary.is_graph
    buffers = f.with_buffers(summary)
    headers = [_("Layer (type)"), _("Output Shape"), _("Param #")]
    align = [":---", ":---", "---:"]
    if buffers:
        headers.append(_("Buffers"))
        align.append("---:")
    if graph:
        headers.append(_("Connected to"))
        align.append(":---")
    headers += [analysis.header(key) for key in extras]
    align += [":---" if key == "receptive_field" else "---:" for key in extras]

    def row(cells: list[str]) -> str:
        return "| " + " | ".join(cells) + " |"

    out = []
    if summary.name:
        out += [f"**{_cell(summary.name)}**", ""]
    out += [row(headers), row(align)]
    for inp in summary.inputs:
        cells = [_cell(f.layer_label(inp, f.input_type(summary))), _cell(f.shape(inp.shape)), "0"]
        if buffers:
            cells.append("0")
        if graph:
            cells.append("-")
        cells += [_cell(analysis.cell_text(key, inp, summary, options)) for key in extras]
        out.append(row(cells))
    for depth, layer in visible_rows(summary, fold):
        indent = "\u2003" * depth  # em spaces: Markdown keeps them
        if isinstance(layer, Group):
            label = f"{indent}**{_cell(f.group_label(layer, fold))}**"
        else:
            label = indent + _cell(f.layer_label(layer, layer.type).strip())
        cells = [label, _cell(" ".join(f.shape_lines(layer.output_shape))), f.count(layer.params)]
        if buffers:
            cells.append(f.count(layer.buffers))
        if graph:
            cells.append(_cell(", ".join(layer.inputs)) or "-")
        cells += [_cell(analysis.cell_text(key, layer, summary, options)) for key in extras]
        out.append(row(cells))
    out.append("")
    for label, value in f.totals(summary):
        out.append(f"- {label}: {f.count(value)} ({f.readable_size(value)})")
    out += ["", f"_{f.size_assumption()}_"]
    lines, notes, memory = analysis.footer(summary, extras, options)
    if lines:
        out.append("")
        out += [f"- {_cell(label)}: {_cell(text)}" for label, text in lines]
        out += ["", *[f"_{_cell(note)}_" for note in notes]]
    if summary.warnings:
        out.append("")
        out += [f"> **{f.notice_label(n)}:** {_cell(f.notice_text(n))}  " for n in summary.warnings]
    if worked:
        for layer in summary.layers:
            steps = analysis.shown_steps(layer, shown)
            if not steps:
                continue
            out += ["", f"**{_cell(layer.name)} ({_cell(layer.type)})**", ""]
            out += [_step(step) for step in steps]
        if memory is not None:
            out += ["", _("**Memory estimate**"), "", *[_step(step) for step in memory.steps]]
    return "\n".join(out) + "\n"

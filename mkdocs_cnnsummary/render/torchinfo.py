"""Plain-text summary in the style of torchinfo's ``summary()``: ``Layer (type:depth-idx)``, tree branches.

Shapes are written as PyTorch sizes (``[None, 16, 16, 16]``), modules without
parameters show ``--`` and buffers get their own column when there are any.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from ..engine.pytorch import module_name
from ..engine.summary import LayerRecord, Summary
from ..i18n import _
from . import analysis
from . import formatting as f

RULE_CHAR = "="
MIN_WIDTHS = (40, 25, 15)


def size(shape) -> str:
    """``[None, 16, 16, 16]``; several outputs as ``[[None, 4], [None, 4]]``."""
    if isinstance(shape, list):
        return "[" + ", ".join(size(s) for s in shape) + "]" if shape else f.NO_OUTPUT
    return "[" + ", ".join("None" if d is None else str(d) for d in shape) + "]"


def _labels(layers: list[LayerRecord]) -> list[str]:
    """``├─Conv2d: 1-1`` ... ``└─Linear: 1-9``; nested layers (depth > 0) hang under the one before them."""
    # a layer is the last of its branch when the next layer at its depth or shallower is shallower
    # (or there is none): one pass from the end, keeping the depths still open after each layer
    last = [True] * len(layers)
    after: list[int] = []  # depths of later layers, each shallower than the one above it
    for i in range(len(layers) - 1, -1, -1):
        depth = layers[i].depth
        while after and after[-1] > depth:
            after.pop()
        last[i] = not after or after[-1] != depth
        after.append(depth)
    labels = []
    counters: dict[int, int] = {}
    for i, layer in enumerate(layers):
        depth = layer.depth + 1
        counters[depth] = counters.get(depth, 0) + 1
        for deeper in [d for d in counters if d > depth]:
            del counters[deeper]
        branch = "└─" if last[i] else "├─"
        indent = "│    " * (depth - 1)
        labels.append(f"{indent}{branch}{layer.type}: {depth}-{counters[depth]}")
    return labels


def _named(label: str, layer: LayerRecord) -> str:
    """``├─Conv2d (conv1): 2-1``, as torchinfo's ``var_names`` shows a module's own name (its last part); a name the
    engine gave a module (``conv2d_1``) adds nothing and is left out.  An operation (a function of PyTorch code's
    forward(), or one spelt in lower case) shows its name as torch.fx names it, as the other tables do:
    ``├─ReLU (relu_1): 2-5``, ``├─add (add_1): 3-6``; a name that is its type (``add``) is not repeated."""
    own = layer.name.rsplit(".", 1)[-1]
    operation = layer.operation or layer.type[:1].islower()
    if own == layer.type or (not operation
                             and re.fullmatch(rf"{re.escape(module_name(layer.type))}(_\d+)?(@\d+)?", own)):
        return label
    head, _, tail = label.rpartition(": ")
    return f"{head} ({f.printable(own)}): {tail}"


def _megabytes(n_bytes: int) -> str:
    """``n_bytes / 1e6`` to 2 decimals, in floating point as torchinfo prints it while a float holds it exactly."""
    return f"{n_bytes / 1e6:.2f}" if n_bytes < 2**53 else f.decimal(n_bytes, 10**6)


def _count(n: int) -> str:
    return f.count(n) if n else "--"


def render_torchinfo(summary: Summary, *, worked: bool = False, columns: Sequence[str] = (),
                     options: analysis.Options | None = None) -> str:
    """The summary as torchinfo prints it; ``worked`` adds each layer's calculation under its row;
    ``columns``: analysis columns after the usual ones (``macs`` is torchinfo's ``Mult-Adds``)."""
    options = options or analysis.Options()
    shown = analysis.kinds(columns)
    buffers = summary.total_buffers > 0
    headers = [_("Layer (type:depth-idx)"), _("Output Shape"), _("Param #")] + ([_("Buffers")] if buffers else [])
    headers += [_("Mult-Adds") if key == "macs" else analysis.header(key) for key in columns]
    shapes = {i.name: i.shape for i in summary.inputs}
    shapes.update((layer.name, layer.output_shape) for layer in summary.layers)
    # lstm[1]: lstm; fc@1: the second call of fc (a module called twice)
    outputs = [shapes[o] if o in shapes else summary.layer(o).output_shape for o in summary.outputs]
    root_shape = outputs[0] if len(outputs) == 1 else outputs
    rows = [[f.printable(summary.name or "Model"), size(root_shape), "--"] + (["--"] if buffers else [])
            + ["--"] * len(columns)]
    steps: list[list[str]] = [[]]
    for label, layer in zip(_labels(summary.layers), summary.layers, strict=True):
        row = [_named(label, layer), size(layer.output_shape), _count(layer.params)]
        if buffers:
            row.append(_count(layer.buffers))
        row += [analysis.cell_text(key, layer, summary, options) for key in columns]
        rows.append(row)
        steps.append([f.step_text(s) for s in layer.calculation] + analysis.step_lines(layer, shown)
                     if worked else [])
    widths = [max(m, *(min(f.width(r[i]), f.MAX_COLUMN_WIDTH) + 1 for r in rows), f.width(headers[i]) + 1)
              for i, m in enumerate((*MIN_WIDTHS, *(15,) * len(headers))[:len(headers)])]
    total = sum(widths)

    def line(cells: list[str]) -> str:
        return "".join(f.pad(c, w) for c, w in zip(cells, widths, strict=True)).rstrip()

    rule = RULE_CHAR * total
    out = [rule, line(headers), rule]
    for row, worked_lines in zip(rows, steps, strict=True):
        out.append(line(row))
        out.extend("      " + text for text in worked_lines)
    out.append(rule)
    out.extend(f"{label}: {f.count(n)}" for label, n in f.totals(summary))
    out.append(rule)
    out.append(_("Params size (MB): {size}", size=_megabytes(summary.total_params * f.BYTES_PER_PARAM)))
    out.append(rule)
    extra = analysis.footer_text(summary, columns, options, worked, bullet="")
    if extra:
        out += [*extra, rule]
    out.extend(f"{f.notice_label(n)}: {f.notice_text(n)}" for n in summary.warnings)
    return "\n".join(out) + "\n"

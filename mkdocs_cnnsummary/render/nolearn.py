"""Plain-text summary in the style of nolearn's "Layer Information" for Lasagne networks.

Sizes leave out the batch axis and join the others with ``x`` (``32x24x24``), as
nolearn printed them; a parameter column and the total follow, like the
well-known worked answer to "how are the 217,706 parameters counted?".
"""

from __future__ import annotations

from collections.abc import Sequence

from ..engine.summary import Shape, Summary
from ..i18n import _
from . import analysis
from . import formatting as f


def size(shape: Shape | list[Shape]) -> str:
    """``32x24x24`` (batch axis left out; ``?`` for an unknown size)."""
    if isinstance(shape, list):
        return ", ".join(size(s) for s in shape)
    return "x".join("?" if d is None else str(d) for d in shape[1:])


def render_nolearn(summary: Summary, *, worked: bool = False, columns: Sequence[str] = (),
                   options: analysis.Options | None = None) -> str:
    """The summary as nolearn prints a network's layer information, plus parameters and totals;
    ``columns``: analysis columns after the usual ones."""
    options = options or analysis.Options()
    shown = analysis.kinds(columns)
    rows = [(str(i), f.printable(inp.name), size(inp.shape), "0",
             *[analysis.cell_text(key, inp, summary, options) for key in columns], [])
            for i, inp in enumerate(summary.inputs)]
    start = len(rows)
    for i, layer in enumerate(summary.layers, start):
        steps = [f.step_text(s) for s in layer.calculation] + analysis.step_lines(layer, shown) if worked else []
        rows.append((str(i), f.printable(layer.name), size(layer.output_shape), f.count(layer.params),
                     *[analysis.cell_text(key, layer, summary, options) for key in columns], steps))
    headers = ("#", _("name"), _("size"), _("params"), *[analysis.header(key) for key in columns])
    widths = [max(f.width(h), 3 if c == 0 else 0, *(min(f.width(r[c]), f.MAX_COLUMN_WIDTH) for r in rows))
              for c, h in enumerate(headers)]
    right = {0, 3, *(4 + i for i, key in enumerate(columns) if key != "receptive_field")}

    def line(cells) -> str:
        return "  ".join(f.pad(c, w, k in right) for k, (c, w) in enumerate(zip(cells, widths, strict=True)))

    out = [line(headers).rstrip(), "  ".join("-" * w for w in widths)]
    for *cells, steps in rows:
        out.append(line(cells).rstrip())
        out.extend(" " * (widths[0] + 2) + step for step in steps)
    out.append("")
    out.append(_("# Neural Network with {count} learnable parameters", count=f.count(summary.trainable_params)))
    for label, n in f.totals(summary):
        out.append(f"{label}: {f.count(n)} ({f.readable_size(n)})")
    out.append(f.size_assumption())
    out += analysis.footer_text(summary, columns, options, worked, bullet="")
    out.extend(f"{f.notice_label(n)}: {f.notice_text(n)}" for n in summary.warnings)
    return "\n".join(out) + "\n"

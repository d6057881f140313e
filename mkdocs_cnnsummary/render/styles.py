"""Table styles: how each framework's users are used to seeing a summary.

``keras`` is ``model.summary()`` (``Layer (type)``, ``(None, 28, 28, 32)``),
``torchinfo`` is torchinfo's ``summary()`` (``Layer (type:depth-idx)``,
``[None, 16, 28, 28]``) and ``nolearn`` is nolearn's layer information for
Lasagne (``name``, ``size`` as ``32x24x24``).  A style only changes labels and
how shapes are written; the numbers are the same.
"""

from __future__ import annotations

from collections.abc import Callable

from ..engine.errors import SpecError, did_you_mean, shown
from ..engine.records import field, record
from ..engine.summary import LayerRecord, Shape, Summary
from ..i18n import N_, _
from . import formatting as f


@record(frozen=True)
class Style:
    """Column headers, shape writing and layer-type labels of one table style."""

    name: str
    headers: dict[str, str] = field(default_factory=dict)
    shape: Callable[[Shape | list[Shape]], list[str]] = f.shape_lines
    type_labels: Callable[[list[LayerRecord]], list[str]] | None = None

    def header(self, key: str, default: str) -> str:
        return self.headers.get(key, default)

    def layer_types(self, summary: Summary) -> list[str]:
        """The type label of each layer (``Conv2D``, or ``Conv2d: 1-3`` for torchinfo)."""
        if self.type_labels is None:
            return [layer.type for layer in summary.layers]
        return self.type_labels(summary.layers)


def _torchinfo_types(layers: list[LayerRecord]) -> list[str]:
    from . import torchinfo

    return [label.lstrip("│ ├└─") for label in torchinfo._labels(layers)]


def _torchinfo_shape(shape: Shape | list[Shape]) -> list[str]:
    from . import torchinfo

    return [torchinfo.size(shape)]


def _nolearn_shape(shape: Shape | list[Shape]) -> list[str]:
    from . import nolearn

    return [nolearn.size(shape)]


STYLES: dict[str, Style] = {
    "keras": Style("keras"),
    "torchinfo": Style("torchinfo", {"layer": N_("Layer (type:depth-idx)"), "output_shape": N_("Output Shape")},
                       _torchinfo_shape, _torchinfo_types),
    "nolearn": Style("nolearn", {"layer": N_("name"), "output_shape": N_("size"), "params": N_("params")},
                     _nolearn_shape),
}
#: the style each framework's users know
DEFAULT_STYLES = f.DEFAULT_STYLES


def check_style(name: str) -> str:
    """A known style name, or a SpecError with a did-you-mean."""
    key = name.strip().lower()
    if key not in STYLES and key != "auto":
        raise SpecError(_("unknown style {name}").format(name=shown(name)),
                        hint=(did_you_mean(key, STYLES) or _("use one of {STYLES}").format(STYLES=", ".join(STYLES))))
    return key


def style_for(summary: Summary, name: str | None = None) -> Style:
    """The named style, or (None / ``auto``) the one of the summary's framework."""
    if name in (None, "", "auto"):
        name = DEFAULT_STYLES.get(summary.framework, "keras")
    return STYLES[check_style(name)]

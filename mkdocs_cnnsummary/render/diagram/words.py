"""Every word a diagram shows or says to a screen reader, in one place.

They are translated (the catalogs in ``locale/``) when a drawing is made: labels are built from them with
``str.format`` and numbers come in already formatted.
"""

from __future__ import annotations

from ...i18n import N_, _

PARAMS = N_("{count} params")
#: a folded run of identical blocks
REPEAT = N_("× {n}")
RANGE = N_("{first} … {last}")
UNIT_LAYERS = N_("{n} layers each")
#: <title> and aria-label of the whole drawing
TITLE = N_("Diagram of {name}")
UNNAMED = N_("the network")
DESCRIPTION = N_("{layers} layers, {params} parameters, from {inputs} to {outputs}.")
#: a box's tooltip
NODE_TITLE = N_("{name} ({type}): output {shape}, {params}")
FOLD_TITLE = N_("{count} layers in {n} identical blocks: {names}")
INPUT_TITLE = N_("{name} (input): {shape}")
#: shown instead of a drawing that would be too large to read
TOO_LARGE = N_("This network would need {boxes} boxes (more than {limit}) even with its repeated blocks folded; "
               "the table above lists every layer.")


def say(template: str, **values: object) -> str:
    """One of the templates above, in the current language, filled in."""
    return _(template, **values)

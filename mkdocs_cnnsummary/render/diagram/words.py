"""Every word a diagram shows or says to a screen reader, in one place.

A translation of the drawings replaces these templates and nothing else: labels are built
from them with ``str.format`` and numbers come in already formatted.
"""

from __future__ import annotations

PARAMS = "{count} params"
#: a folded run of identical blocks
REPEAT = "× {n}"
RANGE = "{first} … {last}"
UNIT_LAYERS = "{n} layers each"
#: <title> and aria-label of the whole drawing
TITLE = "Diagram of {name}"
UNNAMED = "the network"
DESCRIPTION = "{layers} layers, {params} parameters, from {inputs} to {outputs}."
#: a box's tooltip
NODE_TITLE = "{name} ({type}): output {shape}, {params}"
FOLD_TITLE = "{count} layers in {n} identical blocks: {names}"
INPUT_TITLE = "{name} (input): {shape}"
#: shown instead of a drawing that would be too large to read
TOO_LARGE = ("This network would need {boxes} boxes (more than {limit}) even with its repeated blocks folded; "
             "the table above lists every layer.")


def say(template: str, **values: object) -> str:
    """One of the templates above, filled in."""
    return template.format(**values)

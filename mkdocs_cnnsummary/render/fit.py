"""Where a table's cells may break, and how narrow the table can get: does it fit a phone?

A browser gives a table at least the sum of its columns' longest unbreakable runs (a name up to an
``_``, half a shape, a whole number). The HTML renderer measures those runs in ems of the table's font
as it writes the cells (:func:`widest`, :func:`type_em`, :func:`steps_em`) and :func:`table_em` adds the
columns up, so that a table that cannot fit a phone's column (about 24em wide) is shown as one card per
row there (``cnnsummary--stackable``).

>>> name_pieces("global_average_pooling2d"), type_pieces("GlobalAveragePooling2D")
(['global_', 'average_', 'pooling2d'], ['Global', 'Average', 'Pooling2D'])
>>> shape_halves("(None, 128, 128, 64)")
['(None, 128,', '128, 64)']
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .columns import StepView

#: the narrowest column a table must fit without becoming cards: a 390 px phone's page in the narrowest theme
#: (sphinx-rtd-theme: 308 px at 13 px, 23.7em; Material: 28em, 25.9em in an admonition), less what the
#: estimate may miss (up to 2em on the example site's tables)
PHONE_EM = 22.0
#: average advance of one character, in ems: bold names, regular text, digits (tabular), monospace code
#: (at the 0.95em of the cells' code)
BOLD, REGULAR, DIGIT, NARROW, MONO = 0.6, 0.52, 0.56, 0.28, 0.57
#: a cell's padding on both sides on a phone, and the room of a disclosure triangle
PADDING, MARKER = 1.0, 1.1


def name_pieces(name: str) -> list[str]:
    """A layer name in the pieces it may break into: after each ``_``, a short last part (``max_pooling2d_2``)
    kept with the one before it."""
    parts = name.split("_")
    if len(parts) > 1 and len(parts[-1]) <= 3:
        parts[-2:] = [parts[-2] + "_" + parts[-1]]
    return [part + "_" for part in parts[:-1]] + parts[-1:]


def type_pieces(type_name: str) -> list[str]:
    """A long type name in the pieces it may break into, before inner capitals (``Global|Average|Pooling2D``)."""
    return re.split(r"(?<=[a-z0-9])(?=[A-Z][a-z])", type_name) if len(type_name) > 9 else [type_name]


def shape_halves(text: str) -> list[str]:
    """A shape in the two halves of about the same length it may break into (one piece if short)."""
    pieces = text.split(", ")
    if len(text) <= 12 or len(pieces) < 3:
        return [text]
    half, lengths = len(text) / 2, [len(", ".join(pieces[:k])) for k in range(1, len(pieces))]
    k = min(range(1, len(pieces)), key=lambda i: abs(lengths[i - 1] - half))
    return [", ".join(pieces[:k]) + ",", ", ".join(pieces[k:])]


#: deletes the narrow characters of a text (what is left is counted at the run's advance)
_WITHOUT_NARROW = str.maketrans("", "", ",.;:()[] ")


def _text_em(text: str, per_char: float) -> float:
    narrow = len(text) - len(text.translate(_WITHOUT_NARROW))
    return (len(text) - narrow) * per_char + narrow * NARROW


def widest(texts: Iterable[str], per_char: float, widest: float) -> float:
    """The widest of ``widest`` and the runs ``texts``; a run no longer than ``widest`` at ``per_char`` a
    character (narrow characters only make it shorter) is not measured.  A line's pieces are no longer than
    the line, so a caller may skip splitting a line no longer than ``widest`` the same way."""
    for text in texts:
        if len(text) * per_char > widest:
            widest = max(widest, _text_em(text, per_char))
    return widest


def advance(key: str) -> float:
    """The advance of one character in the cells of column ``key``: bold names, regular inputs, monospace
    shapes, digits."""
    return _ADVANCE.get(key, DIGIT)


_ADVANCE = {"layer": BOLD, "connected_to": REGULAR, "output_shape": MONO}


def type_em(type_name: str, widest_so_far: float) -> float:
    """The widest of ``widest_so_far`` and the pieces of ``(type_name)`` under a layer's name."""
    if (len(type_name) + 2) * REGULAR <= widest_so_far:
        return widest_so_far
    return widest(type_pieces(f"({type_name})"), REGULAR, widest_so_far)


def steps_em(steps: Iterable[StepView], widest_so_far: float) -> float:
    """The widest of ``widest_so_far`` and the words of worked steps in a cell (``worked="table"``: a
    calculation wraps at its spaces on a phone)."""
    for step in steps:
        for text in (step.quantity, step.substituted or "", step.result or ""):
            widest_so_far = widest(text.split(), MONO, widest_so_far)
    return widest_so_far


def header_em(header: str) -> float:
    """The widest word of a column's header (where its cells' runs start)."""
    return max((_text_em(word, BOLD) for word in header.split()), default=0.0)


def table_em(widths: dict[str, float], depth: int, *, triangles: bool) -> float:
    """About the narrowest the table can be, in ems of its font: the widest run of each column (``widths``,
    from its header's widest word up), the cells' padding, 1em a level of group (``depth``) and
    (``triangles``) the disclosure buttons of its row headers."""
    total = sum(widths.values()) + PADDING * len(widths) + depth
    return total + (MARKER if triangles else 0.0)

"""The ``diagram`` option: where the drawing goes and how it is laid out, as words.

``diagram="below"``, ``diagram="above horizontal"``, ``diagram="only vertical layered"``: each word sets
one aspect and the aspects not named keep their default (the plugin's setting, else the defaults
below), so a site-wide ``diagram: below horizontal`` and a block's ``diagram="above"`` give a
horizontal drawing above that block's table.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from ...engine.errors import SpecError, did_you_mean
from ...i18n import _

PLACEMENTS = ("none", "above", "below", "only")
DIRECTIONS = ("vertical", "horizontal")
ARRANGEMENTS = ("auto", "layered")
FOLDINGS = ("folded", "unfolded")
#: a bare ``diagram`` (or yes/true) means a drawing below the table
SHORTHANDS = {"diagram": "below", "yes": "below", "true": "below", "no": "none", "false": "none"}


@dataclass(frozen=True)
class DiagramOptions:
    """Where the drawing goes and how it is laid out."""

    placement: str = "none"  # none | above | below | only (the drawing without the table)
    direction: str = "vertical"  # vertical (top to bottom) | horizontal (left to right)
    arrangement: str = "auto"  # auto: a U for encoder-decoder networks with skips | layered: always by layers
    fold: bool = True  # runs of identical blocks as one × N box

    def words(self) -> str:
        """The option value that gives these settings back (``below vertical auto folded``)."""
        return " ".join((self.placement, self.direction, self.arrangement, "folded" if self.fold else "unfolded"))


def parse_diagram(value: str | None, base: DiagramOptions | None = None) -> DiagramOptions:
    """``"below horizontal"`` over ``base``; an unknown word is a SpecError with a did-you-mean."""
    options = base or DiagramOptions()
    if value is None:
        return options
    changes: dict[str, object] = {}
    for word in str(value).replace(",", " ").lower().split():
        word = SHORTHANDS.get(word, word)
        if word in PLACEMENTS:
            changes["placement"] = word
        elif word in DIRECTIONS:
            changes["direction"] = word
        elif word in ARRANGEMENTS:
            changes["arrangement"] = word
        elif word in FOLDINGS:
            changes["fold"] = word == "folded"
        else:
            every = PLACEMENTS + DIRECTIONS + ARRANGEMENTS + FOLDINGS
            raise SpecError(_("unknown diagram word {word!r}", word=word),
                            hint=(did_you_mean(word, every) or _("use {every}", every=", ".join(every))))
    if "placement" not in changes and changes and options.placement == "none":
        changes["placement"] = "below"  # diagram="horizontal" asks for a drawing
    return replace(options, **changes)

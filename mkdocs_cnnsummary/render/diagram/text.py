"""How wide a label is, without a font library: advance widths of a wide sans-serif (DejaVu Sans).

Boxes are sized from these estimates.  DejaVu Sans is wider than the fonts themes usually ask for
(Roboto, Helvetica, Arial, Segoe UI), so a label measured here fits its box in those fonts too.
"""

from __future__ import annotations

import re
import unicodedata

#: the drawing's font size (user units = CSS pixels at scale 1) and line height
FONT_SIZE = 12.0
LINE_HEIGHT = 15.0

# advance widths in thousandths of an em for the printable ASCII characters (32 ... 126)
_REGULAR = (
    318, 401, 460, 838, 636, 950, 780, 275, 390, 390, 500, 838, 318, 361, 318, 337,
    636, 636, 636, 636, 636, 636, 636, 636, 636, 636, 337, 337, 838, 838, 838, 531,
    1000, 684, 686, 698, 770, 632, 575, 775, 752, 295, 295, 656, 557, 863, 748, 787,
    603, 787, 695, 635, 611, 732, 684, 989, 685, 611, 685, 390, 337, 390, 838, 500,
    500, 613, 635, 550, 635, 615, 352, 635, 634, 278, 278, 579, 278, 974, 634, 612,
    635, 635, 411, 521, 392, 634, 592, 818, 592, 592, 525, 636, 337, 636, 838,
)
_BOLD = (
    348, 456, 521, 838, 696, 1002, 872, 306, 457, 457, 523, 838, 380, 415, 380, 365,
    696, 696, 696, 696, 696, 696, 696, 696, 696, 696, 400, 400, 838, 838, 838, 580,
    1000, 774, 762, 734, 830, 683, 683, 821, 837, 372, 372, 775, 637, 995, 837, 850,
    733, 850, 770, 720, 682, 812, 774, 1103, 771, 724, 725, 457, 365, 457, 838, 500,
    500, 675, 716, 593, 716, 678, 435, 716, 712, 343, 343, 665, 343, 1042, 712, 687,
    716, 716, 493, 595, 478, 712, 652, 924, 645, 652, 582, 712, 365, 712, 838,
)
_OTHER = {"×": 838, "…": 1000, "·": 318, "→": 838, "–": 500, "−": 838, " ": 318}


def _char_width(ch: str, bold: bool) -> int:
    code = ord(ch)
    if 32 <= code < 127:
        return (_BOLD if bold else _REGULAR)[code - 32]
    if ch in _OTHER:
        return _OTHER[ch] + (60 if bold else 0)
    if unicodedata.combining(ch):
        return 0
    if unicodedata.east_asian_width(ch) in ("W", "F"):
        return 1000  # CJK and other wide characters: a full em
    return 1000 if bold else 900  # anything else: wider than most letters, so it still fits


def text_width(text: str, *, bold: bool = False, size: float = FONT_SIZE) -> float:
    """The estimated width of ``text`` in user units at ``size``."""
    return sum(_char_width(ch, bold) for ch in text) * size / 1000


def truncate(text: str, max_width: float, *, bold: bool = False, size: float = FONT_SIZE) -> str:
    """``text`` cut with ``…`` so that it is at most ``max_width`` wide."""
    if text_width(text, bold=bold, size=size) <= max_width:
        return text
    budget = max_width - text_width("…", bold=bold, size=size)
    out, used = [], 0.0
    for ch in text:
        w = _char_width(ch, bold) * size / 1000
        if used + w > budget:
            break
        out.append(ch)
        used += w
    return "".join(out).rstrip() + "…"


#: characters XML 1.0 does not allow at all (not even as references), lone surrogates and non-characters
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_safe(text: str) -> str:
    """``text`` with what XML cannot hold written as its escape (``\\x07``), never dropped silently."""
    from ..formatting import printable

    return _NOT_XML.sub(lambda m: m.group().encode("unicode_escape", "backslashreplace").decode("ascii"),
                        printable(text))

"""The one exception a wrong spec raises."""

from __future__ import annotations

import math
import re
from collections.abc import Iterable

from ..i18n import _
from .limits import MAX_MESSAGE, MAX_SHOWN

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


class SpecError(ValueError):
    """A network description that cannot be computed.

    Attributes:
        message: what is wrong, in words ("a 3×3 kernel does not fit the 2×2 input ...").
        line: 1-based line in the spec text (None when the spec came as a dict).
        layer: the layer's name, when the error belongs to one layer.
        layer_type: the layer's type ("Conv2D"), when known.
        hint: what to change, when there is a suggestion.
        argument: the argument (keyword, or position) the error is about, when it is about one.
        file: the file the line is in, when the network was read from files (model code and the
            modules it imports); None for the text that was given.
        block: the block instance the error is in, for a compact spec
            (``block 'bottleneck', instance 'conv2_block1' (line 40)``).
    """

    argument: str | int | None = None

    def __init__(
        self,
        message: str,
        *,
        line: int | None = None,
        layer: str | None = None,
        layer_type: str | None = None,
        hint: str | None = None,
        file: str | None = None,
        block: str | None = None,
    ) -> None:
        self.message = _cut(message, MAX_MESSAGE)
        self.file = file
        self.block = block
        self.line = line
        self.layer = layer
        self.layer_type = layer_type
        self.hint = None if hint is None else _cut(hint, MAX_MESSAGE)
        super().__init__(self.describe())

    def where(self, *, with_line: bool = True) -> str:
        """The location prefix: ``line 9, layer 'too_small' (Conv2D)``."""
        parts = []
        if with_line and self.file is not None:
            parts.append(f"{self.file}:{self.line}" if self.line is not None else self.file)
        elif with_line and self.line is not None:
            parts.append(_("line {line}", line=self.line))
        if self.layer is not None:
            kind = f" ({_cut(self.layer_type, MAX_SHOWN)})" if self.layer_type else ""
            parts.append(_("layer {layer}{kind}", layer=shown(self.layer), kind=kind))
        elif self.layer_type is not None:
            parts.append(_("layer type {layer_type}", layer_type=_cut(self.layer_type, MAX_SHOWN)))
        if self.block is not None:
            parts.append(_("in {block}", block=_cut(self.block, 200)))
        return _(", ").join(parts)

    def describe(self, *, with_line: bool = True) -> str:
        """The whole message: location, what is wrong and the hint.

        ``with_line=False`` leaves the line out, for callers that prefix their own
        ``FILE:LINE:`` (see :meth:`in_file`).
        """
        text = self.message
        if self.hint:
            text = _("{message}; {hint}", message=text, hint=self.hint)
        where = self.where(with_line=with_line)
        return _("{where}: {message}", where=where, message=text) if where else text

    def in_file(self, source: str) -> str:
        """The message as compilers print it: ``unet.yaml:9: layer 'too_small' (Conv2D): ...``.

        The error's own ``file`` (a module the code imports) wins over ``source``.
        """
        source = self.file or source
        prefix = f"{source}:{self.line}" if self.line is not None else source
        return f"{prefix}: {self.describe(with_line=False)}"

    def located(self, *, line: int | None = None, layer: str | None = None,
                layer_type: str | None = None) -> SpecError:
        """Fill in location fields that are still unknown."""
        if self.line is None and line is not None:
            self.line = line
        if self.layer is None and layer is not None:
            self.layer = layer
        if self.layer_type is None and layer_type is not None:
            self.layer_type = layer_type
        self.args = (self.describe(),)
        return self

    def to_dict(self) -> dict[str, object]:
        """JSON form of the error."""
        out: dict[str, object] = {
            "message": self.message,
            "line": self.line,
            "layer": self.layer,
            "layer_type": self.layer_type,
            "hint": self.hint,
            "text": self.describe(),
            **({"file": self.file} if self.file is not None else {}),
        }
        if self.block is not None:
            out["block"] = self.block
        return out


def did_you_mean(word: str, choices: Iterable[str]) -> str | None:
    """A ``did you mean 'X'?`` hint for a misspelt name, or None."""
    import difflib  # only on the way to an error message

    choices = list(choices)
    if len(word) > MAX_SHOWN:  # no name that long exists, and comparing it would cost its length squared
        return None
    lowered = {c.lower(): c for c in choices}
    if word.lower() in lowered:
        return _("did you mean {name!r}?", name=lowered[word.lower()])
    close = difflib.get_close_matches(word, choices, n=3, cutoff=0.6)
    if not close:
        close = [lowered[c] for c in difflib.get_close_matches(word.lower(), list(lowered), n=3, cutoff=0.6)]
    if not close:
        return None
    if len(close) == 1:
        return _("did you mean {name!r}?", name=close[0])
    return _("did you mean {names} or {last!r}?", names=_(", ").join(repr(c) for c in close[:-1]),
                                                         last=close[-1])


# values and text in messages ----------------------------------------------------------

#: line breaks, terminal escapes and text-direction overrides: they would break a line of output,
#: rewrite the terminal or reorder what a reader sees (none is printable for ``str.isprintable``)
UNPRINTABLE = "[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]"


def printable(text: str, limit: int | None = None) -> str:
    """``"a\\nb"`` stays on one line as ``a\\nb``: control characters written as their escapes.

    The one function that makes user-written text safe for a terminal, a log or a table row;
    ``limit`` also cuts the text to that many characters.
    """
    text = str(text)
    if not text.isprintable():  # most text is: no pattern to run
        text = re.sub(UNPRINTABLE, lambda m: m.group().encode("unicode_escape").decode("ascii"), text)
    return text if limit is None else _cut(text, limit)


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:max(limit - 3, 0)] + "..."


def shown(value: Any, limit: int = MAX_SHOWN) -> str:
    """A value as a message echoes it: its ``repr``, at most ``limit`` characters.

    Long lists and strings are cut (``[1, 1, 1, ...``), integers too long to print are described by
    their size, and nothing is built beyond the limit, however large the value.
    """
    out: list[str] = []
    _show(value, out, [limit + 1])
    return _cut("".join(out), limit)


def _show(value: Any, out: list[str], budget: list[int]) -> None:
    """Append the pieces of ``repr(value)`` to ``out`` until ``budget[0]`` characters are spent."""
    if budget[0] <= 0:
        return
    if isinstance(value, dict):
        pieces: Iterable[Any] = value.items()
        opening, closing = "{", "}"
    elif isinstance(value, list | tuple):
        pieces = value
        opening, closing = ("(", ",)" if len(value) == 1 else ")") if isinstance(value, tuple) else ("[", "]")
    else:
        text = _scalar(value, budget[0])
        out.append(text)
        budget[0] -= len(text)
        return
    out.append(opening)
    budget[0] -= 1
    for i, piece in enumerate(pieces):
        if budget[0] <= 0:
            return
        if i:
            out.append(", ")
            budget[0] -= 2
        if isinstance(value, dict):
            _show(piece[0], out, budget)
            out.append(": ")
            budget[0] -= 2
            _show(piece[1], out, budget)
        else:
            _show(piece, out, budget)
    out.append(closing)
    budget[0] -= len(closing)


def _scalar(value: Any, room: int) -> str:
    if isinstance(value, str):
        return repr(value[:room + 1])
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 200:
        digits = math.floor(value.bit_length() * math.log10(2)) + 1
        return _("<a {digits:,}-digit number>", digits=digits)
    try:
        text = repr(value)
    except Exception:  # a value whose repr fails (a Python object in a dict spec)
        text = f"<{type(value).__name__}>"
    return text[:room + 1]


def about(n: int) -> str:
    """A count for a message: ``2,097,664``, or ``about 10^5000`` when it is too long to print."""
    if abs(n) < 10**30:
        return f"{n:,}"
    return _("about 10^{power}", power=math.floor(abs(n).bit_length() * math.log10(2)))


def one_of(value: str, choices: Iterable[str], what: str) -> str:
    """``value`` in lower case when it is one of ``choices``, else a SpecError (``unknown fold mode 'x'``)
    with a did-you-mean."""
    key = value.strip().lower()
    choices = list(choices)
    if key not in choices:
        raise SpecError(_("unknown {what} {value}", what=_(what), value=shown(value)),
                        hint=did_you_mean(key, choices) or _("use one of {choices}", choices=", ".join(choices)))
    return key

"""The one exception a wrong spec raises."""

from __future__ import annotations

from collections.abc import Iterable


class SpecError(ValueError):
    """A network description that cannot be computed.

    Attributes:
        message: what is wrong, in words ("a 3×3 kernel does not fit the 2×2 input ...").
        line: 1-based line in the spec text (None when the spec came as a dict).
        layer: the layer's name, when the error belongs to one layer.
        layer_type: the layer's type ("Conv2D"), when known.
        hint: what to change, when there is a suggestion.
        block: the block instance the error is in, for a compact spec
            (``block 'bottleneck', instance 'conv2_block1' (line 40)``).
    """

    def __init__(
        self,
        message: str,
        *,
        line: int | None = None,
        layer: str | None = None,
        layer_type: str | None = None,
        hint: str | None = None,
        block: str | None = None,
    ) -> None:
        self.message = message
        self.block = block
        self.line = line
        self.layer = layer
        self.layer_type = layer_type
        self.hint = hint
        super().__init__(self.describe())

    def where(self, *, with_line: bool = True) -> str:
        """The location prefix: ``line 9, layer 'too_small' (Conv2D)``."""
        parts = []
        if with_line and self.line is not None:
            parts.append(f"line {self.line}")
        if self.layer is not None:
            kind = f" ({self.layer_type})" if self.layer_type else ""
            parts.append(f"layer {self.layer!r}{kind}")
        elif self.layer_type is not None:
            parts.append(f"layer type {self.layer_type}")
        if self.block is not None:
            parts.append(f"in {self.block}")
        return ", ".join(parts)

    def describe(self, *, with_line: bool = True) -> str:
        """The whole message: location, what is wrong and the hint.

        ``with_line=False`` leaves the line out, for callers that prefix their own
        ``FILE:LINE:`` (see :meth:`in_file`).
        """
        text = self.message
        if self.hint:
            text = f"{text}; {self.hint}"
        where = self.where(with_line=with_line)
        return f"{where}: {text}" if where else text

    def in_file(self, source: str) -> str:
        """The message as compilers print it: ``unet.yaml:9: layer 'too_small' (Conv2D): ...``."""
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
        }
        if self.block is not None:
            out["block"] = self.block
        return out


def did_you_mean(word: str, choices: Iterable[str]) -> str | None:
    """A ``did you mean 'X'?`` hint for a misspelt name, or None."""
    import difflib  # only on the way to an error message

    choices = list(choices)
    lowered = {c.lower(): c for c in choices}
    if word.lower() in lowered:
        return f"did you mean {lowered[word.lower()]!r}?"
    close = difflib.get_close_matches(word, choices, n=3, cutoff=0.6)
    if not close:
        close = [lowered[c] for c in difflib.get_close_matches(word.lower(), list(lowered), n=3, cutoff=0.6)]
    if not close:
        return None
    if len(close) == 1:
        return f"did you mean {close[0]!r}?"
    return "did you mean " + ", ".join(repr(c) for c in close[:-1]) + f" or {close[-1]!r}?"


def one_of(value: str, choices: Iterable[str], what: str) -> str:
    """``value`` in lower case when it is one of ``choices``, else a SpecError (``unknown fold mode 'x'``)
    with a did-you-mean."""
    key = value.strip().lower()
    choices = list(choices)
    if key not in choices:
        raise SpecError(f"unknown {what} {value!r}",
                        hint=did_you_mean(key, choices) or "use one of " + ", ".join(choices))
    return key

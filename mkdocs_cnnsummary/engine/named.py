"""What every run needs to know of sizes written with names (``input: [H, W, 3]``), without their algebra.

The algebra (:class:`.symbolic.Sym`, with its fractions) is imported only when a spec writes a name;
a size written with names is a :class:`Named`, which these functions recognise.
"""

from __future__ import annotations

import re

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable
    from typing import Any

NAME = r"[A-Za-z_][A-Za-z0-9_]*"  # compiled on first use (re keeps it)
#: words that read as something else in YAML or Python
RESERVED = frozenset({"None", "null", "Null", "NULL", "true", "false", "True", "False", "inf", "nan"})


class NotNumeric(ArithmeticError):
    """A size written with names was used where a number is needed."""

    def __init__(self, message: str, names: Iterable[str] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.names = sorted(set(names))


class Named:
    """A size written with names (the base of :class:`.symbolic.Sym`)."""

    __slots__ = ()

    def names(self) -> set[str]:
        raise NotImplementedError


def numeric(shape: Any) -> Any:
    """A shape (or a list of shapes) with every size written with names replaced by None (unknown)."""
    if isinstance(shape, list):
        return [numeric(s) for s in shape]
    if isinstance(shape, tuple) and any(isinstance(d, Named) for d in shape):
        return tuple(None if isinstance(d, Named) else d for d in shape)
    return shape


def names_in(shapes: Iterable[Any]) -> set[str]:
    out: set[str] = set()
    for shape in shapes:
        if isinstance(shape, list):
            out |= names_in(shape)
        elif isinstance(shape, tuple):
            for d in shape:
                if isinstance(d, Named):
                    out |= d.names()
    return out


def read_name(value: Any) -> str | None:
    """The size name in an input shape (``"H"``), or None when ``value`` is no name."""
    if isinstance(value, str) and re.fullmatch(NAME, value) and value not in RESERVED:
        return value
    return None

"""Constructor-argument declarations and the converters that check them.

A converter takes the value the author wrote and returns the normalised value
(``kernel_size: 3`` -> ``(3, 3)``) or raises :class:`ArgError` saying what is
wrong; the engine adds the argument, layer and line to the message.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

from ..i18n import N_, _
from .errors import did_you_mean, shown
from .limits import MAX_INT
from .records import record

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    Converter = Callable[[Any], Any]


class ArgError(ValueError):
    """A value that an argument does not accept."""

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


class _Required:
    def __repr__(self) -> str:
        return "required"


REQUIRED: Any = _Required()


@record(frozen=True)
class Arg:
    """One constructor argument: its name, default and converter.

    ``keyword_only=True`` marks one the framework takes only by name.
    ``used=False`` marks an argument that is accepted (the framework accepts it)
    but changes neither shapes nor parameter counts (initializers, momentum ...).
    """

    name: str
    default: Any = None
    convert: Converter | None = None
    used: bool = True
    doc: str = ""
    keyword_only: bool = False

    @property
    def required(self) -> bool:
        return self.default is REQUIRED

    def normalise(self, value: Any) -> Any:
        """The converted value. None is kept only where it is the default (wrap the converter in
        :func:`optional` where None means something else); otherwise the converter refuses it."""
        if self.convert is None or (value is None and self.default is None):
            return value
        return self.convert(value)


def ignored(*names: str) -> tuple[Arg, ...]:
    """Arguments accepted and ignored (they change no shape and no count)."""
    return tuple(Arg(n, None, used=False) for n in names)


# converters -----------------------------------------------------------------


def optional(convert: Converter) -> Converter:
    """A converter that also accepts None (for arguments whose default is not None)."""

    def convert_optional(value: Any) -> Any:
        return None if value is None else convert(value)

    return convert_optional


_KINDS = {"str": N_("text"), "dict": N_("mapping"), "LineDict": N_("mapping"), "list": N_("list"),
          "LineList": N_("list"), "bool": N_("boolean"), "int": N_("integer"), "float": N_("number"),
          "NoneType": "null"}


def _describe(value: Any) -> str:
    kind = type(value).__name__
    return f"{shown(value)} ({_(_KINDS[kind]) if kind in _KINDS else kind})"


def _number_text_hint(value: Any) -> str | None:
    """A number written so that YAML 1.1 reads it as text (``1e-3``: no dot) or quoted: how to write it."""
    if not isinstance(value, str) or len(value) > 40:
        return None
    try:
        number = float(value)
    except ValueError:
        return None
    if not math.isfinite(number):
        return None
    mantissa, e, exponent = value.strip().lower().partition("e")
    if e:
        mantissa = mantissa if "." in mantissa else mantissa + ".0"
        exponent = exponent if exponent[:1] in ("+", "-") else "+" + exponent
        return _("YAML 1.1 reads {value} as text (it needs a dot and a signed exponent): write {mantissa}e{exponent}",
                 value=value, mantissa=mantissa, exponent=exponent)
    return _("write the number without quotes")


def _too_large(value: int) -> ArgError:
    return ArgError(_("is too large: {value}", value=shown(value, 30)), _(
            "sizes and counts must fit in 64 bits (at most {MAX_INT:,})", MAX_INT=MAX_INT))


def integer(value: Any, *, minimum: int | None = None) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        # Keras and PyTorch both reject 32.0 where they count things
        whole = isinstance(value, float) and value.is_integer()
        text = value.strip().lstrip("+-") if isinstance(value, str) else ""
        digits = text.isascii() and text.isdigit()
        if whole:
            hint = _("write {value} without the decimal point (a / division gives a float: use // where it is "
                     "computed)", value=int(value))
        else:
            hint = _("write the number without quotes") if digits else None
        raise ArgError(_("expected an integer, got {describe}", describe=_describe(value)), hint)
    if abs(value) > MAX_INT:
        raise _too_large(value)
    if minimum is not None and value < minimum:
        raise ArgError(_("must be at least {minimum}, got {value}", minimum=minimum, value=value))
    return value


def positive_int(value: Any) -> int:
    return integer(value, minimum=1)


def non_negative_int(value: Any) -> int:
    return integer(value, minimum=0)


def number(value: Any) -> float:
    """A finite number (an integer within 64 bits, or a float that is neither infinite nor NaN)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ArgError(_("expected a number, got {describe}", describe=_describe(value)), _number_text_hint(value))
    if isinstance(value, int) and abs(value) > MAX_INT:
        raise _too_large(value)
    if isinstance(value, float) and not math.isfinite(value):
        raise ArgError(_("expected a finite number, got {value}", value=value))
    return value


def fraction(value: Any) -> float:
    """A number from 0 to 1 (a dropout rate, a noise level)."""
    value = number(value)
    if not 0 <= value <= 1:
        raise ArgError(_("must be between 0 and 1, got {value}", value=value), _("for example 0.1"))
    return value


def boolean(value: Any) -> bool:
    if not isinstance(value, bool):
        raise ArgError(_("expected true or false, got {describe}", describe=_describe(value)))
    return value


def string(value: Any) -> str:
    if not isinstance(value, str):
        raise ArgError(_("expected a string, got {describe}", describe=_describe(value)))
    return value


def int_tuple(n: int, *, minimum: int = 0, name: str = "") -> Converter:
    """An int (repeated n times) or a sequence of exactly n ints."""

    def convert(value: Any) -> tuple[int, ...]:
        if isinstance(value, int | float) and not isinstance(value, bool):
            return (integer(value, minimum=minimum),) * n
        if isinstance(value, Sequence) and not isinstance(value, str):
            if len(value) != n:
                raise ArgError(_("expected an integer or {n} integers, got {value} values {value2}", n=n,
                                 value=len(value), value2=shown(value)))
            return tuple(integer(v, minimum=minimum) for v in value)
        raise ArgError(_("expected an integer or a list of {n} integers, got {describe}", n=n,
                         describe=_describe(value)))

    return convert


def pairs(n: int) -> Converter:
    """Keras padding/cropping: an int, n ints, or n pairs of ints -> n (before, after) pairs."""

    def convert(value: Any) -> tuple[tuple[int, int], ...]:
        if isinstance(value, int) and not isinstance(value, bool):
            v = integer(value, minimum=0)
            return ((v, v),) * n
        if isinstance(value, Sequence) and not isinstance(value, str):
            if n == 1 and len(value) == 2 and all(isinstance(v, int) for v in value):
                return ((integer(value[0], minimum=0), integer(value[1], minimum=0)),)
            if len(value) != n:
                raise ArgError(_("expected an integer, {n} integers or {n} pairs, got {value}", n=n,
                                 value=shown(value)))
            out = []
            for v in value:
                if isinstance(v, int) and not isinstance(v, bool):
                    out.append((integer(v, minimum=0),) * 2)
                elif isinstance(v, Sequence) and not isinstance(v, str) and len(v) == 2:
                    out.append((integer(v[0], minimum=0), integer(v[1], minimum=0)))
                else:
                    raise ArgError(_("expected an integer or a pair of integers, got {v}", v=shown(v)))
            return tuple(out)
        raise ArgError(_("expected an integer, {n} integers or {n} pairs, got {describe}", n=n,
                         describe=_describe(value)))

    return convert


def one_of(*choices: Any, lower: bool = True) -> Converter:
    """One of a fixed set of values (strings compared case-insensitively)."""

    def convert(value: Any) -> Any:
        probe = value.lower() if lower and isinstance(value, str) else value
        if probe in choices:
            return probe
        listed = ", ".join(repr(c) for c in choices)
        hint = did_you_mean(str(value), [str(c) for c in choices]) if isinstance(value, str) else None
        raise ArgError(_("must be one of {listed}, got {value}", listed=listed, value=shown(value)), hint)

    return convert


def function_name(names: Sequence[str], what: str = "activation") -> Converter:
    """An activation (or other function) argument: a name the framework knows, a dotted name (a function
    written in Python code, ``tf.nn.relu``), a layer or module (``LeakyReLU(0.1)``) or None (linear)."""
    known = frozenset(names)

    def convert(value: Any) -> Any:
        if value is None or (isinstance(value, str) and value in known):  # the usual case, before an import
            return value
        from .spec import LayerSpec

        if isinstance(value, LayerSpec):
            return value
        if isinstance(value, str) and "." in value.strip(".") and value.isascii():
            return value  # a function by its module path: Keras and Lasagne take any callable
        hint = did_you_mean(value, sorted(known)) if isinstance(value, str) else None
        raise ArgError(_("unknown {what} {value}", what=what, value=shown(value)), (hint or _("use one of {sorted}",
            sorted=
                ', '.join(sorted(known)))))

    return convert


def int_list(value: Any) -> tuple[int, ...]:
    """An int or a list of ints."""
    if isinstance(value, int) and not isinstance(value, bool):
        return (integer(value),)
    if isinstance(value, Sequence) and not isinstance(value, str):
        return tuple(integer(v) for v in value)
    raise ArgError(_("expected an integer or a list of integers, got {describe}", describe=_describe(value)))


def shape(value: Any) -> tuple[int | None, ...]:
    """A shape: a list of sizes, each an integer or null (a size not known); Keras: "Negative dimensions
    are not allowed"."""
    sizes = [value] if isinstance(value, int) and not isinstance(value, bool) else value
    if not isinstance(sizes, Sequence) or isinstance(sizes, str):
        raise ArgError(_("expected a shape such as [28, 28, 1], got {describe}", describe=_describe(value)))
    out = tuple(None if v is None else integer(v) for v in sizes)
    if any(v is not None and v < 0 for v in out):
        raise ArgError(_("negative sizes are not allowed, got {value}", value=shown(value)), _(
                "write null for a size that is not known"))
    return out


def anything(value: Any) -> Any:
    return value

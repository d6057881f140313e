"""Arithmetic that remembers how it was written.

A worked step shows the same expression twice: once with symbols
(``(k_h × k_w × c_in + 1) × filters``) and once with numbers
(``(3 × 3 × 1024 + 1) × 512``).  Building both from one tree guarantees that the
numbers shown evaluate to the result shown.

Values are exact (``Fraction``); a variable whose value is unknown (None) makes
every expression that uses it unknown.  A size written with names (``symbolic.Sym``, from
``input: [H, W, 3]``) goes through the same arithmetic: the result is then an expression in the names.
"""

from __future__ import annotations

from math import ceil, floor

from .records import record

TYPE_CHECKING = False
if TYPE_CHECKING:
    from fractions import Fraction

    Number = int | Fraction

def _fraction(value: Number) -> Fraction:
    """``value`` as a Fraction (``fractions`` is imported on the first one: most networks divide evenly)."""
    from fractions import Fraction

    return Fraction(value)


def is_fraction(value: object) -> bool:
    """Whether ``value`` is a Fraction (the only values with a denominator besides ints)."""
    return not isinstance(value, int) and hasattr(value, "denominator")


def is_number(value: object) -> bool:
    """Whether ``value`` is an int or a Fraction (not a size written with names)."""
    return isinstance(value, int) or hasattr(value, "denominator")


# Precedence levels used to decide parentheses.
_ADD, _MUL, _ATOM = 1, 2, 3


class Expr:
    """A node of an arithmetic expression."""

    prec = _ATOM

    @property
    def value(self) -> Number | None:  # pragma: no cover - abstract
        raise NotImplementedError

    def sym(self) -> str:  # pragma: no cover - abstract
        """Rendering with symbols."""
        raise NotImplementedError

    def num(self) -> str:  # pragma: no cover - abstract
        """Rendering with numbers (only valid when ``value`` is known)."""
        raise NotImplementedError

    def texts(self) -> tuple[str, str]:
        """Both renderings, ``(sym(), num())``, made in one walk of the tree (a worked step shows both)."""
        return self.sym(), self.num()

    def unknowns(self) -> list[Var]:
        """Variables whose value is unknown."""
        return []

    @property
    def int_value(self) -> int | None:
        """The value as an int (None when unknown)."""
        v = self.value
        if v is None or v.__class__ is int:  # the usual results
            return v
        if is_fraction(v):
            if v.denominator != 1:
                raise ValueError(f"{self.sym()} is not an integer: {v}")
            return int(v)
        if not isinstance(v, int) and not v.integral:  # a size written with names (symbolic.Sym)
            from ..i18n import _
            from .named import NotNumeric

            names = ", ".join(sorted(v.names()))
            raise NotNumeric(_("{sym} = {v} is a whole number only for some values of {names}", sym=self.sym(), v=v,
                               names=names), v.names())
        return v

    # operator sugar (an operand that is already a node is not lifted: every step makes several) ------
    def __add__(self, other: Expr | int) -> Expr:
        return BinOp("+", self, other if isinstance(other, Expr) else lift(other))

    def __radd__(self, other: int) -> Expr:
        return BinOp("+", lift(other), self)

    def __sub__(self, other: Expr | int) -> Expr:
        return BinOp("−", self, other if isinstance(other, Expr) else lift(other))

    def __rsub__(self, other: int) -> Expr:
        return BinOp("−", lift(other), self)

    def __mul__(self, other: Expr | int) -> Expr:
        return BinOp("×", self, other if isinstance(other, Expr) else lift(other))

    def __rmul__(self, other: int) -> Expr:
        return BinOp("×", lift(other), self)

    def __truediv__(self, other: Expr | int) -> Expr:
        return BinOp("/", self, other if isinstance(other, Expr) else lift(other))

    def __rtruediv__(self, other: int) -> Expr:
        return BinOp("/", lift(other), self)


@record(frozen=True, eq=False)
class Const(Expr):
    """A literal integer that reads the same in both renderings."""

    n: int

    @property
    def value(self) -> Number:
        return self.n

    def sym(self) -> str:
        return str(self.n)

    def num(self) -> str:
        return str(self.n)

    def texts(self) -> tuple[str, str]:
        text = str(self.n)
        return text, text


@record(frozen=True, eq=False)
class Var(Expr):
    """A named quantity: ``k_h`` shown as a symbol, ``3`` as a number.

    ``desc`` says in words what it is ("the input height"), for the note that
    explains an unknown result.
    """

    symbol: str
    val: int | None
    desc: str | None = None

    @property
    def value(self) -> Number | None:
        return self.val

    def sym(self) -> str:
        return self.symbol

    def num(self) -> str:
        if self.val is None:
            return self.symbol
        if not is_number(self.val):  # a size written with names: bracketed unless one name or floor
            text = str(self.val)
            return text if self.val.prec == _ATOM else f"({text})"
        return str(self.val)

    def texts(self) -> tuple[str, str]:
        if self.val.__class__ is int and self.__class__ is Var:  # the usual size (a subclass may show it otherwise)
            return self.symbol, str(self.val)
        return self.sym(), self.num()

    def unknowns(self) -> list[Var]:
        return [self] if self.val is None else []


@record(frozen=True, eq=False)
class BinOp(Expr):
    """``a + b``, ``a − b``, ``a × b`` or the exact quotient ``a/b``."""

    op: str
    left: Expr
    right: Expr

    def __init__(self, op: str, left: Expr, right: Expr) -> None:
        self.op = op
        self.left = left
        self.right = right
        # an attribute, not a property: the renderings read it at every node
        self.prec = _ADD if op in "+−" else _MUL  # type: ignore[misc]

    @property
    def value(self) -> Number | None:
        a, b = self.left.value, self.right.value
        if a is None or b is None:
            return None
        if self.op == "+":
            return a + b
        if self.op == "−":
            return a - b
        if self.op == "×":
            return a * b
        if isinstance(a, int) and isinstance(b, int):  # the usual case, without Fraction objects
            quotient, remainder = divmod(a, b)
            return quotient if remainder == 0 else _fraction(a) / b
        if not is_number(a) or not is_number(b):  # a size written with names
            return a / b
        result = _fraction(a) / _fraction(b)
        return int(result) if result.denominator == 1 else result

    def _brackets(self) -> tuple[bool, bool]:
        """Whether the left and the right operand need brackets."""
        prec = self.prec
        right_prec = self.right.prec
        # right operand of − and / needs brackets at equal precedence, too
        return self.left.prec < prec, right_prec < prec or (right_prec == prec and self.op in "−/")

    def _join(self, left: str, right: str, brackets: tuple[bool, bool]) -> str:
        if brackets[0]:
            left = f"({left})"
        if brackets[1]:
            right = f"({right})"
        if self.op == "/":
            return f"{left}/{right}"
        return f"{left} {self.op} {right}"

    def sym(self) -> str:
        return self._join(self.left.sym(), self.right.sym(), self._brackets())

    def num(self) -> str:
        return self._join(self.left.num(), self.right.num(), self._brackets())

    def texts(self) -> tuple[str, str]:
        # _brackets and _join written out: this runs for every operator of every worked step
        left_sym, left_num = self.left.texts()
        right_sym, right_num = self.right.texts()
        prec, op = self.prec, self.op
        if self.left.prec < prec:
            left_sym, left_num = f"({left_sym})", f"({left_num})"
        right_prec = self.right.prec
        if right_prec < prec or (right_prec == prec and op in "−/"):
            right_sym, right_num = f"({right_sym})", f"({right_num})"
        if op == "/":
            return f"{left_sym}/{right_sym}", f"{left_num}/{right_num}"
        return f"{left_sym} {op} {right_sym}", f"{left_num} {op} {right_num}"

    def unknowns(self) -> list[Var]:
        return self.left.unknowns() + self.right.unknowns()


@record(frozen=True, eq=False)
class Round(Expr):
    """``⌊x⌋`` or ``⌈x⌉``."""

    inner: Expr
    up: bool = False

    @property
    def value(self) -> Number | None:
        inner = self.inner
        if isinstance(inner, BinOp) and inner.op == "/":  # ⌊a/b⌋ of integers, without a Fraction in between
            a, b = inner.left.value, inner.right.value
            if isinstance(a, int) and isinstance(b, int) and b:
                return -(-a // b) if self.up else a // b
        v = inner.value
        if v is None:
            return None
        return ceil(v) if self.up else floor(v)

    def _wrap(self, text: str) -> str:
        return f"⌈{text}⌉" if self.up else f"⌊{text}⌋"

    def sym(self) -> str:
        return self._wrap(self.inner.sym())

    def num(self) -> str:
        return self._wrap(self.inner.num())

    def texts(self) -> tuple[str, str]:
        sym, num = self.inner.texts()
        return self._wrap(sym), self._wrap(num)

    def unknowns(self) -> list[Var]:
        return self.inner.unknowns()


def lift(x: Expr | int) -> Expr:
    """Wrap a plain int as a constant."""
    if isinstance(x, Expr):
        return x
    if isinstance(x, bool) or not isinstance(x, int):
        raise TypeError(f"cannot use {x!r} in an expression")
    return Const(x)


#: a named quantity: ``var(symbol, value, desc=None)`` (the class itself, called for every size of every step)
var = Var


def floor_div(a: Expr | int, b: Expr | int) -> Expr:
    """``⌊a/b⌋``."""
    return Round(BinOp("/", lift(a), lift(b)))  # what lift(a) / lift(b) makes, without the operator's call


def ceil_div(a: Expr | int, b: Expr | int) -> Expr:
    """``⌈a/b⌉``."""
    return Round(BinOp("/", lift(a), lift(b)), up=True)


@record(frozen=True, eq=False)
class Chain(Expr):
    """``t1 + t2 + ... + tn`` or ``f1 × f2 × ... × fn`` as one node, however many operands.

    Sums over a thousand inputs (Concatenate, stacked layers) and products over a thousand sizes
    (Flatten) stay one level deep: nothing recurses once per operand.
    """

    op: str  # "+" or "×"
    operands: tuple[Expr, ...]

    def __init__(self, op: str, operands: tuple[Expr, ...]) -> None:
        self.op = op
        self.operands = operands
        self.prec = _ADD if op == "+" else _MUL  # type: ignore[misc]  # as BinOp's

    @property
    def value(self) -> Number | None:
        out: Number = 0 if self.op == "+" else 1
        for operand in self.operands:
            v = operand.value
            if v is None:
                return None
            out = out + v if self.op == "+" else out * v
        if is_fraction(out) and out.denominator == 1:
            return int(out)
        return out

    def _join(self, parts: list[str]) -> str:
        prec = self.prec
        return f" {self.op} ".join(f"({text})" if operand.prec < prec else text
                                   for operand, text in zip(self.operands, parts, strict=True))

    def sym(self) -> str:
        return self._join([operand.sym() for operand in self.operands])

    def num(self) -> str:
        return self._join([operand.num() for operand in self.operands])

    def texts(self) -> tuple[str, str]:
        prec = self.prec
        syms, nums = [], []
        for operand in self.operands:  # _join written out: both renderings in one pass
            sym, num = operand.texts()
            if operand.prec < prec:
                sym, num = f"({sym})", f"({num})"
            syms.append(sym)
            nums.append(num)
        separator = f" {self.op} "
        return separator.join(syms), separator.join(nums)

    def unknowns(self) -> list[Var]:
        return [u for operand in self.operands for u in operand.unknowns()]


def product(factors: list[Expr | int]) -> Expr:
    """``f1 × f2 × ...`` (the constant 1 for an empty list)."""
    if not factors:
        return Const(1)
    if len(factors) == 1:
        return lift(factors[0])
    return Chain("×", tuple(map(lift, factors)))


def total(terms: list[Expr | int]) -> Expr:
    """``t1 + t2 + ...`` (the constant 0 for an empty list)."""
    if not terms:
        return Const(0)
    if len(terms) == 1:
        return lift(terms[0])
    return Chain("+", tuple(map(lift, terms)))

"""Sizes written as names: ``input: [H, W, 3]`` gives output sizes such as ``⌈H/2⌉ − 1``.

A :class:`Sym` is an exact integer-valued expression in the names: a polynomial whose atoms are the
names and floors ``⌊(p)/d⌋`` of integer polynomials ``p`` by a positive integer ``d``.  It behaves
like an ``int`` in the arithmetic the layers do on sizes (``+ − ×``, ``/`` then ``⌊⌋``/``⌈⌉``,
``//``, ``%``), and every result is brought to one canonical form by rules that are exact for every
integer value of the names:

* ``⌊(d·a + r)/d⌋ = a + ⌊r/d⌋`` for integer ``a`` (whole multiples leave the floor; the numerator keeps
  coefficients in ``0 … d−1``), and ``⌊r/d⌋ = 0`` for a constant ``0 ≤ r < d``;
* ``⌊(g·x + r)/(g·m)⌋ = ⌊(x + ⌊r/g⌋)/m⌋`` for integer ``x`` (a common factor leaves);
* ``⌊(⌊y/a⌋ + z)/m⌋ = ⌊(y + a·z)/(a·m)⌋`` for integer ``z`` (nested floors merge);
* ``⌈p/d⌉ = ⌊(p + d − 1)/d⌋`` for integer ``p`` (so ``⌈H/2⌉`` and ``⌊(H + 1)/2⌋`` are one value, written
  the shorter way).

Two values written differently are still compared exactly (:func:`same`).

A question the value cannot answer for every value of the names (``H > 3``? ``int(H)``?) raises
:class:`NotNumeric`, which the network turns into an error on the layer that asked, with the hint to
give the names values (``assume:``).  Nothing here guesses.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from fractions import Fraction
from math import gcd, lcm

from ..i18n import _
from .named import Named, NotNumeric, read_name

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

# atoms ---------------------------------------------------------------------------------------------


class _Name:
    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name

    @property
    def key(self) -> tuple[Any, ...]:
        return (0, self.name)

    def render(self) -> str:
        return self.name

    def value(self, env: Mapping[str, int]) -> int:
        return env[self.name]

    def names(self) -> set[str]:
        return {self.name}


class _Floor:
    """``⌊num/den⌋``: ``num`` has integer coefficients in ``0 … den−1`` (constant included), ``den > 1``."""

    __slots__ = ("den", "num")

    def __init__(self, num: Sym, den: int) -> None:
        self.num = num
        self.den = den

    @property
    def key(self) -> tuple[Any, ...]:
        return (1, self.num.key, self.den)

    def render(self) -> str:
        num, den = self.num, self.den
        const = num.constant
        if const:  # ⌊(x + d − 1)/d⌋ reads ⌈x/d⌉; choose whichever has no constant
            lowered = num - (den - 1)
            if isinstance(lowered, Sym) and lowered.constant == 0:
                return f"⌈{_over(lowered, den)}⌉"
        return f"⌊{_over(num, den)}⌋"

    def value(self, env: Mapping[str, int]) -> int:
        return self.num.subs(env) // self.den  # type: ignore[operator]

    def names(self) -> set[str]:
        return self.num.names()


def _over(num: Sym, den: int) -> str:
    text = str(num)
    return f"({text})/{den}" if num.prec < 3 else f"{text}/{den}"


Atom = _Name | _Floor
Mono = tuple[tuple[Atom, int], ...]  # (atom, power) by atom key; () is the constant term


def _mono_key(mono: Mono) -> tuple[Any, ...]:
    return tuple((a.key, p) for a, p in mono)


def _mono_mul(a: Mono, b: Mono) -> Mono:
    powers: dict[tuple[Any, ...], list[Any]] = {}
    for atom, p in (*a, *b):
        slot = powers.setdefault(atom.key, [atom, 0])
        slot[1] += p
    return tuple(sorted(((atom, p) for atom, p in powers.values()), key=lambda ap: ap[0].key))


# the value -------------------------------------------------------------------------------------------


class Sym(Named):
    """An exact expression in size names (never a constant: those are plain ``int`` or ``Fraction``)."""

    __slots__ = ("_key", "terms")

    def __init__(self, terms: dict[Mono, Fraction]) -> None:
        self.terms = terms  # non-zero coefficients; the constant under ()
        self._key: tuple[Any, ...] | None = None

    # making -------------------------------------------------------------------------------------
    @staticmethod
    def name(name: str) -> Sym:
        return Sym({((_Name(name), 1),): Fraction(1)})

    @staticmethod
    def _make(terms: dict[Mono, Fraction]) -> Any:
        terms = {m: c for m, c in terms.items() if c}
        if not terms:
            return 0
        if list(terms) == [()]:
            c = terms[()]
            return int(c) if c.denominator == 1 else c
        return Sym(terms)

    @staticmethod
    def _terms(x: Any) -> dict[Mono, Fraction]:
        if isinstance(x, Sym):
            return x.terms
        if isinstance(x, bool) or not isinstance(x, int | Fraction):
            raise TypeError(f"cannot combine a size expression with {x!r}")
        return {(): Fraction(x)} if x else {}

    # reading ------------------------------------------------------------------------------------
    @property
    def key(self) -> tuple[Any, ...]:
        if self._key is None:
            self._key = tuple(sorted((_mono_key(m), c) for m, c in self.terms.items()))
        return self._key

    @property
    def constant(self) -> Fraction:
        return self.terms.get((), Fraction(0))

    @property
    def integral(self) -> bool:
        """Every coefficient is whole, so the value is an integer for every integer value of the names."""
        return all(c.denominator == 1 for c in self.terms.values())

    def names(self) -> set[str]:
        return {n for m in self.terms for a, _ in m for n in a.names()}

    def subs(self, env: Mapping[str, int]) -> int | Fraction:
        """The value for given values of the names."""
        out = Fraction(0)
        for mono, c in self.terms.items():
            term = c
            for atom, p in mono:
                term *= atom.value(env) ** p
            out += term
        return int(out) if out.denominator == 1 else out

    # arithmetic ---------------------------------------------------------------------------------
    def __add__(self, other: Any) -> Any:
        try:
            theirs = Sym._terms(other)
        except TypeError:
            return NotImplemented
        out = dict(self.terms)
        for m, c in theirs.items():
            out[m] = out.get(m, Fraction(0)) + c
        return Sym._make(out)

    __radd__ = __add__

    def __neg__(self) -> Any:
        return Sym._make({m: -c for m, c in self.terms.items()})

    def __pos__(self) -> Sym:
        return self

    def __sub__(self, other: Any) -> Any:
        try:
            theirs = Sym._terms(other)
        except TypeError:
            return NotImplemented
        return self + Sym._make({m: -c for m, c in theirs.items()})

    def __rsub__(self, other: Any) -> Any:
        return (-self) + other

    def __mul__(self, other: Any) -> Any:
        try:
            theirs = Sym._terms(other)
        except TypeError:
            return NotImplemented
        out: dict[Mono, Fraction] = {}
        for m1, c1 in self.terms.items():
            for m2, c2 in theirs.items():
                m = _mono_mul(m1, m2)
                out[m] = out.get(m, Fraction(0)) + c1 * c2
        return Sym._make(out)

    __rmul__ = __mul__

    def __truediv__(self, other: Any) -> Any:
        if isinstance(other, Sym):
            raise NotNumeric(_("{self_} / ({other}): a quotient of size expressions", self_=self, other=other),
                             self.names() | other.names())
        if isinstance(other, bool) or not isinstance(other, int | Fraction):
            return NotImplemented
        if other == 0:
            raise ZeroDivisionError("division by zero")
        return self * (1 / Fraction(other))

    def __rtruediv__(self, other: Any) -> Any:
        raise NotNumeric(_("{other} / ({self_}): a quotient by a size expression", other=other, self_=self),
                         self.names())

    def __floordiv__(self, other: Any) -> Any:
        return floor(self / other)

    def __rfloordiv__(self, other: Any) -> Any:
        raise NotNumeric(_("{other} // ({self_}): a quotient by a size expression", other=other, self_=self),
                         self.names())

    def __mod__(self, other: Any) -> Any:
        return self - other * (self // other)

    def __rmod__(self, other: Any) -> Any:
        raise NotNumeric(_("{other} % ({self_}): a remainder by a size expression", other=other, self_=self),
                         self.names())

    def __pow__(self, power: int) -> Any:
        if not isinstance(power, int) or power < 0:
            raise NotNumeric(f"({self}) ** {power}", self.names())
        out: Any = 1
        for _step in range(power):
            out = out * self
        return out

    def __floor__(self) -> Any:
        return floor(self)

    def __ceil__(self) -> Any:
        return ceil(self)

    # questions that need numbers ------------------------------------------------------------------
    def _compare(self, other: Any, what: str) -> Fraction:
        try:
            diff = self - other
        except TypeError:
            raise NotNumeric(f"compare {self} with {other!r}", self.names()) from None
        if isinstance(diff, Sym):
            raise NotNumeric(_("whether {self_} {what} {other} depends on {list}", self_=self, what=what, other=other,
                               list=_list(diff.names())), diff.names())
        return Fraction(diff)

    def __lt__(self, other: Any) -> bool:
        return self._compare(other, "<") < 0

    def __le__(self, other: Any) -> bool:
        return self._compare(other, "≤") <= 0

    def __gt__(self, other: Any) -> bool:
        return self._compare(other, ">") > 0

    def __ge__(self, other: Any) -> bool:
        return self._compare(other, "≥") >= 0

    def __eq__(self, other: object) -> bool:
        """The same value for every value of the names (see :func:`same`)."""
        if isinstance(other, Sym):
            return self.key == other.key or same(self, other)
        return False  # a constant: a name-dependent value differs from it for some value of the names

    def __ne__(self, other: object) -> bool:
        return not self == other

    def __hash__(self) -> int:
        return 0x5E  # equal values may be written differently (⌈H/2⌉ and H − ⌊H/2⌋): one bucket for all

    def __bool__(self) -> bool:
        return True  # never the constant 0

    def _number(self) -> Any:
        raise NotNumeric(_("{self_} is used as a number", self_=self), self.names())

    __int__ = __index__ = __float__ = __trunc__ = __round__ = _number  # type: ignore[assignment]

    def __abs__(self) -> Any:
        raise NotNumeric(f"|{self}|", self.names())

    # writing --------------------------------------------------------------------------------------
    @property
    def prec(self) -> int:
        """1 for a sum, 2 for a product or quotient, 3 for one name or floor."""
        if len(self.terms) > 1:
            return 1
        ((mono, c),) = self.terms.items()
        if c == 1 and len(mono) == 1 and mono[0][1] == 1:
            return 3
        return 2 if c > 0 else 1

    def __str__(self) -> str:
        den = lcm(*(c.denominator for c in self.terms.values()))
        if den != 1:
            scaled = self * den
            return f"({scaled})/{den}" if scaled.prec < 3 else f"{scaled}/{den}"  # type: ignore[union-attr]
        order = sorted(self.terms.items(), key=lambda mc: (-sum(p for _, p in mc[0]), _mono_key(mc[0])))
        out = ""
        for mono, c in order:
            magnitude = abs(c)
            factors = [a.render() for a, p in mono for _ in range(p)]
            if magnitude != 1 or not factors:
                factors.insert(0, str(magnitude))
            text = " × ".join(factors)
            if not out:
                out = text if c > 0 else f"−{text}"
            else:
                out += f" + {text}" if c > 0 else f" − {text}"
        return out

    def __repr__(self) -> str:
        return f"Sym({self})"

    def __format__(self, spec: str) -> str:
        return str(self)


GRID_LIMIT = 40_000  # points :func:`same` evaluates at most before it answers "not shown equal"


def same(a: Sym, b: Sym) -> bool:
    """Whether two expressions have the same value for every integer value of the names.

    Both are quasi-polynomials: along each name, polynomials of bounded degree whose coefficients repeat
    with a period that divides the product of the squares of the floors' divisors.  Their difference is
    zero everywhere if it is zero on (degree + 1) periods of every name, checked point by point; a grid
    larger than ``GRID_LIMIT`` answers False (the caller then asks for numbers).
    """
    diff = a - b
    if not isinstance(diff, Sym):
        return diff == 0
    names = sorted(diff.names())
    period = 1
    for den in _divisors(diff):
        period *= den * den
    degree = {n: _degree(diff, n) for n in names}
    spans = [(degree[n] + 1) * period for n in names]
    points = 1
    for span in spans:
        points *= span
        if points > GRID_LIMIT:
            return False
    env: dict[str, int] = {}

    def walk(i: int) -> bool:
        if i == len(names):
            return diff.subs(env) == 0
        for v in range(1, spans[i] + 1):
            env[names[i]] = v
            if not walk(i + 1):
                return False
        return True

    return walk(0)


def _divisors(x: Sym) -> list[int]:
    out: list[int] = []
    for mono in x.terms:
        for atom, _power in mono:
            if isinstance(atom, _Floor):
                out.append(atom.den)
                out += _divisors(atom.num)
    return out


def _degree(x: Sym, name: str) -> int:
    best = 0
    for mono in x.terms:
        d = 0
        for atom, p in mono:
            if isinstance(atom, _Name):
                d += p if atom.name == name else 0
            elif name in atom.names():
                d += p * max(_degree(atom.num, name), 1)
        best = max(best, d)
    return best


def floor(x: Any) -> Any:
    """``⌊x⌋`` for an int, a Fraction or a :class:`Sym` (exact, canonical)."""
    if not isinstance(x, Sym):
        from math import floor as _floor

        return _floor(x)
    den = lcm(*(c.denominator for c in x.terms.values()))
    if den == 1:
        return x
    if all(c < 0 for m, c in x.terms.items() if m):  # ⌊−y⌋ = −⌈y⌉: the floor keeps positive coefficients
        return -ceil(-x)
    whole: dict[Mono, Fraction] = {}
    rest: dict[Mono, int] = {}
    for mono, c in x.terms.items():
        q, r = divmod(int(c * den), den)
        if q:
            whole[mono] = Fraction(q)
        if r:
            rest[mono] = r
    const = rest.pop((), 0)
    if not rest:  # ⌊r/d⌋ = 0 for 0 ≤ r < d
        return Sym._make(whole)
    g = gcd(den, *rest.values())
    if g > 1:
        rest = {m: c // g for m, c in rest.items()}
        const //= g
        den //= g
    inner: Any = Sym._make({**{m: Fraction(c) for m, c in rest.items()}, (): Fraction(const)})
    if den == 1:
        return Sym._make(whole) + inner
    merged = _merge_floor(inner, den)
    if merged is not None:
        return Sym._make(whole) + merged
    return Sym._make(whole) + Sym({((_Floor(inner, den), 1),): Fraction(1)})


def _merge_floor(inner: Sym, den: int) -> Any:
    """``⌊(⌊y/a⌋ + z)/m⌋ = ⌊(y + a·z)/(a·m)⌋`` when ``inner`` holds a floor once, to the first power,
    with coefficient 1; None otherwise."""
    for mono, c in inner.terms.items():
        if c == 1 and len(mono) == 1 and mono[0][1] == 1 and isinstance(mono[0][0], _Floor):
            atom = mono[0][0]
            z = inner - Sym({mono: Fraction(1)})
            return floor((atom.num + atom.den * z) / (atom.den * den))
    return None


def ceil(x: Any) -> Any:
    """``⌈x⌉``: ``⌈p/d⌉ = ⌊(p + d − 1)/d⌋`` for an integer-valued ``p``."""
    if not isinstance(x, Sym):
        from math import ceil as _ceil

        return _ceil(x)
    den = lcm(*(c.denominator for c in x.terms.values()))
    return floor((x * den + den - 1) / den)


def _list(names: Iterable[str]) -> str:
    names = sorted(names)
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + _(" and ") + names[-1]


# sizes and shapes ------------------------------------------------------------------------------------


def json_size(d: Any) -> Any:
    """A size in JSON: the integer, null, or the expression as a string."""
    return str(d) if isinstance(d, Sym) else d


def substitute(x: Any, env: Mapping[str, int]) -> Any:
    """A size, shape or list of shapes with the names given values (sizes left as they are otherwise)."""
    if isinstance(x, Sym):
        return x.subs(env)
    if isinstance(x, list):
        return [substitute(s, env) for s in x]
    if isinstance(x, tuple):
        return tuple(substitute(d, env) for d in x)
    return x


def read_assume(raw: Any, line: int | None = None) -> dict[str, int]:
    """``assume: {H: 224, W: 224}`` (or ``H=224,W=224`` from the command line) -> {name: value}."""
    from .errors import SpecError

    hint = _("write assume: {H: 224} (a positive integer for each name of the input sizes)")
    if raw is None:
        return {}
    if isinstance(raw, str):
        pairs: dict[str, Any] = {}
        for part in filter(None, (p.strip() for p in raw.split(","))):
            name, sep, value = part.partition("=")
            if not sep:
                raise SpecError(_("assume: expected NAME=VALUE, got {part!r}", part=part), line=line,
                                hint=_("e.g. H=224,W=224"))
            pairs[name.strip()] = value.strip()
        raw = pairs
    if not isinstance(raw, Mapping):
        raise SpecError(_("assume must map names to sizes, got {raw!r}", raw=raw), line=line, hint=hint)
    out: dict[str, int] = {}
    for name, value in raw.items():
        if read_name(name) is None:
            raise SpecError(_("assume: {name!r} is not a name", name=name), line=line, hint=hint)
        if isinstance(value, str) and value.strip().isdigit():
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise SpecError(_("assume: {name} must be a non-negative integer, got {value!r}", name=name, value=value),
                            line=line, hint=hint)
        out[name] = value
    return out


def smallest(size: Sym, minimum: int, limit: int = 4096) -> int | None:
    """The smallest value of the one name in ``size`` from which on ``size ≥ minimum`` (checked up to
    ``limit``); None when ``size`` has several names or no such value is found."""
    (name,) = size.names() if len(size.names()) == 1 else (None,)
    if name is None:
        return None
    ok = [size.subs({name: v}) >= minimum for v in range(limit + 1)]
    if not ok[-1]:
        return None
    first = limit
    while first > 0 and ok[first - 1]:
        first -= 1
    return first


def size_conditions(conditions: list[tuple[str, Sym, int]]) -> Any:
    """The note saying for which values of the names the sizes hold: the layers whose output would be
    empty (or a window that would not fit) below them."""
    from .summary import Notice

    bounds: dict[str, tuple[int, str]] = {}
    others: list[str] = []
    for layer, size, minimum in conditions:
        low = smallest(size, minimum)
        if low is None:
            others.append(f"{size} ≥ {minimum} ({layer})")
            continue
        (name,) = size.names()
        if low > bounds.get(name, (-1, ""))[0]:
            bounds[name] = (low, layer)
    parts = [f"{name} ≥ {low}" for name, (low, _) in sorted(bounds.items())] + others
    layers = sorted({layer for _, (_, layer) in bounds.items()})
    why = _(" (smaller sizes do not fit {list})", list=_list(layers)) if layers else ""
    return Notice(_("the sizes written with names hold for {list}{why}", list=_list(parts), why=why), None,
                  _("assume: gives the names values, and the numbers (or the error) for them"), None, "sizes")

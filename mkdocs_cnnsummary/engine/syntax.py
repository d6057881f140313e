"""Layer calls and ``${...}`` expressions as specs usually write them, read without the ``ast`` module.

Importing ``ast`` and parsing with it cost a command more than reading the rest of a spec.  The usual
texts (``Conv2D(64, 3, strides=2, padding="same", name="conv1")``, ``Flatten``, ``filters * 4``) are
read here by a small scanner; the values are those ``spec.py`` and ``blocks.py`` read from Python's
syntax tree (``tests/test_syntax.py`` compares both on many texts).  Anything else (escapes, nested
calls, dicts, other number forms, keywords, unknown syntax, errors) returns None, and the caller reads
the text with ``ast``, whose values and messages are the reference.
"""

from __future__ import annotations

from functools import lru_cache
from keyword import iskeyword

_IDENT_START = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_")
_IDENT = _IDENT_START | frozenset("0123456789")
_DIGITS = frozenset("0123456789")
#: nesting of brackets read here (deeper texts go to ``ast``, which has its own limits)
_MAX_NESTING = 20


class _NotSimple(Exception):
    """The text is outside what this scanner reads."""


class _Scanner:
    __slots__ = ("at", "text")

    def __init__(self, text: str) -> None:
        if not text.isprintable():  # newlines, tabs, control characters
            raise _NotSimple
        self.text = text
        self.at = 0

    def peek(self) -> str:
        """The next character after spaces ('' at the end)."""
        text, at = self.text, self.at
        while at < len(text) and text[at] == " ":
            at += 1
        self.at = at
        return text[at:at + 1]

    def expect(self, char: str) -> None:
        if self.peek() != char:
            raise _NotSimple
        self.at += 1

    def name(self) -> str:
        """An ASCII identifier that is not a keyword."""
        text, start = self.text, self.at
        if start >= len(text) or text[start] not in _IDENT_START:
            raise _NotSimple
        end = start + 1
        while end < len(text) and text[end] in _IDENT:
            end += 1
        word = text[start:end]
        if iskeyword(word):
            raise _NotSimple
        self.at = end
        return word

    def dotted(self) -> str:
        """``tf.keras.layers.Dense``."""
        parts = [self.name()]
        while self.text[self.at:self.at + 1] == ".":
            self.at += 1
            parts.append(self.name())
        return ".".join(parts)

    def integer(self) -> int:
        """A decimal integer as Python writes it, without underscores (at most 18 digits)."""
        text, start = self.text, self.at
        end = start
        while end < len(text) and text[end] in _DIGITS:
            end += 1
        digits = text[start:end]
        if not digits or len(digits) > 18 or (digits[0] == "0" and digits != "0"):
            raise _NotSimple
        if end < len(text) and (text[end] in _IDENT or text[end] == "."):
            raise _NotSimple  # 3name, 1e3, 1_000, 0x10, 1j, 2.5 (a float: not here)
        self.at = end
        return int(digits)

    def number(self) -> int | float:
        """An integer, or a float written ``2.5`` / ``2.`` / ``0.25``."""
        text, start = self.text, self.at
        end = start
        while end < len(text) and text[end] in _DIGITS:
            end += 1
        if text[end:end + 1] != ".":
            return self.integer()
        whole = text[start:end]
        end += 1
        while end < len(text) and text[end] in _DIGITS:
            end += 1
        if (not whole or (whole[0] == "0" and whole != "0") or end - start > 30
                or (end < len(text) and (text[end] in _IDENT or text[end] == "."))):
            raise _NotSimple
        self.at = end
        return float(text[start:end])

    def string(self) -> str:
        """A one-line string without prefix, escapes or implicit concatenation."""
        text, quote = self.text, self.text[self.at]
        end = text.find(quote, self.at + 1)
        if end < 0 or "\\" in text[self.at + 1:end]:
            raise _NotSimple
        value = text[self.at + 1:end]
        self.at = end + 1
        if self.peek() in ("'", '"'):
            raise _NotSimple  # '' '...' (a triple quote), or 'a' 'b'
        return value


def read_call(text: str) -> tuple[str, list[object], dict[str, object], bool] | None:
    """``Conv2D(8, (3, 3), padding='same')`` -> (``Conv2D``, [8, [3, 3]], {"padding": "same"}, True);
    a bare ``Flatten`` -> (``Flatten``, [], {}, False); None when ``ast`` must read the text.

    The lists are new on every call (the text is read once: specs repeat their layers)."""
    read = _read_call(text)
    if read is None:
        return None
    type_name, args, kwargs, called = read
    return type_name, _thaw(args), {k: _thaw(v) for k, v in kwargs}, called


def _thaw(value: object) -> object:
    """Tuples (as the cache keeps lists) back to new lists."""
    return [_thaw(v) for v in value] if isinstance(value, tuple) else value


@lru_cache(maxsize=2048)
def _read_call(text: str) -> tuple[str, tuple[object, ...], tuple[tuple[str, object], ...], bool] | None:
    try:
        scanner = _Scanner(text)
        dotted = scanner.dotted()
        if scanner.peek() == "":
            return dotted.rsplit(".", 1)[-1], (), (), False
        scanner.expect("(")
        args: list[object] = []
        kwargs: dict[str, object] = {}
        while scanner.peek() != ")":
            start = scanner.at
            if scanner.peek() in _IDENT_START:
                word = scanner.name()
                if scanner.peek() == "=" and scanner.text[scanner.at + 1:scanner.at + 2] != "=":
                    scanner.at += 1
                    if word in kwargs:
                        return None  # "keyword argument repeated": the reference's message
                    kwargs[word] = _value(scanner, 0)
                else:
                    if kwargs:
                        return None  # a positional argument after a keyword one: a syntax error
                    scanner.at = start
                    args.append(_value(scanner, 0))
            else:
                if kwargs:
                    return None
                args.append(_value(scanner, 0))
            if scanner.peek() == ",":
                scanner.at += 1
            elif scanner.peek() != ")":
                return None
        scanner.at += 1
        if scanner.peek() != "":
            return None
        return dotted.rsplit(".", 1)[-1], tuple(args), tuple(kwargs.items()), True
    except _NotSimple:
        return None


_CONSTANTS = {"True": True, "False": False, "None": None}


def _value(scanner: _Scanner, depth: int) -> object:
    """One argument value: a number, a string, a name (kept as text), or a tuple or list of values."""
    if depth > _MAX_NESTING:
        raise _NotSimple
    char = scanner.peek()
    if char in _DIGITS:
        return scanner.number()
    if char == "-":
        scanner.at += 1
        if scanner.peek() not in _DIGITS:
            raise _NotSimple
        return -scanner.number()
    if char in ("'", '"'):
        return scanner.string()
    if char in ("(", "["):
        return _sequence(scanner, depth)
    if char in ("T", "F", "N"):
        for word, constant in _CONSTANTS.items():
            end = scanner.at + len(word)
            if scanner.text.startswith(word, scanner.at) and scanner.text[end:end + 1] not in _IDENT:
                scanner.at = end
                return _not_called(scanner, constant)
    return _not_called(scanner, scanner.dotted())


def _not_called(scanner: _Scanner, value: object) -> object:
    if scanner.peek() in ("(", "[", "."):
        raise _NotSimple  # a nested call, an index ...: ast reads them
    return value


def _sequence(scanner: _Scanner, depth: int) -> object:
    """``(3, 3)`` or ``[3, 3]`` as a list; ``(3)`` is 3, ``()`` and ``[]`` empty lists."""
    opening = scanner.text[scanner.at]
    closing = ")" if opening == "(" else "]"
    scanner.at += 1
    items: list[object] = []
    tuple_comma = opening == "["
    while scanner.peek() != closing:
        items.append(_value(scanner, depth + 1))
        if scanner.peek() == ",":
            scanner.at += 1
            tuple_comma = True
        elif scanner.peek() != closing:
            raise _NotSimple
    scanner.at += 1
    if not tuple_comma and len(items) == 1:
        return items[0]  # parentheses around one value
    return tuple(items)  # a list once thawed


# ${...} expressions -------------------------------------------------------------------------------

#: an expression tree: ("int", n), ("name", id), ("neg", x), ("pos", x), (operator, left, right)
Node = tuple


@lru_cache(maxsize=2048)
def read_expression(text: str) -> Node | None:
    """``filters * 4`` -> ("*", ("name", "filters"), ("int", 4)): whole numbers and names with ``+ - * // %``
    and parentheses; None when ``ast`` must read the text."""
    try:
        scanner = _Scanner(text)
        tree = _sum(scanner, 0)
        return tree if scanner.peek() == "" else None
    except _NotSimple:
        return None


def _sum(scanner: _Scanner, depth: int) -> Node:
    left = _product(scanner, depth)
    while (op := scanner.peek()) in ("+", "-"):
        scanner.at += 1
        left = (op, left, _product(scanner, depth))
    return left


def _product(scanner: _Scanner, depth: int) -> Node:
    left = _unary(scanner, depth)
    while True:
        op = scanner.peek()
        if op == "/" and scanner.text[scanner.at + 1:scanner.at + 2] == "/":
            op = "//"
        elif op not in ("*", "%") or scanner.text[scanner.at + 1:scanner.at + 2] == "*":
            return left  # a true division, a power ...: not here
        scanner.at += len(op)
        left = (op, left, _unary(scanner, depth))


def _unary(scanner: _Scanner, depth: int) -> Node:
    if depth > _MAX_NESTING:
        raise _NotSimple
    char = scanner.peek()
    if char in ("-", "+"):
        scanner.at += 1
        return ("neg" if char == "-" else "pos", _unary(scanner, depth + 1))
    if char in _DIGITS:
        node: Node = ("int", scanner.integer())
    elif char == "(":
        scanner.at += 1
        node = _sum(scanner, depth + 1)
        scanner.expect(")")
    else:
        node = ("name", scanner.name())
    if scanner.peek() in ("(", "[", ".", "*") and not (scanner.peek() == "*" and
                                                       scanner.text[scanner.at + 1:scanner.at + 2] != "*"):
        raise _NotSimple  # a call, an index, an attribute, a power
    return node

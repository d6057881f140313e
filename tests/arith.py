"""An independent evaluator for the ``substituted`` text of worked steps.

It accepts only integers, spaces, ``+ − × / ( )``, ``⌊ ⌋`` and ``⌈ ⌉`` (the
characters the README promises) and evaluates exactly with fractions.  A ``−``
where a number is expected negates it: ``(−3)``, as the receptive-field steps
write a negative start.  With ``env``, names of input sizes (``H``) are read too,
with the values it gives them (sizes written with names: ``input: [H, W, 3]``).
"""

from __future__ import annotations

import math
import random
import re
from fractions import Fraction

ALLOWED = re.compile(r"^[0-9 +−×/()⌊⌋⌈⌉]+$")
_TOKEN = re.compile(r"\s*(\d+|[+−×/()⌊⌋⌈⌉])")
_NAMED = re.compile(r"^[0-9A-Za-z_ +−×/()⌊⌋⌈⌉]+$")
_NAMED_TOKEN = re.compile(r"\s*(\d+|[A-Za-z_][A-Za-z0-9_]*|[+−×/()⌊⌋⌈⌉])")
_CLOSE = {"(": ")", "⌊": "⌋", "⌈": "⌉"}


def evaluate(text: str, env: dict[str, int] | None = None) -> Fraction:
    """Evaluate a substituted formula; ValueError on any other character or bad syntax."""
    if not (_NAMED if env is not None else ALLOWED).match(text):
        raise ValueError(f"forbidden character in {text!r}")
    pattern = _NAMED_TOKEN if env is not None else _TOKEN
    tokens: list[str] = []
    pos = 0
    while pos < len(text):
        m = pattern.match(text, pos)
        if not m:
            if text[pos:].strip() == "":
                break
            raise ValueError(f"cannot read {text[pos:]!r}")
        token = m.group(1)
        if env is not None and (token[0].isalpha() or token[0] == "_"):
            if token not in env:
                raise ValueError(f"unknown name {token!r} in {text!r}")
            value = env[token]
            tokens += [str(value)] if value >= 0 else ["(", "−", str(-value), ")"]
            pos = m.end()
            continue
        tokens.append(token)
        pos = m.end()
    value, rest = _sum(tokens)
    if rest:
        raise ValueError(f"trailing tokens {rest} in {text!r}")
    return value


def _sum(tokens: list[str]) -> tuple[Fraction, list[str]]:
    value, tokens = _product(tokens)
    while tokens and tokens[0] in "+−":
        op, tokens = tokens[0], tokens[1:]
        rhs, tokens = _product(tokens)
        value = value + rhs if op == "+" else value - rhs
    return value, tokens


def _product(tokens: list[str]) -> tuple[Fraction, list[str]]:
    value, tokens = _atom(tokens)
    while tokens and tokens[0] in "×/":
        op, tokens = tokens[0], tokens[1:]
        rhs, tokens = _atom(tokens)
        value = value * rhs if op == "×" else value / rhs
    return value, tokens


def _atom(tokens: list[str]) -> tuple[Fraction, list[str]]:
    if not tokens:
        raise ValueError("unexpected end")
    tok, tokens = tokens[0], tokens[1:]
    if tok.isdigit():
        return Fraction(int(tok)), tokens
    if tok == "−":  # a negative number: (−3)
        value, tokens = _atom(tokens)
        return -value, tokens
    if tok in _CLOSE:
        value, tokens = _sum(tokens)
        if not tokens or tokens[0] != _CLOSE[tok]:
            raise ValueError(f"missing {_CLOSE[tok]}")
        tokens = tokens[1:]
        if tok == "⌊":
            value = Fraction(math.floor(value))
        elif tok == "⌈":
            value = Fraction(math.ceil(value))
        return value, tokens
    raise ValueError(f"unexpected {tok!r}")


def check_steps(summary) -> int:
    """Assert every worked step of a Summary (shapes, parameters and the analyses) evaluates to its result;
    return how many were checked."""
    checked = 0
    for layer in summary.layers:
        for step in [*layer.calculation, *layer.analysis]:
            if step.result is None:
                assert step.substituted is None and step.note, (layer.name, step)
                continue
            if not isinstance(step.result, int | Fraction):  # written with names: check it at many values
                check_named(step.substituted, step.result, (layer.name, step))
            else:
                assert evaluate(step.substituted) == step.result, (layer.name, step)
            checked += 1
    return checked


def check_named(substituted: str, result, where, tries: int = 12) -> None:
    """A step written with names: the substituted text and the result's own text both evaluate to the
    result's value, for random values of the names (small ones, where rounding matters, and large ones)."""
    rng = random.Random(substituted)
    names = sorted(result.names())
    for i in range(tries):
        env = {n: rng.randint(1, 40) if i % 3 else rng.randint(40, 5000) for n in names}
        want = result.subs(env)
        assert evaluate(substituted, env) == want, (where, env)
        assert evaluate(str(result), env) == want, (where, env)

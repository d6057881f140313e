"""The budgets of one code reading: how much work, depth and memory user code may take.

Every loop, call, number, string and collection the interpreter makes is checked against these
limits *before* it is made, so no input can hang the build or exhaust memory; going over is an
error that names the line and the limit.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from ..i18n import _


@dataclass(frozen=True)
class Limits:
    """The bounds of one reading (generous for model code, small enough to stay fast)."""

    steps: int = 2_000_000  # statements and expressions evaluated, over the whole reading
    loop_iterations: int = 100_000  # iterations of one loop or comprehension
    call_depth: int = 60  # nested calls of user functions (recursion included)
    nesting: int = 120  # depth of the syntax tree (brackets, operators, blocks)
    int_bits: int = 1024  # size of an integer (about 10**308)
    string_length: int = 100_000  # characters in one string
    collection_size: int = 100_000  # items in one list, tuple, dict or set
    allocation: int = 5_000_000  # items and characters made over the whole reading
    source_size: int = 2_000_000  # characters of one file
    files: int = 64  # files read by following the project's own imports


class BudgetError(Exception):
    """A limit was reached (turned into a located error by the interpreter)."""

    def __init__(self, message: str, hint: str) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


@dataclass
class Budget:
    """The counters of one reading against its :class:`Limits`."""

    limits: Limits = field(default_factory=Limits)
    steps: int = 0
    allocated: int = 0

    def step(self, n: int = 1) -> None:
        self.steps += n
        if self.steps > self.limits.steps:
            self._too_many_steps()

    def loop(self, iterations: int, steps_each: int) -> None:
        """A loop that will run ``iterations`` times, each taking at least ``steps_each`` steps: over the budget
        before its first iteration, so that ``range(10**12)`` fails at once rather than at the step cap."""
        self.iteration(iterations)
        if self.steps + iterations * steps_each > self.limits.steps:
            self._too_many_steps()

    def _too_many_steps(self) -> None:
        raise BudgetError(_("the code takes more than {steps:,} steps to read", steps=self.limits.steps),
                          _("a model definition should not need that much work; check for a loop that does not end"))

    def alloc(self, n: int) -> None:
        """Count ``n`` new items or characters against the reading's total (many medium lists add up)."""
        self.allocated += n
        if self.allocated > self.limits.allocation:
            raise BudgetError(_("the code makes more than {allocation:,} items and characters in all",
                                allocation=self.limits.allocation),
                              _("model code does not build that much data; check for loops that make large lists"))

    def iteration(self, count: int) -> None:
        if count > self.limits.loop_iterations:
            raise BudgetError(_("a loop runs more than {loop_iterations:,} times",
                                loop_iterations=self.limits.loop_iterations),
                              _("loops that build a model are short; check the loop's condition or range"))

    def size(self, n: int, what: str = "collection") -> None:
        if n > self.limits.collection_size:
            raise BudgetError(_("a {what} of {n:,} items is larger than the {collection_size:,} the reader allows",
                                what=what, n=n, collection_size=self.limits.collection_size), _(
                    "model code does not need collections that large"))

    def string(self, n: int) -> None:
        if n > self.limits.string_length:
            raise BudgetError(_("a string of {n:,} characters is longer than the {string_length:,} the reader allows",
                                n=n, string_length=self.limits.string_length), _(
                    "model code does not need strings that long"))

    def bits(self, n: float) -> None:
        if n > self.limits.int_bits:
            digits = int(n * math.log10(2)) + 1 if n < 1e18 else None
            size = f"about {digits:,} digits" if digits else _("an astronomical number of digits")
            raise BudgetError(_("the result would be an integer of {size}, more than the reader allows ({int_bits} "
                                "bits)", size=size, int_bits=self.limits.int_bits), _(
                                        "model sizes are small numbers; check the expression"))

    def check_value(self, value: object) -> object:
        """Check the size of a value made by a Python operation (after making it cheaply)."""
        if isinstance(value, int) and not isinstance(value, bool):
            if value.bit_length() > self.limits.int_bits:
                self.bits(value.bit_length())
        elif isinstance(value, str):
            self.string(len(value))
        elif isinstance(value, list | tuple | dict | set | frozenset):
            self.size(len(value))
        return value


def range_length(r: range) -> int:
    """``len(r)``, also for a range longer than ``len()`` can return (``range(2**70)``)."""
    try:
        return len(r)
    except OverflowError:
        return max(0, (r.stop - r.start + r.step - (1 if r.step > 0 else -1)) // r.step)

"""A small fuzzing kit for every reader of user input: specs, pages, and Python model code alike.

The pieces are independent, so that a new reader passes the same fuzzers in a few lines::

    from fuzzing import check_only_spec_errors, hostile_texts, mutants

    inputs = [*hostile_texts(), *mutants(SEEDS, seed=1, count=scaled(200))]
    check_only_spec_errors(reader.summarize, inputs)

- :func:`check_only_spec_errors` runs a function on every input and fails (listing the inputs) when
  anything but the documented exception escapes, when one input takes more than a gross bound of CPU
  time (a hang is cut off by an alarm), or when a message is unbounded or points at a line the input
  does not have.
- :func:`mutate_text` / :func:`mutants`: seeded edits of real texts (numbers, names, lines, stray
  characters, repeated regions, truncation, indentation).
- :func:`hostile_texts`, :data:`HOSTILE_NUMBERS`, :data:`HOSTILE_STRINGS`: constructs that broke readers
  before: deep nesting, long operator chains, integers beyond what ``str()`` prints, control
  characters, NUL bytes, long lines.
- :func:`scaled` and :data:`FUZZ_SCALE`: sample sizes; ``CNNSUMMARY_FUZZ=50`` runs 50 times as many
  inputs (the long run), ``CNNSUMMARY_FUZZ_SEED`` changes the seeds.
"""

from __future__ import annotations

import os
import random
import re
import signal
import threading
import time
import traceback
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, TypeVar

from mkdocs_cnnsummary import SpecError

T = TypeVar("T")

#: how many times the default sample sizes to run (``CNNSUMMARY_FUZZ=50``: the long run)
FUZZ_SCALE = max(1, int(os.environ.get("CNNSUMMARY_FUZZ", "1") or 1))
#: added to every seed (``CNNSUMMARY_FUZZ_SEED=7``: other inputs than the ones CI runs)
SEED_OFFSET = int(os.environ.get("CNNSUMMARY_FUZZ_SEED", "0") or 0)
#: a gross bound per input, in seconds of CPU time (other jobs on the machine do not count): far above
#: what any input takes; an input beyond it is a hang or a blow-up, not a slow machine
TIME_LIMIT = float(os.environ.get("CNNSUMMARY_FUZZ_TIME_LIMIT", "10"))
#: wall time allowed per second of CPU time before an input counts as hung (a loaded machine)
WALL_FACTOR = 6
#: the longest message a reader may give (message and hint are cut to 1,000 characters each)
MAX_MESSAGE = 2_500

#: characters no message printed to a terminal may carry raw (escapes, line breaks, direction overrides)
UNPRINTABLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def scaled(n: int) -> int:
    """``n`` inputs in the default run, ``n × CNNSUMMARY_FUZZ`` in the long run."""
    return n * FUZZ_SCALE


def rng_for(seed: int) -> random.Random:
    """The random generator of one fuzzer (shifted by ``CNNSUMMARY_FUZZ_SEED``)."""
    return random.Random(seed + SEED_OFFSET)


# running -------------------------------------------------------------------------------------------


class Hang(BaseException):
    """Raised in the fuzzed function when the time bound passes (a BaseException, so that the
    function's own ``except Exception`` guards cannot swallow it)."""


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Interrupt the body with :class:`Hang` after ``seconds`` of CPU time, or ``WALL_FACTOR`` times as
    much wall time (where signals work: the main thread of a Unix process)."""
    usable = hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
    if not usable:
        yield
        return

    def alarm(signum: int, frame: Any) -> None:
        raise Hang()

    previous = {sig: signal.signal(sig, alarm) for sig in (signal.SIGPROF, signal.SIGALRM)}
    signal.setitimer(signal.ITIMER_PROF, seconds)
    signal.setitimer(signal.ITIMER_REAL, seconds * WALL_FACTOR)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)
        signal.setitimer(signal.ITIMER_REAL, 0)
        for sig, handler in previous.items():
            signal.signal(sig, handler)


@dataclass
class Report:
    """What a fuzzing run saw: how many inputs passed, failed as documented, and what went wrong."""

    passed: int = 0
    errors: int = 0  # the documented exception, with a well-formed message
    slowest: float = 0.0
    failures: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.passed + self.errors + len(self.failures)


def shorten(value: Any, limit: int = 300) -> str:
    text = value if isinstance(value, str) else repr(value)
    return text if len(text) <= limit else f"{text[:limit // 2]} ... {text[-limit // 2:]} ({len(text):,} chars)"


def check_message(error: BaseException, given: Any) -> str | None:
    """The standard check of a :class:`SpecError`: a message that is short enough, and a line the input has.

    Returns what is wrong, or None.
    """
    text = str(error)
    if not text.strip():
        return "empty message"
    if len(text) > MAX_MESSAGE:
        return f"message of {len(text):,} characters"
    line = getattr(error, "line", None)
    if line is not None:
        if not isinstance(line, int) or line < 1:
            return f"line {line!r}"
        if isinstance(given, str) and line > count_lines(given):
            return f"line {line} beyond the {count_lines(given)} lines of the input"
    return None


#: what YAML (and editors) count as line breaks
LINE_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")


def count_lines(text: str) -> int:
    return len(LINE_BREAK.findall(text)) + 1


def check_only_spec_errors(fn: Callable[[T], Any], inputs: Iterable[T], *,
                           allowed: tuple[type[BaseException], ...] = (SpecError,),
                           check_error: Callable[[BaseException, T], str | None] | None = check_message,
                           check_result: Callable[[Any, T], str | None] | None = None,
                           seconds: float = TIME_LIMIT, describe: Callable[[T], str] = shorten,
                           min_passed: int = 0) -> Report:
    """Run ``fn`` on every input; assert that only ``allowed`` exceptions escape, with checked messages.

    Each input must finish within ``seconds`` (measured, and cut off by an alarm where signals work);
    ``check_error(exc, input)`` and ``check_result(result, input)`` return what is wrong, or None.
    ``min_passed`` asserts that enough inputs went through without an error (a fuzzer whose every input
    fails early tests little). The assertion lists the failing inputs; the report is returned.
    """
    report = Report()
    for given in inputs:
        start = time.process_time()
        problem = None
        try:
            with time_limit(seconds):
                result = fn(given)
        except Hang:
            problem = f"no result after {seconds:.0f} s of CPU time (a hang?)"
        except allowed as exc:
            problem = check_error(exc, given) if check_error else None
            if problem is None:
                report.errors += 1
            else:
                problem = f"{type(exc).__name__} {problem}: {shorten(str(exc), 400)}"
        except BaseException as exc:
            if isinstance(exc, KeyboardInterrupt):
                raise
            frames = traceback.extract_tb(exc.__traceback__)[-3:]
            where = " <- ".join(f"{os.path.basename(f.filename)}:{f.lineno} {f.name}" for f in reversed(frames))
            problem = f"{type(exc).__name__}: {shorten(str(exc), 200)} at {where}"
        else:
            problem = check_result(result, given) if check_result else None
            if problem is None:
                report.passed += 1
        elapsed = time.process_time() - start
        report.slowest = max(report.slowest, elapsed)
        if problem is None and elapsed > seconds:
            problem = f"took {elapsed:.1f} s of CPU time"
        if problem is not None:
            report.failures.append(f"{problem}\n    input: {describe(given)}")
    assert not report.failures, (f"{len(report.failures)} of {report.total} inputs failed:\n"
                                 + "\n".join(report.failures[:15]))
    assert report.passed >= min_passed, f"only {report.passed} of {report.total} inputs went through"
    return report


# generating --------------------------------------------------------------------------------------

#: numbers that broke readers: beyond 64 bits, beyond str()'s 4,300 digits, beyond a float, not finite
HOSTILE_NUMBERS = (
    "0", "-1", "1", "2", "3", "-0.0", "0.5", "1.5", "1e9", "1.0e+308", "1e308", "1e-320", ".inf", "-.inf", ".nan",
    "inf", "nan", "9223372036854775807", "9223372036854775808", "-9223372036854775809", "99999999999",
    "0x" + "f" * 40, "0x" + "f" * 4000, "0b" + "1" * 100, "1" * 5000, "1_000", "010", "3:3", "1e400",
    "१२", "١", "1j", "2**70", "10**10", "True", "False", "null", "None", "~",
)
#: strings that broke readers or reports: control characters, terminal escapes, direction overrides, quotes
HOSTILE_STRINGS = (
    "''", '""', "'\\x1b[2J\\x1b[31m'", '"\\x1b]0;title\\x07"', "'a\\nb'", "'\\u202eevil'", "'x' * 3",
    "'" + "x" * 5000 + "'", "'l[1]'", "'l[١]'", "'l[-9]'", "'l[x]'", "'[' * 3", "'\\\\'", "'{}'", "'%s%n'",
    "on", "off", "yes", "no", "y", "n", "~", "2024-01-01", "!!binary aGVsbG8=", "!!set {a, b}", "!!bool maybe",
    "!!int ''", "!!float x", "!!timestamp x", "!!map [1]", "!!seq {a: 1}", "!!str", "!!python/name:os.system",
    "&a x", "*a", "*undefined", "<<: {}", "? [a]", "{a: 1, a: 2}", "[1, [2, [3]]]", "[]", "{}", "-", "|", ">",
)
#: stray characters inserted anywhere
GARBAGE = ("(", ")", "[", "]", "{", "}", ":", ",", "'", '"', "=", "#", "- ", "\n", "\t", "\r", "*", "&a", "!!int",
           "lambda: 0", "__import__('os')", "\x00", "\x1b[2J", "é", "\u202e", "\ufeff", "\ud800", "  ", "...",
           "**kw", "*args", "\\", "`", "```", "~~~", ">", "|")


def deep(opening: str, closing: str, depth: int) -> str:
    return opening * depth + closing * depth


def hostile_texts(wrap: Callable[[str], str] = lambda text: text) -> list[str]:
    """Generic hostile texts (``wrap`` places each one in the reader's own context, e.g. as an argument)."""
    pieces = [
        "", "\n", " " * 40_000 + "x", "\t" * 100, "\x00", "\ufeff", "\r\n" * 100, "#" * 10_000,
        deep("[", "]", 100), deep("[", "]", 1_200), deep("(", ")", 300), deep("{", "}", 1_200),
        "+".join(["1"] * 5_000), "1" + "*1" * 5_000, ".".join(["a"] * 3_000), "-" * 5_000 + "1",
        "x" * 100_000, "[" + ", ".join(["1"] * 20_000) + "]", "1" * 5_000, "0x" + "f" * 5_000,
        *HOSTILE_NUMBERS, *HOSTILE_STRINGS,
    ]
    return [wrap(p) for p in pieces]


NUMBER = re.compile(r"-?\d+(?:\.\d+)?")
WORD = re.compile(r"\b[A-Za-z_][A-Za-z0-9_]{2,}\b")


def mutate_text(text: str, rng: random.Random, vocabulary: Sequence[str] = (),
                values: Sequence[str] = HOSTILE_NUMBERS + HOSTILE_STRINGS) -> str:
    """One to three random edits of ``text``; ``vocabulary`` replaces words (layer types, keys ...)."""
    for _ in range(rng.randint(1, 3)):
        lines = text.split("\n")
        kind = rng.randrange(11)
        if kind == 0 and (numbers := list(NUMBER.finditer(text))):
            m = rng.choice(numbers)
            text = text[:m.start()] + rng.choice(values) + text[m.end():]
        elif kind == 1 and (numbers := list(NUMBER.finditer(text))) and rng.random() < 0.5:
            m = rng.choice(numbers)  # a nearby number: still a network, other shapes and counts
            if "." not in m.group() and len(m.group()) < 18:
                n = int(m.group())
                text = text[:m.start()] + str(rng.choice((n + 1, n - 1, 2 * n, n // 2, 1, 0))) + text[m.end():]
        elif kind == 1 and vocabulary and (words := list(WORD.finditer(text))):
            m = rng.choice(words)
            text = text[:m.start()] + rng.choice(vocabulary) + text[m.end():]
        elif kind == 2 and len(lines) > 1:
            del lines[rng.randrange(len(lines))]
            text = "\n".join(lines)
        elif kind == 3:
            i, j = rng.randrange(len(lines)), rng.randrange(len(lines))
            lines[i], lines[j] = lines[j], lines[i]
            text = "\n".join(lines)
        elif kind == 4:
            i = rng.randrange(len(text) + 1)
            text = text[:i] + rng.choice(GARBAGE) + text[i:]
        elif kind == 5:
            i = rng.randrange(len(lines))
            lines.insert(i, lines[rng.randrange(len(lines))])
            text = "\n".join(lines)
        elif kind == 6 and len(lines) > 2:  # a region repeated many times: size and depth blow-ups
            i = rng.randrange(len(lines) - 1)
            j = rng.randrange(i + 1, min(len(lines), i + 4) + 1)
            lines[j:j] = lines[i:j] * rng.choice((2, 10, 300))
            text = "\n".join(lines)
        elif kind == 7:
            text = text[:rng.randrange(len(text) + 1)]
        elif kind == 8:
            i = rng.randrange(len(lines))
            lines[i] = rng.choice(("", " ", "  ", "    ", "\t", "> ")) + lines[i][rng.randrange(3):]
            text = "\n".join(lines)
        elif kind == 9 and (words := list(WORD.finditer(text))):
            m = rng.choice(words)  # a value where a word was: names, keys, strings
            text = text[:m.start()] + rng.choice(values) + text[m.end():]
        else:
            i = rng.randrange(len(lines))
            lines.insert(i, lines[i][:_indent(lines[i])] + rng.choice(values))
            text = "\n".join(lines)
    return text


def nudge_numbers(text: str, rng: random.Random) -> str:
    """One to three whole numbers changed a little (n ± 1, 2n, n // 2, 1, 0): mostly still a valid input,
    with other sizes and counts, so that the computation and the rendering are fuzzed, not only errors."""
    for _ in range(rng.randint(1, 3)):
        numbers = [m for m in NUMBER.finditer(text) if "." not in m.group() and len(m.group()) < 18]
        if not numbers:
            break
        m = rng.choice(numbers)
        n = int(m.group())
        text = text[:m.start()] + str(rng.choice((n + 1, n - 1, 2 * n, n // 2, 1, 0, 3 * n))) + text[m.end():]
    return text


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def mutants(texts: Sequence[T], *, seed: int, count: int, mutate: Callable[[T, random.Random], T] | None = None
            ) -> Iterator[T]:
    """``count`` seeded mutations of texts picked among ``texts`` (with :func:`mutate_text` by default)."""
    rng = rng_for(seed)
    edit = mutate or (lambda text, r: mutate_text(text, r))  # type: ignore[arg-type, return-value]
    for _ in range(count):
        yield edit(rng.choice(texts), rng)


def sample(items: Sequence[T], k: int, rng: random.Random) -> list[T]:
    """``k`` items (all of them when there are fewer), in a seeded order."""
    return list(items) if k >= len(items) else rng.sample(list(items), k)

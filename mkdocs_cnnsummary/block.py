"""One ``cnn`` block: its header options, the computation and the HTML, without any Markdown.

The Markdown extension and the MkDocs plugin only find blocks and report
problems; everything a block means is decided here.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, MutableMapping
from dataclasses import dataclass, field, replace
from typing import Any

from .engine.errors import SpecError, did_you_mean

OPTION_NAMES = ("title", "worked", "columns", "framework", "style", "expect_error", "batch", "dtype", "units",
                "warnings")
FRAMEWORKS = ("keras", "pytorch", "lasagne")

_OPTION_RE = re.compile(r"""([A-Za-z_][\w-]*)(?:=(?:"([^"]*)"|'([^']*)'|(\S+)))?""")


@dataclass(frozen=True)
class FenceOptions:
    """What a fence header (or a site-wide default) asks for."""

    title: str | None = None
    worked: str = "collapsed"
    columns: tuple[str, ...] = ()
    framework: str | None = None
    style: str | None = None  # keras | torchinfo | nolearn; None: the framework's own
    expect_error: str | None = None  # "" = any error; otherwise text the message must contain
    batch: int = 1  # samples the operation counts and memory are for
    dtype: str = "float32"  # how values are stored, for the memory estimate
    units: str = "MiB"  # MB (10⁶ bytes) or MiB (2²⁰ bytes)
    silenced: frozenset[str] = frozenset()  # design warnings not shown ("*": all)

    def key(self) -> tuple[Any, ...]:
        return (self.title, self.worked, self.columns, self.framework, self.style, self.expect_error, self.batch,
                self.dtype, self.units, tuple(sorted(self.silenced)))


@dataclass(frozen=True)
class Problem:
    """Something an author must fix: a wrong spec, a bad option, an unexpected success.

    ``line`` is the line inside the block (1 = first line after the fence), when known.
    """

    message: str
    line: int | None = None
    layer: str | None = None

    def describe(self) -> str:
        return self.message


@dataclass(frozen=True)
class BlockResult:
    """The HTML of a block and, when something is wrong, the problem to report."""

    html: str
    problem: Problem | None = None


@dataclass
class BlockRenderer:
    """Renders blocks with site-wide defaults, remembering results by (spec, options, version)."""

    defaults: FenceOptions = field(default_factory=FenceOptions)
    cache: MutableMapping[tuple[Any, ...], BlockResult] | None = None

    def render(self, source: str, header: Mapping[str, str] | None = None) -> BlockResult:
        """The HTML for one block whose header options are ``header`` (raw strings)."""
        try:
            options = parse_options(header or {}, self.defaults)
        except SpecError as exc:
            return _option_failure(exc, source)
        if self.cache is None:
            return render_block(source, options)
        from . import __version__

        key = (source, options.key(), __version__)
        result = self.cache.get(key)
        if result is None:
            result = render_block(source, options)
            self.cache[key] = result
        return result


def split_header(text: str) -> dict[str, str]:
    """``title="U-Net" worked='table' expect_error`` -> dict (a bare key maps to itself)."""
    out: dict[str, str] = {}
    text = text.strip()
    if text.startswith("{") and text.endswith("}"):  # attribute-list form: #id and .class are not options
        text = re.sub(r"(?:^|(?<=\s))[#.][^\s=]+", "", text[1:-1])
    for m in _OPTION_RE.finditer(text):
        key = m.group(1)
        value = next((g for g in m.group(2, 3, 4) if g is not None), key)
        out[key] = value
    return out


def parse_options(header: Mapping[str, str], defaults: FenceOptions | None = None) -> FenceOptions:
    """Header options over the defaults; an unknown name or value is a SpecError with a hint."""
    from .render.columns import parse_columns
    from .render.html import check_worked

    options = defaults or FenceOptions()
    changes: dict[str, Any] = {}
    for name, raw in header.items():
        key = name.replace("-", "_")
        value = raw if key == "columns" else str(raw)
        if key not in OPTION_NAMES:
            raise SpecError(f"unknown fence option {name!r}",
                            hint=did_you_mean(key, OPTION_NAMES) or "options: " + ", ".join(OPTION_NAMES))
        if key == "worked":
            changes["worked"] = check_worked(value.strip().lower())
        elif key == "columns":
            changes["columns"] = parse_columns(value)
            continue
        elif key == "framework":
            changes["framework"] = check_framework(value)
        elif key == "style":
            from .render.styles import check_style

            changes["style"] = check_style(value)
        elif key == "expect_error":
            changes["expect_error"] = "" if value.strip().lower() in ("", "expect_error", "true", "yes") else value
        elif key == "batch":
            changes["batch"] = check_batch(value)
        elif key == "dtype":
            from .engine.memory import check_dtype

            changes["dtype"] = check_dtype(value)
        elif key == "units":
            from .engine.memory import check_units

            changes["units"] = check_units(value)
        elif key == "warnings":
            from .engine.checks import silenced

            changes["silenced"] = silenced(value)
        else:
            changes["title"] = value
    return replace(options, **changes)


def check_batch(value: Any) -> int:
    """A positive whole batch size (from a header string or a setting), or a SpecError."""
    text = str(value).strip()
    if not text.isdigit() or int(text) < 1:
        raise SpecError(f"batch must be a positive whole number, got {value!r}", hint='e.g. batch="8"')
    return int(text)


def check_framework(value: str) -> str:
    """A known framework name (lower case), or a SpecError."""
    name = value.strip().lower()
    if name not in FRAMEWORKS:
        raise SpecError(f"unknown framework {value!r}",
                        hint=did_you_mean(name, FRAMEWORKS) or "use one of " + ", ".join(FRAMEWORKS))
    return name


def _option_failure(exc: SpecError, source: str) -> BlockResult:
    from .render.html import render_error

    problem = Problem(f"fence header: {exc.describe()}")
    return BlockResult(render_error(exc, label="Error in the fence options"), problem)


def render_block(source: str, options: FenceOptions) -> BlockResult:
    """Compute the network of one block and render it (or its error, or its expected error)."""
    from .engine import summarize
    from .render.html import render_error, render_summary

    try:
        summary = summarize(source, framework=options.framework, batch=options.batch)
    except SpecError as exc:
        return _failed(exc, source, options)
    except Exception as exc:  # an engine defect must not take the page down
        error = SpecError(f"internal error while computing this block ({type(exc).__name__}: {exc})",
                          hint="please report it with the spec of this block")
        return BlockResult(render_error(error, title=options.title, source=source), Problem(error.describe()))
    from .engine.checks import without

    summary = without(summary, options.silenced)
    html = render_summary(summary, title=options.title, worked=options.worked, columns=options.columns,
                          style=options.style, dtype=options.dtype, units=options.units)
    if options.expect_error is not None:
        return BlockResult(html, Problem(
            "expect_error: the network was expected to fail but computes "
            f"{summary.total_params:,} parameters", line=None))
    return BlockResult(html)


def _failed(exc: SpecError, source: str, options: FenceOptions) -> BlockResult:
    from .render.html import render_error

    expected = options.expect_error
    if expected is not None:
        html = render_error(exc, title=options.title, source=source, expected=True)
        if expected and expected.lower() not in exc.describe().lower():
            return BlockResult(html, Problem(
                f"expect_error: the error does not mention {expected!r}: {_without_line(exc)}",
                line=exc.line, layer=exc.layer))
        return BlockResult(html)
    html = render_error(exc, title=options.title, source=source)
    return BlockResult(html, Problem(_without_line(exc), line=exc.line, layer=exc.layer))


def _without_line(exc: SpecError) -> str:
    """``layer 'c' (Conv2D): message; hint`` (the reporter says where the line is)."""
    text = exc.message + (f"; {exc.hint}" if exc.hint else "")
    if exc.layer is not None:
        kind = f" ({exc.layer_type})" if exc.layer_type else ""
        return f"layer {exc.layer!r}{kind}: {text}"
    if exc.layer_type is not None:
        return f"layer type {exc.layer_type}: {text}"
    return text

"""One ``cnn`` block: its header options, the computation and the HTML, without any Markdown.

The Markdown extension and the MkDocs plugin only find blocks and report
problems; everything a block means is decided here.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, MutableMapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from .engine.errors import SpecError, did_you_mean, one_of
from .render.diagram.options import DiagramOptions

if TYPE_CHECKING:
    from .engine.summary import Summary

OPTION_NAMES = ("title", "worked", "columns", "framework", "style", "expect_error", "diagram", "fold")
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
    diagram: DiagramOptions = field(default_factory=DiagramOptions)  # where the drawing goes, and how
    fold: str = "blocks"  # blocks | open | none: block instances of a compact spec as foldable rows

    def key(self) -> tuple[Any, ...]:
        return (self.title, self.worked, self.columns, self.framework, self.style, self.expect_error,
                self.diagram, self.fold)


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
    """The HTML of a block and, when something is wrong, the problem to report.

    ``outcome`` is what the engine produced (a Summary, or the SpecError the box shows) and
    ``view`` the keyword arguments it was rendered with, so that a renderer of another format
    (``render.doctree.render(result.outcome, **result.view)``) shows the same thing.
    ``files`` are the files the block read, for platforms that rebuild a page when one changes.
    """

    html: str
    problem: Problem | None = None
    outcome: Summary | SpecError | None = None
    view: Mapping[str, Any] = field(default_factory=dict)
    files: tuple[str, ...] = ()


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


def argument_header(argument: str) -> dict[str, str]:
    """A directive's argument read as a fence header (``title="U-Net" worked="table"``).

    An argument with no ``=`` that is not made of option names (``LeNet-5``) is the title.
    """
    header = split_header(argument)
    if "=" not in argument and not all(key.replace("-", "_") in OPTION_NAMES for key in header):
        return {"title": argument.strip()} if argument.strip() else {}
    return header


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
        elif key == "fold":
            from .render.groups import check_fold

            changes["fold"] = check_fold(value)
        elif key == "diagram":
            from .render.diagram.options import parse_diagram

            changes["diagram"] = parse_diagram(value, options.diagram)
        elif key == "expect_error":
            changes["expect_error"] = "" if value.strip().lower() in ("", "expect_error", "true", "yes") else value
        else:
            changes["title"] = value
    return replace(options, **changes)


def check_framework(value: str) -> str:
    """A known framework name (lower case), or a SpecError."""
    return one_of(value, FRAMEWORKS, "framework")


def _rendered(outcome: Summary | SpecError, problem: Problem | None = None, **view: Any) -> BlockResult:
    """The HTML of ``outcome`` rendered with ``view``, remembering both for other formats."""
    from .render.html import render

    return BlockResult(render(outcome, **view), problem, outcome, view)


def _option_failure(exc: SpecError, source: str) -> BlockResult:
    return _rendered(exc, Problem(f"fence header: {exc.describe()}"), label="Error in the fence options")


def render_block(source: str, options: FenceOptions) -> BlockResult:
    """Compute the network of one block and render it (or its error, or its expected error)."""
    from .engine import summarize

    try:
        summary = summarize(source, framework=options.framework)
    except SpecError as exc:
        return _failed(exc, source, options)
    except Exception as exc:  # an engine defect must not take the page down
        error = SpecError(f"internal error while computing this block ({type(exc).__name__}: {exc})",
                          hint="please report it with the spec of this block")
        return _rendered(error, Problem(error.describe()), title=options.title, source=source)
    problem = None
    if options.expect_error is not None:
        problem = Problem("expect_error: the network was expected to fail but computes "
                          f"{summary.total_params:,} parameters", line=None)
    result = _rendered(summary, problem, title=options.title, worked=options.worked, columns=options.columns,
                       style=options.style, fold=options.fold)
    if options.diagram.placement != "none":  # HTML only: other formats show the table
        html, drawing_problem = _with_diagram(result.html, summary, options)
        result = replace(result, html=html, problem=drawing_problem or result.problem)
    return result


def _with_diagram(table: str, summary: Any, options: FenceOptions) -> tuple[str, Problem | None]:
    """The table with the drawing above or below it, or the drawing alone."""
    from .render.svg import render_diagram_html

    try:
        figure = render_diagram_html(summary, options.diagram, title=options.title)
    except Exception as exc:  # a drawing defect must not take the table down
        return table, Problem(f"internal error while drawing the diagram ({type(exc).__name__}: {exc}); "
                              "please report it with the spec of this block")
    placement = options.diagram.placement
    return {"above": figure + table, "below": table + figure}.get(placement, figure), None


def _failed(exc: SpecError, source: str, options: FenceOptions) -> BlockResult:
    expected = options.expect_error
    if expected is not None:
        problem = None
        if expected and expected.lower() not in exc.describe().lower():
            problem = Problem(f"expect_error: the error does not mention {expected!r}: {_without_line(exc)}",
                              line=exc.line, layer=exc.layer)
        return _rendered(exc, problem, title=options.title, source=source, expected=True)
    return _rendered(exc, Problem(_without_line(exc), line=exc.line, layer=exc.layer),
                     title=options.title, source=source)


def _without_line(exc: SpecError) -> str:
    """``layer 'c' (Conv2D): message; hint`` (the reporter says where the line is)."""
    text = exc.message + (f"; {exc.hint}" if exc.hint else "")
    if exc.layer is not None:
        kind = f" ({exc.layer_type})" if exc.layer_type else ""
        return f"layer {exc.layer!r}{kind}: {text}"
    if exc.layer_type is not None:
        return f"layer type {exc.layer_type}: {text}"
    return text

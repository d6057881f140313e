"""One ``cnn`` block: its header options, the computation and the HTML, without any Markdown.

The Markdown extension and the MkDocs plugin only find blocks and report
problems; everything a block means is decided here.
"""

from __future__ import annotations

import hashlib
import html
import logging
import os
import re
from collections.abc import Callable, Mapping, MutableMapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .engine.errors import SpecError, did_you_mean, one_of, printable, shown
from .engine.limits import MAX_MESSAGE, MAX_SHOWN
from .i18n import N_, _, check_language, current, use_language
from .render.diagram.options import DiagramOptions

if TYPE_CHECKING:
    from .engine.summary import Summary

OPTION_NAMES = ("title", "worked", "columns", "framework", "style", "expect_error", "diagram", "fold", "format",
                "model", "source", "inputs", "input", "echo", "depth", "batch", "dtype", "units", "warnings",
                "assume", "language")
ECHO_MODES = ("above", "collapsed")
FORMATS = ("auto", "spec", "code")
FRAMEWORKS = ("keras", "pytorch", "lasagne")

#: one header option: ``key``, ``key=value``, ``key="value"`` or ``key='value'``
_OPTION_RE = re.compile(r"""([A-Za-z_][A-Za-z0-9_-]*)(?:=(?:"([^"]*)"|'([^']*)'|([^\s"']\S*)))?(?=\s|$)""")

log = logging.getLogger("mkdocs_cnnsummary")


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
    batch: int = 1  # samples the operation counts and memory are for
    dtype: str = "float32"  # how values are stored, for the memory estimate
    units: str = "MiB"  # MB (10⁶ bytes) or MiB (2²⁰ bytes)
    silenced: frozenset[str] = frozenset()  # design warnings not shown ("*": all)
    format: str = "auto"  # auto | spec | code
    model: str | None = None  # code: the expression naming the model to summarise
    source: str | None = None  # code from a file of the project (relative to the base directory)
    inputs: tuple[tuple[int | None, ...], ...] | None = None  # code: input shapes it does not state
    framework_given: bool = False  # framework= is the fence's own (it then overrides what code says)
    echo: str | None = None  # show the code (or the file) above the table: above | collapsed
    language: str = "en"  # the language of the words around the numbers (a catalog name: en, zh_CN)
    depth: int | None = None  # PyTorch module trees: rows deeper than this start folded (torchinfo's depth; 3)
    assume: str | None = None  # values of the names in a spec's input sizes: "H=224,W=224"

    def code_key(self) -> tuple[Any, ...]:
        return (self.format, self.model, self.source, self.inputs, self.framework_given, self.echo)

    def key(self) -> tuple[Any, ...]:
        return (self.title, self.worked, self.columns, self.framework, self.style, self.expect_error,
                self.diagram, self.fold, self.depth, self.code_key(), self.batch, self.dtype, self.units,
                tuple(sorted(self.silenced)), self.assume, self.language)


@dataclass(frozen=True)
class Problem:
    """Something an author must fix: a wrong spec, a bad option, an unexpected success.

    ``line`` is the line inside the block (1 = first line after the fence), when known.
    """

    message: str
    line: int | None = None
    layer: str | None = None
    file: str | None = None  # the line is in this file of the project (code read with source= or imported)

    def describe(self) -> str:
        """The message as a report shows it (with the file and line when it is in another file), control
        characters escaped, at most 1,000 characters."""
        text = self.message
        if self.file is not None:
            where = f"{self.file}:{self.line}" if self.line is not None else self.file
            text = f"{where}: {self.message}"
        return printable(text, MAX_MESSAGE)


@dataclass(frozen=True)
class BlockResult:
    """The HTML of a block and, when something is wrong, the problem to report.

    ``outcome`` is what the engine produced (a Summary, or the SpecError the box shows) and
    ``view`` the keyword arguments it was rendered with, so that a renderer of another format
    (``render.doctree.render(result.outcome, **result.view)``) shows the same thing.
    ``files`` are the files the block read, for platforms that rebuild a page when one changes, and
    ``digests`` their contents' digests when they were read (a remembered result is used again only
    while they are unchanged).
    """

    html: str
    problem: Problem | None = None
    outcome: Summary | SpecError | None = None
    view: Mapping[str, Any] = field(default_factory=dict)
    files: tuple[str, ...] = ()
    digests: tuple[str, ...] = ()


@dataclass
class BlockRenderer:
    """Renders blocks with site-wide defaults, remembering results by (body, options, version).

    ``base_dir`` is where ``source=`` paths start and the code's imports may be read from (the
    directory of ``mkdocs.yml``).  A remembered result is used again only while the files it read
    are unchanged; ``watch`` is told the files each block read (to rebuild when one changes).
    ``keep_outcome=False`` drops the computed network from the results (``outcome`` is None), for hosts
    that only show the HTML: its objects are then freed at once rather than kept to the end of the build,
    where every pass of the garbage collector would walk them again.
    """

    defaults: FenceOptions = field(default_factory=FenceOptions)
    cache: MutableMapping[tuple[Any, ...], BlockResult] | None = None
    base_dir: str | None = None
    watch: Callable[[list[str]], None] | None = None
    keep_outcome: bool = True

    def render(self, source: str, header: Mapping[str, str] | str | None = None) -> BlockResult:
        """The HTML for one block whose header options are ``header`` (raw strings, or the header's text).

        Never raises: whatever goes wrong becomes an error box and a problem (see :func:`safely`).
        Everything is written in the block's language (its ``language`` option, else the default's).
        """
        with use_language(_header_language(header, self.defaults.language)):
            return safely(lambda: self._render(source, header), source)

    def _render(self, source: str, header: Mapping[str, str] | str | None) -> BlockResult:
        try:
            options = parse_options(split_header(header) if isinstance(header, str) else header or {},
                                    self.defaults)
        except SpecError as exc:
            return _option_failure(exc, source)
        if self.cache is None:
            result = self._computed(source, options)
        else:
            from . import __version__

            key = (source, options.key(), __version__, self.base_dir)
            result = self.cache.get(key)
            if result is None or not _unchanged(result):
                result = self._computed(source, options)
                self.cache[key] = result
        if self.watch is not None and result.files:
            self.watch(list(result.files))
        return result


    def _computed(self, source: str, options: FenceOptions) -> BlockResult:
        result = render_block(source, options, self.base_dir)
        return result if self.keep_outcome else replace(result, outcome=None)


def safely(render: Callable[[], BlockResult], source: str = "", title: str | None = None,
           label: str | None = None) -> BlockResult:
    """The one place where an unexpected exception of a block, from the engine or a renderer, becomes an
    error box and a problem to report, so that a block never vanishes and never takes its page down."""
    try:
        return render()
    except Exception as exc:
        log.debug("internal error in a block", exc_info=True)
        error = SpecError(_("internal error while computing this block ({kind}: {exc})", kind=type(exc).__name__,
                            exc=printable(str(exc), MAX_SHOWN)),
                          hint=_("please report it with the spec of this block"))
        view = {k: v for k, v in (("title", title), ("source", source), ("label", label)) if v}
        view["language"] = current()
        return BlockResult(_error_box(error, **view), Problem(error.describe()), error, view)


def _error_box(error: SpecError, **options: Any) -> str:
    """The error box; if even that cannot be rendered, a plain one."""
    try:
        from .render.html import render_error

        return render_error(error, **options)
    except Exception:
        log.debug("the error box could not be rendered", exc_info=True)
        return (f'<div class="cnnsummary cnnsummary-error"><p class="cnnsummary-error__message">'
                f"<strong>{html.escape(_('Error'))}</strong>: {html.escape(printable(error.describe()))}</p></div>")


def _digest(path: str) -> str:
    try:
        return hashlib.sha256(Path(path).read_bytes()).hexdigest()
    except OSError:
        return ""


def _unchanged(result: BlockResult) -> bool:
    """Whether every file a remembered block read still has the contents it had."""
    return all(_digest(path) == digest for path, digest in zip(result.files, result.digests, strict=True))


def _header_language(header: Mapping[str, str] | str | None, default: str) -> str:
    """The language a header asks for, when it is one there is a catalog for; else ``default``.

    Also read from a header that is otherwise wrong, so that the message about it is in that language.
    """
    from .i18n import normalize

    if isinstance(header, str):
        found = re.search(r"""(?:^|\s|\{)language=["']?([A-Za-z_-]+)""", header)
        value: Any = found.group(1) if found else None
    else:
        value = (header or {}).get("language")
    return (normalize(str(value)) or default) if value is not None else default


def split_header(text: str) -> dict[str, str]:
    """``title="U-Net" worked='table' expect_error`` -> dict (a bare key maps to itself).

    Anything else (an unclosed quote, a stray character) is a SpecError: a header option is never
    taken silently otherwise than it was written.
    """
    out: dict[str, str] = {}
    text = text.strip()
    if text.startswith("{") and text.endswith("}"):  # attribute-list form: #id and .class are not options
        text = re.sub(r"(?:^|(?<=\s))[#.][^\s=]+", "", text[1:-1])
    position = 0
    for m in _OPTION_RE.finditer(text):
        if text[position:m.start()].strip():
            raise _header_error(text[position:].strip())  # all from the part that does not read
        position = m.end()
        key = m.group(1)
        out[key] = next((g for g in m.group(2, 3, 4) if g is not None), key)
    if text[position:].strip():
        raise _header_error(text[position:].strip())
    return out


def _header_error(rest: str) -> SpecError:
    if rest.count('"') % 2 or rest.count("'") % 2:
        return SpecError(_("the fence header has a quote that is not closed: {rest}", rest=shown(rest)), hint=_(
                "close the quote"))
    return SpecError(_("cannot read {rest} in the fence header", rest=shown(rest)),
                     hint=_('write options as key="value", separated by spaces'))


def argument_header(argument: str) -> dict[str, str]:
    """A directive's argument read as a fence header (``title="U-Net" worked="table"``).

    An argument with no ``=`` that is not made of option names (``LeNet-5``, ``My net (v2)``) is the title.
    """
    if "=" in argument:
        return split_header(argument)
    try:
        header: dict[str, str] | None = split_header(argument)
    except SpecError:
        header = None
    if header is None or not all(key.replace("-", "_") in OPTION_NAMES for key in header):
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
            raise SpecError(_("unknown fence option {name}", name=shown(name)),
                            hint=(did_you_mean(key, OPTION_NAMES) or _("options: {OPTION_NAMES}",
                                                                       OPTION_NAMES=", ".join(OPTION_NAMES))))
        if key == "worked":
            changes["worked"] = check_worked(value.strip().lower())
        elif key == "columns":
            changes["columns"] = parse_columns(value)
            continue
        elif key == "framework":
            changes["framework"] = check_framework(value)
            changes["framework_given"] = True
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
        elif key == "assume":
            from .engine.symbolic import read_assume

            read_assume(value)  # a SpecError for a wrong value, before the block is computed
            changes["assume"] = value.strip() or None
        elif key == "format":
            changes["format"] = one_of(value, FORMATS, N_("format"))
        elif key == "model":
            changes["model"] = value.strip() or None
        elif key == "source":
            changes["source"] = value.strip() or None
        elif key in ("inputs", "input"):  # input="[3, 224, 224]" for one, inputs= for several (or one)
            if "inputs" in changes:
                raise SpecError(_("give input= or inputs=, not both"),
                                hint=_("inputs=\"[[3, 32, 32], [10]]\" for several"))
            changes["inputs"] = parse_inputs(value)
        elif key == "language":
            changes["language"] = check_language(value)
        elif key == "depth":
            changes["depth"] = parse_depth(value)
        elif key == "echo":
            changes["echo"] = "above" if value.strip().lower() in ("", "echo", "true", "yes") else one_of(
                value, ECHO_MODES, N_("echo mode"))
        else:
            changes["title"] = value
    return replace(options, **changes) if changes else options  # (most fences have no options)


def check_batch(value: Any) -> int:
    """A positive whole batch size (from a header string or a setting), or a SpecError."""
    text = str(value).strip()
    if not text.isdigit() or int(text) < 1:
        raise SpecError(_("batch must be a positive whole number, got {value!r}", value=value),
                        hint=_('e.g. batch="8"'))
    return int(text)
def parse_inputs(value: str) -> tuple[tuple[int | None, ...], ...]:
    """``[[28, 28, 1]]`` or ``[28, 28, 1]`` (YAML/JSON) -> input shapes without the batch axis."""
    import yaml

    try:
        data = yaml.safe_load(value)
    except yaml.YAMLError:
        data = None
    if isinstance(data, list) and data and all(d is None or (isinstance(d, int) and not isinstance(d, bool))
                                               for d in data):
        data = [data]
    if not isinstance(data, list) or not data or not all(
            isinstance(s, list) and all(d is None or (isinstance(d, int) and not isinstance(d, bool) and d >= 0)
                                        for d in s) for s in data):
        raise SpecError(_("inputs must be shapes such as [28, 28, 1] or [[28, 28, 1], [10]], got {value}",
                          value=shown(value)),
                        hint=_("sizes without the batch axis; null for an unknown size"))
    return tuple(tuple(s) for s in data)


def parse_depth(value: str) -> int:
    """``depth="3"``: a whole number from 1 (torchinfo counts the model's own modules as depth 1)."""
    text = str(value).strip()
    if not text.isdigit() or not text.isascii() or int(text) < 1 or len(text) > 3:
        raise SpecError(_("depth must be a whole number from 1, got {value!r}", value=value),
                        hint=_("depth=\"2\" shows the model's modules and theirs, and folds what they hold"))
    return int(text)


def check_framework(value: str) -> str:
    """A known framework name (lower case), or a SpecError."""
    return one_of(value, FRAMEWORKS, N_("framework"))


def _rendered(outcome: Summary | SpecError, problem: Problem | None = None, **view: Any) -> BlockResult:
    """The HTML of ``outcome`` rendered with ``view`` (in the current language), remembering both for other
    formats."""
    view.setdefault("language", current())
    if isinstance(outcome, SpecError):
        return BlockResult(_error_box(outcome, **view), problem, outcome, view)
    from .render.html import render

    return BlockResult(render(outcome, **view), problem, outcome, view)


def _option_failure(exc: SpecError, source: str) -> BlockResult:
    return _rendered(exc, Problem(_("fence header: {describe}", describe=exc.describe())), label=_(
            "Error in the fence options"))


def render_block(source: str, options: FenceOptions, base_dir: str | None = None) -> BlockResult:
    """Compute the network of one block and render it (or its error, or its expected error); never raises.

    With ``source=`` the code comes from that file (relative to ``base_dir``) and the block's body
    may hold an ``expect:`` section; otherwise the body is a spec or code.
    """
    with use_language(options.language):
        return safely(lambda: _render_block(source, options, base_dir), source, options.title)


def _render_block(source: str, options: FenceOptions, base_dir: str | None) -> BlockResult:
    from .reading import apply_section, read

    base = base_dir or os.getcwd()
    files: list[Path] = []
    shown = source
    try:
        if options.source is not None:
            path, text = _source_file(options.source, base)
            shown = text
            reading = read(text, framework=_given(options), format="code", model=options.model,
                           inputs=_list(options.inputs), path=path, root=base, default_framework=options.framework,
                           batch=options.batch)
            files = reading.files
            apply_section(reading.summary, source)
        else:
            reading = read(source, framework=_given(options), format=options.format, model=options.model,
                           inputs=_list(options.inputs), root=base, default_framework=options.framework,
                           batch=options.batch, assume=options.assume)
            files = reading.files
        summary = reading.summary
    except SpecError as exc:
        return _with_files(_failed(exc, _shown(exc, shown, source, options, base), options), files)
    from .engine.checks import without

    summary = without(summary, options.silenced)
    problem = None
    if options.expect_error is not None:
        problem = Problem(_("expect_error: the network was expected to fail but computes {total_params:,} parameters",
                            total_params=summary.total_params), line=None)
    result = _rendered(summary, problem, title=options.title, worked=options.worked, columns=options.columns,
                       style=options.style, fold=options.fold, depth=options.depth, dtype=options.dtype,
                       units=options.units)
    if options.diagram.placement != "none":  # HTML only: other formats show the table
        html, drawing_problem = _with_diagram(result.html, summary, options)
        result = replace(result, html=html, problem=drawing_problem or result.problem)
    if options.echo is not None:  # HTML only, as the drawing
        from .code.detect import split_code
        from .render.html import render_code

        code = shown if options.source is not None else split_code(source)[0]
        name = options.title or summary.name  # each code region has a label of its own on the page
        label = options.source or (_("Code of {name}", name=name) if name else None)
        result = replace(result, html=render_code(code, label, collapsed=options.echo == "collapsed")
                         + result.html)
    return _with_files(result, files)


def _with_files(result: BlockResult, files: list[Path]) -> BlockResult:
    if not files and not result.files:  # a spec: nothing read
        return result
    paths = tuple(str(p) for p in files)
    return replace(result, files=paths, digests=tuple(_digest(p) for p in paths))


def _given(options: FenceOptions) -> str | None:
    return options.framework if options.framework_given else None


def _list(inputs: tuple[tuple[int | None, ...], ...] | None) -> list[Any] | None:
    return [list(s) for s in inputs] if inputs is not None else None


def _source_file(source: str, base: str) -> tuple[str, str]:
    """(path as written, text) of a ``source=`` file, which must be inside the base directory."""
    root = Path(base).resolve()
    try:
        path = (root / source).resolve()
        outside = os.path.commonpath([str(path), str(root)]) != str(root)
    except (OSError, ValueError):  # a NUL character, another drive
        raise SpecError(_("source={source} is not a path to a file", source=shown(source)), hint=_(
                "give a path relative to the directory of mkdocs.yml")) from None
    if outside:
        raise SpecError(_("source={source} is outside the project directory {name}/", source=shown(source),
                          name=root.name),
                        hint=_("give a path relative to the directory of mkdocs.yml"))
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise SpecError(_("source={source}: no such file", source=shown(source)), hint=_(
                "the path is relative to {root}", root=root)) from None
    except OSError as exc:
        raise SpecError(_("source={source} cannot be read: {value}", source=shown(source),
                          value=exc.strerror or exc)) from None
    try:
        return source, data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise SpecError(_("source={source} is not UTF-8 text", source=shown(source))) from None


def _shown(exc: SpecError, shown: str, body: str, options: FenceOptions, base: str) -> str:
    """The text an error box shows with the line marked: the file the error is in, else the block."""
    if exc.file is not None:
        if options.source is not None and exc.file == options.source:
            return shown
        try:
            return (Path(base) / exc.file).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            return ""
    return body


def _with_diagram(table: str, summary: Any, options: FenceOptions) -> tuple[str, Problem | None]:
    """The table with the drawing above or below it, or the drawing alone."""
    from .render.svg import render_diagram_html

    try:
        figure = render_diagram_html(summary, options.diagram, title=options.title)
    except Exception as exc:  # a drawing defect must not take the table down
        log.debug("internal error while drawing a diagram", exc_info=True)
        return table, Problem(_("internal error while drawing the diagram ({kind}: {exc}); please report it with "
                                "the spec of this block", kind=type(exc).__name__, exc=printable(str(exc),
                                    MAX_SHOWN)))
    placement = options.diagram.placement
    return {"above": figure + table, "below": table + figure}.get(placement, figure), None


REFERENCE_OPTIONS = ("framework", "language")


def render_reference_block(header: Mapping[str, str] | str | None = None) -> BlockResult:
    """A ```` ```cnn-reference ```` block: the layer reference of the header's frameworks (all by default)."""
    with use_language(_header_language(header, current())):
        return safely(lambda: _render_reference(header), label=_("Layer reference"))


def reference_frameworks(header: Mapping[str, str] | str | None) -> tuple[str, ...] | None:
    """The frameworks a ```` ```cnn-reference ```` header asks for (None: every installed one); SpecError for
    a header that does not read, an unknown option, framework or language."""
    options = split_header(header) if isinstance(header, str) else dict(header or {})
    for key in options:
        if key not in REFERENCE_OPTIONS:
            raise SpecError(_("unknown option {key} in the cnn-reference fence", key=shown(key)),
                            hint=_("options: {REFERENCE_OPTIONS}", REFERENCE_OPTIONS=", ".join(REFERENCE_OPTIONS)))
    if "language" in options:
        check_language(options["language"])
    names = str(options.get("framework") or "").replace(",", " ").split()
    return tuple(check_framework(n) for n in names) or None


def reference_error(exc: SpecError) -> BlockResult:
    """The error box of a ```` ```cnn-reference ```` block that cannot be shown, and the problem to report."""
    return _rendered(exc, Problem(_("cnn-reference: {describe}", describe=exc.describe())), label=_("Layer reference"))


def _render_reference(header: Mapping[str, str] | str | None) -> BlockResult:
    from .render.reference import render_reference

    try:
        frameworks = reference_frameworks(header)
    except SpecError as exc:
        return reference_error(exc)
    with use_language("en"):  # the reference is written in English (and remembered as such)
        return BlockResult(render_reference(frameworks or None))


def _failed(exc: SpecError, source: str, options: FenceOptions) -> BlockResult:
    """The error box; ``source`` is the text it shows with the line marked (the file the error is in)."""
    expected = options.expect_error
    if expected is not None:
        problem = None
        if expected and expected.lower() not in exc.describe().lower():
            problem = Problem(_("expect_error: the error does not mention {expected}: {without_line}",
                                expected=shown(expected), without_line=_without_line(exc)),
                              line=exc.line, layer=exc.layer, file=exc.file)
        return _rendered(exc, problem, title=options.title, source=source, expected=True)
    return _rendered(exc, Problem(_without_line(exc), line=exc.line, layer=exc.layer, file=exc.file),
                     title=options.title, source=source)


def _without_line(exc: SpecError) -> str:
    """``layer 'c' (Conv2D): message; hint`` (the reporter says where the line is)."""
    return exc.describe(with_line=False)

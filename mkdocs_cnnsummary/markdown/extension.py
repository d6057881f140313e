"""Python-Markdown extension: ```` ```cnn ```` and ``~~~cnn`` fences become summary tables.

``markdown.markdown(text, extensions=["cnnsummary"])`` is enough.  With
``pymdownx.superfences`` loaded, the extension registers ``cnn`` as one of its
custom fences (so fences nest in lists, admonitions and tabs the SuperFences
way, and nothing is needed in YAML); without it, a preprocessor that runs
before ``fenced_code`` renders ``cnn`` fences at any indentation itself and
leaves every other fence, and anything inside another fence, alone.

The extension needs no MkDocs plugin (Zensical runs none): the first block of
each page brings the stylesheet, problems are logged on
``mkdocs.plugins.cnnsummary`` (so ``mkdocs build --strict`` counts them) naming
the page where the platform tells which page is rendered, and ``strict: true``
stops the build at the first bad block.
"""

from __future__ import annotations

import base64
import inspect
import logging
import re
import sys
from collections import defaultdict, deque
from collections.abc import Callable, Iterator, MutableMapping
from dataclasses import dataclass, replace
from difflib import SequenceMatcher
from typing import Any
from xml.etree import ElementTree

from markdown import Markdown
from markdown.extensions import Extension
from markdown.preprocessors import Preprocessor
from markdown.treeprocessors import Treeprocessor
from markdown.util import HTML_PLACEHOLDER

from ..block import BlockRenderer, FenceOptions, Problem, split_header
from .pages import PageLocation, locate_page

LANGUAGE = "cnn"
#: after whitespace normalisation (30), before the fenced-code preprocessors (25)
PRIORITY = 28
#: before pymdownx.snippets (32) and the tab-preserving normalisation (35): sees the page as written
SOURCE_PRIORITY = 40
#: after the inline patterns (20)
PARAGRAPHS_PRIORITY = 3
_PLACEHOLDER = re.compile(re.escape(HTML_PLACEHOLDER).replace(re.escape("%s"), r"\d+"))

#: ``report(problem, line)``: ``line`` is the line in the Markdown text (1-based) or None
Reporter = Callable[[Problem, "int | None"], None]

#: under ``mkdocs.``, so that MkDocs (and ProperDocs) count the warnings for ``--strict``
LOGGER = "mkdocs.plugins.cnnsummary"
log = logging.getLogger(LOGGER)
STYLESHEET_MODES = ("inline", "none")


class StrictBuildError(Exception):
    """A block needs fixing and the extension's ``strict`` setting stops the build.

    What is raised is a subclass that is also the platform's own build error where one is loaded
    (SuperFences lets only its ``SuperFencesException`` through; MkDocs and ProperDocs end the build
    on a ``PluginError`` without a traceback).
    """

_FENCE_START = re.compile(r"^(?P<indent>(?:[ \t]*>)*[ \t]*)(?P<fence>`{3,}|~{3,})[ \t]*(?P<info>[^\n]*?)[ \t]*$")
_LANG = re.compile(r"^\{?[ \t]*\.?(?P<lang>[\w#.+-]+)")
#: a line that opens a container whose content is indented: list item, admonition, details, tab, footnote
_OPENER = re.compile(r"^[ ]*(?:(?:[-*+]|\d+[.)])(?:[ \t]|$)|!!!|\?\?\?|===|\[\^[^\]]+\]:)")


@dataclass
class Fence:
    """A fenced block found in the Markdown text (lines are 0-based indexes)."""

    start: int
    end: int  # index of the closing fence line
    indent: str
    lang: str
    info: str
    body: list[str]


def _language(info: str) -> tuple[str, str]:
    """``cnn title="x"`` -> (``cnn``, ``title="x"``); ``{.cnn title="x"}`` -> (``cnn``, ``title="x"``)."""
    m = _LANG.match(info)
    if not m:
        return "", info
    rest = info[m.end():].strip()
    if info.lstrip().startswith("{") and rest.endswith("}"):  # {.cnn #id .class title="x"}
        rest = "{" + rest[:-1] + "}"
    return m.group("lang"), rest


def _strip_indent(line: str, indent: str) -> str | None:
    """The line without the fence's indentation; None when it is not inside the fence's container."""
    if line.startswith(indent):
        return line[len(indent):]
    if not line.strip() or line.strip() == indent.strip():
        return ""
    return None


def _indentation(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _in_indented_code(lines: list[str], i: int, indent: str) -> bool:
    """Whether line ``i``, indented by ``indent``, is the text of an indented code block, not a fence.

    It is when it is indented by 4 spaces or more beyond the line it hangs from, and that line
    (or the paragraph it ends) is no list item, admonition, tab or footnote opening a container.
    """
    if ">" in indent or "\t" in indent or len(indent) < 4:
        return False
    limit = len(indent) - 4
    for k in range(i - 1, -1, -1):
        if not lines[k].strip() or _indentation(lines[k]) > limit:
            continue
        while k >= 0 and lines[k].strip():  # the paragraph ending at line k, lazy continuation lines included
            if _indentation(lines[k]) <= limit and _OPENER.match(lines[k]):
                return False
            k -= 1
        return True
    return True


def find_fences(lines: list[str], unclosed: list[tuple[int, str]] | None = None) -> Iterator[Fence]:
    """Every complete fenced block, outermost only (fences inside fences are content).

    Fences inside indented code blocks are text.  ``unclosed`` collects (line index, language) of
    fences that their container ends (or the text ends) before closing them.
    """
    i = 0
    while i < len(lines):
        m = _FENCE_START.match(lines[i])
        if (not m or (m.group("fence")[0] == "`" and "`" in m.group("info"))
                or _in_indented_code(lines, i, m.group("indent"))):
            i += 1
            continue
        indent, marker = m.group("indent"), m.group("fence")
        lang, info = _language(m.group("info"))
        closing = re.compile(rf"^{re.escape(marker[0])}{{{len(marker)},}}[ \t]*$")
        body: list[str] = []
        j = i + 1
        while j < len(lines):
            inner = _strip_indent(lines[j], indent)
            if inner is None:
                j = len(lines)
                break
            if len(inner) - len(inner.lstrip(" ")) < 4 and closing.match(inner.lstrip(" ")):
                break
            body.append(inner)
            j += 1
        if j >= len(lines):  # not closed inside its container: not a fence
            if unclosed is not None:
                unclosed.append((i, lang))
            i += 1
            continue
        yield Fence(i, j, indent, lang, info, body)
        i = j + 1


def body_key(text: str | list[str]) -> tuple[str, ...]:
    """A key for a block body that does not depend on its indentation."""
    lines = text.split("\n") if isinstance(text, str) else text
    out = [line.strip() for line in lines]
    while out and not out[-1]:
        out.pop()
    while out and not out[0]:
        out.pop(0)
    return tuple(out)


def source_line_map(source: list[str], lines: list[str]) -> list[int]:
    """For each of ``lines`` (the text after earlier preprocessors), its 1-based line in ``source``.

    Lines an include put in (``--8<--`` snippets) get the line of the include.
    """
    a = [line.strip() for line in source]
    b = [line.strip() for line in lines]
    head = 0
    while head < min(len(a), len(b)) and a[head] == b[head]:
        head += 1
    tail = 0
    while tail < min(len(a), len(b)) - head and a[-1 - tail] == b[-1 - tail]:
        tail += 1
    out = list(range(1, head + 1))
    matcher = SequenceMatcher(None, a[head:len(a) - tail], b[head:len(b) - tail], autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal" or (tag == "replace" and i2 - i1 == j2 - j1):
            out.extend(range(head + i1 + 1, head + i1 + 1 + j2 - j1))
        else:
            out.extend([max(head + i1 + (tag == "replace"), 1)] * (j2 - j1))
    out.extend(range(len(a) - tail + 1, len(a) + 1))
    return out


def strict_error(message: str) -> StrictBuildError:
    """The exception that stops the build, a subclass of the loaded platforms' own build errors."""
    bases: list[type] = [StrictBuildError]
    for module, name in (("pymdownx.superfences", "SuperFencesException"), ("mkdocs.exceptions", "PluginError")):
        base = getattr(sys.modules.get(module), name, None)
        if isinstance(base, type) and base not in bases:
            bases.append(base)
    return _error_class(tuple(bases))(message)


_ERROR_CLASSES: dict[tuple[type, ...], type[StrictBuildError]] = {}


def _error_class(bases: tuple[type, ...]) -> type[StrictBuildError]:
    if bases not in _ERROR_CLASSES:
        _ERROR_CLASSES[bases] = type("StrictBuildError", bases, {"__module__": __name__})
    return _ERROR_CLASSES[bases]


def _end_without_traceback() -> None:
    """Zensical prints a traceback for any exception of an extension: print only our message instead.

    The build ends as before (exit status 1); other uncaught exceptions keep the usual hook.
    """
    previous = sys.excepthook
    if getattr(previous, "cnnsummary", False):
        return

    def hook(kind: type[BaseException], value: BaseException, tb: Any) -> None:
        text = str(value)
        if "StrictBuildError: " not in text:
            previous(kind, value, tb)
            return
        message = text.split("StrictBuildError: ", 1)[1].split("\nTraceback", 1)[0].strip()
        print(f"Aborted: {message}", file=sys.stderr)

    hook.cnnsummary = True  # type: ignore[attr-defined]
    sys.excepthook = hook


def stylesheet_link() -> str:
    """The stylesheet as a ``<link>`` with a data URL: styles for a page whose site does not link the file,
    and no text for search indexes to pick up."""
    from ..render.html import stylesheet

    data = base64.b64encode(stylesheet().encode("utf-8")).decode("ascii")
    return f'\n<link rel="stylesheet" class="cnnsummary-stylesheet" href="data:text/css;base64,{data}">'


class SourceLinesPreprocessor(Preprocessor):
    """Keeps the page as written, so that lines are reported as the author sees them (snippets included)."""

    def __init__(self, md: Markdown, extension: CnnSummaryExtension) -> None:
        super().__init__(md)
        self.extension = extension

    def run(self, lines: list[str]) -> list[str]:
        self.extension.source_lines = "\n".join(lines).replace("\r\n", "\n").replace("\r", "\n").split("\n")
        return lines


class BlockParagraphs(Treeprocessor):
    """A block that ends a quote (``> ```cnn`` ... ``>``) is a paragraph ``placeholder + newline``, which
    Python-Markdown would leave in a ``<p>``: trim it, so the block's ``<div>`` replaces the paragraph."""

    def run(self, root: ElementTree.Element) -> None:
        for p in root.iter("p"):
            if len(p) == 0 and p.text and p.text != p.text.strip() and _PLACEHOLDER.fullmatch(p.text.strip()):
                p.text = p.text.strip()


class CnnFencePreprocessor(Preprocessor):
    """Locates ``cnn`` fences; registers the SuperFences fence or, without SuperFences, renders them."""

    def __init__(self, md: Markdown, extension: CnnSummaryExtension) -> None:
        super().__init__(md)
        self.extension = extension

    def run(self, lines: list[str]) -> list[str]:
        ext = self.extension
        unclosed: list[tuple[int, str]] = []
        fences = [f for f in find_fences(lines, unclosed) if f.lang == LANGUAGE]
        unclosed = [u for u in unclosed if u[1] == LANGUAGE]
        ext.locations.clear()
        if not fences and not unclosed:
            return lines
        source = ext.source_lines or lines
        line_of = source_line_map(source, lines) if source != lines else list(range(1, len(lines) + 1))
        report = ext.report
        for start, _ in unclosed:
            report(Problem("the ```cnn fence is never closed (the page or its list, quote or note ends first); "
                           "end the block with a line of ``` at the indentation of the opening one"),
                   line_of[start])
        spans = {id(f): line_of[f.start:f.end] for f in fences}
        if ext.attach_to_superfences(self.md):
            rejected = _rejected_by_superfences(self.md, lines, fences)
            for fence in fences:
                if fence in rejected:
                    report(Problem("SuperFences cannot read this fence header; write options as "
                                   'key="value" separated by spaces, with _ instead of -'), line_of[fence.start])
                else:
                    ext.locations[body_key(fence.body)].append(spans[id(fence)])
            fences = rejected  # rendered here, as SuperFences would leave them as text
        placeholders = [self.md.htmlStash.store(ext.format_block("\n".join(f.body), split_header(f.info), spans[id(f)]))
                        for f in fences]
        for fence, placeholder in reversed(list(zip(fences, placeholders, strict=True))):
            blank = fence.indent.rstrip(" \t")
            lines[fence.start:fence.end + 1] = [blank, fence.indent + placeholder, blank]
        return lines


class CnnSummaryExtension(Extension):
    """Render ``cnn`` fences as summary tables with worked calculations."""

    def __init__(self, **kwargs: Any) -> None:
        self.config = {
            "worked": ["collapsed", "Default worked mode: collapsed, expanded, table or none"],
            "columns": ["", "Default columns, e.g. 'index layer output_shape params'; empty = automatic"],
            "framework": ["", "Framework of specs without a framework key: keras, pytorch or lasagne"],
            "style": ["", "Table style: keras, torchinfo or nolearn; empty = the framework's own"],
            "title": ["", "Default caption when a block has neither title nor name"],
            "diagram": ["", "Default diagram: none, above, below or only; vertical or horizontal; auto or layered"],
            "fold": ["", "Block instances of compact specs: blocks (foldable rows), open or none; empty = blocks"],
            "depth": ["", "PyTorch module trees: rows deeper than this start folded (torchinfo's depth); empty = 3"],
            "report": ["", "Callable report(problem, line) for blocks that need fixing; default: log a warning"],
            "cache": ["", "A mapping reused across pages to remember rendered blocks"],
            "base_dir": ["", "Directory of source= paths and of the project modules code may import (default: cwd)"],
            "watch": ["", "Callable watch(paths) told the files blocks read (to rebuild when they change)"],
            "stylesheet": ["inline", "inline: the first block of each page brings the stylesheet; "
                                     "none: the site links cnnsummary.css itself (the MkDocs plugin does)"],
            "strict": [False, "Stop the build at the first block that needs fixing (Zensical has no --strict)"],
        }
        super().__init__(**kwargs)
        self.locations: defaultdict[tuple[str, ...], deque[list[int]]] = defaultdict(deque)
        self.source_lines: list[str] = []
        self.renderer = BlockRenderer()
        self.md: Markdown | None = None
        self.styled = False  # whether this page already has the stylesheet

    def extendMarkdown(self, md: Markdown) -> None:
        md.registerExtension(self)
        self.md = md
        from ..block import parse_options

        if self.getConfig("stylesheet") not in STYLESHEET_MODES:
            raise ValueError(f"cnnsummary: stylesheet must be one of {', '.join(STYLESHEET_MODES)}, "
                             f"not {self.getConfig('stylesheet')!r}")

        names = ("worked", "columns", "framework", "style", "title", "diagram", "fold", "depth")
        defaults = {k: self.getConfig(k) for k in names if self.getConfig(k)}
        cache = self.getConfig("cache")
        watch = self.getConfig("watch")
        site_defaults = replace(parse_options(defaults, FenceOptions()), framework_given=False)  # a default only
        self.renderer = BlockRenderer(site_defaults,
                                      cache if isinstance(cache, MutableMapping) else None,
                                      self.getConfig("base_dir") or None, watch if callable(watch) else None)
        md.preprocessors.register(CnnFencePreprocessor(md, self), "cnnsummary", PRIORITY)
        md.preprocessors.register(SourceLinesPreprocessor(md, self), "cnnsummary-source", SOURCE_PRIORITY)
        md.treeprocessors.register(BlockParagraphs(md), "cnnsummary-paragraphs", PARAGRAPHS_PRIORITY)
        from .reference_fence import register as register_reference_fence

        register_reference_fence(md)  # the ```cnn-reference fence (the layer reference)

    def reset(self) -> None:
        self.locations.clear()
        self.source_lines = []
        self.styled = False

    # rendering and reporting ---------------------------------------------------------
    def format_block(self, source: str, header: dict[str, str], lines: int | list[int] | None) -> str:
        """The HTML of one block; problems go to the reporter with the line in the Markdown text.

        ``lines``: the line of the fence in the page, or the page lines of the fence and each body line.
        """
        result = self.renderer.render(source, header)
        if result.problem is not None:
            problem = result.problem
            if isinstance(lines, int):
                lines = [lines]
            line = None
            if lines:
                k = (problem.line or 0) if problem.file is None else 0  # a file's line is named in the message
                line = lines[k] if k < len(lines) else lines[-1] + k - len(lines) + 1
            self.report(problem, line)
        return self.with_stylesheet(result.html)

    def with_stylesheet(self, html: str) -> str:
        """The first block of a page brings the stylesheet (``stylesheet: inline``)."""
        if self.styled or self.getConfig("stylesheet") != "inline":
            return html
        self.styled = True
        start = html.find(">") + 1  # inside the block's <div>: Python-Markdown keeps a block-level tag as it is
        return html[:start] + stylesheet_link() + html[start:]

    def report(self, problem: Problem, line: int | None) -> None:
        """Report a block that needs fixing (``line``: in the Markdown text); with ``strict``, stop the build.

        The ``report`` setting (the MkDocs plugin's) receives it; otherwise it is a warning naming the
        page and its line where the platform tells which page is rendered (``docs/index.md:9: cnn block: ...``).
        """
        reporter: Reporter | None = self.getConfig("report") or None
        page = PageLocation()
        if reporter is not None:
            reporter(problem, line)
            message = f"cnn block: {problem.describe()}"
        else:
            page = self.page()
            where = page.where(line)
            message = f"{where}: cnn block: {problem.describe()}" if where else f"cnn block: {problem.describe()}"
            log.warning("%s", message)
        if self.getConfig("strict"):
            if page.platform == "zensical":
                _end_without_traceback()
            raise strict_error(f"{message} (the cnnsummary setting strict: true stops the build at the first "
                               "block that needs fixing)")

    def page(self) -> PageLocation:
        """The page being converted, as far as the platform tells (Zensical does; bare Python-Markdown does not)."""
        return locate_page(self.md, self.source_lines)

    def take_location(self, source: str) -> list[int] | None:
        """The lines of the next not yet rendered fence with this body (SuperFences gives no lines)."""
        queue = self.locations.get(body_key(source))
        return queue.popleft() if queue else None

    # SuperFences -----------------------------------------------------------------------
    def attach_to_superfences(self, md: Markdown) -> bool:
        """Register ``cnn`` as a SuperFences custom fence when SuperFences runs the fences."""
        try:
            fenced = md.preprocessors["fenced_code_block"]
        except KeyError:
            return False
        superfences = getattr(fenced, "extension", None)
        if superfences is None or not hasattr(superfences, "extend_super_fences"):
            return False
        if any(entry.get("name") == LANGUAGE for entry in superfences.superfences):
            return True
        formatter = self.superfences_formatter
        params = inspect.signature(superfences.extend_super_fences).parameters
        if "reset" in params:  # pymdown-extensions >= 12.1
            superfences.extend_super_fences(LANGUAGE, formatter, validator, _no_reset)
        else:
            superfences.extend_super_fences(LANGUAGE, formatter, validator)
        return True

    def superfences_formatter(self, src: str = "", language: str = "", options: dict[str, Any] | None = None,
                              md: Markdown | None = None, **kwargs: Any) -> str:
        """SuperFences calls this with the block body and the options the validator kept."""
        source = kwargs.get("source", src)
        header = dict((options or {}).get("header", {}))
        return self.format_block(source, header, self.take_location(source))


def _rejected_by_superfences(md: Markdown, lines: list[str], fences: list[Fence]) -> list[Fence]:
    """The fences whose header SuperFences would not parse (it would leave them as a paragraph of text)."""
    from pymdownx.superfences import RE_NESTED_FENCE_START

    if md.preprocessors["fenced_code_block"].extension.getConfig("relaxed_headers", False):
        return []
    rejected = []
    for fence in fences:
        m = RE_NESTED_FENCE_START.match(lines[fence.start][len(fence.indent):])
        if m is None or m.group("unrecognized"):
            rejected.append(fence)
    return rejected


def _no_reset(md: Markdown) -> None:
    """Nothing to reset per document (SuperFences >= 12.1 calls this)."""


def validator(language: str, inputs: dict[str, str], options: dict[str, Any], attrs: dict[str, Any],
              md: Markdown) -> bool:
    """Accept every header option of a ``cnn`` fence; they are checked (and reported) when rendering.

    Nothing goes to ``attrs``: SuperFences drops a ``cnn title="x"`` fence whose validator leaves attributes.
    """
    options["header"] = dict(inputs)
    return True


def fence_format(source: str, language: str = LANGUAGE, css_class: str = "", options: dict[str, Any] | None = None,
                 md: Markdown | None = None, **kwargs: Any) -> str:
    """A formatter for a hand-written ``custom_fences`` entry (``format: !!python/name:...fence_format``).

    Uses the loaded ``cnnsummary`` extension when there is one (its defaults, reporter and the lines
    of the blocks); otherwise one with the default settings, kept with ``md`` so that the stylesheet
    comes once per page.
    """
    if md is None:
        return CnnSummaryExtension().superfences_formatter(source, language, options, md, **kwargs)
    for candidate in md.registeredExtensions:
        if isinstance(candidate, CnnSummaryExtension):
            return candidate.superfences_formatter(source, language, options, md, **kwargs)
    ext = CnnSummaryExtension()
    ext.md = md
    md.registerExtension(ext)  # md.reset() resets it with the page
    return ext.superfences_formatter(source, language, options, md, **kwargs)


def makeExtension(**kwargs: Any) -> CnnSummaryExtension:
    """Entry for ``markdown.markdown(text, extensions=["mkdocs_cnnsummary.markdown"])``."""
    return CnnSummaryExtension(**kwargs)


__all__ = ["CnnSummaryExtension", "fence_format", "find_fences", "makeExtension", "validator"]

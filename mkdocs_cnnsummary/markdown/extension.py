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
import bisect
import inspect
import logging
import re
import sys
from collections import defaultdict, deque
from collections.abc import Callable, Iterator, MutableMapping
from dataclasses import dataclass, replace
from typing import Any
from xml.etree import ElementTree

from markdown import Markdown
from markdown.extensions import Extension
from markdown.postprocessors import Postprocessor
from markdown.preprocessors import Preprocessor
from markdown.treeprocessors import Treeprocessor
from markdown.util import HTML_PLACEHOLDER

from ..block import BlockRenderer, FenceOptions, Problem
from ..engine.errors import printable
from ..i18n import _
from .pages import PageLocation, locate_page

LANGUAGE = "cnn"
#: the fence of the layer reference (rendered by ``reference_fence``)
REFERENCE = "cnn-reference"
#: after whitespace normalisation (30), before the fenced-code preprocessors (25)
PRIORITY = 28
#: before pymdownx.snippets (32) and the tab-preserving normalisation (35): sees the page as written
SOURCE_PRIORITY = 40
#: after the inline patterns (20)
PARAGRAPHS_PRIORITY = 3
#: after the raw HTML of the fences is put back (30)
LITERAL_PRIORITY = 5
#: right after the raw HTML is put back (30): every later postprocessor sees the page as before
SLOT_PRIORITY = 29
SLOTS = "cnnsummary-slots"
#: a block's slot in the stash, as a block-level element or as text (``\x02`` and ``\x03`` never reach a page's
#: text: Python-Markdown removes them)
_SLOT = re.compile("<div>\x02cnnsummary-block:([0-9]+)\x03</div>|\x02cnnsummary:([0-9]+)\x03")
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

_LANG = re.compile(r"^\{?[ \t]*\.?(?P<lang>[\w#.+-]+)")
#: a line that opens a container whose content is indented: list item, admonition, details, tab, footnote
#: (matched after its leading spaces)
_OPENER = re.compile(r"(?:[-*+]|\d+[.)])(?:[ \t]|$)|!!!|\?\?\?|===|\[\^[^\]]+\]:")
#: characters of the prefix before a fence: indentation and block-quote markers
_PREFIX = frozenset(" \t>")


def _fence_start(line: str) -> tuple[str, str, str] | None:
    """(indentation, ``` or ~~~ run, info string) of a line that opens a fence, or None.

    Read character by character, in time linear in the line (a pattern with optional runs of
    spaces on both sides of the info string backtracks quadratically on a line of spaces).
    """
    i, n = 0, len(line)
    while i < n and line[i] in _PREFIX:
        i += 1
    if i == n or line[i] not in "`~":
        return None
    j = i
    while j < n and line[j] == line[i]:
        j += 1
    if j - i < 3:
        return None
    info = line[j:].strip(" \t")
    if line[i] == "`" and "`" in info:
        return None
    return line[:i], line[i:j], info


def _is_closer(text: str, char: str, length: int) -> bool:
    """Whether ``text`` (indentation removed) closes a fence of ``length`` ``char``s."""
    stripped = text.strip(" \t")
    return len(stripped) >= length and not stripped.strip(char) and len(text) - len(text.lstrip(" ")) < 4


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


class _IndentedCode:
    """Answers "is this fence line the text of an indented code block?" for lines met in order, each in
    logarithmic time (a scan back over the page for each indented fence would be quadratic).

    A line indented by ``n`` spaces is indented code when it is indented by 4 more than the line it
    hangs from (the last non-blank line indented by at most n − 4), and the paragraph that line ends
    holds no list item, admonition, tab or footnote (indented by at most n − 4) opening a container.
    """

    def __init__(self, lines: list[str]) -> None:
        self.lines = lines
        self.done = 0  # lines before this one are in the structures below
        self.leads: list[int] = []  # indentations of candidate lines, increasing
        self.indexes: list[int] = []  # their line numbers
        self.opener_min: dict[int, float] = {}  # line -> least indentation of an opener in its paragraph so far
        self.paragraph_min = float("inf")

    def _advance(self, i: int) -> None:
        while self.done < i:
            line = self.lines[self.done]
            if line.strip():
                lead = _indentation(line)
                if _OPENER.match(line, lead):
                    self.paragraph_min = min(self.paragraph_min, lead)
                self.opener_min[self.done] = self.paragraph_min
                while self.leads and self.leads[-1] >= lead:
                    self.leads.pop()
                    self.indexes.pop()
                self.leads.append(lead)
                self.indexes.append(self.done)
            else:
                self.paragraph_min = float("inf")
            self.done += 1

    def __call__(self, i: int, indent: str) -> bool:
        if ">" in indent or "\t" in indent or len(indent) < 4:
            return False
        self._advance(i)
        limit = len(indent) - 4
        k = bisect.bisect_right(self.leads, limit) - 1  # the last non-blank line indented by at most limit
        if k < 0:
            return True
        return self.opener_min[self.indexes[k]] > limit


def find_fences(lines: list[str], unclosed: list[tuple[int, str]] | None = None,
                hidden: list[tuple[int, str, int]] | None = None) -> Iterator[Fence]:
    """Every complete fenced block, outermost only (fences inside fences are content), in linear time.

    Fences inside indented code blocks are text.  A fence that its container (or the text) ends before
    it is closed is not a fence, and, as SuperFences reads it, what follows it in that container is not
    searched for fences either.  ``unclosed`` collects (line index, language) of such fences, ``hidden``
    (line index, language, line index of the unclosed fence) of the fences in what they swallow, which
    would otherwise stay text without a word.
    """
    in_code = _IndentedCode(lines)
    i = 0
    while i < len(lines):
        start = _fence_start(lines[i])
        if start is None or in_code(i, start[0]):
            i += 1
            continue
        indent, marker, raw_info = start
        lang, info = _language(raw_info)
        body: list[str] = []
        swallowed: list[tuple[int, str]] = []
        j = i + 1
        while j < len(lines):
            inner = _strip_indent(lines[j], indent)
            if inner is None:
                break
            if _is_closer(inner, marker[0], len(marker)):
                break
            if hidden is not None and ("`" in inner or "~" in inner):
                nested = _fence_start(inner)
                if nested is not None:
                    swallowed.append((j, _language(nested[2])[0]))
            body.append(inner)
            j += 1
        if j >= len(lines) or _strip_indent(lines[j], indent) is None:  # not closed inside its container
            if unclosed is not None:
                unclosed.append((i, lang))
            if hidden is not None:
                hidden.extend((k, nested_lang, i) for k, nested_lang in swallowed)
            i = j  # what it swallowed is not searched again: linear time, as SuperFences reads it
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


def _line_key(line: str) -> str:
    """A line without its whitespace (tabs expanded or not) and the markers Markdown removes."""
    return "".join(line.split()).replace("\x02", "").replace("\x03", "")


def source_line_map(source: list[str], lines: list[str]) -> list[int]:
    """For each of ``lines`` (the text after earlier preprocessors), its 1-based line in ``source``.

    Lines an include put in (``--8<--`` snippets) get the line of the include.  The two texts are
    walked side by side; where they differ, the source line is taken to be replaced by the lines up to
    where the next source lines come back. Time and work are linear in the two texts.
    """
    if len(lines) >= len(source) and lines[:len(source)] == source:  # the usual page: lines only added at its end
        return [*range(1, len(source) + 1), *[max(len(source), 1)] * (len(lines) - len(source))]
    a = [_line_key(line) for line in source]
    b = [_line_key(line) for line in lines]
    if a == b:
        return list(range(1, len(b) + 1))
    positions: dict[str, deque[int]] = defaultdict(deque)
    for k, key in enumerate(b):
        positions[key].append(k)
    budget = 4 * (len(a) + len(b)) + 100  # comparisons for finding where the texts meet again

    def meet(p: int, j: int) -> int | None:
        """The first k >= j where source line p comes back: the line itself when it has text, the next
        three lines (as many as there are) when it is blank; None when it does not."""
        nonlocal budget
        if p >= len(a):
            return len(b)
        found = positions.get(a[p])
        while found and found[0] < j:
            found.popleft()
        span = 1 if a[p] else min(3, len(a) - p)
        for k in found or ():
            budget -= span
            if budget < 0:
                return None
            if a[p:p + span] == b[k:k + span]:
                return k
        return None

    out: list[int] = []
    i = j = 0
    while j < len(b):
        if i < len(a) and a[i] == b[j]:
            out.append(i + 1)
            i, j = i + 1, j + 1
        elif i >= len(a):  # lines added after the end
            out.append(max(len(a), 1))
            j += 1
        else:  # where do the next source lines come back? (a few tried: includes may follow each other)
            k, p = next(((k, p) for p in range(i + 1, min(i + 5, len(a) + 1))
                         if (k := meet(p, j)) is not None), (None, None))
            if k is None:  # edited beyond recognition: line for line
                out.append(i + 1)
                i, j = i + 1, j + 1
            else:  # lines i .. p - 1 became b[j:k] (all given the first of them, the include)
                out.extend([i + 1] * (k - j))
                i, j = p, k
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


#: the class a code highlighter gives a ``cnn`` fence it shows as code
_LITERAL_CNN = re.compile(r'class="(?:[^"]*\s)?language-(cnn(?:-reference)?)[\s"]')


class LiteralFences(Postprocessor):
    """The last guard: a ``cnn`` fence that reached the page as a literal code block (a fence opener read
    otherwise by the extension and by the fenced-code extension) is reported, never left silently."""

    def __init__(self, md: Markdown, extension: CnnSummaryExtension) -> None:
        super().__init__(md)
        self.extension = extension

    def run(self, text: str) -> str:
        if "language-cnn" not in text:  # the usual page, read at the speed of a substring search
            return text
        found = _LITERAL_CNN.findall(text)
        if found:
            self.extension.report(Problem(_("{found} ```{found2} fence{value} of this page shown as literal code: the "
                                            "fence before it may not be closed, or its opening line is not a fence "
                                            "for the extension that renders it", found=len(found), found2=found[0],
                                            value=
                                                    's' if len(found) > 1 else '')),
                                  None)
        return text


class BlockSlots(Postprocessor):
    """Puts each block's HTML into the page once Python-Markdown has put back its own stash.

    Python-Markdown reads every stashed piece of HTML again with a pattern that stops at each ``<``, and a
    table is mostly tags: the stash holds a short slot for each block instead (block-level when the HTML is, so the
    paragraph around it is kept or dropped alike), filled here in one pass over the page.
    """

    def __init__(self, md: Markdown, extension: CnnSummaryExtension) -> None:
        super().__init__(md)
        self.extension = extension

    def run(self, text: str) -> str:
        slots = self.extension.slots
        if not slots:
            return text

        def fill(m: re.Match[str]) -> str:
            html = slots.pop(int(m.group(1) or m.group(2)), None)
            return m.group(0) if html is None else html

        return _SLOT.sub(fill, text)


class CnnFencePreprocessor(Preprocessor):
    """Locates ``cnn`` fences; registers the SuperFences fence or, without SuperFences, renders them."""

    def __init__(self, md: Markdown, extension: CnnSummaryExtension) -> None:
        super().__init__(md)
        self.extension = extension

    def run(self, lines: list[str]) -> list[str]:
        try:
            return self._run(lines)
        except StrictBuildError:  # strict: true stops the build at the first block that needs fixing
            raise
        except Exception:  # a defect in reading the page must not abort the build, nor pass unsaid
            log.debug("internal error while looking for cnn fences", exc_info=True)
            self.extension.report(Problem(_("internal error while looking for ```cnn fences on this page; please "
                                            "report it with the page")), None)
            return lines

    def _run(self, lines: list[str]) -> list[str]:
        ext = self.extension
        unclosed: list[tuple[int, str]] = []
        hidden: list[tuple[int, str, int]] = []
        found = list(find_fences(lines, unclosed, hidden))
        fences = [f for f in found if f.lang == LANGUAGE]
        references = [f for f in found if f.lang == REFERENCE]
        unclosed = [u for u in unclosed if u[1] == LANGUAGE]
        hidden = [h for h in hidden if h[1] in (LANGUAGE, REFERENCE)]
        ext.locations.clear()
        ext.reference_lines.clear()
        if not fences and not unclosed and not hidden and not references:
            return lines
        source = ext.source_lines or lines
        line_of = source_line_map(source, lines) if source != lines else list(range(1, len(lines) + 1))
        for start, _ignored in unclosed:
            ext.report(Problem(_("the ```cnn fence is never closed (the page or its list, quote or note ends first); "
                                 "end the block with a line of ``` at the indentation of the opening one")),
                       line_of[start])
        for start, lang, opener in hidden:
            ext.report(Problem(_("this ```{lang} fence is shown as text: it is inside the fence opened on line "
                                 "{line_of}, which is never closed; close that fence", lang=lang,
                                 line_of=line_of[opener])), line_of[start])
        ext.reference_lines.extend(line_of[f.start] for f in references)
        spans = {id(f): line_of[f.start:f.end] for f in fences}
        if ext.attach_to_superfences(self.md):
            rejected = {id(f) for f in _rejected_by_superfences(self.md, lines, fences)}
            for fence in fences:
                if id(fence) in rejected:
                    ext.report(Problem(_('SuperFences cannot read this fence header; write options as key="value" '
                                         'separated by spaces, with _ instead of -')), line_of[fence.start])
                else:
                    ext.locations[body_key(fence.body)].append(spans[id(fence)])
            fences = [f for f in fences if id(f) in rejected]  # rendered here, as SuperFences would leave them
        html = [self.md.htmlStash.store(ext.format_block("\n".join(f.body), f.info, spans[id(f)])) for f in fences]
        return replace_fences(lines, fences, html)


def replace_fences(lines: list[str], fences: list[Fence], placeholders: list[str]) -> list[str]:
    """The lines with each fence (in page order) replaced by its placeholder, in one pass."""
    if not fences:
        return lines
    out: list[str] = []
    position = 0
    for fence, placeholder in zip(fences, placeholders, strict=True):
        blank = fence.indent.rstrip(" \t")
        out.extend(lines[position:fence.start])
        out.extend([blank, fence.indent + placeholder, blank])
        position = fence.end + 1
    out.extend(lines[position:])
    return out


class CnnSummaryExtension(Extension):
    """Render ``cnn`` fences as summary tables with worked calculations."""

    def __init__(self, **kwargs: Any) -> None:
        self.config = {
            "worked": ["collapsed", "Default worked mode: collapsed, expanded, table or none"],
            "columns": ["", "Default columns, e.g. 'index layer output_shape params'; empty = automatic"],
            "framework": ["", "Framework of specs without a framework key: keras, pytorch or lasagne"],
            "style": ["", "Table style: keras, torchinfo or nolearn; empty = the framework's own"],
            "title": ["", "Default caption when a block has neither title nor name"],
            "batch": ["", "Batch size of the operation counts and memory (default 1)"],
            "dtype": ["", "Value type of the memory estimate: float32, float16, bfloat16, int8, float64"],
            "units": ["", "Memory units: MB (10⁶ bytes) or MiB (2²⁰ bytes)"],
            "warnings": ["", "Design warnings: on, off, or -kind to silence one kind"],
            "diagram": ["", "Default diagram: none, above, below or only; vertical or horizontal; auto or layered"],
            "fold": ["", "Block instances of compact specs: blocks (foldable rows), open or none; empty = blocks"],
            "language": ["", "Language of headings, worked steps and messages: en or zh (zh_CN, zh-Hans); empty = en"],
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
        self.reference_lines: deque[int] = deque()  # page lines of the cnn-reference fences, in order
        self.source_lines: list[str] = []
        self.renderer = BlockRenderer()
        self.md: Markdown | None = None
        self.styled = False  # whether this page already has the stylesheet
        self._page: tuple[list[str], PageLocation] | None = None  # (the page's lines, where it is)
        self.slots: dict[int, str] = {}  # the HTML of the blocks whose slot is not yet filled (BlockSlots)
        self._next_slot = 0

    def extendMarkdown(self, md: Markdown) -> None:
        md.registerExtension(self)
        self.md = md
        from ..block import parse_options

        if self.getConfig("stylesheet") not in STYLESHEET_MODES:
            raise ValueError(f"cnnsummary: stylesheet must be one of {', '.join(STYLESHEET_MODES)}, "
                             f"not {self.getConfig('stylesheet')!r}")

        names = ("worked", "columns", "framework", "style", "title", "diagram", "fold", "depth", "batch", "dtype",
                 "units", "warnings", "language")
        defaults = {k: self.getConfig(k) for k in names if self.getConfig(k)}
        cache = self.getConfig("cache")
        watch = self.getConfig("watch")
        site_defaults = replace(parse_options(defaults, FenceOptions()), framework_given=False)  # a default only
        self.renderer = BlockRenderer(site_defaults,
                                      cache if isinstance(cache, MutableMapping) else None,
                                      self.getConfig("base_dir") or None, watch if callable(watch) else None,
                                      keep_outcome=False)  # a page shows the HTML only
        md.preprocessors.register(CnnFencePreprocessor(md, self), "cnnsummary", PRIORITY)
        md.preprocessors.register(SourceLinesPreprocessor(md, self), "cnnsummary-source", SOURCE_PRIORITY)
        md.treeprocessors.register(BlockParagraphs(md), "cnnsummary-paragraphs", PARAGRAPHS_PRIORITY)
        md.postprocessors.register(LiteralFences(md, self), "cnnsummary-literal", LITERAL_PRIORITY)
        md.postprocessors.register(BlockSlots(md, self), SLOTS, SLOT_PRIORITY)
        from .reference_fence import register as register_reference_fence

        register_reference_fence(md)  # the ```cnn-reference fence (the layer reference)

    def reset(self) -> None:
        self.locations.clear()
        self.reference_lines.clear()
        self.source_lines = []
        self.styled = False
        self.slots.clear()

    def take_reference_line(self) -> int | None:
        """The page line of the next ``cnn-reference`` fence not yet rendered."""
        return self.reference_lines.popleft() if self.reference_lines else None

    # rendering and reporting ---------------------------------------------------------
    def format_block(self, source: str, header: dict[str, str] | str, lines: int | list[int] | None) -> str:
        """The HTML of one block; problems go to the reporter with the line in the Markdown text.

        ``header``: the options (SuperFences read them) or the header's text; ``lines``: the line of the
        fence in the page, or the page lines of the fence and each body line.
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
        return self.slot(self.with_stylesheet(result.html))

    def slot(self, html: str) -> str:
        """What the stash keeps of a block's HTML: a slot that ``BlockSlots`` fills, when it runs."""
        md = self.md
        if md is None or SLOTS not in md.postprocessors:  # a formatter called without the extension's postprocessor
            return html
        n = self._next_slot
        self._next_slot += 1
        self.slots[n] = html
        raw = md.postprocessors["raw_html"] if "raw_html" in md.postprocessors else None  # noqa: SIM401 (no .get)
        # the slot is block-level exactly when the HTML is, as Python-Markdown tells: the paragraph around it
        # is dropped or kept alike
        if raw is None or raw.isblocklevel(html):
            return f"<div>\x02cnnsummary-block:{n}\x03</div>"
        return f"\x02cnnsummary:{n}\x03"

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
            where = printable(page.where(line) or "")
            message = f"{where}: cnn block: {problem.describe()}" if where else f"cnn block: {problem.describe()}"
            log.warning("%s", message)
        if self.getConfig("strict"):
            if page.platform == "zensical":
                _end_without_traceback()
            raise strict_error(f"{message} (the cnnsummary setting strict: true stops the build at the first "
                               "block that needs fixing)")

    def page(self) -> PageLocation:
        """The page being converted, as far as the platform tells (Zensical does; bare Python-Markdown does not).

        Worked out once per page: a page with thousands of problems reads its file once.
        """
        if self._page is None or self._page[0] is not self.source_lines:
            self._page = (self.source_lines, locate_page(self.md, self.source_lines))
        return self._page[1]

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

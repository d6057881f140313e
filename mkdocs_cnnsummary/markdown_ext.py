"""Python-Markdown extension: ```` ```cnn ```` and ``~~~cnn`` fences become summary tables.

``markdown.markdown(text, extensions=["cnnsummary"])`` is enough.  With
``pymdownx.superfences`` loaded, the extension registers ``cnn`` as one of its
custom fences (so fences nest in lists, admonitions and tabs the SuperFences
way, and nothing is needed in YAML); without it, a preprocessor that runs
before ``fenced_code`` renders ``cnn`` fences at any indentation itself and
leaves every other fence, and anything inside another fence, alone.
"""

from __future__ import annotations

import inspect
import logging
import re
from collections import defaultdict, deque
from collections.abc import Callable, Iterator, MutableMapping
from dataclasses import dataclass
from typing import Any

from markdown import Markdown
from markdown.extensions import Extension
from markdown.preprocessors import Preprocessor

from .fence import BlockRenderer, FenceOptions, Problem, split_header

LANGUAGE = "cnn"
#: after whitespace normalisation (30), before the fenced-code preprocessors (25)
PRIORITY = 28

#: ``report(problem, line)``: ``line`` is the line in the Markdown text (1-based) or None
Reporter = Callable[[Problem, "int | None"], None]

log = logging.getLogger("mkdocs_cnnsummary")

_FENCE_START = re.compile(r"^(?P<indent>(?:[ \t]*>)*[ \t]*)(?P<fence>`{3,}|~{3,})[ \t]*(?P<info>[^\n]*?)[ \t]*$")
_LANG = re.compile(r"^\{?[ \t]*\.?(?P<lang>[\w#.+-]+)")


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
    if info.lstrip().startswith("{") and rest.endswith("}"):
        rest = rest[:-1]
    return m.group("lang"), rest


def _strip_indent(line: str, indent: str) -> str | None:
    """The line without the fence's indentation; None when it is not inside the fence's container."""
    if line.startswith(indent):
        return line[len(indent):]
    if not line.strip() or line.strip() == indent.strip():
        return ""
    return None


def find_fences(lines: list[str]) -> Iterator[Fence]:
    """Every complete fenced block, outermost only (fences inside fences are content)."""
    i = 0
    while i < len(lines):
        m = _FENCE_START.match(lines[i])
        if not m or (m.group("fence")[0] == "`" and "`" in m.group("info")):
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


def _default_report(problem: Problem, line: int | None) -> None:
    where = f"line {line}: " if line is not None else ""
    log.warning("%scnn block: %s", where, problem.describe())


class CnnFencePreprocessor(Preprocessor):
    """Locates ``cnn`` fences; registers the SuperFences fence or, without SuperFences, renders them."""

    def __init__(self, md: Markdown, extension: CnnSummaryExtension) -> None:
        super().__init__(md)
        self.extension = extension

    def run(self, lines: list[str]) -> list[str]:
        ext = self.extension
        fences = [f for f in find_fences(lines) if f.lang == LANGUAGE]
        ext.locations.clear()
        for fence in fences:
            ext.locations[body_key(fence.body)].append(fence.start + 1)
        if ext.attach_to_superfences(self.md):
            return lines
        placeholders = [self.md.htmlStash.store(ext.format_block("\n".join(f.body), split_header(f.info), f.start + 1))
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
            "report": ["", "Callable report(problem, line) for blocks that need fixing; default: log a warning"],
            "cache": ["", "A mapping reused across pages to remember rendered blocks"],
        }
        super().__init__(**kwargs)
        self.locations: defaultdict[tuple[str, ...], deque[int]] = defaultdict(deque)
        self.renderer = BlockRenderer()

    def extendMarkdown(self, md: Markdown) -> None:
        md.registerExtension(self)
        from .fence import parse_options

        defaults = {k: self.getConfig(k) for k in ("worked", "columns", "framework", "style", "title")
                    if self.getConfig(k)}
        cache = self.getConfig("cache")
        self.renderer = BlockRenderer(parse_options(defaults, FenceOptions()),
                                      cache if isinstance(cache, MutableMapping) else None)
        md.preprocessors.register(CnnFencePreprocessor(md, self), "cnnsummary", PRIORITY)
        from .reference_fence import register as register_reference_fence

        register_reference_fence(md)  # the ```cnn-reference fence (the layer reference)

    def reset(self) -> None:
        self.locations.clear()

    # rendering and reporting ---------------------------------------------------------
    def format_block(self, source: str, header: dict[str, str], fence_line: int | None) -> str:
        """The HTML of one block; problems go to the reporter with the line in the Markdown text."""
        result = self.renderer.render(source, header)
        if result.problem is not None:
            problem = result.problem
            line = fence_line + problem.line if fence_line is not None and problem.line else fence_line
            report: Reporter = self.getConfig("report") or _default_report
            report(problem, line)
        return result.html

    def take_location(self, source: str) -> int | None:
        """The line of the next not yet rendered fence with this body (SuperFences gives no lines)."""
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

    Uses the loaded ``cnnsummary`` extension when there is one (its defaults and reporter).
    """
    ext = md.registeredExtensions if md is not None else []
    for candidate in ext:
        if isinstance(candidate, CnnSummaryExtension):
            return candidate.superfences_formatter(source, language, options, md, **kwargs)
    return CnnSummaryExtension().superfences_formatter(source, language, options, md, **kwargs)


def makeExtension(**kwargs: Any) -> CnnSummaryExtension:
    """Entry for ``markdown.markdown(text, extensions=["mkdocs_cnnsummary.markdown_ext"])``."""
    return CnnSummaryExtension(**kwargs)


__all__ = ["CnnSummaryExtension", "fence_format", "find_fences", "makeExtension", "validator"]

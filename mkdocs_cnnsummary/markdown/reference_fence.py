"""The ```` ```cnn-reference ```` fence: the layer reference, generated when the page is built.

Usage in a page (the body is empty)::

    ```cnn-reference
    ```

    ```cnn-reference framework="keras"
    ```

The ``cnnsummary`` extension calls :func:`register`; the module is also a Markdown
extension of its own.  The fence becomes Markdown headings (one per framework,
family and layer type, with the ids ``ref-keras``, ``ref-keras-convolution-layers``,
``ref-keras-conv2d``), so the page gets a table of contents and one search entry
per layer, each followed by its HTML.  ``FENCE``, a SuperFences ``custom_fences``
entry, gives the same HTML in one piece, without the table of contents.
"""

from __future__ import annotations

import html
import logging
import re
from typing import Any
from xml.etree import ElementTree

from markdown import Markdown
from markdown.extensions import Extension
from markdown.preprocessors import Preprocessor
from markdown.treeprocessors import Treeprocessor

from ..block import Problem
from ..engine.errors import printable, shown
from ..engine.framework import FRAMEWORK_MODULES
from ..render.reference import reference_sections, render_reference
from .extension import StrictBuildError

NAME = "cnn-reference"
OPTIONS = ("framework",)
#: with the ``cnn`` fence: after whitespace normalisation (30), before the fenced-code preprocessors (25)
PRIORITY = 28
#: after the inline patterns (20), before attr_list (8) and toc (5), which keeps the ids it finds
IDS_PRIORITY = 9

log = logging.getLogger("mkdocs.plugins.cnnsummary")


def parse_frameworks(value: str | None) -> tuple[str, ...] | None:
    """``"keras, pytorch"`` -> ("keras", "pytorch"); ValueError names an unknown one."""
    if not value:
        return None
    names = tuple(n.strip().lower() for n in value.replace(",", " ").split())
    for name in names:
        if name not in FRAMEWORK_MODULES:
            raise ValueError(f"unknown framework {shown(name)} in the cnn-reference fence; "
                             f"use one of {', '.join(FRAMEWORK_MODULES)}")
    return names


def validator(language: str, inputs: dict[str, str], options: dict[str, Any], attrs: dict[str, Any],
              md: Any = None) -> bool:
    """Keep the header options (checked when rendering, so a mistake is reported, not silently dropped)."""
    options.update(inputs)
    return True


def check_options(options: dict[str, Any]) -> tuple[str, ...] | None:
    """The frameworks the fence asks for (None: all installed ones); ValueError for a wrong option."""
    unknown = [k for k in options if k not in OPTIONS]
    if unknown:
        raise ValueError(f"unknown option {shown(unknown[0])} in the cnn-reference fence; "
                         f"options: {', '.join(OPTIONS)}")
    return parse_frameworks(options.get("framework"))


def error_box(exc: Exception) -> str:
    return (f'<div class="admonition failure"><p class="admonition-title">Layer reference</p>'
            f"<p>{html.escape(printable(str(exc)))}</p></div>")


def _problem(exc: Exception) -> tuple[Problem, str]:
    """The problem to report and the box to show for a fence that cannot be rendered: a wrong option, or
    (never silently) a defect of the reference itself."""
    if isinstance(exc, ValueError):  # a wrong option (SpecError included: a header that does not read)
        return Problem(str(exc)), error_box(exc)
    log.debug("internal error in a cnn-reference fence", exc_info=True)
    text = f"internal error while rendering the layer reference ({type(exc).__name__}: {printable(str(exc), 60)})"
    return Problem(text), error_box(Exception(text))


def _report(md: Any, problem: Problem, line: int | None) -> None:
    """Through the ``cnnsummary`` extension (page and line, strict), or as a warning."""
    ext = _extension(md)
    if ext is not None:
        ext.report(problem, line)
    else:
        log.warning("%s", problem.describe())


def _extension(md: Any) -> Any:
    from .extension import CnnSummaryExtension

    return next((e for e in getattr(md, "registeredExtensions", None) or () if isinstance(e, CnnSummaryExtension)),
                None)


def formatter(src: str = "", language: str = NAME, class_name: str = "", options: dict[str, Any] | None = None,
              md: Any = None, **_kwargs: Any) -> str:
    """The reference HTML for the fence's frameworks (all installed ones by default), for ``custom_fences``.

    Works called positionally as a ``custom_fences`` formatter ``(src, language, class_name, options, md)``
    and with keywords as an ``extend_super_fences`` one.  A wrong option is reported (through the
    ``cnnsummary`` extension when it is loaded, else as a warning, so ``mkdocs build --strict`` fails) and
    shown in place.
    """
    try:
        return render_reference(check_options(options or {}))
    except Exception as exc:
        if isinstance(exc, StrictBuildError):
            raise
        problem, box = _problem(exc)
        _report(md, problem, None)
        return box


def _markdown_text(text: str) -> str:
    """``text`` with Markdown's special characters escaped (a heading shows it as written)."""
    return re.sub(r"([\\`*_{}\[\]()#+!<>|~-])", r"\\\1", text)


class ReferencePreprocessor(Preprocessor):
    """Turns each fence into Markdown headings, each followed by its HTML (the fences are never SuperFences')."""

    def __init__(self, md: Markdown) -> None:
        super().__init__(md)
        self.anchors: list[tuple[str, str]] = []  # (heading text, id), in page order

    def run(self, lines: list[str]) -> list[str]:
        from ..block import split_header
        from .extension import find_fences

        self.anchors = []
        if NAME not in "\n".join(lines):  # most pages: no reference fence (the language is written as it is)
            return lines
        ext = _extension(self.md)
        fences = [f for f in find_fences(lines) if f.lang == NAME]
        rendered: dict[int, list[str]] = {}
        shown_on_page: dict[str, int | None] = {}  # framework -> line of the fence that shows it
        for fence in fences:
            line = ext.take_reference_line() if ext is not None else fence.start + 1
            try:
                asked = check_options(split_header(fence.info))
                frameworks = asked or tuple(FRAMEWORK_MODULES)
                again = [name for name in frameworks if name in shown_on_page]
                if again:  # the same headings and ids twice, and the page grows by a reference per fence
                    raise ValueError(f"the {again[0]} reference is already on this page (line "
                                     f"{shown_on_page[again[0]]}); show each framework's reference once")
                shown_on_page.update((name, line) for name in frameworks)
                sections = reference_sections(asked)
            except Exception as exc:
                if isinstance(exc, StrictBuildError):
                    raise
                problem, box = _problem(exc)
                _report(self.md, problem, line)
                rendered[fence.start] = [self.md.htmlStash.store(box)]
                continue
            out: list[str] = []
            for i, section in enumerate(sections):
                body = ext.with_stylesheet(section.html) if ext is not None and i == 0 else section.html
                if section.title is not None:
                    out += ["#" * section.level + " " + _markdown_text(section.title), ""]
                    self.anchors.append((section.title, section.anchor))
                out += [self.md.htmlStash.store(body), ""]
            rendered[fence.start] = out
        out_lines: list[str] = []
        position = 0
        for fence in fences:  # in one pass: a slice assignment per fence would cost the page's length each
            blank = fence.indent.rstrip(" \t")
            out_lines += lines[position:fence.start]
            out_lines += [blank, *(fence.indent + text if text else blank for text in rendered[fence.start]), blank]
            position = fence.end + 1
        return out_lines + lines[position:]


def _unescaped(element: ElementTree.Element) -> str:
    """A heading's text as shown: Markdown keeps an escaped character (``affine\\_grid``) as ``STX code ETX`` until
    its last step."""
    return re.sub("\x02(\\d+)\x03", lambda m: chr(int(m.group(1))), "".join(element.itertext()))


class HeadingIds(Treeprocessor):
    """Gives the reference's headings their ids (``ref-keras-conv2d``) before the toc extension names them."""

    def __init__(self, md: Markdown, source: ReferencePreprocessor) -> None:
        super().__init__(md)
        self.source = source

    def run(self, root: ElementTree.Element) -> None:
        pending = list(self.source.anchors)
        if not pending:
            return
        for element in root.iter():
            if not pending:
                return
            if element.tag in ("h1", "h2", "h3", "h4", "h5", "h6") and _unescaped(element) == pending[0][0]:
                element.set("id", pending.pop(0)[1])


def register(md: Markdown) -> None:
    """Make ```` ```cnn-reference ```` work in ``md`` (one call from another extension's extendMarkdown)."""
    preprocessor = ReferencePreprocessor(md)
    md.preprocessors.register(preprocessor, "cnnsummary-reference", PRIORITY)
    md.treeprocessors.register(HeadingIds(md, preprocessor), "cnnsummary-reference-ids", IDS_PRIORITY)


class ReferenceExtension(Extension):
    """``markdown_extensions: [mkdocs_cnnsummary.markdown.reference_fence]`` on its own."""

    def extendMarkdown(self, md: Markdown) -> None:
        register(md)


def makeExtension(**kwargs: Any) -> ReferenceExtension:
    return ReferenceExtension(**kwargs)


#: what a SuperFences ``custom_fences`` entry or ``extend_super_fences`` call needs
FENCE = {"name": NAME, "class": "cnnsummary-reference", "validator": validator, "format": formatter}

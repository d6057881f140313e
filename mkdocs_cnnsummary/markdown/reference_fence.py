"""The ```` ```cnn-reference ```` fence: the layer reference, generated when the page is built.

Usage in a page (the body is empty)::

    ```cnn-reference
    ```

    ```cnn-reference framework="keras"
    ```

The ``cnnsummary`` extension calls :func:`register`; the module is also a Markdown
extension of its own, and ``FENCE`` is a SuperFences ``custom_fences`` entry.
"""

from __future__ import annotations

import inspect
import logging
from typing import Any

from markdown import Markdown
from markdown.extensions import Extension
from markdown.preprocessors import Preprocessor

from ..block import render_reference_block
from .extension import REFERENCE

NAME = REFERENCE
#: with the ``cnn`` fence: after whitespace normalisation (30), before the fenced-code preprocessors (25)
PRIORITY = 28

log = logging.getLogger("mkdocs.plugins.cnnsummary")


def validator(language: str, inputs: dict[str, str], options: dict[str, Any], attrs: dict[str, Any],
              md: Any = None) -> bool:
    """Keep the header options (checked when rendering, so a mistake is reported, not silently dropped)."""
    options.update(inputs)
    return True


def formatter(src: str = "", language: str = NAME, class_name: str = "",
              options: dict[str, Any] | str | None = None, md: Any = None, **_kwargs: Any) -> str:
    """The reference HTML for the fence's frameworks (all installed ones by default).

    Works called positionally as a ``custom_fences`` formatter ``(src, language, class_name, options, md)``
    and with keywords as an ``extend_super_fences`` one; ``options`` may also be the header's text.  A wrong
    option is shown in place and reported
    (with the page and line through the ``cnnsummary`` extension, so ``mkdocs build --strict`` fails).
    """
    extension = _extension(md)
    line = extension.take_reference_line() if extension is not None else None
    result = render_reference_block(options or {})
    if result.problem is not None:
        if extension is not None:
            extension.report(result.problem, line)
        else:
            log.warning("%s", result.problem.describe())
    return result.html


def _extension(md: Any) -> Any:
    """The ``cnnsummary`` extension of ``md``, which knows the lines of the page and how to report."""
    from .extension import CnnSummaryExtension

    for candidate in getattr(md, "registeredExtensions", None) or ():
        if isinstance(candidate, CnnSummaryExtension):
            return candidate
    return None


class ReferencePreprocessor(Preprocessor):
    """Registers the fence with SuperFences, or renders the fences itself when SuperFences is absent."""

    def run(self, lines: list[str]) -> list[str]:
        if attach_to_superfences(self.md):
            return lines
        from .extension import find_fences, replace_fences

        fences = [f for f in find_fences(lines) if f.lang == NAME]
        if not fences:
            return lines
        html = [self.md.htmlStash.store(formatter(options=f.info, md=self.md)) for f in fences]  # in page order
        return replace_fences(lines, fences, html)


def attach_to_superfences(md: Markdown) -> bool:
    """Add the fence to SuperFences (once per Markdown instance); False when SuperFences is not loaded."""
    try:
        superfences = getattr(md.preprocessors["fenced_code_block"], "extension", None)
    except KeyError:
        return False
    if superfences is None or not hasattr(superfences, "extend_super_fences"):
        return False
    if not any(entry.get("name") == NAME for entry in superfences.superfences):
        if "reset" in inspect.signature(superfences.extend_super_fences).parameters:  # pymdown-extensions >= 12.1
            superfences.extend_super_fences(NAME, formatter, validator, _no_reset)
        else:
            superfences.extend_super_fences(NAME, formatter, validator)
    return True


def _no_reset(md: Markdown) -> None:
    """Nothing to reset per document."""


def register(md: Markdown) -> None:
    """Make ```` ```cnn-reference ```` work in ``md`` (one call from another extension's extendMarkdown)."""
    md.preprocessors.register(ReferencePreprocessor(md), "cnnsummary-reference", PRIORITY)


class ReferenceExtension(Extension):
    """``markdown_extensions: [mkdocs_cnnsummary.markdown.reference_fence]`` on its own."""

    def extendMarkdown(self, md: Markdown) -> None:
        register(md)


def makeExtension(**kwargs: Any) -> ReferenceExtension:
    return ReferenceExtension(**kwargs)


#: what a SuperFences ``custom_fences`` entry or ``extend_super_fences`` call needs
FENCE = {"name": NAME, "class": "cnnsummary-reference", "validator": validator, "format": formatter}

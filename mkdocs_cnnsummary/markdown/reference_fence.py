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

import html
import inspect
import logging
from typing import Any

from markdown import Markdown
from markdown.extensions import Extension
from markdown.preprocessors import Preprocessor

from ..engine.framework import FRAMEWORK_MODULES
from ..render.reference import render_reference

NAME = "cnn-reference"
OPTIONS = ("framework",)
#: with the ``cnn`` fence: after whitespace normalisation (30), before the fenced-code preprocessors (25)
PRIORITY = 28

log = logging.getLogger("mkdocs.plugins.cnnsummary")


def parse_frameworks(value: str | None) -> tuple[str, ...] | None:
    """``"keras, pytorch"`` -> ("keras", "pytorch"); ValueError names an unknown one."""
    if not value:
        return None
    names = tuple(n.strip().lower() for n in value.replace(",", " ").split())
    for name in names:
        if name not in FRAMEWORK_MODULES:
            raise ValueError(f"unknown framework {name!r} in the cnn-reference fence; "
                             f"use one of {', '.join(FRAMEWORK_MODULES)}")
    return names


def validator(language: str, inputs: dict[str, str], options: dict[str, Any], attrs: dict[str, Any],
              md: Any = None) -> bool:
    """Keep the header options (checked when rendering, so a mistake is reported, not silently dropped)."""
    options.update(inputs)
    return True


def formatter(src: str = "", language: str = NAME, class_name: str = "", options: dict[str, Any] | None = None,
              md: Any = None, **_kwargs: Any) -> str:
    """The reference HTML for the fence's frameworks (all installed ones by default).

    Works called positionally as a ``custom_fences`` formatter ``(src, language, class_name, options, md)``
    and with keywords as an ``extend_super_fences`` one.  A wrong option is logged as a warning (so
    ``mkdocs build --strict`` fails) and shown in place.
    """
    options = options or {}
    try:
        unknown = [k for k in options if k not in OPTIONS]
        if unknown:
            raise ValueError(f"unknown option {unknown[0]!r} in the cnn-reference fence; "
                             f"options: {', '.join(OPTIONS)}")
        return render_reference(parse_frameworks(options.get("framework")))
    except ValueError as exc:
        log.warning("%s", exc)
        return (f'<div class="admonition failure"><p class="admonition-title">Layer reference</p>'
                f"<p>{html.escape(str(exc))}</p></div>")


class ReferencePreprocessor(Preprocessor):
    """Registers the fence with SuperFences, or renders the fences itself when SuperFences is absent."""

    def run(self, lines: list[str]) -> list[str]:
        if attach_to_superfences(self.md):
            return lines
        from ..block import split_header
        from .extension import find_fences

        for fence in reversed([f for f in find_fences(lines) if f.lang == NAME]):
            placeholder = self.md.htmlStash.store(formatter(options=split_header(fence.info)))
            blank = fence.indent.rstrip(" \t")
            lines[fence.start:fence.end + 1] = [blank, fence.indent + placeholder, blank]
        return lines


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

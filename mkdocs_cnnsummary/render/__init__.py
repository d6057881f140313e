"""Renderers: a computed Summary as text (like Keras' ``model.summary()``) or Markdown.

They take a :class:`~mkdocs_cnnsummary.engine.summary.Summary` and never parse a spec.  The names below are
imported when first used: the command's text table does not load the Markdown renderer.
"""

from __future__ import annotations

__all__ = ["BYTES_PER_PARAM", "SIZE_ASSUMPTION", "readable_size", "render_markdown", "render_text"]

TYPE_CHECKING = False
if TYPE_CHECKING:
    from .formatting import BYTES_PER_PARAM, SIZE_ASSUMPTION, readable_size
    from .markdown import render_markdown
    from .text import render_text

#: public name -> module that defines it
_LAZY = {"BYTES_PER_PARAM": "formatting", "SIZE_ASSUMPTION": "formatting", "readable_size": "formatting",
         "render_markdown": "markdown", "render_text": "text"}


def __getattr__(name: str) -> object:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from importlib import import_module

    value = getattr(import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})

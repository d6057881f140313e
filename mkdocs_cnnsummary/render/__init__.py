"""Renderers: a computed Summary as text (like Keras' ``model.summary()``) or Markdown.

They take a :class:`~mkdocs_cnnsummary.engine.summary.Summary` and never parse a spec.
"""

from __future__ import annotations

from .formatting import BYTES_PER_PARAM, SIZE_ASSUMPTION, readable_size
from .markdown import render_markdown
from .text import render_text

__all__ = ["BYTES_PER_PARAM", "SIZE_ASSUMPTION", "readable_size", "render_markdown", "render_text"]

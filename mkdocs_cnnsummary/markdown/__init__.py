"""Python-Markdown: ```` ```cnn ```` fences (and ```` ```cnn-reference ````) become summary tables.

``markdown.markdown(text, extensions=["cnnsummary"])`` (the entry point) or
``extensions=["mkdocs_cnnsummary.markdown"]``.
"""

from __future__ import annotations

from .extension import CnnSummaryExtension, fence_format, find_fences, makeExtension, validator

__all__ = ["CnnSummaryExtension", "fence_format", "find_fences", "makeExtension", "validator"]

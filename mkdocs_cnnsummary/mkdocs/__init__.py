"""MkDocs: the ``cnnsummary`` plugin (adds the Markdown extension and the stylesheet, reports by page and line)."""

from __future__ import annotations

from .plugin import CnnSummaryConfig, CnnSummaryPlugin

__all__ = ["CnnSummaryConfig", "CnnSummaryPlugin"]

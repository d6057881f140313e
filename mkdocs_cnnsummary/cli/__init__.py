"""The ``cnnsummary`` command (also ``python -m mkdocs_cnnsummary``)."""

from __future__ import annotations

from .main import main

__all__ = ["main"]

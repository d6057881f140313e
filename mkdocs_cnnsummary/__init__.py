"""mkdocs-cnnsummary: exact, explained shape and parameter tables for neural networks."""

from __future__ import annotations

from .engine import SpecError, Summary
from .reading import summarize

__version__ = "0.1.0"
__all__ = ["SpecError", "Summary", "__version__", "summarize"]

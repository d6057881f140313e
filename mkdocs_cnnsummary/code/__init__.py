"""Reading model code statically (placeholder docstring, completed below)."""

from __future__ import annotations

from .reader import CodeReading, read_code

__all__ = ["CodeReading", "read_code"]

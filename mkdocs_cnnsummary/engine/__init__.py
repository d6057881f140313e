"""The shape/parameter engine: pure Python, no Markdown, MkDocs or Jinja.

>>> summary = summarize("input: [28, 28, 1]\\nlayers:\\n  - Conv2D: [32, 3]\\n")
>>> summary.layers[0].params
320
"""

from __future__ import annotations

import gc
from typing import Any

from .errors import SpecError
from .expect import check_expectations
from .network import build_summary
from .spec import NetworkSpec, parse_spec
from .summary import InputRecord, LayerRecord, Notice, Step, Summary, Weight

__all__ = [
    "InputRecord",
    "LayerRecord",
    "NetworkSpec",
    "Notice",
    "SpecError",
    "Step",
    "Summary",
    "Weight",
    "build_summary",
    "parse_spec",
    "summarize",
]


def summarize(spec: str | dict[str, Any], *, framework: str | None = None) -> Summary:
    """Compute a network described by ``spec`` (YAML text or a dict).

    ``framework`` is the default when the spec has no ``framework:`` key.
    Raises :class:`SpecError` (with line, layer and message) for a wrong spec,
    and for a value under ``expect:`` that differs from the computed one.
    """
    # The work makes many small objects and frees few: the cyclic garbage collector would walk the
    # growing heap again and again (a tenth of the time for ResNet-50, and quadratic for 10,000 layers).
    # Everything here is bounded, so it is switched off for the call and restored after.
    enabled = gc.isenabled()
    gc.disable()
    try:
        net = parse_spec(spec)
        summary = build_summary(net, framework)
        check_expectations(summary, net.expect, net.expect_line)
    finally:
        if enabled:
            gc.enable()
    return summary

"""The shape/parameter engine: pure Python, no Markdown, MkDocs or Jinja.

>>> summary = summarize("input: [28, 28, 1]\\nlayers:\\n  - Conv2D: [32, 3]\\n")
>>> summary.layers[0].params
320
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

from ..i18n import _
from .errors import SpecError
from .network import build_summary
from .spec import NetworkSpec, parse_spec
from .summary import InputRecord, LayerRecord, Notice, Step, Summary, Weight

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

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
    "collector_paused",
    "parse_spec",
    "summarize",
]


def summarize(spec: str | dict[str, Any], *, framework: str | None = None, batch: int = 1,
              assume: dict[str, int] | str | None = None) -> Summary:
    """Compute a network described by ``spec`` (YAML text or a dict).

    ``framework`` is the default when the spec has no ``framework:`` key; operation counts are for
    ``batch`` samples (a batch size fixed in the spec's input wins).  ``assume`` gives values to the
    names of input sizes (``{"H": 224}`` or ``"H=224,W=224"``), over the spec's own ``assume:``.
    Raises :class:`SpecError` (with line, layer and message) for a wrong spec,
    and for a value under ``expect:`` that differs from the computed one.
    """
    if isinstance(batch, bool) or not isinstance(batch, int) or batch < 1:
        raise SpecError(_("the batch size must be a positive whole number, got {batch!r}", batch=batch),
                        hint=_("e.g. batch=8"))
    with collector_paused():
        net = parse_spec(spec)
        if assume:
            from .symbolic import read_assume

            net.assume = {**net.assume, **read_assume(assume)}
        summary = build_summary(net, framework, batch)
        if net.expect is not None:  # most specs expect nothing: the module is not even imported
            from .expect import check_expectations

            check_expectations(summary, net.expect, net.expect_line)
    return summary


@contextmanager
def collector_paused() -> Iterator[None]:
    """The cyclic garbage collector switched off for a bounded piece of work, and restored after.

    Reading and computing a network makes many small objects and frees few: the collector would walk
    the growing heap again and again (a tenth of the time for ResNet-50, and quadratic for 10,000 layers).
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()

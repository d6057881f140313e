"""``import torchvision`` for the tests, also beside the CPU build of torch that README's command installs.

The test environment installs ``torch==2.13.0`` (a CPU build) and ``torchvision==0.28.0`` from the
package index, whose compiled operators (``torchvision::nms`` ...) are built against the CUDA build
of the same torch and do not load beside the CPU one.  torchvision then registers Python fallbacks
for ``nms`` and ``qnms`` on operators that were never declared, and the import fails with
``operator torchvision::nms does not exist``.  :func:`import_torchvision` declares those two
operators (their schemas as torchvision's C++ code declares them) and imports again; the models,
which are all these tests use, need none of the compiled operators.  Where torchvision imports as it
is (a matching build), nothing is declared.
"""

from __future__ import annotations

import sys
from types import ModuleType

#: the operators torchvision registers Python (fake) kernels for without checking that they exist
SCHEMAS = (
    "nms(Tensor dets, Tensor scores, float iou_threshold) -> Tensor",
    "qnms(Tensor dets, Tensor scores, float iou_threshold) -> Tensor",
)
_LIBRARY = None


def import_torchvision() -> ModuleType:
    """The torchvision module, importable beside a CPU-only torch (see the module docstring)."""
    global _LIBRARY
    try:
        import torchvision
    except RuntimeError as exc:
        if "torchvision::" not in str(exc):
            raise
        for name in [m for m in sys.modules if m == "torchvision" or m.startswith("torchvision.")]:
            del sys.modules[name]
        import torch

        _LIBRARY = torch.library.Library("torchvision", "FRAGMENT")  # kept alive: dropping it undefines
        for schema in SCHEMAS:
            _LIBRARY.define(schema)
        import torchvision
    return torchvision

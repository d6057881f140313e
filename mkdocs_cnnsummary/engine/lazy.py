"""The receptive-field rules as a module whose code runs the first time one of its names is read.

Every layer class refers to :mod:`.receptive` in its ``receptive_field`` method, but only the analyses call
those methods (and the lossy-rounding check, only for networks that can up-sample): a table without a
receptive-field column (``cnnsummary FILE``'s table, a docs page's usual table) never needs the module, one
of the largest of the engine.  ``from ..lazy import receptive`` gives it to the catalogs without importing
it; the standard library's :class:`importlib.util.LazyLoader` loads it on first use, after which it is the
module itself.
"""

from __future__ import annotations

import importlib.util
import sys
from types import ModuleType


def lazy_module(name: str) -> ModuleType:
    """The module ``name``, loaded when one of its names is first read (itself if it is already imported)."""
    module = sys.modules.get(name)
    if module is not None:
        return module
    spec = importlib.util.find_spec(name)
    if spec is None or spec.loader is None:
        raise ImportError(f"no module named {name!r}", name=name)
    spec.loader = importlib.util.LazyLoader(spec.loader)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


receptive = lazy_module(f"{__package__}.receptive")

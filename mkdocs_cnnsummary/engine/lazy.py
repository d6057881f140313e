"""The receptive-field rules, imported the first time one of their names is read.

Every layer class refers to :mod:`.receptive` in its ``receptive_field`` method, but only the analyses call
those methods (and the lossy-rounding check, only for networks that can up-sample): a table without a
receptive-field column (``cnnsummary FILE``'s table, a docs page's usual table) never needs the module, one
of the largest of the engine.  ``from ..lazy import receptive`` gives the catalogs a stand-in that imports
it on first use, through the import system, which makes a second thread wait for the module to be run.
(The standard library's ``importlib.util.LazyLoader`` is not safe when two threads read the first names at
once in every Python version the package supports.)
"""

from __future__ import annotations

import importlib
from types import ModuleType

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


class LazyModule(ModuleType):
    """A module's stand-in: the first name read from it imports the module, whose names it then holds."""

    def __getattr__(self, name: str) -> Any:  # only called for a name the stand-in does not hold yet
        module = importlib.import_module(self.__name__)
        self.__dict__.update(vars(module))
        return getattr(module, name)


receptive = LazyModule(f"{__package__}.receptive")

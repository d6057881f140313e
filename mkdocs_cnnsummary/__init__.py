"""mkdocs-cnnsummary: exact, explained shape and parameter tables for neural networks.

The names below are imported when first used, so that ``import mkdocs_cnnsummary`` (and the command,
which needs a part of the package only) loads no more than it uses.
"""

from __future__ import annotations

__version__ = "0.1.0"
__all__ = ["SpecError", "Summary", "__version__", "summarize"]

TYPE_CHECKING = False
if TYPE_CHECKING:
    from .engine import SpecError, Summary
    from .reading import summarize

#: public name -> module that defines it
_LAZY = {"SpecError": "mkdocs_cnnsummary.engine.errors", "Summary": "mkdocs_cnnsummary.engine.summary",
         "summarize": "mkdocs_cnnsummary.reading"}


def __getattr__(name: str) -> object:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from importlib import import_module

    value = getattr(import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})

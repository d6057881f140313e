"""Framework conventions (Keras, PyTorch, Lasagne): naming, common arguments, layout."""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable
from functools import lru_cache

from ..i18n import _
from .args import Arg
from .errors import SpecError, did_you_mean
from .records import field, record

#: framework name -> module that defines ``FRAMEWORK`` and registers its layers
FRAMEWORK_MODULES = {
    "keras": "mkdocs_cnnsummary.engine.keras",
    "pytorch": "mkdocs_cnnsummary.engine.pytorch",
    "lasagne": "mkdocs_cnnsummary.engine.lasagne",
}


@lru_cache(maxsize=1024)
def to_snake_case(name: str) -> str:
    """Keras' automatic layer name: ``Conv2DTranspose`` -> ``conv2d_transpose``."""
    name = re.sub(r"\W+", "", name)
    name = re.sub("(.)([A-Z][a-z]+)", r"\1_\2", name)
    return re.sub("([a-z])([A-Z])", r"\1_\2", name).lower()


@record(frozen=True)
class Framework:
    """How one framework names, shapes and counts.

    Attributes:
        name: ``keras``, ``pytorch`` or ``lasagne``.
        title: shown to readers ("Keras 3").
        common_args: keyword arguments every layer accepts (``name``, ``dtype`` ...).
        auto_name: type name -> base of the automatic layer name.
        input_name: name of the single input when the spec does not name it.
        channels_first: whether shapes are (N, C, ...) rather than (N, ..., C).
        has_buffers: whether layers report buffers apart from parameters.
        argument_docs: what an argument name means across the framework's layers (``padding``,
            ``strides`` ...), as its own documentation repeats it; a layer's own ``Arg.doc`` wins.
    """

    name: str
    title: str
    common_args: tuple[Arg, ...] = ()
    auto_name: Callable[[str], str] = to_snake_case
    input_name: str = "input"
    channels_first: bool = False
    has_buffers: bool = False
    extras: dict[str, object] = field(default_factory=dict)
    argument_docs: dict[str, str] = field(default_factory=dict)

    def argument_doc(self, arg: Arg) -> str:
        """What ``arg`` means: its own doc, else the framework's meaning of its name."""
        return arg.doc or self.argument_docs.get(arg.name, "")


_LOADED: dict[str, Framework] = {}


def get_framework(name: str) -> Framework:
    """The conventions of a framework, importing its layer catalog on first use."""
    if name in _LOADED:
        return _LOADED[name]
    if name not in FRAMEWORK_MODULES:
        raise SpecError(_("unknown framework {name!r}", name=name),
                        hint=(did_you_mean(name, FRAMEWORK_MODULES) or _("use one of {FRAMEWORK_MODULES}",
                                                                         FRAMEWORK_MODULES=
                                ", ".join(repr(k) for k in FRAMEWORK_MODULES))))
    module = importlib.import_module(FRAMEWORK_MODULES[name])
    _LOADED[name] = module.FRAMEWORK
    return module.FRAMEWORK


def available_frameworks() -> list[str]:
    """Framework names whose catalog is installed."""
    out = []
    for name, module in FRAMEWORK_MODULES.items():
        try:
            importlib.util.find_spec(module)
        except ModuleNotFoundError:  # pragma: no cover
            continue
        if importlib.util.find_spec(module) is not None:
            out.append(name)
    return out

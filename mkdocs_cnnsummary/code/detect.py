"""Is a text a YAML spec or model code, and which framework does code use?

A YAML mapping with ``layers:`` (or a YAML list of layers) is a spec; text that parses as Python and
is not a spec is code.  The framework of code comes from its imports (``keras``, ``tensorflow``,
``tf.keras``, ``lasagne``, ``nolearn``) and, without imports, from the names it uses.
"""

from __future__ import annotations

import ast
import re
import warnings
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .interpreter import TreeFacts

_SPEC_KEY = re.compile(r"^(layers|input|inputs|outputs|framework|name|expect|description)[ \t]*:(?:[ \t]|$)",
                       re.MULTILINE)

#: import roots and the framework they mean
FRAMEWORK_ROOTS = {"keras": "keras", "tensorflow": "keras", "tf_keras": "keras", "lasagne": "lasagne",
                   "nolearn": "lasagne", "torch": "pytorch", "torchvision": "pytorch"}
#: names that mean a framework when the code has no import
KERAS_NAMES = frozenset({"Sequential", "Model", "Input", "Conv2D", "Dense", "MaxPooling2D", "Flatten", "Dropout",
                         "Activation", "UpSampling2D", "Conv1D", "LSTM", "GRU", "BatchNormalization", "Embedding",
                         "concatenate", "Conv2DTranspose", "DepthwiseConv2D", "SeparableConv2D",
                         "GlobalAveragePooling2D", "AveragePooling2D", "Concatenate", "Add", "ZeroPadding2D"})
LASAGNE_NAMES = frozenset({"NeuralNet", "InputLayer", "Conv2DLayer", "DenseLayer", "MaxPool2DLayer", "DropoutLayer",
                           "Pool2DLayer", "ConcatLayer", "ElemwiseSumLayer", "BatchNormLayer", "get_output_shape",
                           "NonlinearityLayer", "Conv1DLayer", "GlobalPoolLayer", "FlattenLayer"})


def _significant(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]


#: lines only Python has: imports, definitions, decorators, assignments and calls at the start of a line
_PYTHON_LINE = re.compile(r"^(?:import\s|from\s+[\w.]+\s+import\s|def\s|class\s|@[\w.]+|if\s+__name__|"
                          r"[A-Za-z_][\w.]*(?:\[[^\]]*\])?\s*(?:[-+*/]?=(?!=)|:[\w.\[\], |]*=(?!=))|[A-Za-z_][\w.]*\()")


def detect_format(text: str) -> str:
    """``"spec"`` or ``"code"``."""
    lines = _significant(text)
    if not lines:
        return "spec"
    python = any(_PYTHON_LINE.match(line) for line in lines)
    if not python and _SPEC_KEY.search(text):
        return "spec"
    if not python and lines[0].startswith(("-", "[", "{", "---")):
        return "spec"  # a YAML list of layers (or flow YAML)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ast.parse(text)
        return "code"
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return "code" if python else "spec"


def split_code(text: str) -> tuple[str, str | None, int]:
    """Code and the YAML section after a line ``---`` (``expect:`` ...): (code, yaml or None, its line offset)."""
    lines = text.split("\n")
    for i, line in enumerate(lines):
        if line.strip() == "---":
            return "\n".join(lines[:i]), "\n".join(lines[i + 1:]), i + 1
    return text, None, 0


def detect_framework(tree: ast.Module | TreeFacts) -> str | None:
    """``keras``, ``lasagne`` or ``pytorch`` from the imports, else from the names used; None if unknown."""
    from .interpreter import TreeFacts, scan

    facts = tree if isinstance(tree, TreeFacts) else scan(tree)
    found = [FRAMEWORK_ROOTS[root] for root in facts.import_roots if root in FRAMEWORK_ROOTS]
    if found:
        # lasagne code often imports theano and numpy; nolearn code may also import keras utilities
        for framework in ("lasagne", "pytorch", "keras"):
            if framework in found and (framework != "keras" or "lasagne" not in found):
                return framework
    names = facts.names | facts.attributes
    lasagne = len(names & LASAGNE_NAMES - {"InputLayer"})
    keras = len(names & KERAS_NAMES)
    if "tf" in names or "keras" in names:
        keras += 2
    if "lasagne" in names or "nolearn" in names:
        lasagne += 2
    if lasagne > keras:
        return "lasagne"
    if keras:
        return "keras"
    return None

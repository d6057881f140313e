"""Framework bindings: the modules, names and network values of one framework.

A binding gives the interpreter the modules a framework's imports name (``keras.layers``,
``lasagne.layers`` ...), answers names used without their import, records the models the code
builds and turns the one chosen into the engine's :class:`~mkdocs_cnnsummary.engine.NetworkSpec`.
See :class:`Binding` for the methods a new binding implements.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ...engine.spec import NetworkSpec
    from ..interpreter import Interpreter
    from ..runtime import Module
    from ..session import Session


@dataclass
class Built:
    """A model the code built: the value, where, and whether at the top level of the file."""

    value: Any
    line: int | None
    file: str | None
    top_level: bool
    order: int = 0  # when, among everything every binding built


class Binding:
    """One framework as the interpreter sees it (subclass and register in :data:`BINDINGS`)."""

    #: the binding's name (``keras``); also the engine framework unless :attr:`framework` says otherwise
    name: str = ""
    framework: str = ""
    #: the top-level import names it provides (``keras``, ``tensorflow``)
    roots: tuple[str, ...] = ()

    def __init__(self, session: Session) -> None:
        self.session = session
        self.built: list[Built] = []
        self.loose: list[tuple[Any, int]] = []  # values of top-level expression statements (fragments)

    # the interpreter's questions ------------------------------------------------------------------
    def module(self, dotted: str, interp: Interpreter, node: ast.AST) -> Module | None:
        """The module for ``import dotted`` (None when it is not this framework's)."""
        return None

    def missing_name(self, name: str, interp: Interpreter, node: ast.AST) -> Any:
        """A value for a name the code uses without importing it, with a warning; None if unknown."""
        return None

    def expression_statement(self, value: Any, stmt: ast.Expr, interp: Interpreter) -> None:
        """A top-level expression statement of the main file (``Conv2D(16, 3),`` as a fragment)."""

    def loaded(self, module: Module, interp: Interpreter) -> None:
        """A file of the project was read as ``module`` (its names may be framework functions in disguise)."""

    def finish(self, interp: Interpreter) -> None:
        """After reading: add the notes that sum up the whole reading (names used without imports ...)."""

    def record_built(self, value: Any, interp: Interpreter, node: ast.AST) -> None:
        """Remember a model the code made (the default choice is the last one)."""
        self.session.built_count += 1
        self.built.append(Built(value, getattr(node, "lineno", None), interp.file, interp.depth == 0,
                                self.session.built_count))

    # choosing and converting ------------------------------------------------------------------------
    def is_model(self, value: Any) -> bool:
        """Whether ``value`` is something this binding can summarise."""
        return False

    def fragments_model(self, interp: Interpreter) -> Any:
        """A model made of the layers the code only constructs at top level (pasted fragments), or None."""
        return None

    def network(self, value: Any, inputs: list[Any] | None, interp: Interpreter) -> NetworkSpec:
        """The engine's description of a model this binding recognised."""
        raise NotImplementedError


def make_bindings(session: Session) -> dict[str, Binding]:
    """One instance of every binding, for a new reading."""
    from .keras import KerasBinding
    from .lasagne import LasagneBinding
    from .torch import TorchBinding

    return {cls.name: cls(session) for cls in (KerasBinding, LasagneBinding, TorchBinding)}


__all__ = ["Binding", "Built", "make_bindings"]

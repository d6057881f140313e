"""The Lasagne and nolearn binding (placeholder while it is written)."""

from __future__ import annotations

from . import Binding


class LasagneBinding(Binding):
    name = "lasagne"
    framework = "lasagne"
    roots = ("lasagne", "nolearn", "theano")

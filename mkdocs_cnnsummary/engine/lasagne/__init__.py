"""Lasagne conventions and layer catalog: channels first, the batch axis written in InputLayer's shape."""

from __future__ import annotations

from ..args import ignored
from ..framework import Framework, to_snake_case


def auto_name(type_name: str) -> str:
    """``Conv2DLayer`` -> ``conv2d`` (Lasagne layers are unnamed; nolearn-style short names)."""
    base = type_name[:-5] if type_name.endswith("Layer") and type_name != "Layer" else type_name
    return to_snake_case(base)


FRAMEWORK = Framework(
    name="lasagne",
    title="Lasagne",
    common_args=ignored("name"),
    auto_name=auto_name,
    input_name="input",
    channels_first=True,
)

from . import layers  # noqa: E402,F401

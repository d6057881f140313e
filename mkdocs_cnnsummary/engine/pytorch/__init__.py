"""PyTorch conventions and layer catalog: ``torch.nn`` class names, NCHW shapes, buffers apart from parameters."""

from __future__ import annotations

import re

from ..args import ignored
from ..framework import Framework


def module_name(type_name: str) -> str:
    """The automatic name of a module: ``BatchNorm2d`` -> ``batch_norm2d``, ``LeakyReLU`` -> ``leaky_relu``."""
    name = re.sub(r"\W+", "", type_name).replace("ReLU", "Relu")
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z][a-z])", "_", name).lower()


FRAMEWORK = Framework(
    name="pytorch",
    title="PyTorch",
    common_args=ignored("device", "dtype"),
    auto_name=module_name,
    input_name="input",
    channels_first=True,
    has_buffers=True,
)

# Importing the modules registers their layers.
from . import activation, attention, conv, linear, merge, norm, pooling, recurrent, reshape  # noqa: E402,F401

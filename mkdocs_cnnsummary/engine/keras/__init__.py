"""Keras 3 conventions and layer catalog (channels_last by default)."""

from __future__ import annotations

from ..args import Arg, boolean, ignored, positive_int, shape
from ..framework import Framework, to_snake_case

FRAMEWORK = Framework(
    name="keras",
    title="Keras 3",
    common_args=(
        Arg("trainable", True, boolean, used=False, doc="false freezes the weights (non-trainable)"),
        *ignored("dtype", "autocast", "activity_regularizer", "name"),
        Arg("input_shape", None, shape, doc="shape of the network input (first layer only)"),
        Arg("input_dim", None, positive_int, doc="size of a 1-D network input (first layer only)"),
    ),
    auto_name=to_snake_case,
    input_name="input",
)

# Importing the modules registers their layers.
from . import (  # noqa: E402,F401
    activations,
    attention,
    augmentation,
    conv,
    core,
    embedding,
    merging,
    normalization,
    pooling,
    preprocessing,
    recurrent,
    regularization,
    reshaping,
    wrappers,
)

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
    argument_docs={
        "data_format": "'channels_last' (default): channels are the last axis; 'channels_first': they follow "
                       "the batch axis",
        "padding": "'valid': no padding, every window lies inside the input; 'same': padded so that the output "
                   "size is ⌈input/strides⌉",
        "strides": "step of the window along each spatial axis",
        "dilation_rate": "spacing of the kernel's taps: a kernel of size k spans d × (k − 1) + 1 positions",
        "activation": "activation applied to the output (a name such as 'relu'); checked, changes no shape "
                      "or count",
        "use_bias": "whether the layer adds a bias: one more weight per output channel or unit",
        "rate": "fraction of the inputs dropped while training, in [0, 1); checked, changes no shape",
        "noise_shape": "shape of the dropout mask, broadcast over the input; checked against the input",
        "batch_size": "a fixed batch size: the first axis of the shape is this number instead of None",
        "interpolation": "how new pixels are computed ('nearest', 'bilinear' ...); checked, changes no shape",
    },
)

# Importing the modules registers their layers.
from . import (  # noqa: E402,F401
    activations,
    attention,
    conv,
    core,
    embedding,
    merging,
    normalization,
    pooling,
    recurrent,
    regularization,
    reshaping,
    wrappers,
)

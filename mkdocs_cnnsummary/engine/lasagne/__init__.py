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
    argument_docs={
        "filter_size": "size of the filters: an int, or one per spatial axis",
        "pool_size": "size of the pooling window",
        "stride": "step of the filter or window along each spatial axis",
        "pad": "padding: an int per axis, or 'valid', 'full' or 'same' (convolutions)",
        "num_groups": "filters split into groups; each sees num_input_channels/num_groups channels",
        "num_units": "number of output units",
        "num_leading_axes": "leading axes kept as they are (1: the batch); the others are flattened into the "
                            "units",
        "axis": "the axis the inputs are joined along (1: the channels)",
        "p": "probability of dropping an input while training; checked, changes no shape",
        "outdim": "number of axes of the output; the trailing axes are flattened into the last one",
        "scale_factor": "multiplier of each spatial size",
    },
)

from . import layers  # noqa: E402,F401

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

#: the module of each layer type (and alias): a spec imports only the modules of the types it uses
#: (tests/test_project.py checks this index against the registered layers)
LAYER_MODULES: dict[str, str] = {
    "AlphaDropout": "activation", "CELU": "activation", "Dropout": "activation", "Dropout1d": "activation",
    "Dropout2d": "activation", "Dropout3d": "activation", "ELU": "activation", "FeatureAlphaDropout": "activation",
    "GELU": "activation", "GLU": "activation", "Hardshrink": "activation", "Hardsigmoid": "activation",
    "Hardswish": "activation", "Hardtanh": "activation", "LeakyReLU": "activation", "LogSigmoid": "activation",
    "LogSoftmax": "activation", "Mish": "activation", "PReLU": "activation", "RReLU": "activation",
    "ReLU": "activation", "ReLU6": "activation", "SELU": "activation", "SiLU": "activation", "Sigmoid": "activation",
    "Softmax": "activation", "Softmax2d": "activation", "Softmin": "activation", "Softplus": "activation",
    "Softshrink": "activation", "Softsign": "activation", "Tanh": "activation", "Tanhshrink": "activation",
    "Threshold": "activation",
    "MultiheadAttention": "attention", "TransformerDecoderLayer": "attention", "TransformerEncoderLayer": "attention",
    "Conv1d": "conv", "Conv2d": "conv", "Conv3d": "conv", "ConvTranspose1d": "conv", "ConvTranspose2d": "conv",
    "ConvTranspose3d": "conv",
    "Bilinear": "linear", "Embedding": "linear", "Flatten": "linear", "Identity": "linear", "Linear": "linear",
    "Unflatten": "linear",
    "Add": "merge", "Concatenate": "merge", "Multiply": "merge", "add": "merge", "cat": "merge", "mul": "merge",
    "BatchNorm1d": "norm", "BatchNorm2d": "norm", "BatchNorm3d": "norm", "GroupNorm": "norm",
    "InstanceNorm1d": "norm", "InstanceNorm2d": "norm", "InstanceNorm3d": "norm", "LayerNorm": "norm",
    "LocalResponseNorm": "norm", "RMSNorm": "norm",
    "AdaptiveAvgPool1d": "pooling", "AdaptiveAvgPool2d": "pooling", "AdaptiveAvgPool3d": "pooling",
    "AdaptiveMaxPool1d": "pooling", "AdaptiveMaxPool2d": "pooling", "AdaptiveMaxPool3d": "pooling",
    "AvgPool1d": "pooling", "AvgPool2d": "pooling", "AvgPool3d": "pooling", "LPPool1d": "pooling",
    "LPPool2d": "pooling", "LPPool3d": "pooling", "MaxPool1d": "pooling", "MaxPool2d": "pooling",
    "MaxPool3d": "pooling",
    "GRU": "recurrent", "LSTM": "recurrent", "RNN": "recurrent",
    "CircularPad1d": "reshape", "CircularPad2d": "reshape", "CircularPad3d": "reshape", "ConstantPad1d": "reshape",
    "ConstantPad2d": "reshape", "ConstantPad3d": "reshape", "PixelShuffle": "reshape", "PixelUnshuffle": "reshape",
    "ReflectionPad1d": "reshape", "ReflectionPad2d": "reshape", "ReflectionPad3d": "reshape",
    "ReplicationPad1d": "reshape", "ReplicationPad2d": "reshape", "ReplicationPad3d": "reshape",
    "Upsample": "reshape", "UpsamplingBilinear2d": "reshape", "UpsamplingNearest2d": "reshape",
    "ZeroPad1d": "reshape", "ZeroPad2d": "reshape", "ZeroPad3d": "reshape",
}

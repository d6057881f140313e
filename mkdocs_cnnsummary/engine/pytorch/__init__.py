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
    argument_docs={
        "kernel_size": "window size: an int, or one per spatial axis",
        "stride": "step of the window along each spatial axis (pooling: kernel_size by default)",
        "padding": "implicit padding added to both sides of each spatial axis (convolutions also take "
                   "'same' and 'valid')",
        "dilation": "spacing of the kernel's taps: a kernel of size k spans d × (k − 1) + 1 positions",
        "groups": "channels split into groups; each output channel sees c_in/groups input channels",
        "bias": "whether the module has a bias: one more parameter per output channel or feature",
        "padding_mode": "how padded values are filled ('zeros', 'reflect', 'replicate', 'circular'); "
                        "checked, changes no shape or count",
        "ceil_mode": "True rounds the output size up instead of down; a last window must start inside the "
                     "input or its left padding",
        "return_indices": "also return the positions of the maxima, as a second output of the same shape",
        "norm_type": "the power p of the pooling, (Σ xᵖ)^(1/p) over each window; checked, changes no shape",
        "p": "probability of an element being zeroed, in [0, 1]; checked, changes no shape or count",
        "hidden_size": "number of features of the hidden state",
        "batch_first": "True: inputs are (batch, sequence, features); False: (sequence, batch, features)",
        "dim": "the axis the module works along (negative counts from the end)",
        "start_dim": "first axis flattened (1 keeps the batch axis)",
        "end_dim": "last axis flattened (-1: the last one)",
        "unflattened_size": "the shape axis dim is unfolded into; its product must be that axis' size",
        "nhead": "number of attention heads; d_model must be divisible by it",
        "dim_feedforward": "width of the feed-forward layer between the two linear maps",
        "size": "output spatial size (instead of scale_factor)",
        "scale_factor": "multiplier of each spatial size: the output is ⌊size × scale_factor⌋",
        "mode": "interpolation ('nearest', 'linear', 'bilinear' ...); checked, changes no shape",
        "in1_features": "features of the first input",
        "in2_features": "features of the second input",
        "out_features": "features of the output",
        "embedding_dim": "length of each embedding vector",
        "num_groups": "number of groups the channels are split into; num_channels must be divisible by it",
        "affine": "whether the module learns a scale and a shift per channel (2 × num_channels parameters)",
        "elementwise_affine": "whether the module learns a weight per normalized element",
        "normalized_shape": "the trailing shape normalized over; the input's shape must end with it",
        "upscale_factor": "factor r: (C × r², H, W) becomes (C, H × r, W × r)",
        "downscale_factor": "factor r: (C, H × r, W × r) becomes (C × r², H, W)",
    },
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
    "StochasticDepth": "activation", "Threshold": "activation",
    "MultiheadAttention": "attention", "TransformerDecoderLayer": "attention", "TransformerEncoderLayer": "attention",
    "Conv1d": "conv", "Conv2d": "conv", "Conv3d": "conv", "ConvTranspose1d": "conv", "ConvTranspose2d": "conv",
    "ConvTranspose3d": "conv",
    "Bilinear": "linear", "Embedding": "linear", "Flatten": "linear", "Identity": "linear", "Linear": "linear",
    "Unflatten": "linear",
    "getitem": "indexing", "chunk": "indexing", "split": "indexing", "unbind": "indexing",
    "Add": "merge", "Concatenate": "merge", "Multiply": "merge", "add": "merge", "bmm": "merge", "cat": "merge",
    "div": "merge", "matmul": "merge", "mul": "merge", "stack": "merge", "sub": "merge",
    "BatchNorm1d": "norm", "BatchNorm2d": "norm", "BatchNorm3d": "norm", "GroupNorm": "norm",
    "InstanceNorm1d": "norm", "InstanceNorm2d": "norm", "InstanceNorm3d": "norm", "LayerNorm": "norm",
    "LayerNorm2d": "norm",
    "LocalResponseNorm": "norm", "RMSNorm": "norm",
    "AdaptiveAvgPool1d": "pooling", "AdaptiveAvgPool2d": "pooling", "AdaptiveAvgPool3d": "pooling",
    "AdaptiveMaxPool1d": "pooling", "AdaptiveMaxPool2d": "pooling", "AdaptiveMaxPool3d": "pooling",
    "AvgPool1d": "pooling", "AvgPool2d": "pooling", "AvgPool3d": "pooling", "LPPool1d": "pooling",
    "LPPool2d": "pooling", "LPPool3d": "pooling", "MaxPool1d": "pooling", "MaxPool2d": "pooling",
    "MaxPool3d": "pooling",
    "Buffer": "parameter", "Parameter": "parameter",
    "GRU": "recurrent", "GRUCell": "recurrent", "LSTM": "recurrent", "LSTMCell": "recurrent", "RNN": "recurrent",
    "RNNCell": "recurrent",
    "CircularPad1d": "reshape", "CircularPad2d": "reshape", "CircularPad3d": "reshape", "ConstantPad1d": "reshape",
    "ConstantPad2d": "reshape", "ConstantPad3d": "reshape", "PixelShuffle": "reshape", "PixelUnshuffle": "reshape",
    "ReflectionPad1d": "reshape", "ReflectionPad2d": "reshape", "ReflectionPad3d": "reshape",
    "ReplicationPad1d": "reshape", "ReplicationPad2d": "reshape", "ReplicationPad3d": "reshape",
    "Upsample": "reshape", "UpsamplingBilinear2d": "reshape", "UpsamplingNearest2d": "reshape",
    "ZeroPad1d": "reshape", "ZeroPad2d": "reshape", "ZeroPad3d": "reshape", "interpolate": "reshape",
    "amax": "reduction", "amin": "reduction", "mean": "reduction", "sum": "reduction",
    "Permute": "tensor", "contiguous": "tensor", "expand": "tensor", "flatten": "tensor", "permute": "tensor",
    "reshape": "tensor", "squeeze": "tensor", "transpose": "tensor", "unsqueeze": "tensor", "view": "tensor",
    "abs": "functional", "affine_grid": "functional", "arange": "functional",
    "bool": "functional", "ceil": "functional", "clamp": "functional", "clip": "functional",
    "clone": "functional", "cos": "functional", "cumsum": "functional", "detach": "functional",
    "double": "functional", "empty": "functional", "empty_like": "functional",
    "erf": "functional", "exp": "functional", "eye": "functional",
    "flip": "functional", "float": "functional", "floor": "functional", "full": "functional",
    "full_like": "functional", "grid_sample": "functional", "half": "functional", "int": "functional",
    "linspace": "functional", "log": "functional", "log1p": "functional", "logical_not": "functional",
    "long": "functional", "masked_fill": "functional",
    "nan_to_num": "functional", "neg": "functional", "new_empty": "functional", "new_full": "functional",
    "new_ones": "functional", "new_zeros": "functional", "normalize": "functional", "ones": "functional",
    "ones_like": "functional", "rand": "functional", "rand_like": "functional", "randint": "functional",
    "randn": "functional", "randn_like": "functional", "reciprocal": "functional",
    "roll": "functional", "round": "functional", "rsqrt": "functional", "scaled_dot_product_attention": "functional",
    "sign": "functional", "sin": "functional", "sqrt": "functional", "square": "functional",
    "tan": "functional", "tensor": "functional", "to": "functional", "tril": "functional",
    "triu": "functional", "type_as": "functional", "zeros": "functional",
    "zeros_like": "functional",
}

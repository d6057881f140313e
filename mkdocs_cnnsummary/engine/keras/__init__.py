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

#: the module of each layer type (and alias): a spec imports only the modules of the types it uses
#: (tests/test_project.py checks this index against the registered layers)
LAYER_MODULES: dict[str, str] = {
    "ELU": "activations", "LeakyReLU": "activations", "PReLU": "activations", "ReLU": "activations",
    "Softmax": "activations",
    "AdditiveAttention": "attention", "Attention": "attention", "MultiHeadAttention": "attention",
    "Conv1D": "conv", "Conv2D": "conv", "Conv3D": "conv", "Convolution1D": "conv", "Convolution2D": "conv",
    "Convolution3D": "conv",
    "Conv1DTranspose": "conv_transpose", "Conv2DTranspose": "conv_transpose", "Conv3DTranspose": "conv_transpose",
    "Convolution1DTranspose": "conv_transpose", "Convolution2DTranspose": "conv_transpose",
    "Convolution3DTranspose": "conv_transpose",
    "DepthwiseConv1D": "conv_depthwise", "DepthwiseConv2D": "conv_depthwise", "SeparableConv1D": "conv_depthwise",
    "SeparableConv2D": "conv_depthwise", "SeparableConvolution1D": "conv_depthwise",
    "SeparableConvolution2D": "conv_depthwise",
    "Activation": "core", "Dense": "core", "Dropout": "core", "Flatten": "core", "Input": "core",
    "InputLayer": "core",
    "Embedding": "embedding",
    "Add": "merging", "Average": "merging", "Concatenate": "merging", "Dot": "merging", "Maximum": "merging",
    "Minimum": "merging", "Multiply": "merging", "Subtract": "merging", "add": "merging", "average": "merging",
    "concatenate": "merging", "dot": "merging", "maximum": "merging", "minimum": "merging", "multiply": "merging",
    "subtract": "merging",
    "BatchNormalization": "normalization", "GroupNormalization": "normalization",
    "LayerNormalization": "normalization", "Normalization": "normalization", "Rescaling": "normalization",
    "UnitNormalization": "normalization",
    "AveragePooling1D": "pooling", "AveragePooling2D": "pooling", "AveragePooling3D": "pooling",
    "AvgPool1D": "pooling", "AvgPool2D": "pooling", "AvgPool3D": "pooling", "GlobalAveragePooling1D": "pooling",
    "GlobalAveragePooling2D": "pooling", "GlobalAveragePooling3D": "pooling", "GlobalAvgPool1D": "pooling",
    "GlobalAvgPool2D": "pooling", "GlobalAvgPool3D": "pooling", "GlobalMaxPool1D": "pooling",
    "GlobalMaxPool2D": "pooling", "GlobalMaxPool3D": "pooling", "GlobalMaxPooling1D": "pooling",
    "GlobalMaxPooling2D": "pooling", "GlobalMaxPooling3D": "pooling", "MaxPool1D": "pooling", "MaxPool2D": "pooling",
    "MaxPool3D": "pooling", "MaxPooling1D": "pooling", "MaxPooling2D": "pooling", "MaxPooling3D": "pooling",
    "GRU": "recurrent", "LSTM": "recurrent", "SimpleRNN": "recurrent",
    "ActivityRegularization": "regularization", "AlphaDropout": "regularization", "GaussianDropout": "regularization",
    "GaussianNoise": "regularization", "SpatialDropout1D": "regularization", "SpatialDropout2D": "regularization",
    "SpatialDropout3D": "regularization",
    "Permute": "reshaping", "RepeatVector": "reshaping", "Reshape": "reshaping", "UpSampling1D": "reshaping",
    "UpSampling2D": "reshaping", "UpSampling3D": "reshaping",
    "Cropping1D": "padding", "Cropping2D": "padding", "Cropping3D": "padding", "ZeroPadding1D": "padding",
    "ZeroPadding2D": "padding", "ZeroPadding3D": "padding",
    "Bidirectional": "wrappers", "TimeDistributed": "wrappers",
    "RandomBrightness": "augmentation", "RandomContrast": "augmentation", "RandomFlip": "augmentation",
    "RandomRotation": "augmentation", "RandomTranslation": "augmentation", "RandomZoom": "augmentation",
    "TextVectorization": "preprocessing", "Lambda": "core", "ConvLSTM2D": "recurrent",
}

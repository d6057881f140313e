"""Transposed/depthwise/separable convolutions, pooling and reshaping layers against real Keras 3."""

from __future__ import annotations

import pytest
from arith import check_steps
from keras_builder import assert_matches_keras, keras, make_layer

from mkdocs_cnnsummary import SpecError, summarize
from mkdocs_cnnsummary.engine.spec import parse_spec

# Each spec groups many layers so that one Keras model checks them all.
SPECS = {
    "seed 002 conv2d": """
input: [224, 224, 10]
layers:
  - Conv2D(32, kernel_size=(3, 3), activation='relu', padding='same')
""",
    "seed 002 depthwise": """
input: [224, 224, 10]
layers:
  - DepthwiseConv2D(kernel_size=(3, 3), activation='relu', padding='same')
""",
    "seed 002 separable": """
input: [224, 224, 10]
layers:
  - SeparableConv2D(32, kernel_size=(3, 3), activation='relu', padding='same')
""",
    "conv2d transpose": """
input: [7, 7, 16]
layers:
  - Conv2DTranspose: {filters: 8, kernel_size: 3, strides: 2}
  - Conv2DTranspose: {filters: 8, kernel_size: 2, strides: 3}
  - Conv2DTranspose: {filters: 4, kernel_size: 3, strides: 2, padding: same}
  - Conv2DTranspose: {filters: 4, kernel_size: 3, strides: 2, padding: same, output_padding: 0}
  - Conv2DTranspose: {filters: 4, kernel_size: 4, strides: 2, padding: same, output_padding: 1}
  - Conv2DTranspose: {filters: 4, kernel_size: 2, strides: 3, padding: valid, output_padding: 2}
  - Conv2DTranspose: {filters: 4, kernel_size: [3, 2], strides: [1, 1], dilation_rate: [2, 3]}
  - Conv2DTranspose: {filters: 4, kernel_size: 3, padding: same, dilation_rate: 2, output_padding: 0}
  - Conv2DTranspose(6, (1, 5), (4, 2), 'valid', (3, 1), use_bias=False)
  - Convolution2DTranspose: {filters: 2, kernel_size: 1, trainable: false}
""",
    "conv transpose 1d 3d and channels_first": """
inputs: {seq: [5, 3], vol: [4, 3, 2, 2], img: [3, 6, 5]}
layers:
  - name: t1
    Conv1DTranspose: {filters: 4, kernel_size: 3, strides: 2, output_padding: 1}
    inputs: seq
  - Conv1DTranspose: {filters: 2, kernel_size: 5, strides: 3, padding: same}
  - Convolution1DTranspose: {filters: 2, kernel_size: 2, dilation_rate: 3, use_bias: false}
  - name: t3
    Conv3DTranspose: [4, 3, 2, same, channels_last, 1]
    inputs: vol
  - Conv3DTranspose: {filters: 3, kernel_size: [2, 3, 1], strides: [3, 1, 2]}
  - Conv3DTranspose: {filters: 2, kernel_size: 3, data_format: channels_first}
  - name: tcf
    Conv2DTranspose: {filters: 5, kernel_size: 3, strides: 2, data_format: channels_first, output_padding: 1}
    inputs: img
  - Conv2DTranspose: {filters: 2, kernel_size: 2, strides: 2, padding: same, data_format: channels_first}
outputs: [conv1d_transpose_1, conv3d_transpose_1, conv2d_transpose]
""",
    "depthwise and separable": """
inputs: {img: [17, 15, 6], seq: [20, 4], cf: [6, 12, 11]}
layers:
  - name: dw
    DepthwiseConv2D: {kernel_size: 3, depth_multiplier: 2}
    inputs: img
  - DepthwiseConv2D: {kernel_size: [3, 2], strides: [2, 3], padding: same, use_bias: false}
  - DepthwiseConv2D(3, 1, 'valid', 3, None, 2)
  - SeparableConv2D: {filters: 8, kernel_size: 3, depth_multiplier: 2, padding: same, strides: 2}
  - SeparableConvolution2D: {filters: 4, kernel_size: 1, use_bias: false}
  - name: dw1
    DepthwiseConv1D: {kernel_size: 5, depth_multiplier: 3, strides: 2}
    inputs: seq
  - DepthwiseConv1D: {kernel_size: 3, padding: same, dilation_rate: 2, use_bias: false}
  - SeparableConv1D: {filters: 7, kernel_size: 3, depth_multiplier: 2}
  - SeparableConvolution1D(5, 2, 2, 'same', None, 1, 3)
  - name: dwcf
    DepthwiseConv2D: {kernel_size: 3, depth_multiplier: 2, data_format: channels_first}
    inputs: cf
  - SeparableConv2D: {filters: 3, kernel_size: 2, dilation_rate: 2, data_format: channels_first}
  - DepthwiseConv2D: {kernel_size: 2, data_format: channels_first, trainable: false}
outputs: [separable_conv2d_1, separable_conv1d_1, depthwise_conv2d_2]
""",
    "pooling": """
inputs: {img: [17, 16, 3], seq: [21, 4], vol: [9, 8, 7, 2], cf: [3, 11, 10]}
layers:
  - name: p2
    MaxPooling2D: null
    inputs: img
  - MaxPooling2D: {pool_size: 3, strides: 1}
  - MaxPool2D: {pool_size: [2, 3], strides: [2, 1], padding: same}
  - AveragePooling2D: 2
  - AvgPool2D: {pool_size: 1, strides: 3, padding: same}
  - GlobalMaxPooling2D
  - name: p1
    MaxPooling1D: {pool_size: 3}
    inputs: seq
  - MaxPool1D: {pool_size: 2, strides: 1, padding: same}
  - AveragePooling1D(2, 3, 'same')
  - AvgPool1D: {pool_size: 1}
  - GlobalAveragePooling1D: {keepdims: true}
  - name: p3
    MaxPooling3D: null
    inputs: vol
  - AveragePooling3D: {pool_size: [1, 2, 3], strides: [2, 1, 1], padding: same}
  - MaxPool3D: {pool_size: 2, strides: 1}
  - AvgPool3D: [1]
  - GlobalMaxPooling3D: {keepdims: true}
  - name: pcf
    MaxPooling2D: {pool_size: 2, data_format: channels_first}
    inputs: cf
  - AveragePooling2D: {pool_size: 2, strides: 1, padding: same, data_format: channels_first}
  - GlobalAveragePooling2D: {data_format: channels_first, keepdims: true}
  - name: g1
    GlobalMaxPool1D: null
    inputs: seq
  - name: g2
    GlobalAvgPool2D: {keepdims: true}
    inputs: img
  - name: g3
    GlobalAvgPool3D: null
    inputs: vol
  - name: g4
    GlobalMaxPool3D: {data_format: channels_first}
    inputs: vol
  - name: g5
    GlobalAveragePooling3D: {data_format: channels_first, keepdims: true}
    inputs: vol
  - name: g6
    GlobalMaxPooling1D: {data_format: channels_first, keepdims: true}
    inputs: seq
  - name: g7
    GlobalAveragePooling2D: null
    inputs: cf
outputs: [global_max_pooling2d, global_average_pooling1d, global_max_pooling3d, global_average_pooling2d,
          g1, g2, g3, g4, g5, g6, g7]
""",
    "reshaping": """
inputs: {img: [6, 4, 3], vec: [12], vol: [4, 5, 6, 2]}
layers:
  - name: r1
    Reshape: {target_shape: [-1, 3]}
    inputs: img
  - Reshape: [[3, 4, 6]]
  - Reshape(target_shape=(2, -1, 9))
  - Permute: [[3, 1, 2]]
  - Permute([2, 3, 1])
  - Reshape: [[-1]]
  - RepeatVector: 3
  - UpSampling1D: 2
  - UpSampling1D
  - ZeroPadding1D: [[2, 1]]
  - ZeroPadding1D
  - Cropping1D: [[0, 2]]
  - Cropping1D
  - Cropping1D: 4
  - name: r2
    RepeatVector: {n: 5}
    inputs: vec
  - name: u2
    UpSampling2D: {size: [2, 3], interpolation: bilinear}
    inputs: img
  - UpSampling2D
  - ZeroPadding2D: 2
  - ZeroPadding2D: [[1, 3]]
  - ZeroPadding2D: [[[0, 1], [2, 3]]]
  - Cropping2D: 1
  - Cropping2D: [[2, 4]]
  - Cropping2D: [[[0, 3], [1, 0]]]
  - Cropping2D
  - name: u3
    UpSampling3D: {size: [1, 2, 3]}
    inputs: vol
  - UpSampling3D
  - ZeroPadding3D
  - ZeroPadding3D: [[1, 0, 2]]
  - ZeroPadding3D: {padding: [[0, 1], [2, 0], [1, 1]]}
  - Cropping3D
  - Cropping3D: [[2, 1, 0]]
  - Cropping3D: {cropping: [[0, 2], [1, 3], [2, 0]]}
outputs: [cropping1d_2, r2, cropping2d_3, cropping3d_2]
""",
    "reshaping channels_first": """
input: [3, 5, 4, 2]
layers:
  - UpSampling3D: {size: 2, data_format: channels_first}
  - ZeroPadding3D: {padding: [1, 2, 3], data_format: channels_first}
  - Cropping3D: {cropping: [[1, 0], [0, 2], [3, 1]], data_format: channels_first}
  - Reshape: [[3, 12, -1]]
  - UpSampling2D: {size: [3, 1], data_format: channels_first, interpolation: nearest}
  - ZeroPadding2D: {padding: [[1, 0], [0, 2]], data_format: channels_first}
  - Cropping2D: {cropping: [[2, 3], [1, 1]], data_format: channels_first}
  - Reshape: [[3, -1]]
  - ZeroPadding1D: {padding: 2, data_format: channels_first}
""",
    "accepted when building": """
inputs: {img: [9, 9, 4], seq: [8, 6]}
layers:
  - name: dws
    DepthwiseConv2D: {kernel_size: 3, strides: 2, dilation_rate: 2}
    inputs: img
  - name: sep
    SeparableConv2D: {filters: 3, kernel_size: 3, strides: 2, dilation_rate: 2}
    inputs: img
  - name: rn
    Reshape: [[null, 3]]
    inputs: seq
outputs: [dws, sep, rn]
""",
    "unknown sizes": """
inputs: {img: [null, 9, 3], seq: [null, 4], vol: [null, null, 5, 2]}
layers:
  - name: n1
    Conv2DTranspose: {filters: 4, kernel_size: 3, strides: 2}
    inputs: img
  - Conv2DTranspose: {filters: 4, kernel_size: 3, strides: 2, padding: same}
  - Conv2DTranspose: {filters: 4, kernel_size: 3, strides: 2, padding: same, output_padding: 1}
  - DepthwiseConv2D: {kernel_size: 3, depth_multiplier: 2}
  - SeparableConv2D: {filters: 5, kernel_size: 3, padding: same}
  - MaxPooling2D
  - AveragePooling2D: {pool_size: 2, padding: same}
  - UpSampling2D
  - ZeroPadding2D
  - Cropping2D: 1
  - GlobalMaxPooling2D: {keepdims: true}
  - name: n2
    Conv1DTranspose: {filters: 3, kernel_size: 2, strides: 3}
    inputs: seq
  - DepthwiseConv1D: {kernel_size: 2}
  - SeparableConv1D: {filters: 2, kernel_size: 2}
  - MaxPooling1D
  - UpSampling1D: 3
  - ZeroPadding1D
  - Cropping1D
  - Permute: [[2, 1]]
  - Reshape: [[-1, 2]]
  - Reshape: [[3, 2, -1]]
  - Reshape: [[6, 2]]
  - GlobalAveragePooling1D
  - name: n3
    Conv3DTranspose: {filters: 2, kernel_size: 2, strides: 2}
    inputs: vol
  - MaxPooling3D
  - UpSampling3D
  - ZeroPadding3D
  - Cropping3D
  - GlobalAveragePooling3D
outputs: [global_max_pooling2d, reshape_2, global_average_pooling1d, global_average_pooling3d]
""",
}


@pytest.mark.parametrize("name", list(SPECS))
def test_matches_keras(name: str) -> None:
    assert_matches_keras(SPECS[name])
    assert check_steps(summarize(SPECS[name])) > 0


def test_seed_002_counts() -> None:
    """Seed 002 quotes Keras' own summaries; the differential tests above check the same networks."""
    counts = [summarize(SPECS[f"seed 002 {k}"]).total_params for k in ("conv2d", "depthwise", "separable")]
    assert counts == [2912, 100, 442]
    sep = summarize(SPECS["seed 002 separable"]).layers[0].calculation[-1]
    assert (sep.formula, sep.substituted) == (
        "k_h × k_w × c_in × depth_multiplier + (c_in × depth_multiplier + 1) × filters",
        "3 × 3 × 10 × 1 + (10 × 1 + 1) × 32")


def test_transpose_steps_explain_output_padding() -> None:
    spec = """
input: [7, 7, 16]
layers:
  - Conv2DTranspose: {filters: 8, kernel_size: 2, strides: 3}
  - Conv2DTranspose: {filters: 8, kernel_size: 3, strides: 2, padding: same, output_padding: 0}
  - Conv2DTranspose: {filters: 8, kernel_size: 3, dilation_rate: 2}
"""
    summary = summarize(spec)
    check_steps(summary)
    first, second, third = (layer.calculation for layer in summary.layers)
    assert first[0].substituted == "(7 − 1) × 3 + 3" and "stride is larger" in first[0].note
    assert "mod 2" in second[0].note and second[0].result == 41
    assert third[0].quantity == "dilated kernel height" and third[0].result == 5


def test_unknown_sizes_are_explained() -> None:
    summary = summarize(SPECS["unknown sizes"])
    unknown = [s for layer in summary.layers for s in layer.calculation if s.result is None]
    assert unknown and all("unknown because" in s.note for s in unknown)
    reshape = next(layer for layer in summary.layers if layer.name == "reshape")
    assert reshape.output_shape[1] is None
    assert "unknown because input dimension 2 is None" in reshape.calculation[0].note


# errors ------------------------------------------------------------------------------------------


def keras_rejects(spec_text: str) -> None:
    """Real Keras refuses the same sequential network (at construction or when called)."""
    net = parse_spec(spec_text)
    with pytest.raises((ValueError, TypeError)):
        x = keras.Input(shape=tuple(net.inputs[0].shape))
        for layer_spec in net.layers:
            x = make_layer(layer_spec)(x)


BAD = [
    ("input: [4, 4, 2]\nlayers:\n  - Conv2D: [3, 1]\n  - name: small\n    MaxPooling2D: 5\n",
     ["line 4", "'small'", "MaxPooling2D", "5×5 pool window does not fit the 4×4 input", "padding='same'"]),
    ("input: [10, 2]\nlayers:\n  - AveragePooling1D: {pool_size: 4, strides: 4}\n  - AveragePooling1D: 3\n",
     ["line 4", "average_pooling1d_1", "3 pool window does not fit the 2 input"]),
    ("input: [3, 3, 2]\nlayers:\n  - DepthwiseConv2D: {kernel_size: 2, dilation_rate: 3}\n",
     ["line 3", "4×4 dilated kernel does not fit the 3×3 input"]),
    ("input: [3, 8]\nlayers:\n  - SeparableConv1D: {filters: 4, kernel_size: 5}\n",
     ["SeparableConv1D", "5 kernel does not fit the 3 input"]),
    ("input: [4, 4, 2]\nlayers:\n  - Reshape: {target_shape: [5, 5]}\n",
     ["line 3", "'reshape'", "4 × 4 × 2 = 32", "5 × 5 = 25", "multiply to 32"]),
    ("input: [4, 4, 2]\nlayers:\n  - Reshape: {target_shape: [-1, 3]}\n",
     ["line 3", "32", "give 3", "does not divide 32", "(-1, 3)"]),
    ("input: [6, 5, 2]\nlayers:\n  - name: crop\n    Cropping2D: [[[1, 2], 0]]\n  - Cropping2D: [[3, 0]]\n",
     ["line 5", "'cropping2d'", "cropping 3 + 3 from the input height 3", "crop less than 3"]),
    ("input: [4, 2]\nlayers:\n  - Cropping1D: [[2, 2]]\n",
     ["line 3", "Cropping1D", "cropping 2 + 2 from the input length 4", "leaves 0"]),
    ("input: [4, 5, 6, 1]\nlayers:\n  - Cropping3D: [[0, 0, 3]]\n",
     ["Cropping3D", "input width 6"]),
    ("input: [8, 8, 3]\nlayers:\n  - Conv2DTranspose: {filters: 4, kernel_size: 3, strides: 2, output_padding: 2}\n",
     ["line 3", "output_padding must be smaller than strides", "output_padding is 2 and strides is 2"]),
    ("input: [8, 3]\nlayers:\n  - Conv1DTranspose: {filters: 4, kernel_size: 3, strides: 2, dilation_rate: 2}\n",
     ["line 3", "strides > 1 cannot be combined with dilation_rate > 1"]),
    ("input: [8, 3]\nlayers:\n  - Permute: [[1, 3]]\n",
     ["line 3", "Permute", "each axis 1 ... 2 exactly once"]),
    ("input: [8, 3]\nlayers:\n  - Permute: [[2, 3, 1]]\n",
     ["line 3", "dims=[2, 3, 1] permutes 3 axes, but the input (None, 8, 3) has 2", "e.g. [2, 1]"]),
    ("input: [8, 3]\nlayers:\n  - RepeatVector: 2\n",
     ["line 3", "RepeatVector", "expects a 2-D input (batch, features)"]),
    ("input: [8, 3]\nlayers:\n  - MaxPooling2D\n",
     ["line 3", "expects a 4-D input"]),
    ("input: [8, 8, 3]\nlayers:\n  - Reshape: {target_shape: [-1, -1]}\n",
     ["line 3", "at most one -1"]),
]


@pytest.mark.parametrize(("spec", "fragments"), BAD, ids=[f"bad{i}" for i in range(len(BAD))])
def test_rejected_like_keras(spec: str, fragments: list[str]) -> None:
    with pytest.raises(SpecError) as info:
        summarize(spec)
    message = str(info.value)
    assert "Traceback" not in message and "; " in message  # a hint follows the message
    for fragment in fragments:
        assert fragment in message, (fragment, message)
    keras_rejects(spec)


def test_pooling_padding_is_case_sensitive_like_keras() -> None:
    spec = "input: [8, 8, 3]\nlayers:\n  - MaxPooling2D: {padding: SAME}\n"
    with pytest.raises(SpecError, match="must be one of 'valid', 'same'"):
        summarize(spec)
    keras_rejects(spec)


def test_average_pooling_needs_pool_size() -> None:
    with pytest.raises(SpecError, match="missing required argument 'pool_size'"):
        summarize("input: [8, 8, 3]\nlayers:\n  - AveragePooling2D\n")
    with pytest.raises(TypeError):
        keras.layers.AveragePooling2D()

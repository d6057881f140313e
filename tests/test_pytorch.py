"""`framework: pytorch`: every catalog entry and its important arguments against real PyTorch, and the errors."""

from __future__ import annotations

import pytest
from arith import check_steps
from torch_builder import assert_matches_torch, assert_rejected_like_torch, torch_error

from mkdocs_cnnsummary import SpecError, summarize


def net(shape, *layers, **extra):
    return {"framework": "pytorch", "input": list(shape), "layers": list(layers), **extra}


CASES = {
    # convolutions
    "conv1d": net([4, 50], "Conv1d(4, 8, 5, stride=2, padding=1, dilation=2)", "Conv1d(8, 8, 3, groups=4, bias=False)"),
    "conv2d": net([3, 32, 32], "Conv2d(3, 16, 3, stride=2, padding=1)", "Conv2d(16, 32, (3, 5), padding=(0, 2))"),
    "conv2d_same": net([3, 17, 16], "Conv2d(3, 8, 4, padding='same', dilation=2)", "Conv2d(8, 8, 3, padding='valid')"),
    "conv2d_modes": net([3, 12, 12], "Conv2d(3, 8, 3, padding=2, padding_mode='reflect')",
                        "Conv2d(8, 8, 3, padding=1, padding_mode='circular')",
                        "Conv2d(8, 4, 3, padding=1, padding_mode='replicate', bias=False)"),
    "conv2d_groups": net([8, 9, 9], "Conv2d(8, 16, 3, groups=8, dilation=(2, 1), stride=(1, 2))"),
    "conv3d": net([2, 9, 10, 11], "Conv3d(2, 4, (3, 2, 1), stride=(2, 1, 3), padding=(1, 0, 1))",
                  "Conv3d(4, 4, 3, padding='same')"),
    "conv_transpose1d": net([4, 9], "ConvTranspose1d(4, 6, 3, stride=3, padding=1, output_padding=2)"),
    "conv_transpose2d": net([16, 7, 7], "ConvTranspose2d(16, 8, 4, stride=2, padding=1)",
                            "ConvTranspose2d(8, 4, 3, stride=2, padding=1, output_padding=1, groups=2, bias=False)",
                            "ConvTranspose2d(4, 4, 3, dilation=2, output_padding=1)"),
    "conv_transpose3d": net([4, 3, 4, 5], "ConvTranspose3d(4, 2, (2, 3, 3), stride=(1, 2, 2), padding=(0, 1, 0))"),
    # pooling
    "maxpool": net([3, 28, 28], "MaxPool2d(2)", "MaxPool2d(3, stride=2, padding=1, ceil_mode=True)",
                   "MaxPool2d((2, 3), stride=1, dilation=2)"),
    "maxpool_ceil_drop": net([1, 8, 7], "MaxPool2d((2, 2), stride=(3, 4), padding=(1, 0), ceil_mode=True)"),
    "maxpool1d_3d": net([2, 10, 9, 8], "MaxPool3d(2, ceil_mode=True)", "Flatten(2)", "MaxPool1d(3, 2, 1)"),
    "maxpool_indices": net([3, 9, 9], "MaxPool2d(2, return_indices=True)"),
    "avgpool": net([3, 11, 11], "AvgPool2d(3, stride=2, padding=1, ceil_mode=True, count_include_pad=False)",
                   "AvgPool2d(2, divisor_override=3)"),
    "avgpool_1d_3d": net([2, 7, 8, 9], "AvgPool3d((2, 3, 2), padding=1)", "Flatten(2)", "AvgPool1d(4, ceil_mode=True)"),
    "lppool": net([3, 10, 13], "LPPool2d(2, 3, stride=2, ceil_mode=True)", "Flatten(2)", "LPPool1d(1.5, 4)"),
    "lppool3d": net([2, 6, 6, 7], "LPPool3d(2, 2)"),
    "adaptive": net([8, 13, 11], "AdaptiveAvgPool2d((5, None))", "AdaptiveMaxPool2d(3)", "Flatten(2)",
                    "AdaptiveAvgPool1d(4)", "AdaptiveMaxPool1d(2, return_indices=True)"),
    "adaptive3d": net([2, 5, 6, 7], "AdaptiveAvgPool3d((1, None, 2))", "AdaptiveMaxPool3d(1)"),
    # normalization
    "batchnorm": net([6, 8, 8], "BatchNorm2d(6)", "BatchNorm2d(6, affine=False)",
                     "BatchNorm2d(6, track_running_stats=False)", "Flatten()", "BatchNorm1d(384, momentum=None)"),
    "batchnorm1d_3d": net([4, 3, 5, 5], "BatchNorm3d(4, eps=0.001)", "Flatten(2)", "BatchNorm1d(4)"),
    "instancenorm": net([5, 6, 7], "InstanceNorm2d(5)", "InstanceNorm2d(5, affine=True)",
                        "InstanceNorm2d(5, track_running_stats=True)", "Flatten(2)", "InstanceNorm1d(5, affine=True)"),
    "instancenorm3d": net([3, 4, 4, 4], "InstanceNorm3d(3, affine=True, track_running_stats=True)"),
    "layernorm": net([10, 64], "LayerNorm(64)", "LayerNorm([10, 64], elementwise_affine=False)",
                     "LayerNorm((10, 64), bias=False)"),
    "groupnorm": net([12, 5, 5], "GroupNorm(4, 12)", "GroupNorm(3, 12, affine=False)", "LocalResponseNorm(2)"),
    "rmsnorm": net([7, 16], "RMSNorm(16)", "RMSNorm([7, 16], elementwise_affine=False)"),
    # linear and reshaping
    "linear": net([20], "Linear(20, 30)", "Linear(30, 10, bias=False)", "Identity(54, unused='x')"),
    "linear_3d": net([5, 20], "Linear(20, 7)"),
    "flatten_unflatten": net([4, 6, 5], "Flatten()", "Unflatten(1, (8, 15))", "Unflatten(2, [3, -1])",
                             "Flatten(0, 2)", "Unflatten(-1, (5, 1))"),
    "flatten_middle": net([2, 3, 4, 5], "Flatten(1, 2)", "Flatten(-2)"),
    "embedding": net([12], "Embedding(1000, 64, padding_idx=0)", "Linear(64, 8)"),
    "embedding_frozen": net([3, 4], "Embedding(50, 6, max_norm=1.0, _freeze=True)"),
    "upsample": net([3, 7, 9], "Upsample(scale_factor=2)", "Upsample(scale_factor=2.5, mode='bilinear')",
                    "Upsample(size=(10, 12))", "Upsample(scale_factor=(0.5, 1.5), mode='bicubic', align_corners=True)"),
    "upsample_1d_3d": net([2, 3, 5, 7], "Upsample(scale_factor=(1.5, 2, 0.7), mode='trilinear')", "Flatten(2)",
                          "Upsample(scale_factor=0.29, mode='linear')", "Upsample(size=11)"),
    "upsampling2d": net([4, 5, 6], "UpsamplingNearest2d(scale_factor=3)", "UpsamplingBilinear2d(size=(7, 8))"),
    "pixel_shuffle": net([18, 4, 6], "PixelShuffle(3)", "PixelUnshuffle(2)"),
    "padding2d": net([3, 8, 8], "ZeroPad2d((1, 2, 3, 4))", "ConstantPad2d(2, 0.5)", "ReflectionPad2d((1, 0, 2, 3))",
                     "ReplicationPad2d(3)", "CircularPad2d((1, 1, 0, 2))", "ZeroPad2d((-1, 0, -2, 0))"),
    "padding1d_3d": net([2, 4, 5, 6], "ZeroPad3d((1, 2, 0, 1, 2, 0))", "ConstantPad3d(1, 3.0)", "ReflectionPad3d(1)",
                        "ReplicationPad3d((0, 1, 2, 0, 1, 1))", "CircularPad3d(1)", "Flatten(2)",
                        "ZeroPad1d((2, 1))", "ConstantPad1d(3, 1.0)", "ReflectionPad1d(4)", "ReplicationPad1d(2)",
                        "CircularPad1d((3, 0))"),
    # activations and dropouts
    "activations": net([4, 6, 6], "ReLU(inplace=True)", "ReLU6()", "LeakyReLU(0.2)", "PReLU()", "PReLU(4, init=0.1)",
                       "ELU(alpha=0.5)", "SELU()", "CELU()", "GELU(approximate='tanh')", "SiLU()", "Mish()",
                       "Hardswish()", "Hardsigmoid()", "Hardtanh(-2, 2)", "Sigmoid()", "Tanh()", "Softmax(dim=1)",
                       "LogSoftmax(1)", "Softmin(dim=-1)", "Softmax2d()", "Softplus(beta=2)", "Softsign()",
                       "Tanhshrink()", "Threshold(0.1, 20)", "LogSigmoid()", "RReLU()", "Hardshrink()",
                       "Softshrink(0.3)", "GLU(dim=1)", "GLU()"),
    "dropouts": net([4, 6, 6, 6], "Dropout(0.3)", "Dropout3d(0.2)", "AlphaDropout(0.1)", "FeatureAlphaDropout()",
                    "Flatten(3)", "Dropout2d()", "Flatten(2)", "Dropout1d(p=0.5)"),
    # recurrent
    "rnn": net([15, 10], "RNN(10, 20, batch_first=True)", "RNN(20, 8, 2, 'relu', bias=False, bidirectional=True)"),
    "lstm": net([15, 100], "LSTM(100, 128, batch_first=True)",
                "LSTM(128, 64, num_layers=3, bidirectional=True, batch_first=True, dropout=0.1)",
                "LSTM(128, 32, proj_size=8, num_layers=2, bidirectional=True)"),
    "gru": net([9, 12], "GRU(12, 16, 2, batch_first=True)", "GRU(16, 4, bias=False, bidirectional=True)"),
    # attention
    "mha": net([10, 64], "MultiheadAttention(64, 8, batch_first=True)", "MultiheadAttention(64, 4, bias=False)",
               "MultiheadAttention(64, 2, add_bias_kv=True, add_zero_attn=True)"),
    "transformer": net([12, 32], "TransformerEncoderLayer(32, 4, dim_feedforward=64, batch_first=True)",
                       "TransformerEncoderLayer(32, 2, 16, 0.0, 'gelu', norm_first=True, bias=False)"),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_catalog_matches_torch(name):
    summary = assert_matches_torch(CASES[name])
    check_steps(summary)


GRAPHS = {
    "residual": {
        "framework": "pytorch", "input": [16, 8, 8],
        "layers": [
            {"Conv2d(16, 16, 3, padding=1)": None, "name": "a"},
            {"BatchNorm2d(16)": None, "name": "bn"},
            {"Add": None, "inputs": ["input", "bn"], "name": "sum"},
            {"cat(dim=1)": None, "inputs": ["sum", "a", "input"]},
            {"Concatenate": None, "inputs": ["sum", "bn"], "name": "joined"},
            {"add": None, "inputs": ["joined", "joined"]},
        ],
    },
    "broadcast": {
        "framework": "pytorch", "inputs": {"x": [4, 6, 6], "y": [4, 1, 6]},
        "layers": [
            {"Add": None, "inputs": ["x", "y"]},
            {"cat(-2)": None, "inputs": ["add", "y"]},
            {"cat": None, "inputs": ["x", "x"]},
            {"mul": None, "inputs": ["y", "x"]},
            {"Multiply": None, "inputs": ["x", "add", "y"]},
        ],
    },
    "attention_qkv": {
        "framework": "pytorch", "inputs": {"q": [5, 32], "k": [7, 16], "v": [7, 24]},
        "layers": [
            {"MultiheadAttention(32, 4, kdim=16, vdim=24, batch_first=True)": None, "inputs": ["q", "k", "v"]},
            {"MultiheadAttention(32, 2, kdim=16, vdim=16, batch_first=True, add_bias_kv=True)": None,
             "inputs": ["q", "k"]},
        ],
    },
    "bilinear_decoder": {
        "framework": "pytorch", "inputs": {"a": [6, 10], "b": [6, 12], "mem": [9, 10]},
        "layers": [
            {"Bilinear(10, 12, 10)": None, "inputs": ["a", "b"]},
            {"Bilinear(10, 10, 3, bias=False)": None, "inputs": ["a", "bilinear"]},
            {"TransformerDecoderLayer(10, 2, 20, batch_first=True)": None, "inputs": ["bilinear", "mem"]},
        ],
    },
    "frozen": {
        "framework": "pytorch", "input": [3, 8, 8],
        "layers": [{"Conv2d(3, 4, 3)": None, "trainable": False}, {"BatchNorm2d(4)": None, "trainable": False},
                   "Flatten()", {"Linear(144, 2)": None}],
    },
}


@pytest.mark.parametrize("name", sorted(GRAPHS))
def test_graphs_match_torch(name):
    summary = assert_matches_torch(GRAPHS[name])
    check_steps(summary)


def test_every_catalog_entry_is_exercised():
    from test_pytorch_functions import FUNCTIONS
    from test_pytorch_ops import OPS

    from mkdocs_cnnsummary.engine.layer import catalog

    used = set()
    for spec in [*CASES.values(), *GRAPHS.values(), *OPS.values(), *FUNCTIONS.values()]:
        for item in spec["layers"]:
            text = item if isinstance(item, str) else next(k for k in item if k not in ("name", "inputs", "trainable"))
            used.add(text.split("(")[0])
    missing = set(catalog("pytorch")) - used
    assert not missing, sorted(missing)


def test_buffers_are_reported_apart_from_parameters():
    summary = summarize(net([64, 8, 8], "BatchNorm2d(64)"))
    layer = summary.layers[0]
    assert (layer.params, layer.buffers) == (128, 129)
    data = summary.to_dict()
    assert data["layers"][0]["buffers"] == 129 and data["total_buffers"] == 129 and data["total_params"] == 128
    quantities = [s.quantity for s in layer.calculation]
    assert quantities == ["params", "buffers"]
    assert [s.formula for s in layer.calculation] == ["2 × num_features", "2 × num_features + 1"]


def test_worked_steps_in_pytorch_notation():
    summary = summarize(net([3, 32, 32], "Conv2d(3, 16, 3, stride=2, padding=1)"))
    steps = {s.quantity: s for s in summary.layers[0].calculation}
    assert steps["output height"].formula == "⌊(h + 2 × p_h − d_h × (k_h − 1) − 1)/s_h⌋ + 1"
    assert steps["output height"].substituted == "⌊(32 + 2 × 1 − 1 × (3 − 1) − 1)/2⌋ + 1"
    assert steps["params"].formula == "(k_h × k_w × c_in + 1) × c_out"
    assert steps["params"].substituted == "(3 × 3 × 3 + 1) × 16"


def test_ceil_mode_last_window_rule_is_explained():
    summary = assert_matches_torch(net([1, 8, 8], "MaxPool2d(2, stride=3, padding=1, ceil_mode=True)"))
    steps = [s for s in summary.layers[0].calculation if s.quantity == "output height"]
    assert [s.result for s in steps] == [4, 3]
    assert "PyTorch drops it" in steps[1].note


def test_upsample_follows_floating_point():
    summary = assert_matches_torch(net([1, 100], "Upsample(scale_factor=0.29)"))
    (step,) = summary.layers[0].calculation
    assert step.result == 28 and "floating point" in step.note
    check_steps(summary)


def test_automatic_names_are_snake_case():
    summary = summarize(net([3, 8, 8], "Conv2d(3, 3, 1)", "Conv2d(3, 3, 1)", "BatchNorm2d(3)", "LeakyReLU()",
                            "PReLU()", "ReLU6()", "AdaptiveAvgPool2d(1)"))
    assert [rec.name for rec in summary.layers] == [
        "conv2d", "conv2d_1", "batch_norm2d", "leaky_relu", "prelu", "relu6", "adaptive_avg_pool2d"]


def test_unknown_sizes_propagate_with_a_note():
    summary = summarize(net([3, None, 32], "Conv2d(3, 8, 3)", "Flatten()", "Linear(5, 2)"))
    conv = summary.layers[0]
    assert conv.output_shape == (None, 8, None, 30)
    assert "unknown because the input height is None" in conv.calculation[0].note
    check_steps(summary)


def test_sequence_input_convention():
    summary = summarize(net([15, 100], "LSTM(100, 32, batch_first=True, bidirectional=True)"))
    assert summary.layers[0].output_shape == (None, 15, 64)
    assert summary.layers[0].params == 2 * 4 * 32 * (100 + 32 + 2)


# errors: our message says what to change, and PyTorch rejects the same spec -------------------------------

ERRORS = {
    "conv_channels": (net([32, 28, 28], "Conv2d(3, 16, 3)"),
                      ["expected input[N, 32, 28, 28] to have 3 channels, but got 32 channels", "set in_channels=32"]),
    "linear_features": (net([512], "Linear(800, 10)"),
                        ["mat1 and mat2 shapes cannot be multiplied (Nx512 and 800x10)", "set in_features=512"]),
    "pool_padding": (net([3, 8, 8], "MaxPool2d(3, padding=2)"),
                     ["pad should be at most half of effective kernel size", "set padding to at most 1"]),
    "avgpool_padding": (net([3, 8, 8], "AvgPool2d(4, padding=3)"),
                        ["pad should be at most half of kernel size", "set padding to at most 2"]),
    "pool_too_small": (net([3, 2, 2], "MaxPool2d(3)"),
                       ["Calculated output size: (3x0x0). Output size is too small"]),
    "conv_kernel_too_big": (net([3, 3, 3], "Conv2d(3, 4, 5)"),
                            ["Kernel size can't be greater than actual input size", "kernel_size of at most 3"]),
    "conv_same_strided": (net([3, 8, 8], "Conv2d(3, 4, 3, stride=2, padding='same')"),
                          ["padding='same' is not supported for strided convolutions"]),
    "conv_groups": (net([6, 8, 8], "Conv2d(6, 4, 3, groups=4)"), ["in_channels must be divisible by groups"]),
    "conv_rank": (net([3], "Conv2d(3, 4, 3)"), ["Expected 3D (unbatched) or 4D (batched) input to conv2d"]),
    "conv_unbatched": (net([3, 8], "Conv2d(3, 4, 3)"), ["expects a 4-D input (N, C, H, W)"]),
    "transpose_output_padding": (net([3, 4, 4], "ConvTranspose2d(3, 4, 3, stride=2, output_padding=2)"),
                                 ["output padding must be smaller than either stride or dilation",
                                  "output_padding of at most 1"]),
    "batchnorm_channels": (net([32, 4, 4], "BatchNorm2d(64)"), ["set num_features=32"]),
    "batchnorm_rank": (net([64, 4], "BatchNorm2d(64)"), ["expected 4D input (got 3D input"]),
    "instancenorm_affine": (net([4, 5, 5], "InstanceNorm2d(8, affine=True)"), ["set num_features=4"]),
    "layernorm_shape": (net([10, 32], "LayerNorm(64)"),
                        ["Given normalized_shape=[64], expected input with shape [*, 64]",
                         "set normalized_shape to the input's last sizes (32)"]),
    "groupnorm_channels": (net([16, 4, 4], "GroupNorm(4, 32)"), ["set num_channels=16"]),
    "groupnorm_divisible": (net([6, 4, 4], "GroupNorm(4, 6)"), ["num_channels must be divisible by num_groups"]),
    "lstm_features": (net([5, 64], "LSTM(100, 20, batch_first=True)"),
                      ["input.size(-1) must be equal to input_size. Expected 100, got 64", "set input_size=64"]),
    "lstm_proj": (net([5, 8], "LSTM(8, 4, proj_size=4)"), ["proj_size has to be smaller than hidden_size"]),
    "mha_dim": (net([5, 256], "MultiheadAttention(512, 8)"),
                ["was expecting embedding dimension of 512, but got 256", "set embed_dim=256"]),
    "mha_heads": (net([5, 64], "MultiheadAttention(64, 5)"), ["embed_dim must be divisible by num_heads"]),
    "prelu_channels": (net([16, 4], "PReLU(3)"), ["Found parameter numbers = 3 and channel size = 16",
                                                   "set num_parameters=16"]),
    "reflection_pad": (net([3, 2, 2], "ReflectionPad2d(3)"),
                       ["Padding size should be less than the corresponding input dimension"]),
    "pixel_shuffle": (net([12, 2, 2], "PixelShuffle(3)"), ["not divisible by 9"]),
    "pixel_unshuffle": (net([3, 5, 4], "PixelUnshuffle(2)"), ["input.size(-2)=5 is not divisible by 2"]),
    "softmax_dim": (net([3, 4, 4], "Softmax(dim=4)"), ["Dimension out of range"]),
    "unflatten": (net([12], "Unflatten(1, (2, 5))"), ["Provided sizes [2, 5] don't multiply up to the size of dim 1"]),
    "flatten_dims": (net([3, 4], "Flatten(2, 1)"), ["start_dim cannot come after end_dim"]),
    "upsample_mode": (net([3, 4], "Upsample(scale_factor=2, mode='bilinear')"),
                      ["Got 3D input, but bilinear mode needs 4D input"]),
    "upsample_both": (net([3, 4], "Upsample(size=4, scale_factor=2)"), ["only one of size or scale_factor"]),
    "dropout_p": (net([3], "Dropout(1.5)"), ["dropout probability has to be between 0 and 1"]),
    "cat_sizes": ({"framework": "pytorch", "inputs": {"a": [3, 28, 28], "b": [3, 14, 14]},
                   "layers": [{"cat(dim=1)": None, "inputs": ["a", "b"]}]},
                  ["Sizes of tensors must match except in dimension 1. Expected size 28 but got size 14"]),
    "add_sizes": ({"framework": "pytorch", "inputs": {"a": [3, 28, 28], "b": [4, 28, 28]},
                   "layers": [{"Add": None, "inputs": ["a", "b"]}]},
                  ["The size of tensor a (3) must match the size of tensor b (4) at non-singleton dimension 1"]),
    "embedding_padding_idx": (net([4], "Embedding(10, 3, padding_idx=10)"), ["Padding_idx must be within"]),
    "glu_odd": (net([5], "GLU()"), ["Halving dimension must be even"]),
}


@pytest.mark.parametrize("name", sorted(ERRORS))
def test_errors_explain_and_torch_agrees(name):
    assert_rejected_like_torch(*ERRORS[name])


def test_torch_error_helper_sees_valid_specs_pass():
    assert torch_error(net([3, 8, 8], "Conv2d(3, 4, 3)", "MaxPool2d(2)")) is None


def test_errors_name_the_line_and_layer():
    text = "framework: pytorch\ninput: [32, 28, 28]\nlayers:\n  - Conv2d(3, 16, 3)\n"
    with pytest.raises(SpecError) as info:
        summarize(text)
    assert info.value.line == 4 and info.value.layer == "conv2d" and info.value.layer_type == "Conv2d"


def test_unknown_module_and_argument_suggest_names():
    with pytest.raises(SpecError, match="did you mean 'Conv2d'"):
        summarize(net([3, 8, 8], "Conv2D(3, 4, 3)"))
    with pytest.raises(SpecError, match="did you mean 'kernel_size'"):
        summarize(net([3, 8, 8], "Conv2d(3, 4, kernel_sise=3)"))


def test_device_and_dtype_are_accepted():
    summary = assert_matches_torch(net([3, 8, 8], "Conv2d(3, 4, 3, device='meta', dtype=torch.float32)"))
    assert summary.layers[0].params == 112


# torchinfo-style text ------------------------------------------------------------------------------------


def test_torchinfo_style_text():
    from mkdocs_cnnsummary.render.text import render_text

    summary = summarize({**net([3, 32, 32], "Conv2d(3, 16, 3, stride=2, padding=1)", "BatchNorm2d(16)", "ReLU()",
                               "Flatten()", "Linear(4096, 10)"), "name": "Net"})
    text = render_text(summary, style="torchinfo")
    lines = text.splitlines()
    assert lines[1].split() == ["Layer", "(type:depth-idx)", "Output", "Shape", "Param", "#", "Buffers"]
    assert lines[3].split() == ["Net", "[None,", "10]", "--", "--"]
    assert lines[4].split() == ["├─Conv2d:", "1-1", "[None,", "16,", "16,", "16]", "448", "--"]
    assert lines[5].split() == ["├─BatchNorm2d:", "1-2", "[None,", "16,", "16,", "16]", "32", "33"]
    assert lines[8].split() == ["└─Linear:", "1-5", "[None,", "10]", "40,970", "--"]
    assert "Total params: 41,450" in text and "Buffers: 33" in text and "Params size (MB): 0.17" in text
    worked = render_text(summary, style="torchinfo", worked=True)
    assert "params: (k_h × k_w × c_in + 1) × c_out = (3 × 3 × 3 + 1) × 16 = 448" in worked
    with pytest.raises(ValueError, match="unknown text style"):
        render_text(summary, style="fancy")

"""Every number quoted in the five seed questions, computed from the specs in tests/specs/.

Numbers that come from Keras are also checked against real Keras 3 (keras_builder).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from arith import check_steps
from keras_builder import assert_matches_keras, keras, make_layer

from mkdocs_cnnsummary import SpecError, summarize
from mkdocs_cnnsummary.engine.spec import parse_spec
from mkdocs_cnnsummary.render import render_text

SPECS = Path(__file__).parent / "specs"


def spec(name: str) -> str:
    return (SPECS / f"{name}.yaml").read_text(encoding="utf-8")


def steps_of(summary, layer: str) -> dict[str, tuple[str | None, int | None]]:
    return {s.quantity: (s.substituted, s.result) for s in summary.layer(layer).calculation}


# seed 000: U-Net; the up-convolutions have a 2×2 kernel --------------------------------------

# (our layer name, depth, output size, params) as in the question's table, with the
# "should be" values (what Keras printed) for the four up-convolutions
UNET_TABLE = [
    ("conv1", 64, 256, 640), ("conv1b", 64, 256, 36928), ("pool1", 64, 128, 0),
    ("conv2", 128, 128, 73856), ("conv2b", 128, 128, 147584), ("pool2", 128, 64, 0),
    ("conv3", 256, 64, 295168), ("conv3b", 256, 64, 590080), ("pool3", 256, 32, 0),
    ("conv4", 512, 32, 1180160), ("conv4b", 512, 32, 2359808), ("drop4", 512, 32, 0), ("pool4", 512, 16, 0),
    ("conv5", 1024, 16, 4719616), ("conv5b", 1024, 16, 9438208), ("drop5", 1024, 16, 0),
    ("upsample6", 1024, 32, 0), ("up6", 512, 32, 2097664), ("merge6", 1024, 32, 0),
    ("conv6", 512, 32, 4719104), ("conv6b", 512, 32, 2359808),
    ("upsample7", 512, 64, 0), ("up7", 256, 64, 524544), ("merge7", 512, 64, 0),
    ("conv7", 256, 64, 1179904), ("conv7b", 256, 64, 590080),
    ("upsample8", 256, 128, 0), ("up8", 128, 128, 131200), ("merge8", 256, 128, 0),
    ("conv8", 128, 128, 295040), ("conv8b", 128, 128, 147584),
    ("upsample9", 128, 256, 0), ("up9", 64, 256, 32832), ("merge9", 128, 256, 0),
    ("conv9", 64, 256, 73792), ("conv9b", 64, 256, 36928), ("conv9c", 2, 256, 1154), ("conv10", 1, 256, 3),
]
# what the question computed with a 3×3 kernel for the up-convolutions
UNET_WITH_3X3 = {"up6": 4719104, "up7": 1179904, "up8": 295040, "up9": 73792}


def test_seed_000_unet_every_layer():
    summary = summarize(spec("seed_000_unet"))
    assert [rec.name for rec in summary.layers] == [row[0] for row in UNET_TABLE]
    assert summary.inputs[0].shape == (None, 256, 256, 1)
    for name, depth, size, params in UNET_TABLE:
        rec = summary.layer(name)
        assert rec.output_shape == (None, size, size, depth), name
        assert rec.params == rec.trainable_params == params, name
    assert summary.total_params == summary.trainable_params == sum(row[3] for row in UNET_TABLE) == 31_031_685
    assert summary.non_trainable_params == 0
    assert summary.is_graph
    assert summary.layer("merge6").inputs == ["drop4", "up6"]
    check_steps(summary)


def test_seed_000_unet_up_convolution_uses_four_not_nine():
    summary = summarize(spec("seed_000_unet"))
    assert steps_of(summary, "up6")["params"] == ("(2 × 2 × 1024 + 1) × 512", 2_097_664)
    assert steps_of(summary, "up7")["params"] == ("(2 × 2 × 512 + 1) × 256", 524_544)
    assert steps_of(summary, "up8")["params"] == ("(2 × 2 × 256 + 1) × 128", 131_200)
    assert steps_of(summary, "up9")["params"] == ("(2 × 2 × 128 + 1) × 64", 32_832)
    # the question's own numbers come out when the kernel is 3
    mistaken = re.sub(r"Conv2D\((\d+), 2,", r"Conv2D(\1, 3,", spec("seed_000_unet"))
    wrong = summarize(mistaken)
    for name, params in UNET_WITH_3X3.items():
        assert wrong.layer(name).params == params, name
    assert steps_of(wrong, "up6")["params"] == ("(3 × 3 × 1024 + 1) × 512", 4_719_104)


def test_seed_000_unet_matches_keras():
    assert_matches_keras(spec("seed_000_unet"))


# seed 001: the MNIST network (Keras equivalent of the Lasagne one) ----------------------------

MNIST_TABLE = [
    ("conv2d1", (None, 24, 24, 32), 832, "(5 × 5 × 1 + 1) × 32"),
    ("maxpool1", (None, 12, 12, 32), 0, None),
    ("conv2d2", (None, 10, 10, 32), 9248, "(3 × 3 × 32 + 1) × 32"),
    ("maxpool2", (None, 5, 5, 32), 0, None),
    ("flatten", (None, 800), 0, None),
    ("dense", (None, 256), 205056, "(800 + 1) × 256"),
    ("output", (None, 10), 2570, "(256 + 1) × 10"),
]


def test_seed_001_mnist_keras_equivalent():
    summary = summarize(spec("seed_001_mnist_keras"))
    for name, shape, params, substituted in MNIST_TABLE:
        rec = summary.layer(name)
        assert rec.output_shape == shape, name
        assert rec.params == params, name
        if substituted:
            assert steps_of(summary, name)["params"] == (substituted, params)
    assert summary.total_params == summary.trainable_params == 217_706
    # the answer's (28 − (5 − 1)) = 24 and 32 × 5 × 5 = 800
    assert steps_of(summary, "conv2d1")["output height"] == ("⌊(28 − 5)/1⌋ + 1", 24)
    assert steps_of(summary, "flatten")["output size"] == ("5 × 5 × 32", 800)
    check_steps(summary)
    assert_matches_keras(spec("seed_001_mnist_keras"))


# seed 002: Conv2D vs DepthwiseConv2D vs SeparableConv2D ----------------------------------------

@pytest.mark.parametrize(("name", "layer", "channels", "params", "substituted"), [
    ("seed_002_conv2d", "conv2d", 32, 2912, "(3 × 3 × 10 + 1) × 32"),
    ("seed_002_depthwise", "depthwise_conv2d", 10, 100, None),
    ("seed_002_separable", "separable_conv2d", 32, 442, None),
])
def test_seed_002(name, layer, channels, params, substituted):
    summary = summarize(spec(name))
    assert summary.inputs[0].name == "input"
    assert summary.inputs[0].shape == (None, 224, 224, 10)
    rec = summary.layer(layer)
    assert rec.output_shape == (None, 224, 224, channels)
    assert rec.params == rec.trainable_params == summary.total_params == params
    assert summary.non_trainable_params == 0
    if substituted:
        assert steps_of(summary, layer)["params"] == (substituted, params)
    check_steps(summary)
    assert_matches_keras(spec(name))


def test_seed_002_text_totals_as_keras_prints_them():
    text = render_text(summarize(spec("seed_002_conv2d")))
    assert "conv2d (Conv2D)" in text and "(None, 224, 224, 32)" in text and "2,912" in text
    assert " Total params: 2,912 (11.38 KB)" in text
    assert " Trainable params: 2,912 (11.38 KB)" in text
    assert " Non-trainable params: 0 (0.00 B)" in text


def test_seed_002_separable_steps():
    """The answer's 3×3×10 + (1×1×10+1)×32 = 442: depthwise kernel without bias, pointwise with."""
    summary = summarize(spec("seed_002_separable"))
    (substituted, result), = [v for q, v in steps_of(summary, "separable_conv2d").items() if q == "params"]
    assert result == 442
    assert "3 × 3 × 10" in substituted and "32" in substituted


# seed 003: parameters with unknown height and width --------------------------------------------

def test_seed_003_unknown_size_448():
    summary = summarize(spec("seed_003_unknown_size"))
    rec = summary.layer("conv2d")
    assert rec.output_shape == (None, None, None, 16)
    assert rec.params == 448
    steps = {s.quantity: s for s in rec.calculation}
    assert (steps["params"].substituted, steps["params"].result) == ("(3 × 3 × 3 + 1) × 16", 448)
    height = steps["output height"]
    assert height.result is None and height.substituted is None
    assert "unknown because the input height is None" in height.note
    check_steps(summary)
    assert_matches_keras(spec("seed_003_unknown_size"))


def test_seed_003_c5_reduced_524544():
    summary = summarize(spec("seed_003_c5_reduced"))
    assert summary.inputs[0].shape == (None, None, None, 2048)
    rec = summary.layer("C5_reduced")
    assert rec.output_shape == (None, None, None, 256)
    assert rec.params == 524_544 == 2048 * 256 + 256
    assert steps_of(summary, "C5_reduced")["params"] == ("(1 × 1 × 2048 + 1) × 256", 524_544)
    check_steps(summary)
    assert_matches_keras(spec("seed_003_c5_reduced"))


def test_seed_003_answer_examples():
    vgg = summarize(spec("seed_003_vgg_block1"))
    assert vgg.inputs[0].name == "input_1"
    assert vgg.layer("block1_conv1").output_shape == (None, 224, 224, 64)
    assert vgg.layer("block1_conv1").params == 1792
    assert vgg.layer("block1_conv2").output_shape == (None, 224, 224, 64)
    assert vgg.layer("block1_conv2").params == 36928
    first = summarize(spec("seed_003_input_shape"))
    assert first.inputs[0].shape == (None, 150, 150, 3)
    assert first.layer("conv2d").output_shape == (None, 148, 148, 16)
    assert first.layer("conv2d").params == 448
    assert steps_of(first, "conv2d")["output height"] == ("⌊(150 − 3)/1⌋ + 1", 148)
    for name in ("seed_003_vgg_block1", "seed_003_input_shape"):
        check_steps(summarize(spec(name)))
        assert_matches_keras(spec(name))


# seed 004: the denoiser, the one that ends at 24×24, and the negative dimension ----------------

DENOISER = [  # (type, output shape, params) in the order of the question's first summary
    ("Conv2D", (28, 28, 32), 320), ("Activation", (28, 28, 32), 0), ("MaxPooling2D", (14, 14, 32), 0),
    ("Conv2D", (14, 14, 16), 4624), ("Activation", (14, 14, 16), 0), ("MaxPooling2D", (7, 7, 16), 0),
    ("Conv2D", (7, 7, 8), 1160), ("Activation", (7, 7, 8), 0),
    ("Conv2D", (7, 7, 8), 584), ("Activation", (7, 7, 8), 0), ("UpSampling2D", (14, 14, 8), 0),
    ("Conv2D", (14, 14, 16), 1168), ("Activation", (14, 14, 16), 0), ("UpSampling2D", (28, 28, 16), 0),
    ("Conv2D", (28, 28, 1), 145),
]
CONVMODEL3 = [
    ("Conv2D", (28, 28, 32), 320), ("Activation", (28, 28, 32), 0), ("MaxPooling2D", (14, 14, 32), 0),
    ("Conv2D", (14, 14, 16), 4624), ("Activation", (14, 14, 16), 0), ("MaxPooling2D", (7, 7, 16), 0),
    ("Conv2D", (7, 7, 8), 1160), ("Activation", (7, 7, 8), 0), ("MaxPooling2D", (3, 3, 8), 0),
    ("UpSampling2D", (6, 6, 8), 0), ("Conv2D", (6, 6, 16), 1168), ("Activation", (6, 6, 16), 0),
    ("UpSampling2D", (12, 12, 16), 0), ("Conv2D", (12, 12, 32), 4640), ("Activation", (12, 12, 32), 0),
    ("UpSampling2D", (24, 24, 32), 0), ("Conv2D", (24, 24, 1), 289),
]


@pytest.mark.parametrize(("name", "table", "total"), [
    ("seed_004_denoiser", DENOISER, 8001),
    ("seed_004_convmodel3", CONVMODEL3, 12201),
])
def test_seed_004_summaries(name, table, total):
    summary = summarize(spec(name))
    got = [(rec.type, rec.output_shape[1:], rec.params) for rec in summary.layers]
    assert got == table
    assert summary.total_params == summary.trainable_params == total
    assert summary.non_trainable_params == 0
    check_steps(summary)
    assert_matches_keras(spec(name))


def test_seed_004_why_24_not_28():
    summary = summarize(spec("seed_004_convmodel3"))
    pool3 = summary.layers[8]
    assert pool3.name == "max_pooling2d_2"
    assert steps_of(summary, pool3.name)["output height"] == ("⌊(7 − 2)/2⌋ + 1", 3)
    assert [rec.output_shape[1] for rec in summary.layers if rec.type == "UpSampling2D"] == [6, 12, 24]


TOO_SMALL = ("line 9, layer 'too_small' (Conv2D): a 3×3 kernel does not fit the 2×2 input with "
             "padding='valid'; use padding='same' or a smaller kernel")


def test_seed_004_negative_dimension_error():
    with pytest.raises(SpecError) as err:
        summarize(spec("seed_004_too_small"))
    assert str(err.value) == TOO_SMALL
    assert (err.value.line, err.value.layer, err.value.layer_type) == (9, "too_small", "Conv2D")


def test_seed_004_keras_rejects_the_same_network():
    net = parse_spec(spec("seed_004_too_small"))
    x = keras.Input(shape=(28, 28, 1))
    for layer_spec in net.layers[:-1]:
        x = make_layer(layer_spec)(x)
    assert tuple(x.shape) == (None, 2, 2, 16)  # the seed's input shapes: [?,2,2,16], [3,3,16,32]
    with pytest.raises(ValueError, match="negative"):
        make_layer(net.layers[-1])(x)

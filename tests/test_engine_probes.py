"""Edge cases of arguments and wiring, each checked against real Keras or PyTorch."""

from __future__ import annotations

import random

import pytest
import torch
from arith import check_steps
from keras_builder import assert_matches_keras, keras
from spec_fuzz import mutate, seed_specs
from torch_builder import assert_matches_torch, nn

from mkdocs_cnnsummary import SpecError, summarize

SEEDS = seed_specs()


def _keras_rejects(make) -> bool:
    try:
        make()
    except (ValueError, TypeError):
        return True
    return False


@pytest.mark.parametrize(("layer", "make"), [
    ("Conv2D(32.0, 3)", lambda: keras.layers.Conv2D(32.0, 3)(keras.Input((8, 8, 3)))),
    ("Conv2D(4, 3.0)", lambda: keras.layers.Conv2D(4, 3.0)),
    ("Dense(8.0)", lambda: keras.layers.Dense(8.0)),
    ("MaxPooling2D(2.0)", lambda: keras.layers.MaxPooling2D(2.0)),
    ("UpSampling2D(2.0)", lambda: keras.layers.UpSampling2D(2.0)),
])
def test_a_whole_float_where_keras_counts_is_rejected_as_keras_does(layer, make):
    assert _keras_rejects(make)
    with pytest.raises(SpecError) as err:
        summarize(f"input: [8, 8, 3]\nlayers:\n  - {layer}\n")
    assert err.value.line == 3
    assert "expected an integer" in str(err.value) and "without the decimal point" in str(err.value)


def test_argument_forms_match_keras():
    assert_matches_keras("""
input: [28, 28, 3]
layers:
  - MaxPooling2D((2, 2), None, 'same')
  - Conv2DTranspose(8, 3, 2, 'same', output_padding=1)
  - Conv2D(8, [3, 3], padding='SAME')
  - MaxPooling2D([2, 2])
""")


ONE_OUTPUT_OF_LSTM = """\
input: [10, 4]
layers:
  - LSTM: {{units: 3, return_state: true}}
    name: l
  - Dense: [2]
    inputs: '{src}'
outputs: {outputs}
"""


def test_a_negative_index_picks_from_the_end_as_in_keras():
    assert_matches_keras(ONE_OUTPUT_OF_LSTM.format(src="l[-1]", outputs="[dense]"))


def test_outputs_may_pick_one_output_of_a_layer_as_in_keras():
    spec = ONE_OUTPUT_OF_LSTM.format(src="l[0]", outputs="[dense, 'l[1]']")
    assert_matches_keras(spec)
    assert summarize(spec).outputs == ["dense", "l[1]"]


@pytest.mark.parametrize(("src", "outputs", "line", "pieces"), [
    ("l[5]", "[dense]", 5, ("'l' has 3 outputs, no output 5", "pick one of l[0] to l[2]")),
    ("l[-4]", "[dense]", 5, ("no output -4",)),
    ("l[x]", "[dense]", 5, ("the index in 'l[x]' must be a whole number", "l[0]")),
    ("l[0]", "[dense, 'l[3]']", 7, ("no output 3", "pick one of l[0] to l[2]")),
    ("l[0]", "[dense, 'dense[0]']", 7, ("'dense' has 1 output", "write dense without an index")),
])
def test_a_wrong_output_index_says_which_exist(src, outputs, line, pieces):
    with pytest.raises(SpecError) as err:
        summarize(ONE_OUTPUT_OF_LSTM.format(src=src, outputs=outputs))
    assert err.value.line == line
    for piece in pieces:
        assert piece in str(err.value)


def test_a_layer_that_leads_to_no_output_is_an_error_since_keras_leaves_it_out():
    x = keras.Input((4,))
    a = keras.layers.Dense(3, name="a")(x)
    keras.layers.Dense(5, name="b")(x)
    model = keras.Model(x, keras.layers.Dense(2, name="c")(a))
    assert "b" not in [layer.name for layer in model.layers]
    with pytest.raises(SpecError) as err:
        summarize("input: [4]\nlayers:\n  - Dense(3, name='a')\n  - Dense: [5]\n    name: b\n    inputs: input\n"
                  "  - Dense: [2]\n    name: c\n    inputs: a\n")
    assert (err.value.line, err.value.layer) == (4, "b")
    assert "leads to no output" in str(err.value) and "outputs:" in str(err.value)


def test_an_input_that_no_layer_uses_stays_an_input_as_in_keras():
    assert_matches_keras("inputs: {x: [4], y: [5]}\nlayers:\n  - Dense: [3]\n    inputs: x\n")


@pytest.mark.parametrize("activation", ["tanh", "RELU"])
def test_transformer_activation_strings_are_only_relu_and_gelu_as_in_torch(activation):
    with pytest.raises(RuntimeError, match="activation should be relu/gelu"):
        nn.TransformerEncoderLayer(8, 2, 16, activation=activation)
    layer = f"TransformerEncoderLayer(8, 2, 16, activation='{activation}')"
    spec = f"framework: pytorch\ninput: [5, 8]\nlayers:\n  - {layer}\n"
    with pytest.raises(SpecError, match="'activation' must be one of 'relu', 'gelu'") as err:
        summarize(spec)
    assert err.value.line == 4


def test_transformer_and_norm_argument_forms_match_torch():
    assert_matches_torch("""
framework: pytorch
input: [5, 8]
layers:
  - TransformerEncoderLayer(8, 2, 16, batch_first=True, norm_first=True, activation='gelu')
  - LayerNorm([5, 8])
  - Unflatten(-1, (2, -1))
  - Flatten(start_dim=2)
""")


def test_layer_norm_over_the_batch_dimension_is_an_error_since_the_batch_varies():
    norm = nn.LayerNorm([2, 3, 4])
    norm(torch.zeros(2, 3, 4))
    with pytest.raises(RuntimeError):
        norm(torch.zeros(5, 3, 4))
    with pytest.raises(SpecError) as err:
        summarize("framework: pytorch\ninput: [3, 4]\nlayers:\n  - LayerNorm([2, 3, 4])\n")
    assert err.value.line == 4 and "normalized_shape=[3, 4]" in str(err.value)


@pytest.mark.parametrize(("text", "line", "piece"), [
    ("input: [28]\nlayers:\n  - Dense: {units: !!int ten}\n", 3, "'ten' cannot be read as int"),
    ("input: [!!float x]\nlayers: [Flatten]\n", 1, "'x' cannot be read as float"),
    ("!!int ten\n", 1, "'ten' cannot be read as int"),
    ("input: [4]\nlayers:\n  - Dense: {units: 2, use_bias: !!bool maybe}\n", 3, "'maybe' cannot be read as bool"),
    ("input: [4]\nlayers:\n  - Dense: !!int ''\n", 3, "'' cannot be read as int"),
    ("input: [4]\nlayers:\n  - Dense: !!timestamp x\n", 3, "expected"),
    ("input: !!map [4]\nlayers: [Flatten]\n", 1, "!!map needs a mapping, got a list"),
    ("input: !!int [4]\nlayers: [Flatten]\n", 1, "!!int needs a single value, got a list"),
    ("input: !!binary aGVsbG8=\nlayers: [Flatten]\n", 1, "the !!binary tag is not supported"),
    ("input: !!set {a, b}\nlayers: [Flatten]\n", 1, "the !!set tag is not supported"),
    ("input: [4]\nlayers:\n  - Conv1D: {filters: 2, kernel_size: 3:3}\n", 3, "base-60"),
    ("input: [4]\nlayers:\n  - Dense: 010\n", 3, "octal"),
    ("input: [0x" + "f" * 5000 + "]\nlayers: [Flatten]\n", 1, "is too large"),
])
def test_a_tagged_value_that_does_not_read_is_a_spec_error(text, line, piece):
    with pytest.raises(SpecError) as err:
        summarize(text)
    assert err.value.line == line and piece in str(err.value)


@pytest.mark.parametrize("spec", [
    "input: [4]\nlayers:\n  - Dense(3, name='d[1]')\n",
    {"inputs": {"x[1]": [4]}, "layers": [{"Dense": [3], "inputs": "x[1]"}]},
])
def test_a_name_ending_in_an_index_is_an_error(spec):
    with pytest.raises(SpecError, match=r"cannot end in \[\.\.\.\]"):
        summarize(spec)


@pytest.mark.parametrize("seed", range(0, 1500, 100))
def test_mutated_specs_raise_only_spec_errors(seed):
    """Seeded edits of every spec of the tests and the example site (numbers, types, lines, stray characters)."""
    for i in range(seed, seed + 100):
        rng = random.Random(i)
        text, framework = rng.choice(SEEDS)
        mutated = mutate(text, rng)
        try:
            summary = summarize(mutated, framework=framework)
        except SpecError as exc:
            assert str(exc), (i, mutated)
        else:
            check_steps(summary)


def test_a_negative_input_size_is_an_error_as_in_keras():
    with pytest.raises(ValueError, match="Negative dimensions"):
        keras.Input((224, -1, 10))
    with pytest.raises(SpecError, match="negative sizes are not allowed") as err:
        summarize("inputs: {input: [224, -1, 10]}\nlayers:\n  - DepthwiseConv2D(3, padding='same')\n")
    assert err.value.line == 1 and "null" in str(err.value)


def test_transformer_activation_module_counts_its_parameters():
    from torch_builder import assert_matches_torch

    assert_matches_torch("""
framework: pytorch
input: [5, 16]
layers:
  - TransformerEncoderLayer(16, 4, dim_feedforward=32, batch_first=True, activation=PReLU())
  - TransformerEncoderLayer(16, 2, 24, batch_first=True, activation=PReLU(init=0.1))
  - TransformerEncoderLayer(16, 2, 24, batch_first=True, activation='gelu')
""")

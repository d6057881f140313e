"""Activation, regularization, normalization, merge and embedding layers against real Keras 3."""

from __future__ import annotations

from typing import Any

import pytest
import tensorflow as tf
from arith import check_steps
from keras_builder import _wants_list, assert_matches_keras, keras, make_layer

from mkdocs_cnnsummary import SpecError, summarize
from mkdocs_cnnsummary.engine.spec import parse_spec

# Each spec groups many layers so that one Keras model checks them all.
SPECS = {
    "activations and regularization on images": """
input: [8, 6, 4]
layers:
  - ReLU
  - ReLU(6.0)
  - ReLU: {max_value: 6, negative_slope: 0.1, threshold: 0.5}
  - LeakyReLU
  - LeakyReLU(0.2)
  - LeakyReLU: {negative_slope: 0.0}
  - ELU
  - ELU(0.5)
  - Softmax
  - Softmax(axis=1)
  - Softmax: {axis: [1, 2]}
  - PReLU
  - PReLU: {shared_axes: [1, 2]}
  - PReLU: {shared_axes: 3}
  - PReLU(alpha_initializer='ones', shared_axes=[2])
  - PReLU: {shared_axes: [1, 2, 3]}
  - name: frozen_prelu
    PReLU: {shared_axes: [1]}
    trainable: false
  - SpatialDropout2D(0.2)
  - SpatialDropout2D: {rate: 0.3, data_format: channels_first, seed: 1}
  - GaussianNoise(0.1)
  - GaussianNoise: {stddev: 0.0, seed: 3}
  - GaussianDropout(0.3)
  - AlphaDropout(0.1, seed=2)
  - ActivityRegularization(l1=0.01)
  - ActivityRegularization(0.01, 0.02)
  - Dropout(0.5)
""",
    "sequences and volumes": """
inputs: {seq: [10, 6], vol: [4, 5, 6, 3], free: [null, 7]}
layers:
  - name: sd1
    SpatialDropout1D: [0.5, 7]
    inputs: seq
  - PReLU
  - PReLU(shared_axes=1)
  - name: sd3
    SpatialDropout3D: {rate: 0.1}
    inputs: vol
  - SpatialDropout3D: {rate: 0.1, data_format: channels_first}
  - PReLU: {shared_axes: [1, 2, 3]}
  - name: free_prelu
    PReLU: {shared_axes: 1}
    inputs: free
  - ReLU
outputs: [p_re_lu_1, p_re_lu_2, re_lu]
""",
    "batch normalization": """
input: [6, 5, 8]
layers:
  - BatchNormalization
  - BatchNormalization(axis=1)
  - BatchNormalization: {axis: 2, center: false}
  - BatchNormalization: {scale: false}
  - BatchNormalization: {center: false, scale: false}
  - BatchNormalization: {renorm: true, renorm_clipping: {rmax: 3.0}}
  - BatchNormalization(-1, 0.9, 0.01, synchronized=False)
  - name: frozen_bn
    BatchNormalization: {}
    trainable: false
  - name: frozen_renorm
    BatchNormalization: {axis: 1, renorm: true}
    trainable: false
""",
    "channels_first convolution with batch normalization": """
input: [3, 12, 10]
layers:
  - Conv2D: {filters: 16, kernel_size: 3, data_format: channels_first}
  - BatchNormalization: {axis: 1}
  - ReLU
  - SpatialDropout2D: {rate: 0.1, data_format: channels_first}
  - GroupNormalization: {groups: 4, axis: 1}
  - LayerNormalization: {axis: [2, 3]}
""",
    "layer, group and unit normalization, rescaling": """
input: [6, 5, 8]
layers:
  - LayerNormalization
  - LayerNormalization(axis=[1, 2])
  - LayerNormalization: {axis: [-1, 1], center: false}
  - LayerNormalization: {rms_scaling: true}
  - LayerNormalization: {axis: 1, scale: false, epsilon: 0.00001}
  - LayerNormalization: {axis: [1, 2, 3], center: false, scale: false}
  - name: frozen_ln
    LayerNormalization: {axis: [2, 3]}
    trainable: false
  - GroupNormalization(4)
  - GroupNormalization: {groups: -1}
  - GroupNormalization: {groups: 3, axis: 1}
  - GroupNormalization: {groups: 8, center: false}
  - GroupNormalization: {groups: 1, scale: false, center: false}
  - UnitNormalization
  - UnitNormalization(axis=[1, 2])
  - Rescaling(0.5)
  - Rescaling: {scale: 2.0, offset: -1.0}
""",
    "normalization with learned and given statistics": """
inputs: {x: [6, 5, 8], free: [null, 4]}
layers:
  - name: learned
    Normalization:
    inputs: x
  - Normalization(axis=None)
  - Normalization(axis=[1, 2])
  - Normalization: {axis: [1, -1]}
  - Normalization: {mean: 0.5, variance: 2.0}
  - Normalization: {axis: -1, mean: [1, 2, 3, 4, 5, 6, 7, 8], variance: [1, 1, 1, 1, 2, 2, 2, 2]}
  - Normalization: {axis: [2, 3], mean: [0, 1, 2, 3, 4, 5, 6, 7], variance: [1, 1, 1, 1, 1, 1, 1, 1]}
  - Normalization: {axis: [1, 2], mean: [[1, 2, 3, 4, 5]], variance: [[2, 2, 2, 2, 2]]}
    inputs: x
    name: given_2d
  - name: free_norm
    Normalization: {axis: -1}
    inputs: free
  - name: free_ln
    LayerNormalization:
    inputs: free
  - name: free_bn
    BatchNormalization:
    inputs: free
outputs: [normalization_5, given_2d, free_norm, free_ln, free_bn]
""",
    "embeddings": """
inputs: {tokens: [12], grid: [3, 4], free: [null]}
layers:
  - name: emb
    Embedding: [100, 16]
    inputs: tokens
  - name: masked
    Embedding: {input_dim: 50, output_dim: 4, mask_zero: true, input_length: 12}
    inputs: tokens
  - name: lora
    Embedding: {input_dim: 30, output_dim: 8, lora_rank: 2}
    inputs: tokens
  - name: frozen_lora
    Embedding: {input_dim: 30, output_dim: 8, lora_rank: 3}
    inputs: tokens
    trainable: false
  - name: grid_emb
    Embedding: [7, 5, uniform]
    inputs: grid
  - name: free_emb
    Embedding: {input_dim: 1000, output_dim: 64}
    inputs: free
  - name: frozen_emb
    Embedding: {input_dim: 10, output_dim: 3}
    inputs: free
    trainable: false
outputs: [emb, masked, lora, frozen_lora, grid_emb, free_emb, frozen_emb]
""",
    "merges": """
inputs: {a: [4, 5], b: [4, 5], c: [1, 5], d: [4, 3], e: [5], u: [null, 5]}
layers:
  - name: cat
    Concatenate:
    inputs: [a, b]
  - Concatenate: {axis: 1}
    inputs: [a, b, c]
  - concatenate: {axis: -1}
    inputs: [a, d]
  - Concatenate:
    inputs: [a]
  - Concatenate: {axis: 1}
    inputs: [u, a]
  - Concatenate: {axis: -1}
    inputs: [u, a]
  - concatenate: 1
    inputs: [a, u]
  - Add:
    inputs: [a, b]
  - add:
    inputs: [a, b, c]
  - Add:
    inputs: [a, e]
  - Add:
    inputs: [a]
  - Subtract:
    inputs: [a, c]
  - subtract:
    inputs: [c, b]
  - Multiply:
    inputs: [a, c, b]
  - multiply:
    inputs: [e, a]
  - Average:
    inputs: [a, b]
  - average:
    inputs: [c, c]
  - Maximum:
    inputs: [a, u]
  - maximum:
    inputs: [u, c]
  - Minimum:
    inputs: [a, b, c]
  - minimum:
    inputs: [b, a]
  - Dot: {axes: 1}
    inputs: [e, e]
  - Dot: {axes: [2, 2]}
    inputs: [a, b]
  - Dot: {axes: [1, 1], normalize: true}
    inputs: [a, d]
  - dot: {axes: -1}
    inputs: [a, b]
  - dot: [[-2, 1], false]
    inputs: [a, d]
  - Dot: {axes: [1, 1]}
    inputs: [u, u]
outputs: [cat, concatenate, concatenate_1, concatenate_2, concatenate_3, concatenate_4, concatenate_5, add, add_1,
          add_2, add_3, subtract, subtract_1, multiply, multiply_1, average, average_1, maximum, maximum_1, minimum,
          minimum_1, dot, dot_1, dot_2, dot_3, dot_4, dot_5]
""",
    "merges with a fixed batch size": """
layers:
  - InputLayer: {shape: [4, 5], batch_size: 2}
  - name: other
    InputLayer: {shape: [4, 5]}
  - name: summed
    Add:
    inputs: [input, other]
  - name: joined
    Concatenate: {axis: 1}
    inputs: [other, input]
  - name: product
    Dot: {axes: [2, 2]}
    inputs: [other, input]
outputs: [summed, joined, product]
""",
    "a small residual block": """
input: [16, 16, 8]
layers:
  - name: stem
    Conv2D: {filters: 8, kernel_size: 3, padding: same, use_bias: false}
  - BatchNormalization
  - ReLU
  - Conv2D: {filters: 8, kernel_size: 3, padding: same}
  - LayerNormalization
  - name: residual
    Add:
    inputs: [layer_normalization, stem]
  - PReLU: {shared_axes: [1, 2]}
  - name: skip
    Concatenate:
    inputs: [p_re_lu, input]
  - GroupNormalization: {groups: 8}
  - SpatialDropout2D: 0.1
""",
}


def verify(spec: str) -> Any:
    """Our summary equals real Keras on every layer, and every worked step adds up."""
    summary = summarize(spec)
    check_steps(summary)
    assert_matches_keras(spec)
    return summary


@pytest.mark.parametrize("name", sorted(SPECS))
def test_matches_keras(name: str) -> None:
    verify(SPECS[name])


def step_of(summary: Any, layer: str, quantity: str) -> Any:
    return next(s for s in summary.layer(layer).calculation if s.quantity == quantity)


def test_worked_steps_explain_the_counts() -> None:
    bn = summarize(SPECS["batch normalization"])
    check_steps(bn)
    assert step_of(bn, "batch_normalization", "params: gamma and beta").formula == "2 × c"
    moving = step_of(bn, "batch_normalization", "non-trainable params: moving_mean, moving_variance")
    assert moving.substituted == "2 × 8"
    renorm = bn.layer("batch_normalization_5").calculation[-1]
    assert renorm.formula == "5 × c" and "renorm_stddev" in renorm.quantity
    frozen = bn.layer("frozen_bn")
    assert frozen.trainable_params == 0 and frozen.non_trainable_params == frozen.params > 0

    norm = summarize(SPECS["layer, group and unit normalization, rescaling"])
    ln = step_of(norm, "layer_normalization_1", "params: gamma and beta")
    assert (ln.formula, ln.substituted) == ("2 × d_1 × d_2", "2 × 6 × 5")
    assert step_of(norm, "layer_normalization_3", "params: gamma").substituted == "8"
    groups = step_of(norm, "group_normalization", "channels per group")
    assert (groups.formula, groups.substituted) == ("c/groups", "8/4")

    stats = summarize(SPECS["normalization with learned and given statistics"])
    learned = stats.layer("learned").calculation[-1]
    assert (learned.formula, learned.substituted) == ("2 × d_3 + 1", "2 × 8 + 1")
    assert "constants, not weights" in stats.layer("normalization_3").calculation[-1].note

    acts = summarize(SPECS["activations and regularization on images"])
    assert step_of(acts, "p_re_lu", "params").formula == "d_1 × d_2 × d_3"
    shared = step_of(acts, "p_re_lu_1", "params")
    assert shared.substituted == "4" and "shared along axes 1, 2" in shared.note

    emb = summarize(SPECS["embeddings"])
    assert step_of(emb, "emb", "params").formula == "V × d"
    assert step_of(emb, "lora", "params: LoRA factors").formula == "V × r + r × d"

    merges = summarize(SPECS["merges"])
    cat = step_of(merges, "concatenate", "output size on axis 1")
    assert (cat.formula, cat.substituted) == ("n_1 + n_2 + n_3", "4 + 4 + 1")
    unknown = step_of(merges, "concatenate_3", "output size on axis 1")
    assert unknown.result is None and "size of input 1 on axis 1 is None" in unknown.note


def test_functional_spellings_are_named_like_keras() -> None:
    """``concatenate([...])`` and ``Concatenate()`` share Keras' automatic names."""
    spec = """
inputs: {a: [4], b: [4]}
layers:
  - Concatenate:
    inputs: [a, b]
  - concatenate:
    inputs: [a, b]
  - add:
    inputs: [a, b]
  - Add:
    inputs: [a, b]
  - dot: {axes: 1}
    inputs: [a, b]
outputs: [concatenate, concatenate_1, add, add_1, dot]
"""
    ours = [layer.name for layer in summarize(spec).layers]
    keras.backend.clear_session()
    a, b = keras.Input((4,)), keras.Input((4,))
    real = [
        keras.layers.Concatenate()([a, b]), keras.layers.concatenate([a, b]),
        keras.layers.add([a, b]), keras.layers.Add()([a, b]), keras.layers.dot([a, b], axes=1),
    ]
    assert ours == [t._keras_history.operation.name for t in real]
    assert [layer.type for layer in summarize(spec).layers] == ["Concatenate", "Concatenate", "Add", "Add", "Dot"]


def build_in_keras(spec_text: str) -> None:
    """Build the network with real Keras layers, wiring by ``inputs`` or by order."""
    net = parse_spec(spec_text)
    tensors: dict[str, Any] = {}
    previous = None
    for i, ispec in enumerate(net.inputs):
        previous = ispec.name or "input"
        tensors[previous] = keras.Input(shape=tuple(ispec.shape), name=f"{previous}_{i}")
    for n, layer_spec in enumerate(net.layers):
        if layer_spec.type == "InputLayer":
            previous = layer_spec.name or "input"
            tensors[previous] = keras.Input(**layer_spec.kwargs)
            continue
        layer = make_layer(layer_spec)
        sources = layer_spec.inputs or [previous]
        ins = [tensors[s] for s in sources]
        name = layer_spec.name or f"layer_{n}"
        tensors[name] = layer(ins if len(ins) > 1 or _wants_list(layer) else ins[0])
        previous = name


REJECTED = [
    pytest.param("""
inputs: {a: [4, 5], b: [3, 6]}
layers:
  - name: joined
    Concatenate:
    inputs: [a, b]
""", ["line 4", "'joined' (Concatenate)", "axis -1", "on axis 1 they have 3 and 4", "(None, 4, 5)",
      "(None, 3, 6)"], id="concatenate mismatch"),
    pytest.param("""
inputs: {a: [4, 5], b: [5]}
layers:
  - Concatenate:
    inputs: [a, b]
""", ["different ranks", "(None, 4, 5)", "(None, 5)"], id="concatenate ranks"),
    pytest.param("""
inputs: {a: [4, 5], b: [4, 5]}
layers:
  - Concatenate: {axis: 3}
    inputs: [a, b]
""", ["axis=3 is not an axis of the 3-D inputs", "from -3 to 2"], id="concatenate axis"),
    pytest.param("""
inputs: {a: [4, 5], b: [3, 5]}
layers:
  - name: total
    Add:
    inputs: [a, b]
""", ["line 4", "'total' (Add)", "cannot add", "(None, 4, 5)", "(None, 3, 5)", "on axis 1 the sizes 4 and 3"],
        id="add mismatch"),
    pytest.param("""
inputs: {a: [4, 5], b: [4]}
layers:
  - Multiply:
    inputs: [a, b]
""", ["cannot multiply", "sizes 5 and 4"], id="multiply broadcast"),
    pytest.param("""
layers:
  - InputLayer: {shape: [4], batch_size: 2}
  - name: b
    InputLayer: {shape: [4], batch_size: 3}
  - Maximum:
    inputs: [input, b]
""", ["different batch sizes", "(2, 4)", "(3, 4)"], id="batch sizes"),
    pytest.param("""
inputs: {a: [4], b: [4], c: [4]}
layers:
  - Subtract:
    inputs: [a, b, c]
""", ["takes exactly 2 inputs, got 3"], id="subtract three"),
    pytest.param("""
inputs: {a: [4, 5], b: [3, 5]}
layers:
  - Dot: {axes: 1}
    inputs: [a, b]
""", ["same size", "has 4 on axis 1", "has 3 on axis 1"], id="dot sizes"),
    pytest.param("""
inputs: {a: [null, 5], b: [4, 5]}
layers:
  - Dot: {axes: 1}
    inputs: [a, b]
""", ["has None on axis 1"], id="dot unknown"),
    pytest.param("""
input: [7, 7, 48]
layers:
  - name: gn
    GroupNormalization:
""", ["line 4", "'gn' (GroupNormalization)", "groups=32 does not divide the 48 channels",
      "1, 2, 3, 4, 6, 8, 12, 16, 24, 48"], id="group normalization default groups"),
    pytest.param("""
input: [7, 7, 6]
layers:
  - GroupNormalization(8)
""", ["more groups than channels", "groups=8"], id="group normalization too many groups"),
    pytest.param("""
input: [7, 6]
layers:
  - GroupNormalization: {groups: 0}
""", ["groups must be a positive integer or -1"], id="group normalization zero"),
    pytest.param("""
input: [7, 6]
layers:
  - BatchNormalization: {axis: 3}
""", ["axis=3 is not an axis of the 3-D input"], id="batch normalization axis"),
    pytest.param("""
input: [7, null]
layers:
  - BatchNormalization
""", ["axis 2", "must have a known size"], id="batch normalization unknown channels"),
    pytest.param("""
input: [null, 6]
layers:
  - LayerNormalization: {axis: [1, 2]}
""", ["axis 1", "must have a known size"], id="layer normalization unknown axis"),
    pytest.param("""
input: [7, 6]
layers:
  - UnitNormalization: {axis: 3}
""", ["axis=3 is not an axis"], id="unit normalization axis"),
    pytest.param("""
input: [null, 6]
layers:
  - Normalization: {axis: 1}
""", ["axis 1", "must have a known size"], id="normalization unknown axis"),
    pytest.param("""
input: [7, 5]
layers:
  - Normalization: {mean: [1, 2, 3], variance: [1, 1, 1]}
""", ["do not fit the kept axes"], id="normalization mean size"),
    pytest.param("""
input: [7, 5]
layers:
  - Normalization: {mean: [1, 2]}
""", ["mean and variance must be given together"], id="normalization mean alone"),
    pytest.param("""
input: [7, 5]
layers:
  - Normalization: {mean: [1, 2], variance: [1, 2, 3]}
""", ["mean has shape (2,) but variance has shape (3,)"], id="normalization shapes"),
    pytest.param("""
input: [7, 5]
layers:
  - Normalization: {axis: 1, mean: [[1]], variance: [[2]]}
""", ["only 1 axes are kept"], id="normalization mean rank"),
    pytest.param("""
input: [null, 5]
layers:
  - PReLU
""", ["axis 1", "is None", "shared_axes=[1]"], id="prelu unknown size"),
    pytest.param("""
input: [7, 7, 3]
layers:
  - SpatialDropout2D(0.5)
  - SpatialDropout1D(0.5)
""", ["expects a 3-D input", "got 4-D (None, 7, 7, 3)"], id="spatial dropout rank"),
    pytest.param("""
input: [7, 3]
layers:
  - SpatialDropout1D: {rate: 0.5, trainable: false, input_shape: [7, 3]}
""", ["unknown argument 'input_shape'"], id="spatial dropout arguments"),
    pytest.param("""
input: [7, 3]
layers:
  - ReLU: {max_value: -1}
""", ["max_value cannot be negative"], id="relu max_value"),
    pytest.param("""
input: [7, 3]
layers:
  - LeakyReLU: {alpha: -0.1}
""", ["negative_slope cannot be negative"], id="leaky relu alpha"),
    pytest.param("""
input: [7, 3]
layers:
  - LeakyReLU(0.1, 0.2)
""", ["at most 1 positional argument"], id="leaky relu positional"),
    pytest.param("""
input: [7, 3]
layers:
  - GaussianNoise(1.5)
""", ["stddev' must be between 0 and 1"], id="gaussian noise"),
    pytest.param("""
input: [7, 3]
layers:
  - AlphaDropout: {rate: 2}
""", ["rate' must be between 0 and 1"], id="alpha dropout"),
    pytest.param("""
input: [7, 3]
layers:
  - ActivityRegularization: {l1: 0.1, activity_regularizer: l2}
""", ["unknown argument 'activity_regularizer'"], id="activity regularization"),
    pytest.param("""
input: [7]
layers:
  - Embedding: {input_dim: 0, output_dim: 4}
""", ["'input_dim'", "at least 1"], id="embedding input_dim"),
]


@pytest.mark.parametrize(("spec", "fragments"), REJECTED)
def test_rejected_like_keras(spec: str, fragments: list[str]) -> None:
    with pytest.raises(SpecError) as info:
        summarize(spec)
    message = str(info.value)
    for fragment in fragments:
        assert fragment in message, (fragment, message)
    assert "Traceback" not in message
    with pytest.raises((ValueError, TypeError, IndexError, tf.errors.InvalidArgumentError)):
        build_in_keras(spec)


def test_dot_needs_axes_like_keras() -> None:
    with pytest.raises(SpecError, match="missing required argument 'axes'"):
        summarize({"inputs": {"a": [4], "b": [4]}, "layers": [{"Dot": None, "inputs": ["a", "b"]}]})
    with pytest.raises(TypeError):
        keras.layers.Dot()


def test_keyword_only_arguments() -> None:
    """Keras takes rms_scaling, input_length and alpha by name only."""
    with pytest.raises(SpecError, match="rms_scaling"):
        summarize("input: [4, 5]\nlayers:\n  - LayerNormalization(-1, 0.001, True, True, 'zeros', 'ones', "
                  "None, None, None, None, True)")
    with pytest.raises(TypeError):
        keras.layers.LayerNormalization(-1, 0.001, True, True, "zeros", "ones", None, None, None, None, True)
    with pytest.raises(SpecError, match="input_length"):
        summarize("input: [4]\nlayers:\n  - Embedding(10, 2, 'uniform', None, None, False, None, None, None, "
                  "None, 4)")
    with pytest.raises(TypeError):
        keras.layers.Embedding(10, 2, "uniform", None, None, False, None, None, None, None, 4)

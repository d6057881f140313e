"""Recurrent, wrapper and attention layers against real Keras 3: shapes, counts, worked steps, errors."""

from __future__ import annotations

import pytest
from arith import check_steps
from keras_builder import assert_matches_keras, build_model

from mkdocs_cnnsummary import SpecError, summarize

# Each spec is computed by the engine and by Keras; every layer's shape and three counts must agree.
SPECS = {
    "simple_rnn": """
input: [12, 7]
layers:
  - SimpleRNN(6, return_sequences=True)
  - SimpleRNN: {units: 5, use_bias: false}
  - Dense: 2
""",
    "lstm_stack_unknown_steps": """
input: [null, 9]
layers:
  - LSTM(16, return_sequences=True, dropout=0.1, recurrent_dropout=0.2, unit_forget_bias=false)
  - LSTM(8, 'tanh', 'sigmoid', False)
""",
    "lstm_return_state": """
input: [10, 8]
layers:
  - name: encoder
    LSTM: {units: 5, return_state: true}
  - name: out
    Dense: 3
    inputs: encoder[0]
  - name: from_cell_state
    Dense: 4
    inputs: encoder[2]
outputs: [out, from_cell_state]
""",
    "lstm_sequences_and_state": """
input: [6, 4]
layers:
  - name: lstm
    LSTM: {units: 3, return_sequences: true, return_state: true}
  - Dense: 2
    inputs: lstm[0]
""",
    "gru_reset_after": """
input: [10, 8]
layers:
  - GRU(6, return_sequences=True)
  - GRU(4, reset_after=False, return_sequences=True)
  - GRU(3, use_bias=False)
""",
    "gru_state": """
input: [5, 3]
layers:
  - name: gru
    GRU: {units: 7, return_state: true, reset_after: false}
  - Dense: 2
    inputs: gru[1]
""",
    "stateful_fixed_batch": """
layers:
  - InputLayer: {shape: [4, 6], batch_size: 2}
  - LSTM: {units: 3, stateful: true}
""",
    "frozen_rnn": """
input: [5, 3]
layers:
  - SimpleRNN: {units: 4}
    trainable: false
""",
    "bidirectional_modes": """
input: [10, 8]
layers:
  - Bidirectional(LSTM(16, return_sequences=True))
  - Bidirectional: {layer: {GRU: {units: 6, return_sequences: true}}, merge_mode: sum}
  - Bidirectional: {layer: "SimpleRNN(5, return_sequences=True)", merge_mode: ave}
  - Bidirectional(GRU(4, reset_after=False), merge_mode='mul')
""",
    "bidirectional_string": """
input: [10, 8]
layers:
  - Bidirectional: "LSTM(64)"
""",
    "bidirectional_no_merge": """
input: [7, 5]
layers:
  - Bidirectional(LSTM(3, return_sequences=True), merge_mode=None, name='bi')
  - Dense: 2
    inputs: bi[1]
""",
    "bidirectional_state": """
input: [7, 5]
layers:
  - Bidirectional(LSTM(3, return_state=True), name='bi')
  - name: merged
    Dense: 2
    inputs: bi[0]
  - name: backward_c
    Dense: 2
    inputs: bi[4]
outputs: [merged, backward_c]
""",
    "bidirectional_no_merge_state": """
input: [7, 5]
layers:
  - Bidirectional(GRU(3, return_sequences=True, return_state=True), merge_mode=None, name='bi')
  - Dense: 2
    inputs: bi[3]
""",
    "bidirectional_backward_layer": """
input: [9, 4]
layers:
  - Bidirectional(LSTM(5), backward_layer=GRU(5, go_backwards=True, reset_after=False))
  - Bidirectional:
      layer: {SimpleRNN: {units: 3}}
      backward_layer: {SimpleRNN: {units: 3, go_backwards: true}}
    inputs: input
outputs: [bidirectional, bidirectional_1]
""",
    "bidirectional_frozen": """
input: [9, 4]
layers:
  - Bidirectional(LSTM(5, return_sequences=True, trainable=False))
  - Bidirectional: {layer: GRU(2)}
    trainable: false
""",
    "time_distributed_dense": """
input: [10, 16]
layers:
  - TimeDistributed(Dense(8))
  - TimeDistributed: {layer: {Dense: {units: 4, use_bias: false}}}
  - TimeDistributed: "Dense(3)"
""",
    "time_distributed_dense_4d": """
input: [null, 5, 6]
layers:
  - TimeDistributed(Dense(3))
""",
    "time_distributed_video": """
input: [8, 32, 32, 3]
layers:
  - TimeDistributed(Conv2D(16, 3, padding='same'))
  - TimeDistributed(Conv2D(8, (5, 3), strides=2))
  - TimeDistributed(MaxPooling2D(2))
  - TimeDistributed(Flatten())
  - LSTM(12)
  - Dense(5)
""",
    "time_distributed_rnn": """
input: [4, 6, 3]
layers:
  - TimeDistributed(Bidirectional(GRU(2)))
""",
    "mha_self": """
input: [20, 32]
layers:
  - MultiHeadAttention: {num_heads: 4, key_dim: 8}
""",
    "mha_cross": """
inputs: {q: [20, 512], v: [30, 256]}
layers:
  - name: mha
    MultiHeadAttention: {num_heads: 8, key_dim: 64}
    inputs: [q, v]
""",
    "mha_query_value_key": """
inputs: {q: [5, 12], v: [7, 10], k: [7, 6]}
layers:
  - MultiHeadAttention(3, 4, value_dim=5, output_shape=9, name='mha'):
    inputs: [q, v, k]
""",
    "mha_output_shape_no_bias": """
inputs: {q: [5, 12], v: [7, 10]}
layers:
  - name: mha
    MultiHeadAttention: {num_heads: 2, key_dim: 3, value_dim: 6, output_shape: [2, 5], use_bias: false}
    inputs: [q, v]
""",
    "mha_gate_4d": """
inputs: {q: [3, 5, 8], v: [3, 4, 6]}
layers:
  - name: mha
    MultiHeadAttention: {num_heads: 2, key_dim: 4, use_gate: true, attention_axes: [1, 2]}
    inputs: [q, v]
""",
    "attention": """
inputs: {q: [5, 16], v: [7, 16], k: [7, 16]}
layers:
  - Attention(name='plain'):
    inputs: [q, v]
  - Attention(use_scale=True, score_mode='concat', name='scaled'):
    inputs: [q, v, k]
  - AdditiveAttention(name='additive'):
    inputs: [q, v]
  - AdditiveAttention(use_scale=False, name='additive_no_scale'):
    inputs: [q, v, k]
outputs: [plain, scaled, additive, additive_no_scale]
""",
}


@pytest.mark.parametrize("name", list(SPECS))
def test_matches_keras(name):
    spec = SPECS[name]
    assert_matches_keras(spec)
    summary = summarize(spec)
    check_steps(summary)
    for rec in summary.layers:
        if rec.params:
            assert any(s.quantity == "params" for s in rec.calculation), rec.name


def test_wrapped_layer_forms_agree():
    forms = ["Bidirectional(LSTM(6), merge_mode='sum')",
             "{Bidirectional: {layer: {LSTM: {units: 6}}, merge_mode: sum}}",
             "{Bidirectional: [LSTM(6), sum]}", "{Bidirectional: {layer: 'LSTM(6)', merge_mode: sum}}"]
    results = [summarize(f"input: [5, 3]\nlayers:\n  - {form}").to_dict()["layers"] for form in forms]
    assert all(r == results[0] for r in results)
    assert results[0][0]["output_shape"] == [None, 6] and results[0][0]["params"] == 2 * 4 * (3 * 6 + 6 * 6 + 6)


def _steps(spec: str, layer: str) -> dict[str, tuple[str, str | None, int | None]]:
    rec = summarize(spec).layer(layer)
    return {s.quantity: (s.formula, s.substituted, s.result) for s in rec.calculation}


def test_worked_recurrent_counts():
    lstm = _steps("input: [10, 100]\nlayers: [LSTM(128)]", "lstm")
    assert lstm["params"] == ("4 × (n_in × u + u × u + u)", "4 × (100 × 128 + 128 × 128 + 128)", 117248)
    gru = summarize("input: [10, 100]\nlayers: [GRU(128)]").layer("gru")
    (step,) = gru.calculation
    assert step.substituted == "3 × (100 × 128 + 128 × 128 + 2 × 128)" and step.result == 88320
    assert "reset_after=True" in step.note and "bias shape (2, 3u)" in step.note
    assert [w.shape for w in gru.weights] == [(100, 384), (128, 384), (2, 384)]
    old = _steps("input: [10, 100]\nlayers:\n  - GRU(128, reset_after=False)", "gru")
    assert old["params"][1:] == ("3 × (100 × 128 + 128 × 128 + 128)", 87936)


def test_worked_bidirectional_and_mha_steps():
    bi = _steps("input: [10, 100]\nlayers: [Bidirectional(LSTM(128))]", "bidirectional")
    assert bi["forward: params"][2] == bi["backward: params"][2] == 117248
    assert bi["params"] == ("p_forward + p_backward", "117248 + 117248", 234496)
    assert bi["output size"] == ("2 × u", "2 × 128", 256)
    mha = _steps("inputs: {q: [20, 512], v: [30, 256]}\nlayers:\n  - MultiHeadAttention: {num_heads: 8, key_dim: 64}"
                 "\n    inputs: [q, v]", "multi_head_attention")
    assert mha["query params"] == ("(d_q + 1) × h × k_d", "(512 + 1) × 8 × 64", 262656)
    assert mha["output params"] == ("(h × v_d + 1) × d_q", "(8 × 64 + 1) × 512", 262656)
    assert mha["params"][2] == 788480
    td = _steps("input: [8, 32, 32, 3]\nlayers:\n  - TimeDistributed(Conv2D(16, 3))", "time_distributed")
    assert td["Conv2D: output height"][2] == 30 and td["Conv2D: params"][2] == td["params"][2] == 448


# errors: (spec, words the message must contain, whether Keras rejects the same network)
ERRORS = {
    "bidirectional_dense": ("input: [5, 4]\nlayers:\n  - Dense: 3\n  - Bidirectional(Dense(3))",
                            ["line 4", "'bidirectional'", "recurrent layer", "Dense", "TimeDistributed"], True),
    "bidirectional_same_direction": (
        "input: [5, 4]\nlayers:\n  - Bidirectional(LSTM(3), backward_layer=LSTM(3))",
        ["line 3", "go_backwards", "backward_layer"], True),
    "bidirectional_mismatch": (
        "input: [5, 4]\nlayers:\n  - Bidirectional(LSTM(3), backward_layer=LSTM(3, go_backwards=True, "
        "return_sequences=True))", ["return_sequences=False", "return_sequences=True"], True),
    "bidirectional_units": (
        "input: [5, 4]\nlayers:\n  - Bidirectional(LSTM(3), backward_layer=LSTM(4, go_backwards=True))",
        ["LSTM(3)", "LSTM(4)", "same units"], False),
    "bidirectional_merge_mode": ("input: [5, 4]\nlayers:\n  - Bidirectional(LSTM(3), merge_mode='max')",
                                 ["merge_mode", "'max'", "'concat'"], True),
    "bidirectional_typo": ("input: [5, 4]\nlayers:\n  - Bidirectional(LSTMM(3))",
                           ["LSTMM", "did you mean 'LSTM'"], None),
    "bidirectional_bad_argument": ("input: [5, 4]\nlayers:\n  - Bidirectional: {layer: {LSTM: {unitz: 3}}}",
                                   ["'unitz'", "did you mean 'units'"], None),
    "bidirectional_rank": ("input: [5]\nlayers:\n  - Bidirectional(LSTM(3))",
                           ["3-D input", "(None, 5)"], True),
    "lstm_rank_2": ("input: [6, 4]\nlayers:\n  - Flatten\n  - LSTM(3)",
                    ["line 4", "'lstm'", "3-D input", "(None, 24)"], True),
    "gru_rank_4": ("input: [6, 4, 2]\nlayers:\n  - GRU(3)", ["3-D input", "(None, 6, 4, 2)"], True),
    "lstm_unknown_features": ("input: [6, null]\nlayers:\n  - LSTM(3)", ["feature dimension", "(None, 6, None)"],
                              True),
    "stateful_no_batch": ("input: [6, 4]\nlayers:\n  - LSTM(3, stateful=True)", ["stateful=True", "batch size"],
                          True),
    "state_without_index": ("input: [6, 4]\nlayers:\n  - LSTM(3, return_state=True)\n  - Dense(2)",
                            ["several outputs", "lstm[0]"], None),
    "time_distributed_rank": ("input: [6]\nlayers:\n  - TimeDistributed(Dense(3))",
                              ["at least 3 dimensions", "(None, 6)"], True),
    "time_distributed_inner": ("input: [6, 8, 2]\nlayers:\n  - TimeDistributed(Conv2D(3, 3))",
                               ["'time_distributed'", "wrapped Conv2D", "each time step", "(None, 8, 2)",
                                "4-D input"], True),
    "time_distributed_state": ("input: [6, 8, 2]\nlayers:\n  - TimeDistributed(LSTM(3, return_state=True))",
                               ["3 outputs", "return_state"], True),
    "mha_key_value": ("inputs: {q: [3, 6], v: [5, 6], k: [4, 7]}\nlayers:\n  - MultiHeadAttention(2, 4):\n"
                      "    inputs: [q, v, k]", ["value (None, 5, 6)", "key (None, 4, 7)"], True),
    "mha_four_inputs": ("input: [3, 6]\nlayers:\n  - MultiHeadAttention(2, 4):\n    inputs: [input, input, input, "
                        "input]", ["1 to 3 inputs", "got 4"], None),
    "mha_missing_key_dim": ("input: [3, 6]\nlayers:\n  - MultiHeadAttention(2)", ["key_dim"], None),
    "attention_one_input": ("input: [3, 6]\nlayers:\n  - Attention()", ["2 to 3 inputs", "got 1"], None),
    "wrapped_with_inputs": ("input: [3, 6]\nlayers:\n  - Bidirectional: {layer: {LSTM: 4, inputs: input}}",
                            ["line 3", "wrapped LSTM", "'inputs'"], None),
    "wrapped_not_a_layer": ("input: [3, 6]\nlayers:\n  - TimeDistributed: {layer: 5}",
                            ["line 3", "'layer'", "expected a layer", "LSTM(64)"], None),
    "wrapped_input_layer": ("input: [3, 6]\nlayers:\n  - TimeDistributed(InputLayer(shape=(3,)))",
                            ["input layer"], None),
}


@pytest.mark.parametrize("name", list(ERRORS))
def test_errors(name):
    spec, words, keras_rejects = ERRORS[name]
    with pytest.raises(SpecError) as info:
        summarize(spec)
    text = str(info.value)
    assert "Traceback" not in text
    for word in words:
        assert word in text, (word, text)
    if keras_rejects:
        with pytest.raises((ValueError, TypeError)):
            _keras_attempt(spec)


def _keras_attempt(spec: str) -> None:
    """Build the network in Keras from the same layers (our engine's checks left out)."""
    from keras_builder import keras_facts

    from mkdocs_cnnsummary.engine.spec import parse_spec
    from mkdocs_cnnsummary.engine.summary import InputRecord, LayerRecord, Summary

    net = parse_spec(spec)
    inputs = [InputRecord(i.name or "input", (None, *(i.shape if isinstance(i.shape, list) else [i.shape])))
              for i in net.inputs]
    layers, previous = [], inputs[0].name
    for i, ls in enumerate(net.layers):
        name = ls.name or f"layer_{i}"
        layers.append(LayerRecord(name, ls.type, ls.inputs or [previous], ()))
        previous = name
    keras_facts(build_model(spec, Summary(None, inputs, layers, [previous])))

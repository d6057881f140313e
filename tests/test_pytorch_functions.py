"""The functions of torch that model code calls besides the modules' own, against real PyTorch: element-wise
functions that keep the shape, tensors made from sizes, scaled dot-product attention, affine grids and grid
sampling, and the recurrent cells (RNNCell, LSTMCell, GRUCell)."""

from __future__ import annotations

import pytest
from arith import check_steps
from torch_builder import assert_matches_torch

from mkdocs_cnnsummary import SpecError, summarize


def graph(inputs, *layers):
    return {"framework": "pytorch", "inputs": inputs, "layers": list(layers)}


def item(call, inputs=None, name=None):
    out = {call: None} if isinstance(call, str) else dict(call)
    if inputs is not None:
        out["inputs"] = inputs
    if name is not None:
        out["name"] = name
    return out


_KEPT = ("exp", "log", "log1p", "sqrt", "rsqrt", "abs", "neg", "sin", "cos", "tan", "sign", "erf", "floor", "ceil",
         "round", "reciprocal", "square", "clamp(0, 1)", "clip(min=0)", "float", "double", "half", "long", "int",
         "bool", "to", "clone", "detach", "normalize(dim=1)", "cumsum(1)", "flip([1])", "roll(1, 1)", "nan_to_num",
         "logical_not", "tril", "triu(1)", "randn_like", "rand_like", "zeros_like", "ones_like", "empty_like",
         "full_like(2.0)")

FUNCTIONS = {
    "same_shape": graph({"x": [6, 5]}, *(item(call, ["x"]) for call in _KEPT),
                        item("masked_fill(0.0)", ["x", "x"]), item("type_as", ["x", "x"])),
    "made": graph({"x": [6, 5]}, item("zeros(size=[batch, 3])"), item("ones(size=[2, 3])"),
                  item("empty(size=[4])"), item("rand(size=[batch, 2, 2])"), item("randn(size=[3])"),
                  item("full(size=[2, 2])"), item("arange(size=[7])"), item("tensor(size=[3])"),
                  item("eye(size=[3, 4])"), item("linspace(size=[5])"), item("randint(size=[2, 3])"),
                  item("new_zeros(size=[batch, 5])", ["x"]), item("new_ones(size=[2])", ["x"]),
                  item("new_empty(size=[3, 3])", ["x"]), item("new_full(size=[1])", ["x"])),
    "attention": graph({"q": [4, 10, 8], "k": [4, 12, 8], "v": [4, 12, 6]},
                       item("scaled_dot_product_attention", ["q", "k", "v"]),
                       item("scaled_dot_product_attention(is_causal=True)", ["q", "q", "q"])),
    "spatial_transformer": graph({"x": [1, 28, 28], "theta": [2, 3]},
                                 item("affine_grid(size=[batch, 1, 28, 28], align_corners=False)", ["theta"]),
                                 item("grid_sample(align_corners=False)", ["x", "affine_grid"]),
                                 item("affine_grid(size=[batch, 1, 14, 20])", ["theta"], name="small"),
                                 item("grid_sample", ["x", "small"])),
    "cells": graph({"x": [10]}, item("RNNCell(10, 6)", ["x"]),
                   item("RNNCell(10, 4, bias=False, nonlinearity='relu')", ["x"]), item("LSTMCell(10, 8)", ["x"]),
                   item("GRUCell(10, 5)", ["x"]), item("LSTMCell(8, 3)", ["lstmcell[0]"])),
}


@pytest.mark.parametrize("name", sorted(FUNCTIONS))
def test_functions_match_torch(name):
    summary = assert_matches_torch(FUNCTIONS[name])
    check_steps(summary)


def test_made_tensors_take_no_input_and_show_their_sizes():
    summary = summarize(graph({"x": [6, 5]}, item("zeros(size=[batch, 3])"), item("arange(size=[7])")))
    assert [(r.inputs, r.output_shape) for r in summary.layers] == [([], (None, 3)), ([], (7,))]


def test_lstm_cell_gives_two_states_and_counts_four_gates():
    summary = summarize(graph({"x": [10]}, item("LSTMCell(10, 8)", ["x"])))
    cell = summary.layers[0]
    assert cell.output_shape == [(None, 8), (None, 8)]
    assert cell.params == 4 * 8 * (10 + 8 + 2)
    with pytest.raises(SpecError, match="input_size"):
        summarize(graph({"x": [9]}, item("LSTMCell(10, 8)", ["x"])))


def test_attention_checks_its_sizes():
    with pytest.raises(SpecError, match="embedding size"):
        summarize(graph({"q": [4, 8], "k": [4, 6]}, item("scaled_dot_product_attention", ["q", "k", "k"])))

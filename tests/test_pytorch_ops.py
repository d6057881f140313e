"""What ``forward()`` writes between modules, against real PyTorch: tensor methods (``view``, ``permute``, ``x[:, 0]``
...), arithmetic with broadcasting, ``matmul``, parameters used directly, torchvision's ops modules, and the
blocks of torchvision's models made of them (ConvNeXt, ViT, ShuffleNet, squeeze-and-excitation)."""

from __future__ import annotations

import os
import random

import pytest
from arith import check_steps
from torch_builder import assert_matches_torch, assert_rejected_like_torch, torch_error

from mkdocs_cnnsummary import SpecError, summarize


def net(shape, *layers, **extra):
    return {"framework": "pytorch", "input": list(shape), "layers": list(layers), **extra}


def graph(inputs, *layers):
    return {"framework": "pytorch", "inputs": inputs, "layers": list(layers)}


def item(call, inputs=None, name=None):
    out = {call: None} if isinstance(call, str) else dict(call)
    if inputs is not None:
        out["inputs"] = inputs
    if name is not None:
        out["name"] = name
    return out


OPS = {
    "view_reshape": net([16, 5, 5], "view(batch, -1)", "reshape(batch, 8, -1)", "view(-1, 8, 50)",
                        "reshape([batch, 400])", {"view": {"size": ["batch", 20, 20]}}, {"reshape": ["batch", -1, 5]},
                        "view(batch, 2, 2, 2, 2, 5, 5)"),
    "flatten": net([3, 4, 5], "flatten(2)", "flatten(1, -1)", {"flatten": None}),
    "permute_transpose": net([3, 8, 6], "permute(0, 2, 3, 1)", "Permute([0, 3, 1, 2])", "transpose(1, 3)",
                             "transpose(-1, -2)", "contiguous()", {"permute": {"dims": [0, 1, 3, 2]}},
                             {"permute": [[0, 2, 1, 3]]}),
    "unsqueeze_squeeze": net([3, 1, 5], "unsqueeze(1)", "unsqueeze(-1)", "squeeze(-1)", "squeeze()", "unsqueeze(0)",
                             "squeeze(0)", "squeeze((1, 2))", "unsqueeze(3)", "squeeze([2, 3])"),
    "reductions": net([4, 6, 5], "mean((2, 3), keepdim=True)", "sum(1)", "amax(dim=[1, 2], keepdim=True)",
                      "amin(-1)", "mean(-1, keepdim=True)", "mean(1)", "sum()"),
    "reductions_all": net([4, 6], "amax()"),
    "chunk_split": graph({"x": [8, 5]}, item("chunk(3, 1)", ["x"]), item("chunk(4, -1)", ["x"]),
                         item("split(3, 1)", ["x"]), item("split([2, 6], 1)", ["x"]), item("unbind(1)", ["x"]),
                         item("chunk(2, 1)", ["chunk[2]"]), item("split(5, dim=2)", ["x"]), item("chunk(8, 1)", ["x"])),
    "split_empty": graph({"x": [0, 4]}, item("split(3, 1)", ["x"]), item("chunk(3, 1)", ["x"]),
                         item("split(0, 1)", ["x"]), item("chunk(2, -1)", ["x"])),
    "getitem": graph({"x": [6, 10, 4]}, *(item({"getitem": text}, ["x"]) for text in (
        "[:, 0]", "[:, :3]", "[..., 1:]", "[:, [-1], :]", "[:, None]", "[:, 1:-1:2, ::3]", "[:, -20:50]", "[:, 4:2]",
        "[0]", "[:, [0, 2], 1]", "[:, [0, 2], :, [1, 3]]", "[..., None, 2]", "[:, -1, -3:, 1::2]", "[:, [1], [2, 3]]",
        "[:, :, 3:]", "[:2]", "[(0, 1)]", "[:, 5:100:4]"))),
    "arithmetic": graph({"x": [4, 6, 6], "y": [4, 1, 6]}, item("Parameter(6)", name="z"),
                        item("add", ["x", "y"]), item("sub", ["x", "z"]), item("mul", ["y", "x"]),
                        item("div", ["x", "y"]), item({"mul": {"other": 0.5}}, ["x"]), item("sub(other=1)", ["y"]),
                        item("div(2)", ["z"]), item("add(other=1, alpha=2)", ["x"]), item("mul", ["x", "y", "z"]),
                        item("div(rounding_mode='floor')", ["x", "z"]), item("Multiply", ["z", "x"])),
    "matmul": graph({"q": [4, 8], "k": [6, 8], "v": [5]},
                    item("transpose(-2, -1)", ["k"]), item("matmul", ["q", "transpose"]),
                    item("bmm", ["q", "transpose"]),
                    item({"Parameter": [5]}, name="vec"), item({"Parameter": [3, 5]}, name="mat"),
                    item({"Parameter": [5, 2]}, name="mat2"), item({"Parameter": [2, 1, 5, 7]}, name="batched"),
                    item({"Parameter": [8, 3]}, name="proj"),
                    item("matmul", ["v", "vec"]), item("matmul", ["vec", "mat2"]), item("matmul", ["mat", "vec"]),
                    item("matmul", ["mat", "batched"]), item("unsqueeze(1)", ["q"]),
                    item("matmul", ["unsqueeze", "proj"]), item("matmul", ["vec", "vec"])),
    "stack": graph({"x": [3, 4], "y": [3, 4]}, item("stack", ["x", "y"]), item("stack(1)", ["x", "y", "x"]),
                   item("stack(dim=-1)", ["x"])),
    "parameters": graph({"x": [5, 8]}, item({"Parameter": {"shape": [1, 1, 8]}}, name="token"),
                        item("expand(batch, -1, -1)", ["token"]), item({"cat": {"dim": 1}}, ["expand", "x"]),
                        item("Parameter(1, 6, 8)", name="pos"), item("add", ["cat", "pos"]),
                        item("Parameter([8], requires_grad=False)", name="frozen"), item("mul", ["add", "frozen"]),
                        item({"Parameter": [8, 1]}, name="scale_frozen") | {"trainable": False},
                        item("Buffer(1, 6, 1)", name="mask"), item("mul", ["mul", "mask"]),
                        item("matmul", ["mul_1", "scale_frozen"]), item("Buffer([6], persistent=False)"),
                        item("expand(4, batch, -1)", ["token"])),
    "torchvision_ops": net([6, 5, 7], "StochasticDepth(0.1, 'row')", "StochasticDepth(p=0.5, mode='batch')",
                           "LayerNorm2d(6)", "LayerNorm2d(6, eps=1e-6, elementwise_affine=False)",
                           "LayerNorm2d(6, bias=False)", "Permute([0, 2, 3, 1])", "LayerNorm(6)",
                           "Permute(dims=[0, 3, 1, 2])"),
    "functional": net([3, 7, 9], "interpolate(scale_factor=2)",
                      "interpolate(size=(5, 6), mode='bilinear', align_corners=False, antialias=True)",
                      "interpolate(None, 1.5, 'bicubic', recompute_scale_factor=True)",
                      "MaxPool2d(kernel_size=3, stride=2)", "AvgPool2d(kernel_size=3, stride=1, padding=1)",
                      "AdaptiveAvgPool2d((1, 1))", "Dropout(0.7)", "flatten(1)", "Softmax(dim=1)",
                      "LogSoftmax(dim=1)", "ReLU(inplace=True)"),
    # blocks of torchvision's models, as their forward() writes them
    "convnext_block": graph(
        {"x": [16, 7, 7]},
        item("Conv2d(16, 16, kernel_size=7, padding=3, groups=16)", ["x"]), "Permute([0, 2, 3, 1])",
        "LayerNorm(16, eps=1e-6)", "Linear(16, 64)", "GELU()", "Linear(64, 16)", "Permute([0, 3, 1, 2])",
        item("Parameter(16, 1, 1)", name="layer_scale"), item("mul", ["layer_scale", "permute_1"]),
        "StochasticDepth(0.1, 'row')", item("add", ["stochastic_depth", "x"])),
    "vit": net(
        [3, 32, 32], "Conv2d(3, 24, kernel_size=8, stride=8)", "reshape(batch, 24, 16)", "permute(0, 2, 1)",
        item("Parameter(1, 1, 24)", name="class_token"), item("expand(batch, -1, -1)", name="batch_class_token"),
        item({"cat": {"dim": 1}}, ["batch_class_token", "permute"]), item("Parameter(1, 17, 24)", name="pos_embedding"),
        item("add", ["cat", "pos_embedding"]), "Dropout(0.0)",
        "TransformerEncoderLayer(24, 4, dim_feedforward=48, batch_first=True, norm_first=True)", "LayerNorm(24)",
        {"getitem": "[:, 0]"}, "Linear(24, 10)"),
    "shufflenet_unit": graph(
        {"x": [8, 6, 6]}, item("chunk(2, dim=1)", ["x"]), item("Conv2d(4, 4, 1)", ["chunk[1]"]), "BatchNorm2d(4)",
        "ReLU(inplace=True)", item({"cat": {"dim": 1}}, ["chunk[0]", "relu"]), "view(batch, 2, 4, 6, 6)",
        "transpose(1, 2)", "contiguous()", "view(batch, -1, 6, 6)", "mean([2, 3])", "Linear(8, 3)"),
    "squeeze_excitation": graph(
        {"x": [16, 5, 5]}, item("AdaptiveAvgPool2d(1)", ["x"]), "Conv2d(16, 4, 1)", "ReLU()", "Conv2d(4, 16, 1)",
        "Hardsigmoid()", item("mul", ["hardsigmoid", "x"]), "flatten(1)"),
    "self_attention": net(
        [5, 12], "Linear(12, 36)", "reshape(batch, 5, 3, 2, 6)", "permute(2, 0, 3, 1, 4)", "unbind(0)",
        item("transpose(-2, -1)", ["unbind[1]"]), item("matmul", ["unbind[0]", "transpose"]),
        item({"mul": {"other": 0.408}}), "Softmax(dim=-1)", item("matmul", ["softmax", "unbind[2]"], name="context"),
        "transpose(1, 2)", "reshape(batch, 5, 12)", "Linear(12, 12)"),
}


@pytest.mark.parametrize("name", sorted(OPS))
def test_ops_match_torch(name):
    summary = assert_matches_torch(OPS[name])
    check_steps(summary)


def test_spec_names_follow_torch_fx():
    summary = summarize(OPS["parameters"])
    assert [r.name for r in summary.layers] == [
        "token", "expand", "cat", "pos", "add", "frozen", "mul", "scale_frozen", "mask", "mul_1", "matmul", "buffer",
        "expand_1"]
    arith = [r.name for r in summarize(OPS["arithmetic"]).layers]
    assert arith == ["z", "add", "sub", "mul", "div", "mul_1", "sub_1", "div_1", "add_1", "mul_2", "div_2", "multiply"]


def test_parameter_rows_show_their_own_shape_and_count():
    summary = summarize(OPS["parameters"])
    token = summary.layer("token")
    assert token.output_shape == (1, 1, 8) and token.inputs == [] and token.params == 8
    assert [(s.formula, s.substituted, s.result) for s in token.calculation] == [
        ("s_0 × s_1 × s_2", "1 × 1 × 8", 8)]
    assert summary.layer("expand").output_shape == (None, 1, 8)
    assert summary.layer("add").output_shape == (None, 6, 8)
    assert summary.layer("frozen").trainable_params == 0 and summary.layer("scale_frozen").trainable_params == 0
    assert summary.layer("mask").params == 0 and summary.layer("mask").buffers == 6
    data = summary.to_dict()["layers"][0]
    assert data["output_shape"] == [1, 1, 8] and data["inputs"] == []
    assert summary.is_graph


def test_parameter_feeds_the_next_layer_and_needs_no_input():
    spec = net([4, 8], "Parameter(1, 1, 8)", "expand(batch, 4, -1)")
    summary = assert_matches_torch({**spec, "layers": [*spec["layers"], item("add", ["expand", "input"])]})
    assert summary.layer("expand").inputs == ["parameter"]
    with pytest.raises(SpecError, match="takes exactly 0 inputs"):
        summarize(net([4], item("Parameter(3)", ["input"])))
    first = summarize(graph({"a": [3], "b": [3]}, "Parameter(3)", item("add", ["parameter", "a"]),
                            item("add", ["add", "b"])))  # several inputs: a parameter first needs none named
    assert first.layers[-1].output_shape == (None, 3)


def test_inferred_size_is_worked():
    summary = summarize(net([16, 5, 5], "view(batch, -1)", "view(-1, 25, 16)"))
    (step,) = summary.layers[0].calculation
    assert (step.formula, step.substituted, step.result) == ("d_1 × d_2 × d_3", "16 × 5 × 5", 400)
    assert step.note == "the batch size N is on both sides and cancels"
    (step,) = summary.layers[1].calculation
    assert step.result is None and "unknown because input dimension 0 is None" in step.note
    check_steps(summary)


def test_slices_and_splits_are_worked():
    summary = summarize(OPS["getitem"])
    steps = {r.name: [(s.formula, s.substituted, s.result) for s in r.calculation] for r in summary.layers}
    assert steps["getitem_1"] == [("3", "3", 3)]
    assert steps["getitem_2"] == [("n_3 − 1", "4 − 1", 3)]
    assert steps["getitem_5"] == [("⌈(n_1 − 1 − 1)/step⌉", "⌈(6 − 1 − 1)/2⌉", 2), ("⌈n_2/step⌉", "⌈10/3⌉", 4)]
    clamp = summary.layer("getitem_6").calculation[0]
    assert clamp.result == 6 and "-20 is before the start" in clamp.note and "50 is past the end" in clamp.note
    assert summary.layer("getitem_7").calculation[0].note == "the slice is empty"
    chunk = summarize(net([5], "chunk(4, 1)")).layers[0]
    assert chunk.output_shape == [(None, 2), (None, 2), (None, 1)]
    assert [(s.quantity, s.substituted, s.result) for s in chunk.calculation] == [
        ("size of each output", "⌈5/4⌉", 2), ("outputs", "⌈5/2⌉", 3), ("size of the last output", "5 − (3 − 1) × 2", 1)]
    check_steps(summary)


def test_outputs_are_counted_before_they_are_made():
    for call in ("split(1, 1)", "unbind(1)", "chunk(100000, 1)"):
        with pytest.raises(SpecError, match="outputs, more than 4,096"):
            summarize(graph({"x": [2**40, 3]}, item(call, ["x"])))


def test_unbind_of_an_empty_dimension_is_explained():
    with pytest.raises(SpecError, match="gives no outputs: its size is 0"):
        summarize(graph({"x": [0, 3]}, item("unbind(1)", ["x"])))


def test_unknown_sizes_and_the_batch():
    summary = summarize(net([3, None, 8], "view(batch, 3, -1)", "getitem('[:, :, :4]')", "mean(2)", "unsqueeze(1)",
                            "expand(-1, 4, -1)", "view(batch, None, 3)"))
    shapes = [r.output_shape for r in summary.layers]
    assert shapes == [(None, 3, None), (None, 3, 4), (None, 3), (None, 1, 3), (None, 4, 3), (None, None, 3)]
    assert "unknown because input dimension 2 is None" in summary.layers[0].calculation[0].note
    assert summary.layers[1].calculation[0].note == "if input dimension 2 has at least 4 elements"
    check_steps(summary)


def test_scalar_operand_takes_one_input():
    with pytest.raises(SpecError, match="takes one input when other is a number"):
        summarize(graph({"a": [3], "b": [3]}, item("mul(other=2)", ["a", "b"])))
    with pytest.raises(SpecError, match="other is the number"):
        summarize(net([3], "mul(other='x')"))


def test_index_is_read_not_evaluated():
    for bad in ("[__import__('os')]", "[x]", "[1.5]", "[:, 0][0]", ":, 0", "[" + "0, " * 300 + "]", "[[[0]]]"):
        with pytest.raises(SpecError):
            summarize(net([3, 4], {"getitem": bad}))


ERRORS = {
    "view_size": (net([3, 4, 5], "view(batch, 7, -1)"), ["shape '[N, 7, -1]' is invalid for input of size N × 60"]),
    "view_two_inferred": (net([3, 4], "view(-1, -1)"), ["only one dimension can be inferred"]),
    "view_no_batch": (net([12], "view(3, 4)"), ["shape '[3, 4]' is invalid", "write batch (or -1)"]),
    "view_batch_depends": (net([3], "view(-1, 4)"), ["4 does not divide 3"]),
    "view_negative": (net([3], "view(batch, -2)"), ["invalid shape dimension -2"]),
    "reshape_size": (net([3, 4], "reshape(batch, 5)"), ["shape '[N, 5]' is invalid for input of size N × 12"]),
    "flatten_dims": (net([3, 4], "flatten(2, 1)"), ["start_dim cannot come after end_dim"]),
    "permute_length": (net([3, 4, 5], "permute(0, 2, 1)"), ["input.dim() = 4 is not equal to len(dims) = 3"]),
    "permute_duplicate": (net([3, 4, 5], "permute(0, 1, 1, 2)"), ["duplicate dims are not allowed"]),
    "permute_range": (net([3, 4, 5], "Permute([0, 1, 2, 4])"), ["Dimension out of range"]),
    "transpose_range": (net([3, 4], "transpose(1, 3)"), ["expected to be in range of [-3, 2], but got 3"]),
    "unsqueeze_range": (net([3, 4], "unsqueeze(4)"), ["expected to be in range of [-4, 3], but got 4"]),
    "squeeze_range": (net([3, 4], "squeeze(3)"), ["Dimension out of range"]),
    "expand_size": (net([3, 4], "expand(batch, 5, 4)"),
                    ["The expanded size of the tensor (5) must match the existing size (3) at non-singleton "
                     "dimension 1"]),
    "expand_batch": (net([3, 4], "expand(5, -1, -1)"), ["The expanded size of the tensor (5) must match the existing "
                                                        "size (N) at non-singleton dimension 0"]),
    "expand_fewer": (net([3, 4], "expand(3, 4)"), ["the number of sizes provided (2) must be greater or equal"]),
    "expand_leading": (net([1, 4], "expand(-1, batch, 3, 4)"),
                       ["The expanded size of the tensor (-1) isn't allowed in a leading, non-existing dimension 0"]),
    "getitem_bounds": (net([3, 4], {"getitem": "[:, 3]"}), ["index 3 is out of bounds for dimension 1 with size 3"]),
    "getitem_list_bounds": (net([3, 4], {"getitem": "[:, :, [0, -5]]"}), ["index -5 is out of bounds"]),
    "getitem_too_many": (net([3, 4], {"getitem": "[:, 0, 0, 0]"}), ["too many indices for tensor of dimension 3"]),
    "getitem_step": (net([3, 4], {"getitem": "[:, ::0]"}), ["slice step cannot be zero"]),
    "getitem_backwards": (net([3, 4], {"getitem": "[:, ::-1]"}), ["step must be greater than zero"]),
    "getitem_lists": (net([3, 4], {"getitem": "[:, [0, 1], [0, 1, 2]]"}), ["shape mismatch"]),
    "chunk_zero": (net([3, 4], "chunk(0, 1)"), ["chunk expects `chunks` to be greater than 0, got: 0"]),
    "split_sections": (net([3, 4], "split([1, 1], 1)"), ["split_with_sizes expects split_sizes to sum exactly to 3"]),
    "split_zero": (net([3, 4], "split(0, 1)"), ["split_size can only be 0 if dimension size is 0"]),
    "stack_shapes": (graph({"a": [3, 4], "b": [3, 5]}, item("stack(1)", ["a", "b"])),
                     ["stack expects each tensor to be equal size"]),
    "stack_range": (net([3], "stack(3)"), ["expected to be in range of [-3, 2], but got 3"]),
    "mean_duplicate": (net([3, 4], "mean((1, -2))"), ["duplicate value in the list of dims"]),
    "sum_range": (net([3, 4], "sum(3)"), ["Dimension out of range"]),
    "amax_empty": (net([3, 4], {"getitem": "[:, 3:]"}, "amax(1)"),
                   ["amax(): Expected reduction dim 1 to have non-zero size."]),
    "amin_empty": (net([3, 4], {"getitem": "[:, :, 5:]"}, "amin()"),
                   ["amin(): Expected reduction dim to be specified for input.numel() == 0."]),
    "sub_sizes": (graph({"a": [3, 4], "b": [3]}, item("sub", ["a", "b"])),
                  ["The size of tensor a (4) must match the size of tensor b (3) at non-singleton dimension 2"]),
    "matmul_inner": (graph({"a": [3, 4], "b": [5, 6]}, item("matmul", ["a", "b"])),
                     ["must equal the second input's second-to-last size (5)"]),
    "matmul_2d": (graph({"a": [4], "b": [6]}, item("Parameter(5, 3)", name="w"), item("matmul", ["a", "w"])),
                  ["mat1 and mat2 shapes cannot be multiplied (Nx4 and 5x3)"]),
    "bmm_rank": (net([3, 4, 5], item("bmm", ["input", "input"])), ["batch1 must be a 3D tensor"]),
    "bmm_sizes": (graph({"a": [3, 4], "b": [5, 6]}, item("bmm", ["a", "b"])),
                  ["Expected size for first two dimensions of batch2 tensor to be: [N, 4] but got: [N, 5]."]),
    "layernorm2d_channels": (net([6, 4, 4], "LayerNorm2d(8)"),
                             ["Given normalized_shape=[8], expected input with shape [*, 8], but got input of "
                              "size[N, 4, 4, 6]"]),
    "layernorm2d_rank": (net([6, 4], "LayerNorm2d(6)"), ["input.dim() = 3 is not equal to len(dims) = 4"]),
    "interpolate_antialias": (net([3, 8], "interpolate(scale_factor=2, mode='linear', antialias=True)"),
                              ["Anti-alias option is restricted to bilinear, bicubic"]),
    "stochastic_depth_p": (net([3], "StochasticDepth(1.5, 'row')"), ["drop probability has to be between 0 and 1"]),
    "stochastic_depth_mode": (net([3], "StochasticDepth(0.1, 'rows')"),
                              ["mode has to be either 'batch' or 'row', but got rows"]),
}


@pytest.mark.parametrize("name", sorted(ERRORS))
def test_errors_explain_and_torch_agrees(name):
    assert_rejected_like_torch(*ERRORS[name])


# random sequences of tensor methods, against PyTorch -------------------------------------------------------------


def _index(r: random.Random, shape: tuple) -> str:
    parts: list[str] = []
    dims = list(shape[1:])
    kept = 0
    if r.random() < 0.3:
        parts.append(":")
        kept = 1
    for n in dims[:r.randint(1, len(dims)) if dims else 0]:
        kind = r.choice(["int", "slice", "slice", "full", "none", "list"]) if n else "slice"
        if kind == "int":
            parts.append(str(r.randint(-n, n - 1)))
        elif kind == "slice":
            a = r.choice(["", str(r.randint(-n - 2, n + 2))])
            b = r.choice(["", str(r.randint(-n - 2, n + 2))])
            s = r.choice(["", "", f":{r.randint(1, 3)}"])
            parts.append(f"{a}:{b}{s}")
        elif kind == "list":
            parts.append(str([r.randint(-n, n - 1) for _ in range(r.randint(1, 3))]))
        elif kind == "none":
            parts.append("None")
            parts.append(":")
        else:
            parts.append(":")
    if kept == 0:
        parts.insert(0, ":")
    if r.random() < 0.3:
        parts.insert(r.randint(1, len(parts)), "...")
    if sum(p.startswith("[") for p in parts) > 1:  # lists of different lengths do not broadcast
        parts = [p if not p.startswith("[") else "[0]" for p in parts]
    return "[" + ", ".join(parts) + "]"


def _op(r: random.Random, shape: tuple, contiguous: bool) -> str | dict:
    rank = len(shape)
    known = [d for d in shape[1:] if d is not None]
    kind = r.choice(["view", "reshape", "flatten", "permute", "transpose", "unsqueeze", "squeeze", "getitem",
                     "reduce", "expand", "mul", "chunk", "contiguous"])
    if kind == "contiguous":
        return "contiguous()"
    if kind in ("view", "reshape"):  # view only where the input is contiguous: the spec has no strides to check
        n = 1
        for d in known:
            n *= d
        divisors = [d for d in range(1, n + 1) if n % d == 0] or [1, 2, 3]
        sizes = ["batch", str(r.choice(divisors)), "-1"]
        r.shuffle(sizes)
        return f"{'view' if kind == 'view' and contiguous else 'reshape'}({', '.join(sizes)})"
    if kind == "flatten":
        return f"flatten({r.randint(1, max(1, rank - 1))}, {r.choice([-1, rank - 1])})"
    if kind == "permute":
        order = [0, *r.sample(range(1, rank), rank - 1)]
        return f"permute({', '.join(map(str, order))})"
    if kind == "transpose":
        return f"transpose({r.randint(-rank, rank - 1)}, {r.randint(1, rank - 1)})"
    if kind == "unsqueeze":
        return f"unsqueeze({r.randint(-rank - 1, rank)})"
    if kind == "squeeze":
        return r.choice(["squeeze()", f"squeeze({r.randint(1, rank - 1)})"])
    if kind == "getitem":
        return {"getitem": _index(r, shape)}
    if kind == "reduce":
        op = r.choice(["mean", "sum", "amax", "amin"])
        chosen = r.sample(range(1, rank), r.randint(1, rank - 1)) if rank > 1 else [0]
        return f"{op}({chosen}, keepdim={r.random() < 0.5})"
    if kind == "expand":
        return "expand(" + ", ".join(["batch"] + ["-1" if d != 1 else str(r.randint(1, 3)) for d in shape[1:]]) + ")"
    if kind == "mul":
        return r.choice(["mul(other=2)", "add(other=1)", "div(3)", "sub(other=0.5)"])
    return f"chunk({r.randint(1, 4)}, {r.randint(1, rank - 1) if rank > 1 else 0})"


def ops_network(seed: int) -> dict:
    """A random chain of tensor methods; rejected candidates are checked against PyTorch on the way."""
    r = random.Random(seed)
    start = [r.randint(1, 5) for _ in range(r.randint(1, 4))]
    spec = net(start, "Identity()")
    shape = (None, *start)
    rejected = 0
    for _ in range(r.randint(2, 6)):
        for _attempt in range(6):
            last = spec["layers"][-1]
            candidate = _op(r, shape, contiguous=last in ("Identity()", "contiguous()") or (
                isinstance(last, dict) and "contiguous" in last))
            trial = {**spec, "layers": [*spec["layers"], candidate]}
            try:
                out = summarize(trial).layers[-1].output_shape
            except SpecError:
                if rejected < 2:
                    assert torch_error(trial) is not None, f"PyTorch accepts {candidate} after {shape}"
                rejected += 1
                continue
            if isinstance(out, list):  # a chunk: go on with its first output
                trial["layers"].append({"contiguous": None, "inputs": [f"{summarize(trial).layers[-1].name}[0]"]})
                out = out[0]
            if len(out) < 2 or out[0] is not None or any(d is not None and d > 64 for d in out):
                continue  # keep the batch first and the sizes small
            spec, shape = trial, out
            break
    return spec


SAMPLES = int(os.environ.get("CNNSUMMARY_TORCH_OPS_SAMPLES", "60"))


@pytest.mark.parametrize("seed", range(SAMPLES))
def test_random_tensor_methods_match_torch(seed):
    summary = assert_matches_torch(ops_network(seed))
    check_steps(summary)


def test_random_indices_match_torch():
    """x[index] for a few hundred random indices (errors included) against a real CPU tensor of batch 2 and 3."""
    import torch

    r = random.Random(7)
    checked = rejected = 0
    for _ in range(300):
        shape = tuple(r.randint(1, 5) for _ in range(r.randint(1, 4)))
        text = _index(r, (None, *shape))
        if r.random() < 0.2:  # indices that may be out of range, and several lists
            text = text.replace("[0]", str([r.randint(-6, 6)])).replace(", :]", f", {r.randint(-6, 6)}]")
        try:
            ours = summarize(net(shape, {"getitem": text})).layers[0].output_shape
        except SpecError:
            ours = None
        real = []
        for batch in (2, 3):
            try:
                real.append(tuple(eval("x" + text, {}, {"x": torch.zeros(batch, *shape)}).shape))
            except (IndexError, RuntimeError, ValueError):
                real.append(None)
        if ours is None:
            assert real == [None, None], (shape, text, real)
            rejected += 1
            continue
        assert None not in real, (shape, text, ours)
        assert ours == tuple(a if a == b else None for a, b in zip(*real, strict=True)), (shape, text, ours, real)
        checked += 1
    assert checked > 200 and rejected > 5


def test_readme_tensor_operations_example():
    from test_project import fenced, readme_section

    yaml_blocks = fenced(readme_section("PyTorch"), "yaml")
    example = next(b for b in yaml_blocks if "class_token" in b)
    summary = assert_matches_torch(example)
    assert summary.layer("class_token").output_shape == (1, 1, 768) and summary.layer("class_token").params == 768
    assert summary.layer("add").output_shape == (None, 197, 768)
    assert summary.layers[-1].output_shape == (None, 768)
    assert summary.total_params == 590_592 + 768 + 197 * 768  # torchvision's conv_proj, class token, positions

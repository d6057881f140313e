"""Memory: weights in each dtype as PyTorch stores them, activations as the real outputs' elements (checked
layer by layer in test_operations.py, and for whole models read from code in torch_compare.py), module trees
and Keras models used as layers, and the liveness model of the inference estimate."""

from __future__ import annotations

import itertools

import pytest
import torch
from arith import evaluate
from famous_networks import vgg16
from torch_builder import build_modules

from mkdocs_cnnsummary import summarize
from mkdocs_cnnsummary.engine.memory import estimate, readable

DTYPES = {"float32": torch.float32, "float16": torch.float16, "bfloat16": torch.bfloat16, "float64": torch.float64}


@pytest.mark.parametrize("dtype", list(DTYPES))
def test_weights_take_the_bytes_pytorch_stores(dtype):
    spec = vgg16(32)
    summary, modules = build_modules(spec)
    real = sum(p.numel() * p.element_size() for m in modules.values() for p in m.to(DTYPES[dtype]).parameters())
    assert estimate(summary, dtype).weights == real


def test_int8_weights_are_one_byte_each():
    summary = summarize(vgg16(32))
    assert estimate(summary, "int8").weights == summary.total_params


def test_steps_evaluate_to_the_bytes():
    memory = estimate(summarize(vgg16(64), framework="pytorch", batch=4), "float16")
    assert len(memory.steps) == 6
    for step in memory.steps:
        assert evaluate(step.substituted) == step.result, step


def test_inference_keeps_only_the_live_tensors_and_training_keeps_them_all():
    """A residual block: the block's input stays alive until the add reads it."""
    spec = {"input": [8, 8, 4], "layers": [
        {"name": "a", "Conv2D": {"filters": 4, "kernel_size": 3, "padding": "same"}},
        {"name": "b", "Conv2D": {"filters": 4, "kernel_size": 3, "padding": "same"}},
        {"name": "sum", "Add": None, "inputs": ["b", "input"]},
        {"name": "pool", "GlobalAveragePooling2D": None}]}
    summary = summarize(spec, batch=2)
    memory = estimate(summary)
    per = 8 * 8 * 4
    # when b runs: input (kept for the add), a (its input) and b are alive
    assert memory.peak_activations == 2 * 4 * (3 * per)
    assert memory.activations == 2 * 4 * (4 * per + 4)
    trainable = summary.trainable_params
    assert memory.training["Adam"] == memory.weights + 3 * 4 * trainable + memory.activations
    assert memory.training["SGD with momentum"] == memory.weights + 2 * 4 * trainable + memory.activations
    assert memory.inference == memory.weights + memory.peak_activations


def test_unknown_sizes_leave_the_activations_unknown_but_not_the_weights():
    memory = estimate(summarize("input: [null, null, 3]\nlayers:\n  - Conv2D: [8, 3]\n"))
    assert memory.weights == 224 * 4
    assert memory.activations is None and memory.inference is None and memory.training["Adam"] is None
    assert "unknown" in memory.steps[1].note


@pytest.mark.parametrize("n, units, text", [(13_200_000, "MiB", "12.59 MiB"), (13_200_000, "MB", "13.20 MB"),
                                            (999, "MB", "999 B"), (1536, "MiB", "1.50 KiB"),
                                            (5 * 2**40, "MiB", "5.00 TiB")])
def test_units_say_what_they_are(n, units, text):
    assert readable(n, units) == text


def test_peak_of_a_long_chain_is_the_largest_neighbouring_pair():
    """In a chain each output lives until the next layer has read it: the peak is the largest sum of two
    neighbours (the input included). Thousands of layers, so the sweep must stay linear."""
    from mkdocs_cnnsummary.engine.memory import peak_live

    widths = [(i * 7919) % 97 + 1 for i in range(3000)]
    spec = "framework: keras\ninput: [5]\nlayers:\n" + "".join(f"  - Dense({w})\n" for w in widths)
    best, where = peak_live(summarize(spec))
    sizes = [5, *widths]
    pairs = [a + b for a, b in itertools.pairwise(sizes)]
    assert best == max(pairs) and where == f"dense_{pairs.index(max(pairs))}".replace("dense_0", "dense")


NESTED_MODULE = """\
import torch
import torch.nn as nn


class Block(nn.Module):
    def __init__(self, channels):
        super().__init__()
        self.body = nn.Sequential(nn.Conv2d(channels, channels, 3, padding=1), nn.BatchNorm2d(channels))
        self.relu = nn.ReLU()

    def forward(self, x):
        return self.relu(self.body(x) + x)


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(nn.Conv2d(3, 8, 3), nn.ReLU(), Block(8), nn.MaxPool2d(2))
        self.head = nn.Sequential(nn.Flatten(), nn.Linear(8 * 7 * 7, 10))

    def forward(self, x):
        return self.head(self.features(x))


class Chain(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(nn.Conv2d(3, 8, 3), nn.ReLU(), nn.Sequential(nn.Conv2d(8, 4, 1)), nn.MaxPool2d(2))
        self.head = nn.Sequential(nn.Flatten(), nn.Linear(4 * 7 * 7, 10))

    def forward(self, x):
        return self.head(self.features(x))
"""


def _real(model: str) -> dict:
    from torch_truth import Job, run

    truth = run(Job(NESTED_MODULE, model, ((3, 16, 16),)))
    assert truth["ok"], truth.get("error")
    return truth


@pytest.mark.parametrize("model", ["Net()", "Chain()"])
def test_a_module_tree_holds_the_activations_pytorch_makes(model):
    """Modules holding Sequentials that hold modules: each row reads the names of its own network (a Sequential's
    first module reads the Sequential's input), and every tensor forward() makes is counted once."""
    from torch_compare import real_activations

    truth = _real(model)
    summary = summarize(NESTED_MODULE, format="code", framework="pytorch", model=model, inputs=[[3, 16, 16]], batch=3)
    memory = estimate(summary, "float16")
    assert memory.activations == 3 * 2 * real_activations(truth)
    for step in memory.steps:
        assert evaluate(step.substituted) == step.result, step


def test_a_chain_of_nested_modules_peaks_at_the_largest_neighbouring_pair_pytorch_makes():
    """A chain: each output lives until the next module has read it, whatever the modules it is nested in; the
    peak is the largest sum of two neighbours of the innermost modules' outputs, in the order PyTorch calls them."""
    from torch_compare import _per_sample

    truth = _real("Chain()")
    modules = {m["name"]: m for m in truth["modules"]}
    leaves = [modules[name] for name in truth["order"] if modules[name]["leaf"]]
    sizes = [_per_sample(truth["inputs"][0]), *(_per_sample(m["calls"][0]["shapes"][0]) for m in leaves)]
    summary = summarize(NESTED_MODULE, format="code", framework="pytorch", model="Chain()", inputs=[[3, 16, 16]])
    memory = estimate(summary)
    assert memory.peak_activations == 4 * max(a + b for a, b in itertools.pairwise(sizes))
    row = next(rec for rec in summary.layers if rec.name == "features")
    assert row.activations == sizes[-3]  # a Sequential's row: the output of its last module


def test_the_command_shows_the_memory_of_a_module_tree(tmp_path, capsys):
    from mkdocs_cnnsummary.cli import main

    path = tmp_path / "net.py"
    path.write_text(NESTED_MODULE)
    assert main([str(path), "-m", "Net()", "-i", "[3, 16, 16]", "-c", "activations"]) == 0
    out, err = capsys.readouterr()
    assert "Inference, estimate" in out and "Block (2)" in out and err == ""


KERAS_NESTED = """\
import keras
from keras import layers

inner = keras.Sequential([layers.Dense(8), layers.Dense(4)], name="inner")
inp = keras.Input((5,))
x = layers.Dense(6)(inp)
model = keras.Model(inp, layers.Dense(3)(inner(x)))
"""
KERAS_FLAT = """\
import keras
from keras import layers

inp = keras.Input((5,))
x = layers.Dense(6)(inp)
model = keras.Model(inp, layers.Dense(3)(layers.Dense(4)(layers.Dense(8)(x))))
"""


def test_a_keras_model_used_as_a_layer_holds_the_activations_of_its_layers():
    """Its layers' names are those of its own network: the estimate is that of the same layers written flat."""
    nested, flat = (estimate(summarize(text, format="code", batch=2)) for text in (KERAS_NESTED, KERAS_FLAT))
    assert (nested.weights, nested.activations, nested.peak_activations) == \
        (flat.weights, flat.activations, flat.peak_activations)

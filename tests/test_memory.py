"""Memory: weights in each dtype as PyTorch stores them, activations as the real outputs' elements (checked
layer by layer in test_operations.py), and the liveness model of the inference estimate."""

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

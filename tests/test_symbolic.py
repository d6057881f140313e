"""Sizes written with names (``input: [H, W, 3]``): exact expressions, checked by substitution.

The expressions are checked three ways: the simplifications against plain integer arithmetic for many
values (negative ones too), every worked step by evaluating its text for random values of the names
(``arith.check_named``), and whole random networks (the Keras and PyTorch generators of the other
differential tests) against the engine's numbers for the same sizes, and against real PyTorch and
Keras built at those sizes.  ``CNNSUMMARY_SYMBOLIC_SAMPLE=N`` runs N networks of each kind (default 40;
the real frameworks are built for a fifth of them).
"""

from __future__ import annotations

import copy
import json
import math
import os
import random
import subprocess
import sys
from typing import Any

import pytest
from arith import check_named, check_steps, evaluate

from mkdocs_cnnsummary import summarize
from mkdocs_cnnsummary.engine.errors import SpecError
from mkdocs_cnnsummary.engine.symbolic import NotNumeric, Sym, ceil, floor, same, smallest, substitute

H, W = Sym.name("H"), Sym.name("W")
SAMPLE = int(os.environ.get("CNNSUMMARY_SYMBOLIC_SAMPLE", "40"))


# the value and its simplifications ------------------------------------------------------------------


def test_the_usual_sizes_read_as_people_write_them():
    assert str((H - 1) // 2 + 1) == "⌈H/2⌉"  # ⌊(H − 1)/2⌋ + 1, simplified exactly
    assert str(floor((H - 3) / 2) + 1) == "⌈H/2⌉ − 1"
    assert str(math.ceil(H / 2)) == "⌈H/2⌉" and str(-(-H // 3)) == "⌈H/3⌉"
    assert str((math.ceil(H / 2) - 4) // 2 + 1) == "⌊(H + 1)/4⌋ − 1"  # nested floors merge
    assert str(((H // 2) // 2) // 2) == "⌊H/8⌋"
    assert str((H - 1) * 2 - 2 + 3 + 1) == "2 × H" and str(H * W * 3) == "3 × H × W"
    assert H - H == 0 and isinstance(H * 0, int) and (2 * H) // 2 == H


def test_equal_values_written_differently_are_equal():
    assert math.ceil(H / 2) == H - H // 2
    assert H // 2 + (H + 1) // 2 == H
    assert H != H + 1 and (H // 2) * 2 != H and H != 3
    assert same(floor((3 * H + W) / 6), floor((floor(H / 2) + floor((W + 0 * H) / 6) * 0 + H + W - H) / 3)) is False


def _program(rng: random.Random) -> list[tuple[str, int, int]]:
    return [(rng.choice(["add", "mul", "floor", "ceil", "mod", "name"]), rng.randint(1, 6), rng.randint(-7, 7))
            for _ in range(rng.randint(1, 7))]


def _run(program, x: Any, w: Any) -> Any:
    for op, k, c in program:
        if op == "add":
            x = x + c
        elif op == "mul":
            x = x * k
        elif op == "floor":
            x = (x + c) // k
        elif op == "ceil":
            x = -(-(x + c) // k) if isinstance(x, int) else ceil((x + c) / k)
        elif op == "mod":
            x = x % k
        else:
            x = x + c * w
    return x


def test_every_simplification_is_exact_for_every_integer():
    """Random programs of + × ⌊⌋ ⌈⌉ mod on names, against the same program on plain integers."""
    rng = random.Random(11)
    for _ in range(600):
        program = _program(rng)
        expr = _run(program, H, W)
        for h in range(-12, 37):
            for w in (-3, 2, 7):
                value = expr.subs({"H": h, "W": w}) if isinstance(expr, Sym) else expr
                assert value == _run(program, h, w), (program, str(expr), h, w)
                if isinstance(expr, Sym) and expr.integral and h % 6 == 0:  # the text says the same
                    assert evaluate(str(expr), {"H": h, "W": w}) == value, (program, str(expr))


def test_questions_that_need_numbers_are_refused():
    for ask in (lambda: H > 3, lambda: H < W, lambda: int(H), lambda: max(H, 4), lambda: 6 // H, lambda: H / W):
        with pytest.raises(NotNumeric):
            ask()
    assert (H + 2 > H) is True  # a constant difference is decided
    assert smallest(floor((H - 3) / 2) + 1, 1) == 3 and smallest(H - W, 1) is None


# the engine -------------------------------------------------------------------------------------------

SPEC = """
input: [H, W, 3]
layers:
  - Conv2D: {filters: 8, kernel_size: 3, strides: 2}
  - MaxPooling2D: 2
  - Conv2D: {filters: 16, kernel_size: 3, padding: same}
  - UpSampling2D: 2
  - Conv2DTranspose: {filters: 4, kernel_size: 3, strides: 2}
  - GlobalAveragePooling2D: {}
  - Dense: 10
"""


def test_output_sizes_are_expressions_and_parameters_stay_numbers():
    s = summarize(SPEC)
    shapes = [tuple(map(str, r.output_shape[1:3])) for r in s.layers[:5]]
    assert shapes == [("⌈H/2⌉ − 1", "⌈W/2⌉ − 1"), ("⌈H/4⌉ − 1", "⌈W/4⌉ − 1"), ("⌈H/4⌉ − 1", "⌈W/4⌉ − 1"),
                      ("2 × ⌈H/4⌉ − 2", "2 × ⌈W/4⌉ − 2"), ("4 × ⌈H/4⌉ − 3", "4 × ⌈W/4⌉ − 3")]
    assert s.total_params == 2022 and s.layers[-1].output_shape == (None, 10)
    step = s.layers[0].calculation[0]
    assert (step.formula, step.substituted, str(step.result)) == ("⌊(h − k_h)/s_h⌋ + 1", "⌊(H − 3)/2⌋ + 1",
                                                                   "⌈H/2⌉ − 1")
    assert check_steps(s) > 10
    (note,) = [w for w in s.warnings if w.kind == "sizes"]
    assert note.message == "the sizes written with names hold for H ≥ 5 and W ≥ 5 (smaller sizes do not fit " \
                           "max_pooling2d)"
    data = s.to_dict()
    assert data["inputs"][0]["shape"] == [None, "H", "W", 3]
    assert data["layers"][1]["output_shape"] == [None, "⌈H/4⌉ − 1", "⌈W/4⌉ − 1", 8]
    assert data["layers"][0]["calculation"][0]["result"] == "⌈H/2⌉ − 1"
    json.dumps(data)


def test_analyses_of_sizes_written_with_names_are_unknown_and_say_why():
    conv = summarize(SPEC).layers[0]
    assert conv.macs is None and "written with H, W; assume: gives the names values" in conv.steps_of("macs")[0].note
    assert conv.receptive_field.size_max == (3, 3)  # the field needs no image size


@pytest.mark.parametrize("style", ["keras", "torchinfo", "nolearn"])
def test_every_analysis_column_shows_sizes_written_with_names(style):
    """Activations and memory that depend on a name are unknown (?), in every renderer; nothing raises."""
    import markdown

    from mkdocs_cnnsummary.render.text import render_text

    every = ["macs", "flops", "other_ops", "activations", "receptive_field"]
    s = summarize(SPEC)
    text = render_text(s, style=style, columns=every, worked=True)
    assert "Total MACs: ? (unknown for conv2d" in text and "Inference, estimate: ?" in text
    assert "Weights (float32): 7.90 KiB (8,088 bytes)" in text  # 2,022 parameters need no image size
    assert s.layers[0].activations is None and s.layers[-1].activations == 10
    html = markdown.markdown(f"```cnn columns=\"layer output_shape {' '.join(every)}\"\n{SPEC}```\n",
                             extensions=["cnnsummary"])
    assert "⌈H/2⌉ − 1" in html and "cnnsummary-error" not in html


def test_assume_gives_numbers_as_if_the_sizes_were_written():
    numbers = SPEC.replace("[H, W, 3]", "[64, 48, 3]")
    for s in (summarize(SPEC, assume={"H": 64, "W": 48}), summarize(SPEC, assume="H=64,W=48"),
              summarize(SPEC + "assume: {H: 64, W: 48}\n")):
        assert s.to_dict() == summarize(numbers).to_dict()
    with pytest.raises(SpecError, match=r"assume: 'X' is no name of an input size.*the input sizes use H, W"):
        summarize(SPEC, assume="X=3")
    with pytest.raises(SpecError, match="a 2×2 pool window does not fit the 1×1 input"):
        summarize(SPEC, assume="H=4,W=4")


def test_a_weight_that_depends_on_a_name_asks_for_a_value():
    spec = "input: [H, W, 3]\nlayers:\n  - Conv2D(8, 3)\n  - Flatten()\n  - Dense(10)\n"
    with pytest.raises(SpecError) as info:
        summarize(spec)
    assert info.value.layer == "dense"
    assert "the weight 'kernel' would have shape (8 × H × W − 16 × H − 16 × W + 32, 10)" in str(info.value)
    assert "give H, W a value: assume: {H: 224, W: 224}" in str(info.value)
    assert summarize(spec, assume="H=28,W=28").total_params == 54_314


def test_pytorch_and_lasagne_sizes():
    s = summarize("framework: pytorch\ninput: [3, H, W]\nlayers:\n  - Conv2d(3, 8, 7, stride=2, padding=3)\n"
                  "  - MaxPool2d(3, stride=2, padding=1, ceil_mode=True)\n  - AdaptiveAvgPool2d(1)\n")
    assert [tuple(map(str, r.output_shape[2:])) for r in s.layers] == [
        ("⌈H/2⌉", "⌈W/2⌉"), ("⌊(H + 1)/4⌋ + 1", "⌊(W + 1)/4⌋ + 1"), ("1", "1")]
    check_steps(s)
    lasagne = summarize("framework: lasagne\ninput: [1, H, W]\nlayers:\n"
                        "  - Conv2DLayer: {num_filters: 4, filter_size: 5}\n"
                        "  - MaxPool2DLayer: {pool_size: 2}\n")
    assert str(lasagne.layers[-1].output_shape[2]) == "⌊H/2⌋ − 2"


def test_expect_names_sizes_as_the_table_writes_them():
    summarize(SPEC + "expect:\n  max_pooling2d: {output_shape: [null, '⌈H/4⌉ − 1', "
                                                   "'⌈W/4⌉−1', 8]}\n")
    with pytest.raises(SpecError, match="expect: output_shape"):
        summarize(SPEC + "expect:\n  max_pooling2d: {output_shape: [null, 'H/4', 'W/4', 8]}\n")


def test_fence_option_and_command_line():
    import markdown
    from bs4 import BeautifulSoup

    def cells(header: str) -> list[str]:
        html = markdown.markdown(f"```cnn {header}\n{SPEC}```\n", extensions=["cnnsummary"])
        return [td.get_text(" ", strip=True) for td in BeautifulSoup(html, "html.parser").select("tbody td")]

    assert "(None, ⌈H/2⌉ − 1, ⌈W/2⌉ − 1, 8)" in cells("")
    assert "(None, 31, 23, 8)" in cells('assume="H=64,W=48"')

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "mkdocs_cnnsummary", "-", *args], input=SPEC,
                              capture_output=True, text=True)

    assert "(None, ⌈H/4⌉ − 1, ⌈W/4⌉ − 1, 8)" in run().stdout
    assert "(None, 15, 11, 8)" in run("--assume", "H=64", "--assume", "W=48").stdout
    assert json.loads(run("--format", "json", "--assume", "H=64,W=48").stdout)["layers"][0]["output_shape"] == [
        None, 31, 23, 8]
    assert "assume: 'Q' is no name" in run("--assume", "Q=1").stderr


# random networks, by substitution ------------------------------------------------------------------------

LETTERS = "HWDTUVXYZ"


def _named(spec: dict, keep_last: bool = True, keep_first: bool = False) -> tuple[dict, dict[str, int]]:
    """The spec with its input sizes written as names: one name per distinct size (so that inputs whose
    sizes must agree keep agreeing), the channel axis left as a number."""
    spec = copy.deepcopy(spec)
    by_value: dict[int, str] = {}

    def rename(shape: list) -> list:
        out = list(shape)
        axes = range(1 if keep_first else 0, len(out) - (1 if keep_last else 0))
        for i in axes:
            v = out[i]
            if isinstance(v, int) and v > 0 and (v in by_value or len(by_value) < len(LETTERS)):
                out[i] = by_value.setdefault(v, LETTERS[len(by_value)])
        return out

    if isinstance(spec.get("input"), list):
        spec["input"] = rename(spec["input"])
    elif isinstance(spec.get("inputs"), dict):
        spec["inputs"] = {k: rename(v) if isinstance(v, list) else v for k, v in spec["inputs"].items()}
    return spec, {name: value for value, name in by_value.items()}


def _with_numbers(spec: dict, env: dict[str, int]) -> dict:
    spec = copy.deepcopy(spec)
    if "input" in spec:
        spec["input"] = [env.get(v, v) for v in spec["input"]]
    else:
        spec["inputs"] = {k: [env.get(v, v) for v in s] for k, s in spec["inputs"].items()}
    return spec


def _bounds(summary) -> dict[str, int]:
    """The smallest values the summary's note gives (``H ≥ 5``)."""
    out: dict[str, int] = {}
    for w in summary.warnings:
        if w.kind == "sizes":
            for part in w.message.split("hold for ")[1].split(" (")[0].replace(" and ", ", ").split(", "):
                name, _, low = part.partition(" ≥ ")
                if low.isdigit():
                    out[name] = int(low)
    return out


def _check_by_substitution(spec: dict, env: dict[str, int], rng: random.Random, real) -> str:
    """Compute ``spec`` (sizes written with names) and check it against the numbers for several values of
    the names; ``real`` checks one numeric spec against the real framework (or is None)."""
    try:
        symbolic = summarize(spec)
    except SpecError as exc:
        return "refused: " + exc.message.split(":")[0]
    check_steps(symbolic)
    bounds = _bounds(symbolic)
    trials = [env] + [{n: rng.randint(1, 2 * v + 12) for n, v in env.items()} for _ in range(5)]
    compared = 0
    for values in trials:
        numeric_spec = _with_numbers(spec, values)
        try:
            numeric = summarize(numeric_spec)
        except SpecError as exc:  # too small for some layer: the note must have said so
            assert any(values[n] < low for n, low in bounds.items()), (values, bounds, exc.message)
            continue
        assert len(numeric.layers) == len(symbolic.layers)
        for a, b in zip(symbolic.layers, numeric.layers, strict=True):
            assert substitute(a.output_shape, values) == b.output_shape, (a.name, values)
            assert a.params == b.params, a.name
        if real is not None and compared == 0 and values is not env:
            real(numeric_spec)
        compared += 1
    assert compared, f"no value of {sorted(env)} builds the network"
    return "ok"


@pytest.mark.filterwarnings("ignore:.*does not support masking:UserWarning")
def test_random_keras_networks_by_substitution():
    from random_networks import random_network

    outcomes: dict[str, int] = {}
    checked_real = 0
    for seed in range(SAMPLE * 2):
        spec, env = _named(random_network(seed))
        if not env:
            continue
        real = None
        if checked_real * 5 < SAMPLE and seed % 5 == 0:
            from keras_builder import assert_matches_keras

            real = assert_matches_keras
        outcome = _check_by_substitution(spec, env, random.Random(seed), real)
        checked_real += real is not None and outcome == "ok"
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
        if sum(outcomes.values()) >= SAMPLE:
            break
    assert outcomes.get("ok", 0) >= SAMPLE // 2, outcomes
    assert checked_real >= 2, outcomes


def test_random_pytorch_networks_by_substitution():
    from test_random_pytorch import grow
    from torch_builder import assert_matches_torch

    outcomes: dict[str, int] = {}
    for seed in range(SAMPLE):
        spec = grow(seed)
        while spec["layers"] and spec["layers"][-1].split("(")[0] in ("Flatten", "Linear"):
            spec["layers"].pop()  # the final Linear's size was computed for the first input size
        if not spec["layers"]:
            continue
        spec, env = _named(spec, keep_last=False, keep_first=True)
        if not env:
            continue
        real = assert_matches_torch if seed % 5 == 0 else None
        outcome = _check_by_substitution(spec, env, random.Random(seed), real)
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
    assert outcomes.get("ok", 0) >= len(outcomes) and outcomes.get("ok", 0) >= SAMPLE // 3, outcomes


def test_check_named_catches_a_wrong_step():
    with pytest.raises(AssertionError):
        check_named("⌊(H − 3)/2⌋ + 1", math.ceil(H / 2), "wrong")

"""The founding questions' code, pasted verbatim, gives the numbers the questions quote.

``tests/code_seeds/`` holds each question's code exactly as it was posted (old spellings, missing
imports and all); ``code_seeds/modern/`` the same code changed only where Keras 3 refuses it, which
real Keras runs (``keras_truth``) so that every row is compared with Keras 3's own summary.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from arith import check_steps
from code_compare import differences, truth_table
from keras_truth import Job, run_many

from mkdocs_cnnsummary import SpecError, summarize
from mkdocs_cnnsummary.render import render_text

SEEDS = Path(__file__).parent / "code_seeds"

#: (seed file, what real Keras evaluates after running the modern variant)
KERAS_SEEDS = [("seed_000_unet", "model"), ("seed_002_conv2d", "test_model()"),
               ("seed_002_depthwise", "test_model()"), ("seed_002_separable", "test_model()"),
               ("seed_003_input_shape", "model"), ("seed_003_unknown_size", "model"),
               ("seed_004_denoiser", "denoiser"), ("seed_004_convmodel3", "convmodel3")]


def code(name: str) -> str:
    return (SEEDS / f"{name}.py").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def truths() -> dict[str, dict]:
    jobs = [Job(code(f"modern/{name}"), target, filename=f"{name}.py") for name, target in KERAS_SEEDS]
    jobs.append(Job(code("modern/seed_004_no_padding"), "convmodel3", filename="seed_004_no_padding.py"))
    results = run_many(jobs, parallel=2)
    return {name: result for (name, _), result in zip([*KERAS_SEEDS, ("seed_004_no_padding", "")], results,
                                                      strict=True)}


def kinds(summary) -> list[str | None]:
    return [w.kind for w in summary.warnings]


@pytest.mark.parametrize(("name", "target"), KERAS_SEEDS)
def test_every_row_matches_real_keras(name: str, target: str, truths: dict[str, dict]) -> None:
    truth = truths[name]
    assert truth["ok"], truth
    summary = summarize(code(name), format="code")
    assert differences(summary, truth) == [], truth_table(truth)
    check_steps(summary)


def test_seed_000_unet_verbatim() -> None:
    summary = summarize(code("seed_000_unet"))
    assert summary.total_params == summary.trainable_params == 31_031_685
    # the question's conv2d_11 (Keras 2 counted from 1) is Keras 3's conv2d_10: a 2×2 kernel
    up = summary.layer("conv2d_10")
    assert up.params == 2_097_664
    assert up.output_shape == (None, 32, 32, 512)
    assert {s.quantity: s.substituted for s in up.calculation}["params"] == "(2 × 2 × 1024 + 1) × 512"
    assert summary.layer("concatenate").inputs == ["dropout", "conv2d_10"]
    old = {w.line: w for w in summary.warnings if w.kind == "old-spelling"}
    assert sorted(old) == [1, 36]
    assert old[1].hint == "write `Input(shape=(256, 256, 1))`"
    assert old[36].hint == "write `Model(inputs=inputs, outputs=conv10)`"
    assert "missing-import" in kinds(summary)
    text = render_text(summary)
    assert "31,031,685" in text and "Model(inputs=inputs, outputs=conv10)" in text


def test_seed_002_three_functions() -> None:
    conv = summarize(code("seed_002_conv2d"))
    depthwise = summarize(code("seed_002_depthwise"))
    separable = summarize(code("seed_002_separable"))
    assert [s.total_params for s in (conv, depthwise, separable)] == [2_912, 100, 442]
    assert conv.layer("conv2d").output_shape == (None, 224, 224, 32)
    assert depthwise.layer("depthwise_conv2d").output_shape == (None, 224, 224, 10)
    assert conv.inputs[0].name == "input"  # name='input' is honoured
    assert "missing-import" not in kinds(conv)
    for summary, layer in ((depthwise, "DepthwiseConv2D"), (separable, "SeparableConv2D")):
        (missing,) = [w for w in summary.warnings if w.kind == "missing-import"]
        assert layer in missing.message and "Input" in missing.message and "keras" in missing.message
        assert f"from keras.layers import Input, {layer}" in missing.hint
    # the functions only print the summary: the model a function summarises is the one it builds
    assert any(w.kind == "skipped" and "model.summary" in w.message for w in conv.warnings)
    # the whole article pasted at once: the last definition of test_model wins, as in Python
    article = "\n\n".join(code(n) for n in ("seed_002_conv2d", "seed_002_depthwise", "seed_002_separable"))
    assert summarize(article).total_params == 442
    assert summarize(article, model="test_model(input_size=(32, 32, 3))").total_params == 3 * 9 + (3 + 1) * 32


def test_seed_003_fragments() -> None:
    first = summarize(code("seed_003_input_shape"))
    assert [(r.name, r.output_shape, r.params) for r in first.layers] == [("conv2d", (None, 148, 148, 16), 448)]
    assert "fragments" in kinds(first) and "missing-import" in kinds(first)
    second = summarize(code("seed_003_unknown_size"))
    assert second.layer("conv2d").output_shape == (None, None, None, 16)
    assert second.total_params == 448
    assert second.inputs[0].shape == (None, None, None, 3)
    with pytest.raises(SpecError) as info:
        summarize(code("seed_003_c5_reduced"))
    err = info.value
    assert err.line == 1 and "'pad'" in err.message and "did you mean 'padding'" in err.hint


def test_seed_004_denoisers(truths: dict[str, dict]) -> None:
    denoiser = summarize(code("seed_004_denoiser"))
    assert denoiser.total_params == 8_001
    assert denoiser.layers[-1].output_shape == (None, 28, 28, 1)
    made = [w for w in denoiser.warnings if w.kind == "missing-definition"]
    assert made and "denoiser = Sequential()" in made[0].message
    convmodel3 = summarize(code("seed_004_convmodel3"))
    assert convmodel3.total_params == 12_201
    assert convmodel3.layers[-1].output_shape == (None, 24, 24, 1)
    assert convmodel3.layer("max_pooling2d_2").output_shape == (None, 3, 3, 8)


def test_seed_004_without_padding_fails_on_its_line(truths: dict[str, dict]) -> None:
    text = code("seed_004_no_padding")
    with pytest.raises(SpecError) as info:
        summarize(text)
    err = info.value
    assert text.splitlines()[err.line - 1].strip() == "convmodel3.add(Conv2D(16, (3,3)))"
    assert "does not fit the 2×2 input" in err.message
    # real Keras refuses the same network
    truth = truths["seed_004_no_padding"]
    assert not truth["ok"]
    assert "zero or negative" in truth["error"] and "(None, 2, 2, 8)" in truth["error"]

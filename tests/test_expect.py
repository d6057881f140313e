"""The ``expect:`` key: values taken from real Keras pass, anything else is a SpecError on its line."""

from __future__ import annotations

import pytest
from keras_builder import build_model, keras_facts

from mkdocs_cnnsummary import SpecError, summarize
from mkdocs_cnnsummary.engine.expect import check_expectations

SPEC = """\
input: [28, 28, 1]
layers:
  - Conv2D: [8, 3]
  - Conv2D: {filters: 4, kernel_size: 3, name: frozen, trainable: false}
  - Flatten
  - Dense: 10
"""


@pytest.fixture(scope="module")
def keras_numbers() -> dict:
    summary = summarize(SPEC)
    model = build_model(SPEC, summary)
    trainable = sum(int(w.numpy().size) for w in model.trainable_weights)
    non_trainable = sum(int(w.numpy().size) for w in model.non_trainable_weights)
    return {"total": model.count_params(), "trainable": trainable, "non_trainable": non_trainable,
            "layers": keras_facts(model)}


def _expect_block(k: dict) -> str:
    frozen = k["layers"]["frozen"]
    shape = ", ".join("null" if d is None else str(d) for d in frozen["output_shape"])
    return (f"expect:\n  total_params: {k['total']}\n  trainable_params: {k['trainable']}\n"
            f"  non_trainable_params: {k['non_trainable']}\n"
            f"  frozen:\n    output_shape: [{shape}]\n    params: {frozen['params']}\n"
            f"    non_trainable_params: {frozen['non_trainable_params']}\n")


def test_values_reported_by_keras_pass(keras_numbers):
    summary = summarize(SPEC + _expect_block(keras_numbers))
    assert summary.total_params == keras_numbers["total"]


@pytest.mark.parametrize(("old", "new", "fragment"), [
    ("  total_params: {total}", "  total_params: {total_plus}", "total_params is {total_plus:,} but the network"),
    ("    params: {frozen}", "    params: {frozen_plus}", "params is {frozen_plus:,} but the network"),
    ("    output_shape: [null, ", "    output_shape: [null, 1, ", "output_shape is"),
])
def test_a_wrong_value_names_its_line(keras_numbers, old, new, fragment):
    values = {"total": keras_numbers["total"], "total_plus": keras_numbers["total"] + 1,
              "frozen": keras_numbers["layers"]["frozen"]["params"],
              "frozen_plus": keras_numbers["layers"]["frozen"]["params"] + 1}
    text = SPEC + _expect_block(keras_numbers)
    wrong = text.replace(old.format(**values), new.format(**values), 1)
    assert wrong != text
    changed = next(i for i, (a, b) in enumerate(zip(text.splitlines(), wrong.splitlines(), strict=True)) if a != b)
    with pytest.raises(SpecError) as info:
        summarize(wrong)
    assert info.value.line == changed + 1
    assert fragment.format(**values) in info.value.message


def test_shape_without_batch_and_layers_group():
    summary = summarize(SPEC)
    dense = summary.layer("dense")
    check_expectations(summary, {"layers": {"dense": {"output_shape": list(dense.output_shape[1:]),
                                                      "params": dense.params}}})


@pytest.mark.parametrize(("expect", "message", "hint"), [
    ({"total_parms": 1}, "no layer named 'total_parms'", "did you mean 'total_params'"),
    ({"dense": {"parms": 1}}, "unknown key 'parms'", "did you mean 'params'?"),
    ({"dense": {"params": "many"}}, "must be a whole number", None),
    ({"dens": {"params": 1}}, "no layer named 'dens'", "did you mean 'dense'?"),
    ([1, 2], "expect must be a mapping", None),
])
def test_helpful_errors(expect, message, hint):
    with pytest.raises(SpecError) as info:
        check_expectations(summarize(SPEC), expect)
    assert message in info.value.message
    if hint:
        assert hint in (info.value.hint or "")

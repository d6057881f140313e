"""Every layer accepts the arguments of the real constructor, in the same positional order.

The engine promises "every argument the constructor accepts is accepted"; this asks
Keras and PyTorch themselves (``inspect.signature``) instead of a list typed by hand.
"""

from __future__ import annotations

import inspect

import pytest
from keras_builder import assert_matches_keras, keras  # sets up Keras quietly
from torch_builder import assert_matches_torch, nn

from mkdocs_cnnsummary.engine.layer import catalog

REAL = {"keras": keras.layers, "pytorch": nn}
#: module-level functions or graph helpers that have no constructor of their own
NO_CLASS = {"Input", "add", "average", "concatenate", "dot", "maximum", "minimum", "multiply", "subtract",
            "Add", "Concatenate", "cat"}
#: accepted by position in the framework but only by name here (device/dtype are common to every module)
NAME_ONLY = {"device", "dtype", "name"}


def _cases():
    for framework, module in REAL.items():
        for name in sorted(catalog(framework)):
            if name not in NO_CLASS and inspect.isclass(getattr(module, name, None)):
                yield pytest.param(framework, name, id=f"{framework}-{name}")


@pytest.mark.parametrize(("framework", "name"), list(_cases()))
def test_arguments_match_the_real_constructor(framework, name):
    ours = catalog(framework)[name]
    params = inspect.signature(getattr(REAL[framework], name).__init__).parameters
    accepted = {a.name for a in ours.all_arguments()}
    real_named = [p for p, v in params.items()
                  if p != "self" and v.kind not in (v.VAR_KEYWORD, v.VAR_POSITIONAL)]
    assert [p for p in real_named if p not in accepted] == []
    real_positional = [p for p in real_named if params[p].kind == params[p].POSITIONAL_OR_KEYWORD
                       and p not in NAME_ONLY]
    our_positional = [a.name for a in ours.arguments if not a.keyword_only and a.name not in NAME_ONLY]
    if any(v.kind == v.VAR_POSITIONAL for v in params.values()):  # torch RNNs: (*args, **kwargs)
        return
    assert our_positional == real_positional


def test_lora_freezes_the_kernel_as_keras_does():
    assert_matches_keras("""
input: [8, 8, 3]
layers:
  - Conv2D(4, 3, lora_rank=2)
  - Flatten
  - Dense(5, lora_rank=3, use_bias=False)
  - Dense(2, None, True, 'glorot_uniform', 'zeros', None, None, None, None, None, 1)
""")


def test_norm_bias_false_keeps_only_the_weight():
    assert_matches_torch("""
framework: pytorch
input: [4, 6, 6]
layers:
  - BatchNorm2d(4, bias=False)
  - GroupNorm(2, 4, bias=False)
  - InstanceNorm2d(4, affine=True, bias=False)
""")

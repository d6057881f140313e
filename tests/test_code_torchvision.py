"""torchvision's own model source files, read as text by the code reader, against the models torchvision builds.

For AlexNet, VGG-16, ResNet-18/50, DenseNet-121, SqueezeNet 1.0, MobileNetV2, MobileNetV3-Small,
EfficientNet-B0, ShuffleNetV2, GoogLeNet, Inception v3, ConvNeXt-Tiny and ViT-B/16, the text of the
file in torchvision's package that defines the model (``models/resnet.py`` ...) is read as any
project's code would be: never imported by the reader, its imports of torchvision's own helper modules
(``ops/misc.py``, ``_utils.py``) followed by reading their files.  The builder is called without
weights (``resnet50()``), and the summary must show what ``torchvision.models.resnet50(weights=None)``
does, row by row (``torch_compare``).  The ground truth alone is checked by test_torch_truth.py.
"""

from __future__ import annotations

import pytest
from torch_compare import assert_reads_as_pytorch
from torch_truth import run
from torchvision_models import MODELS, Model


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.builder)
def test_torchvision_source_reads_as_torchvision_builds_it(model: Model) -> None:
    truth = run(model.job())
    assert truth["ok"], f"torchvision's {model.builder} does not build: {truth['error']}"
    inputs = [list(s) for s in model.inputs]
    assert_reads_as_pytorch(model.text(), truth, f"torchvision {model.file}, model={model.expression!r}, "
                            f"inputs={inputs}:", format="code", framework="pytorch", model=model.expression,
                            inputs=inputs, path=str(model.path()))

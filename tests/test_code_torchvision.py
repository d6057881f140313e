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
from arith import check_steps
from torch_compare import differences, truth_table
from torch_truth import run
from torchvision_models import MODELS, Model

from mkdocs_cnnsummary import summarize


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.builder)
def test_torchvision_source_reads_as_torchvision_builds_it(model: Model) -> None:
    truth = run(model.job())
    assert truth["ok"], f"torchvision's {model.builder} does not build: {truth['error']}"
    where = f"torchvision {model.file}, model={model.expression!r}, inputs={[list(s) for s in model.inputs]}"
    try:
        summary = summarize(model.text(), format="code", framework="pytorch", model=model.expression,
                            inputs=[list(s) for s in model.inputs], path=str(model.path()))
        check_steps(summary)
    except Exception as exc:
        pytest.fail(f"{where}: {type(exc).__name__}: {exc}\n{truth_table(truth)}")
    diffs = differences(summary, truth)
    if diffs:
        pytest.fail(f"{where}:\n" + "\n".join(diffs) + "\n" + truth_table(truth))

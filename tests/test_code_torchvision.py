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


@pytest.mark.parametrize("builder", ["resnet18", "mobilenet_v2", "squeezenet1_0", "shufflenet_v2_x1_0"])
def test_torchvision_source_counts_the_macs_pytorchs_counter_counts(builder: str) -> None:
    """The operation counts of code read statically are those of the model read from a table: PyTorch's
    FlopCounterMode on the model torchvision builds, one image, is 2 × the total MACs."""
    import torch
    from torch.utils.flop_counter import FlopCounterMode
    from torchvision_compat import import_torchvision

    from mkdocs_cnnsummary import summarize

    model = next(m for m in MODELS if m.builder == builder)
    summary = summarize(model.text(), format="code", framework="pytorch", model=model.expression,
                        inputs=[list(s) for s in model.inputs], path=str(model.path()))
    real = getattr(import_torchvision().models, builder)(weights=None).eval()
    counter = FlopCounterMode(display=False)
    with counter, torch.no_grad():
        real(*(torch.zeros(1, *s) for s in model.inputs))
    assert summary.total_flops == counter.get_total_flops()
    assert summary.total_macs is not None and summary.total_macs * 2 == counter.get_total_flops()


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.builder)
def test_torchvision_source_shows_every_analysis_column(model: Model, capsys: pytest.CaptureFixture[str],
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """The command's table with every analysis column and the memory estimate: the rows of a module holding others
    (a Sequential, a BasicBlock) read the names of their own network.  The numbers are checked against PyTorch by
    the comparison above (``torch_compare.activation_differences``).  The command runs in torchvision's
    package directory (its project), so that the file's imports of its helper modules are read too."""
    import json

    from torchvision_models import torchvision_root

    from mkdocs_cnnsummary.cli import main

    monkeypatch.chdir(torchvision_root())

    status = main([str(model.path()), "-m", model.expression, "-i", json.dumps(list(model.inputs[0])),
                   "-c", "macs flops other_ops activations receptive_field"])
    out, err = capsys.readouterr()
    assert status == 0, err
    assert "Inference, estimate" in out and "Training (Adam), estimate" in out and err == ""

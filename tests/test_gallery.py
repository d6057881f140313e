"""The gallery of famous networks: every block is compared, layer by layer, with the real model.

Keras blocks are compared with ``keras.applications`` (``weights=None``) where Keras has the
network, otherwise with the model our spec describes built in real Keras; PyTorch blocks with
``torchvision.models`` (run on the ``meta`` device with forward hooks on every module).
Layer names follow the real models', so the comparison is by name: output shape, parameters
(trainable and not) and, for PyTorch, buffers, plus the totals.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from mkdocs_cnnsummary import summarize
from mkdocs_cnnsummary.block import split_header
from mkdocs_cnnsummary.markdown.extension import find_fences

GALLERY = Path(__file__).resolve().parent.parent / "example_site" / "gallery"


def gallery_blocks() -> dict[str, str]:
    """Title -> spec of every ``cnn`` block in the gallery."""
    out = {}
    for page in sorted(GALLERY.glob("*.md")):
        for fence in find_fences(page.read_text(encoding="utf-8").splitlines()):
            if fence.lang == "cnn":
                title = split_header(fence.info).get("title")
                assert title and title not in out, f"{page.name}: every gallery block needs its own title"
                out[title] = "\n".join(fence.body)
    return out


BLOCKS = gallery_blocks()


def _keras(name: str, **kwargs: Any) -> Callable[[], Any]:
    def build() -> Any:
        os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
        import keras

        keras.backend.clear_session()  # automatic names (conv2d_5 ...) count from zero again
        return getattr(keras.applications, name)(weights=None, **kwargs)

    return build


def _torchvision(name: str, **kwargs: Any) -> Callable[[], Any]:
    def build() -> Any:
        import torch
        from torchvision_compat import import_torchvision

        models = import_torchvision().models
        with torch.device("meta"):
            return getattr(models, name)(weights=None, **kwargs)

    return build


KERAS_APPLICATIONS = {
    "ResNet-50 (Keras)": _keras("ResNet50"),
    "VGG-16 (Keras)": _keras("VGG16"),
    "MobileNetV2 (Keras)": _keras("MobileNetV2"),
    "DenseNet-121 (Keras)": _keras("DenseNet121"),
    "Inception-v3 (Keras)": _keras("InceptionV3"),
    "EfficientNet-B0 (Keras)": _keras("EfficientNetB0"),
}
TORCHVISION = {
    "ResNet-50 (PyTorch)": _torchvision("resnet50"),
    "VGG-16 (PyTorch)": _torchvision("vgg16"),
    "AlexNet (PyTorch)": _torchvision("alexnet"),
    "MobileNetV2 (PyTorch)": _torchvision("mobilenet_v2"),
    "DenseNet-121 (PyTorch)": _torchvision("densenet121"),
    "Inception-v3 (PyTorch)": _torchvision("inception_v3", aux_logits=False, init_weights=False),
    "EfficientNet-B0 (PyTorch)": _torchvision("efficientnet_b0"),
}


def test_every_gallery_block_is_compared_with_a_real_model():
    """A block the tests below do not know would go unchecked."""
    for title, spec in BLOCKS.items():
        assert title in KERAS_APPLICATIONS or title in TORCHVISION or "(Keras)" in title, title
        assert "\nexpect:" in "\n" + spec, f"{title} asserts nothing"
        assert "blocks:" in spec or "repeat:" in spec, f"{title} is not written compactly"


@pytest.mark.parametrize("title", [t for t in BLOCKS if "(Keras)" in t])
def test_keras_block_matches_keras(title: str) -> None:
    pytest.importorskip("keras")
    from keras_builder import assert_matches_keras, keras_facts

    spec = BLOCKS[title]
    if title not in KERAS_APPLICATIONS:  # no keras.applications model: the spec built in real Keras
        assert_matches_keras(spec)
        return
    summary = summarize(spec)
    model = KERAS_APPLICATIONS[title]()
    facts = keras_facts(model)
    assert sorted(r.name for r in summary.layers) == sorted(facts)
    for rec in summary.layers:
        real = facts[rec.name]
        assert tuple(rec.output_shape) == real["output_shape"], (rec.name, rec.output_shape, real)
        for key in ("params", "trainable_params", "non_trainable_params"):
            assert getattr(rec, key) == real[key], (rec.name, key, getattr(rec, key), real[key])
    assert summary.total_params == model.count_params()
    assert [i.shape for i in summary.inputs] == [tuple(t.shape) for t in model.inputs]


def torch_calls(model: Any, shape: tuple[int, ...]) -> dict[str, list[tuple[int, ...]]]:
    """Output shape of every call of every leaf module, by module name, for one input of ``shape``."""
    import torch

    calls: dict[str, list[tuple[int, ...]]] = {}
    hooks = []
    for name, module in model.named_modules():
        if name and not list(module.children()):
            calls[name] = []
            hooks.append(module.register_forward_hook(
                lambda m, i, o, name=name: calls[name].append(tuple(o.shape[1:]))))
    model.eval()
    with torch.no_grad():
        model(torch.zeros((1, *shape), device="meta"))
    for hook in hooks:
        hook.remove()
    return calls


@pytest.mark.parametrize("title", list(TORCHVISION))
def test_pytorch_block_matches_torchvision(title: str) -> None:
    pytest.importorskip("torch")
    summary = summarize(BLOCKS[title])
    model = TORCHVISION[title]()
    calls = torch_calls(model, tuple(summary.inputs[0].shape[1:]))
    ours = {rec.name: rec for rec in summary.layers}
    matched: set[str] = set()
    modules = dict(model.named_modules())
    for name, shapes in calls.items():
        module = modules[name]
        base = name.replace(".", "_")
        for k, shape in enumerate(shapes):  # a module called k times: name, name_1, name_2 ...
            key = base if k == 0 else f"{base}_{k}"
            assert key in ours, f"torchvision's {name} (call {k + 1}) is not in the spec as {key}"
            rec = ours[key]
            matched.add(key)
            assert tuple(rec.output_shape[1:]) == shape, (key, rec.output_shape, shape)
            assert rec.params == (sum(p.numel() for p in module.parameters()) if k == 0 else 0), key
            assert rec.buffers == (sum(b.numel() for b in module.buffers()) if k == 0 else 0), key
        if not shapes:
            assert sum(p.numel() for p in module.parameters()) == 0, f"{name} has weights but is never called"
    for name in set(ours) - matched:  # functional steps of forward(): torch.flatten, +, torch.cat ...
        assert ours[name].params == ours[name].buffers == 0, f"{name} has weights torchvision does not have"
    assert summary.total_params == sum(p.numel() for p in model.parameters())
    assert summary.total_buffers == sum(b.numel() for b in model.buffers())

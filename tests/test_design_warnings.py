"""Design warnings: each kind, its reason, and silencing it per block, in the settings and on the command line."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import markdown
import pytest
import torch
from bs4 import BeautifulSoup

from mkdocs_cnnsummary import SpecError, summarize
from mkdocs_cnnsummary.engine.checks import KINDS, silenced, without

SPECS = Path(__file__).parent / "specs"
DENOISER_3 = (SPECS / "seed_004_convmodel3.yaml").read_text()

NETWORKS = {
    "lossy_rounding": DENOISER_3,
    "kernel_larger_than_input": "input: [12, 12, 3]\nlayers:\n  - MaxPooling2D(4)\n  - Conv2D(4, 5, padding='same')\n",
    "bias_before_norm": "input: [8, 8, 3]\nlayers:\n  - Conv2D(16, 3)\n  - BatchNormalization\n  - ReLU\n",
    "dense_on_feature_map": "input: [8, 8, 3]\nlayers:\n  - Conv2D(16, 3)\n  - Dense(10)\n",
    "dominant_layer": "input: [28, 28, 1]\nlayers:\n  - Conv2D(32, 3)\n  - Flatten\n  - Dense(128)\n"
                      "  - Dense(10)\n",
    "heavy_dropout": "input: [20]\nlayers:\n  - Dense(16, activation='relu')\n  - Dropout(0.9)\n  - Dense(2)\n",
}


def _kinds(spec: str, **kw) -> dict[str, object]:
    return {w.kind: w for w in summarize(spec, **kw).warnings}


@pytest.mark.parametrize("kind", KINDS)
def test_each_kind_is_found_with_its_layer_line_and_reason(kind):
    found = _kinds(NETWORKS[kind])
    assert kind in found, found
    notice = found[kind]
    assert notice.layer and notice.line and notice.message and notice.hint
    assert notice.to_dict()["kind"] == kind and notice.to_dict()["layer"] == notice.layer


def test_the_lossy_pooling_of_seed_004_names_both_layers_and_the_lost_rows():
    notice = _kinds(DENOISER_3)["lossy_rounding"]
    assert notice.layer == "max_pooling2d_2"
    assert notice.message == ("it rounds its 7×7 input down to 3×3, dropping the last row and the last column; "
                              "up_sampling2d brings back 6×6, not 7×7, so up_sampling2d_2 ends at 24×24 instead of "
                              "28×28")


def test_sound_networks_get_no_design_warning():
    for spec in ("input: [28, 28, 1]\nlayers:\n  - Conv2D(8, 3, padding='same')\n  - MaxPooling2D\n"
                 "  - UpSampling2D\n  - Conv2D(1, 3, padding='same')\n",
                 "input: [8, 8, 3]\nlayers:\n  - Conv2D(16, 3, use_bias=False)\n  - BatchNormalization\n",
                 "input: [8, 8, 3]\nlayers:\n  - Conv2D(16, 3, activation='relu')\n  - BatchNormalization\n"):
        assert summarize(spec).warnings == [], spec
    assert "lossy_rounding" not in _kinds("input: [224, 224, 3]\nlayers:\n  - Conv2D(8, 7, strides=2)\n")


def test_pytorch_and_lasagne_layers_state_the_same_facts():
    torch_spec = {"framework": "pytorch", "input": [3, 9, 9], "layers": [
        "Conv2d(3, 8, 3)", "BatchNorm2d(8)", "MaxPool2d(2)", "Upsample(scale_factor=2)", "Linear(6, 4)"]}
    assert {"bias_before_norm", "lossy_rounding", "dense_on_feature_map"} <= set(_kinds(torch_spec))
    assert "lossy_rounding" not in _kinds({**torch_spec, "layers": [
        "Conv2d(3, 8, 3)", "MaxPool2d(2, ceil_mode=True)", "Upsample(scale_factor=2)"]})
    lasagne = (SPECS / "seed_001_lasagne.yaml").read_text()
    assert set(_kinds(lasagne)) == {"dominant_layer"}


def test_a_bias_before_batch_normalisation_changes_nothing_in_pytorch():
    """The reason of bias_before_norm, checked: a different bias gives the same output after BatchNorm."""
    torch.manual_seed(0)
    conv, norm = torch.nn.Conv2d(3, 8, 3), torch.nn.BatchNorm2d(8).train()
    x = torch.randn(4, 3, 9, 9)
    first = norm(conv(x))
    with torch.no_grad():
        conv.bias.add_(torch.randn(8) * 5)
    assert torch.allclose(norm(conv(x)), first, atol=1e-5)


@pytest.mark.parametrize("setting, shown", [("on", set(KINDS)), ("off", set()),
                                            ("-dominant_layer -heavy_dropout",
                                             set(KINDS) - {"dominant_layer", "heavy_dropout"})])
def test_silencing(setting, shown):
    everything = summarize(NETWORKS["dominant_layer"])
    everything.warnings = [w for spec in NETWORKS.values() for w in summarize(spec).warnings]
    kept = without(everything, silenced(setting))
    assert {w.kind for w in kept.warnings} == shown


def test_a_wrong_setting_says_how_to_write_it():
    with pytest.raises(SpecError, match="did you mean '-heavy_dropout'"):
        silenced("-heavy_dropuot")
    with pytest.raises(SpecError, match="did you mean '-dominant_layer'"):
        silenced("dominant_layer")
    with pytest.raises(SpecError, match="-kind to silence one kind: -lossy_rounding"):
        silenced("-lossy")


def _page(header: str, spec: str, **config) -> BeautifulSoup:
    html = markdown.markdown(f"```cnn {header}\n{spec}```\n", extensions=["cnnsummary"],
                             extension_configs={"cnnsummary": config} if config else {})
    return BeautifulSoup(html, "html.parser")


def test_shown_beside_the_layer_and_under_the_table():
    soup = _page("", DENOISER_3)
    row = next(tr for tr in soup.select("tr.cnnsummary__row") if "max_pooling2d_2" in tr.get_text())
    assert row.select_one(".cnnsummary__warn-mark")["title"].startswith("it rounds its 7×7 input down")
    (item,) = soup.select(".cnnsummary__notices li[data-kind]")
    assert "ends at 24×24 instead of 28×28" in item.get_text() and "lossy_rounding" in item.get_text()


def test_silenced_per_block_and_in_the_settings():
    assert not _page('warnings="off"', DENOISER_3).select(".cnnsummary__notices li[data-kind]")
    assert not _page('warnings="-lossy_rounding"', DENOISER_3).select(".cnnsummary__notices li[data-kind]")
    assert not _page("", DENOISER_3, warnings="off").select(".cnnsummary__notices li[data-kind]")
    assert _page('warnings="on"', DENOISER_3, warnings="off").select(".cnnsummary__notices li[data-kind]")
    assert "unknown warnings setting '-lossy'" in _page('warnings="-lossy"', DENOISER_3).get_text()


def test_command_line_shows_and_silences_them():
    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "mkdocs_cnnsummary", "-", *args], input=DENOISER_3,
                              capture_output=True, text=True)

    assert "Warning: line 13: layer 'max_pooling2d_2': it rounds its 7×7 input down" in run().stdout
    assert '(warnings="-lossy_rounding" silences it)' in run().stdout
    assert "Warning:" not in run("--warnings", "off").stdout
    assert '"kind": "lossy_rounding"' in run("--format", "json").stdout
    assert '"warnings": []' in run("--format", "json", "--warnings=-lossy_rounding").stdout


UPSAMPLING_WINDOWS = ("receptive.transposed(", "receptive.nearest", "receptive.linear", "receptive.holes")


def test_every_layer_that_can_upsample_says_so():
    """The lossy-rounding check follows receptive fields only when a layer's class says it can up-sample:
    every class whose field reads its input through an up-sampling window must say so."""
    import inspect

    from mkdocs_cnnsummary.engine.framework import FRAMEWORK_MODULES
    from mkdocs_cnnsummary.engine.layer import catalog

    checked = 0
    for framework in FRAMEWORK_MODULES:
        for cls in set(catalog(framework).values()):
            source = inspect.getsource(cls.receptive_field)
            if any(w in source for w in UPSAMPLING_WINDOWS) and getattr(cls, "up", True):
                assert cls.upsamples, f"{framework} {cls.type_name} can up-sample: set upsamples = True"
                checked += 1
    assert checked >= 10


"""Table styles: Keras' model.summary(), torchinfo for PyTorch pages, nolearn for Lasagne pages."""

from __future__ import annotations

import re

import markdown
import pytest
from bs4 import BeautifulSoup

from mkdocs_cnnsummary import summarize
from mkdocs_cnnsummary.block import parse_options
from mkdocs_cnnsummary.engine.errors import SpecError
from mkdocs_cnnsummary.render.html import render_summary

TORCH = """
framework: pytorch
input: [3, 8, 8]
layers:
  - Conv2d(3, 4, 3)
  - BatchNorm2d(4)
"""
LASAGNE = """
framework: lasagne
input: [1, 28, 28]
layers:
  - Conv2DLayer(32, 5)
  - MaxPool2DLayer(2)
"""


def headers(html: str) -> list[str]:
    return re.findall(r'<th scope="col"[^>]*>([^<]*)</th>', html)


def text(html: str) -> str:
    """The text a reader sees (a shape may be split in two halves in the markup)."""
    soup = BeautifulSoup(html, "html.parser")
    for hint in soup.select("wbr"):  # break opportunities split the text
        hint.decompose()
    soup.smooth()
    return " ".join(soup.get_text(" ").split())


def test_each_framework_gets_its_own_style_by_default():
    torch_html = render_summary(summarize(TORCH))
    assert headers(torch_html)[:4] == ["#", "Layer (type:depth-idx)", "Output Shape", "Param #"]
    shown = text(torch_html)
    assert "[None, 4, 6, 6]" in shown and "Conv2d: 1-1" in shown and "BatchNorm2d: 1-2" in shown
    lasagne_html = render_summary(summarize(LASAGNE))
    assert headers(lasagne_html) == ["#", "name", "size", "params"]
    assert "32x24x24" in lasagne_html and "32x12x12" in lasagne_html and "1x28x28" in lasagne_html
    keras_html = render_summary(summarize("input: [28, 28, 1]\nlayers:\n  - Conv2D(32, 5)\n"))
    assert headers(keras_html) == ["#", "Layer (type)", "Output Shape", "Param #"]
    assert "(None, 24, 24, 32)" in text(keras_html)


def test_fence_option_overrides_the_style():
    html = markdown.markdown(f'```cnn style="keras"\n{LASAGNE.strip()}\n```\n', extensions=["cnnsummary"])
    assert headers(html) == ["#", "Layer (type)", "Output Shape", "Param #"]
    assert "(None, 32, 24, 24)" in text(html)
    html = markdown.markdown(f'```cnn style="torchinfo"\n{LASAGNE.strip()}\n```\n', extensions=["cnnsummary"])
    assert "[None, 32, 24, 24]" in text(html)


def test_the_numbers_do_not_depend_on_the_style():
    summary = summarize(LASAGNE)
    for style in ("keras", "torchinfo", "nolearn"):
        html = render_summary(summary, style=style)
        assert "832" in html and "Total params" in html


def test_unknown_style_is_explained():
    with pytest.raises(SpecError, match="did you mean 'torchinfo'"):
        parse_options({"style": "torchinf"})
    html = markdown.markdown(f'```cnn style="torchinf"\n{TORCH.strip()}\n```\n', extensions=["cnnsummary"])
    assert "unknown style" in html and "torchinfo" in html

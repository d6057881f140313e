"""The analysis columns (MACs, FLOPs, other ops, activations, receptive field) in pages, text, Markdown and the
command line: chosen in the fence, the extension's settings and the CLI; totals that name their convention."""

from __future__ import annotations

import json
import subprocess
import sys

import markdown
import pytest
from arith import evaluate
from bs4 import BeautifulSoup

from mkdocs_cnnsummary import summarize
from mkdocs_cnnsummary.render.html import render_summary
from mkdocs_cnnsummary.render.markdown import render_markdown
from mkdocs_cnnsummary.render.text import render_text

LENET = "input: [28, 28, 1]\nlayers:\n  - Conv2D: [32, 5]\n  - MaxPooling2D\n  - Flatten\n  - Dense: 10\n"


def _page(fence_options: str, spec: str = LENET, **config) -> BeautifulSoup:
    text = f"```cnn {fence_options}\n{spec}```\n"
    ext_config = {"cnnsummary": config} if config else {}
    html = markdown.markdown(text, extensions=["cnnsummary"], extension_configs=ext_config)
    return BeautifulSoup(html, "html.parser")


def test_fence_columns_show_counts_and_the_totals_name_the_convention():
    soup = _page('columns="layer output_shape params macs flops other_ops" worked="none"')
    headers = [th.get_text() for th in soup.select("thead th")]
    assert headers == ["Layer (type)", "Output Shape", "Param #", "MACs", "FLOPs", "Other ops"]
    conv = soup.select("tbody tr")[1]
    assert [td.get_text(strip=True) for td in conv.select("td")][2:] == ["460,800", "921,600", "18,432"]
    text = soup.select_one(".cnnsummary__analysis").get_text(" ", strip=True)
    assert "Total MACs: 506,880 (506.88 k)" in text
    assert "Total FLOPs: 1,013,760 (1.01 M) = 2 × MACs" in text
    assert "FLOPs = 2 × MACs" in text and "biases not included" in text


def test_worked_table_puts_each_step_in_its_cell_and_it_evaluates():
    soup = _page('columns="layer macs receptive_field" worked="table"')
    conv = soup.select("tbody tr")[1]
    macs_cell = conv.select_one(".cnnsummary__col-macs")
    code = macs_cell.select_one("code").get_text()
    assert code == "24 × 24 × 32 × (5 × 5 × 1)" and evaluate(code) == 460_800
    rf = conv.select_one(".cnnsummary__col-receptive_field").get_text(" ", strip=True)
    assert "1 + (5 − 1) × 1" in rf and "5×5" in rf


def test_a_step_named_as_its_column_is_not_named_again():
    """Under the header "MACs" (and, in a phone's card, after the label "MACs") a cell's step reads
    ``24 × 24 × 32 × (5 × 5 × 1) = 460,800``, not ``MACs 24 × 24 ...``; steps of other names keep theirs."""
    columns = "layer output_shape params macs flops other_ops activations"
    relu = LENET.replace("[32, 5]", "{filters: 32, kernel_size: 5, activation: relu}")
    soup = _page(f'columns="{columns}" worked="table"', relu)
    conv = soup.select("tbody tr")[1]
    for key, label in (("macs", "MACs"), ("flops", "FLOPs"), ("other_ops", "Other ops")):
        cell = conv.select_one(f".cnnsummary__col-{key}")
        assert cell["data-label"] == label and cell.select(".cnnsummary__quantity") == [], cell
        assert label.lower() not in cell.get_text().lower()
    assert conv.select_one(".cnnsummary__col-macs").get_text(" ", strip=True) == "24 × 24 × 32 × (5 × 5 × 1) = 460,800"
    named = [q.get_text() for q in conv.select(".cnnsummary__col-output_shape .cnnsummary__quantity, "
                                               ".cnnsummary__col-params .cnnsummary__quantity, "
                                               ".cnnsummary__col-activations .cnnsummary__quantity")]
    assert named == ["output height", "output width", "params", "output elements"]
    text = render_text(summarize(LENET), worked="table", columns=["layer", "macs"])  # and so in text
    assert "MACs: 24" not in text and "24 × 24 × 32 × (5 × 5 × 1) = 460,800" in " ".join(text.split())


def test_collapsed_calculation_shows_the_steps_of_the_chosen_columns_only():
    plain = _page("")
    assert "MACs" not in plain.get_text()
    soup = _page('columns="layer params macs"')
    steps = [li.get_text(" ", strip=True) for li in soup.select(".cnnsummary__steps li")]
    assert any(s.startswith("MACs =") for s in steps)
    assert not any("receptive field" in s for s in steps)


def test_batch_dtype_and_units_from_the_fence_and_from_the_settings():
    soup = _page('columns="layer activations" batch="4" dtype="float16" units="MB"')
    conv = soup.select("tbody tr")[1].select_one(".cnnsummary__col-activations").get_text(" ", strip=True)
    assert conv == "18,432 147.46 kB"  # 18,432 × 4 × 2 bytes
    footer = soup.select_one(".cnnsummary__analysis").get_text(" ", strip=True)
    assert "Weights (float16)" in footer and "batch 4" in footer and "MB = 10⁶ bytes" in footer
    soup = _page('columns="layer macs"', batch="3")
    assert "Total MACs (batch 3): 1,520,640" in soup.get_text(" ", strip=True)


@pytest.mark.parametrize("header, message", [('batch="0"', "batch must be a positive"),
                                             ('dtype="float8"', "unknown dtype"), ('units="KB"', "unknown units"),
                                             ('columns="macz"', "did you mean 'macs'")])
def test_wrong_analysis_options_are_reported_in_the_page(header, message):
    assert message in _page(header).get_text()


def test_memory_estimate_steps_evaluate_to_the_bytes_shown():
    soup = _page('columns="layer activations" worked="expanded"')
    steps = soup.select(".cnnsummary__analysis li")
    assert [s.select_one(".cnnsummary__quantity").get_text() for s in steps][:2] == [
        "weights", "activations kept for backward"]
    for li in steps:
        codes = li.select("code")
        assert evaluate(codes[1].get_text()) == int(li.select_one("strong").get_text().replace(",", ""))


def test_unknown_counts_say_why_in_the_page():
    soup = _page('columns="layer macs" worked="expanded"', "input: [null, null, 3]\nlayers:\n  - Conv2D: [16, 3]\n")
    assert "?" in soup.select("tbody tr")[1].select_one(".cnnsummary__col-macs").get_text()
    assert "unknown because the output height is None" in soup.get_text()
    assert "Total MACs: ? (unknown for conv2d)" in soup.get_text(" ", strip=True)


def test_text_and_markdown_show_the_columns_and_totals():
    summary = summarize(LENET)
    text = render_text(summary, columns=["macs", "rf"], worked=True)
    assert "MACs" in text and "Receptive field" in text and "Total MACs: 506,880" in text
    assert "MACs: h_out × w_out × filters × (k_h × k_w × c_in) = 24 × 24 × 32 × (5 × 5 × 1)" in text
    assert "= 460,800 (every output value" in text
    md = render_markdown(summary, columns=["flops"])
    assert "| FLOPs |" in md and "| 921,600 |" in md and "- Total FLOPs: 1,013,760 (1.01 M) = 2 × MACs" in md
    torchinfo = render_text(summary, style="torchinfo", columns=["macs"])
    assert "Mult-Adds" in torchinfo and "460,800" in torchinfo


@pytest.mark.parametrize("style", ["keras", "torchinfo", "nolearn"])
def test_every_text_style_takes_every_analysis_column(style):
    summary = summarize(LENET)
    every = ["macs", "flops", "other_ops", "activations", "receptive_field"]
    text = render_text(summary, style=style, columns=every, worked=True)
    assert "460,800" in text and "921,600" in text and "Total MACs: 506,880" in text
    header = next(line for line in text.splitlines() if "FLOPs" in line)
    assert all(word in header for word in ("FLOPs", "Other ops", "Activations", "Receptive field"))


def test_command_line_columns_batch_and_json():
    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "mkdocs_cnnsummary", "-", *args], input=LENET,
                              capture_output=True, text=True)

    out = run("--columns", "macs,flops", "--batch", "2")
    assert out.returncode == 0 and "Total MACs (batch 2): 1,013,760" in out.stdout
    data = json.loads(run("--format", "json", "--batch", "2").stdout)
    assert data["batch"] == 2 and data["total_macs"] == 1_013_760 and data["layers"][0]["flops"] == 1_843_200
    assert data["layers"][0]["receptive_field"] == {"size": [5, 5], "jump": [1, 1], "start": [0, 0]}
    bad = run("--columns", "macz")
    assert bad.returncode == 2 and "did you mean 'macs'" in bad.stderr


def test_html_summary_escapes_nothing_new_and_keeps_default_columns():
    html = render_summary(summarize(LENET))
    assert "MACs" not in html and "cnnsummary__analysis" not in html


def test_plugin_settings_in_a_real_mkdocs_build(tmp_path):
    """columns, batch, dtype, units and warnings from mkdocs.yml reach every block (a fence option wins)."""
    from test_plugin_build import build

    page = (f"# Net\n\n```cnn\n{LENET}```\n\n```cnn columns=\"layer macs\" batch=\"1\" warnings=\"on\"\n{LENET}```\n")
    result = build(tmp_path, {"index.md": page},
                   plugin={"columns": ["layer", "output_shape", "macs", "activations"], "batch": 2,
                           "dtype": "float16", "units": "MB", "warnings": "-dominant_layer"})
    assert result.returncode == 0, result.output
    soup = BeautifulSoup((result.site / "index.html").read_text(encoding="utf-8"), "html.parser")
    first, second = soup.select("div.cnnsummary")[:2]
    assert [th.get_text() for th in first.select("thead th")] == ["Layer (type)", "Output Shape", "MACs",
                                                                   "Activations"]
    text = first.get_text(" ", strip=True)
    assert "Total MACs (batch 2): 1,013,760" in text and "Weights (float16)" in text and "MB = 10⁶ bytes" in text
    assert not first.select(".cnnsummary__notices li[data-kind]")  # the setting silenced dominant_layer
    assert "Total MACs: 506,880" in second.get_text(" ", strip=True)
    assert [li["data-kind"] for li in second.select(".cnnsummary__notices li[data-kind]")] == ["dominant_layer"]

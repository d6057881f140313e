"""Compact specs: blocks with parameters, nesting, repeat:, block-local names, errors naming the instance."""

from __future__ import annotations

import json

import pytest

from mkdocs_cnnsummary import SpecError, summarize
from mkdocs_cnnsummary.engine.spec import parse_spec

RESIDUAL = """\
input: [32, 32, 3]
blocks:
  conv_bn:
    params: {filters: 64, kernel: 3, stride: 1}
    layers:
      - Conv2D($filters, $kernel, strides=$stride, padding="same", use_bias=False, name="conv")
      - BatchNormalization(name="bn")
      - ReLU(name="relu")
  residual:
    params: [filters, {out: "${filters * 2}"}]
    layers:
      - conv_bn: {filters: $filters}
        name: a
      - conv_bn: {filters: $out}
        name: b
      - Conv2D: [$out, 1]
        name: proj
        inputs: block_input
      - name: add
        Add: {}
        inputs: [proj, b]
layers:
  - conv_bn: {filters: 16}
  - residual: {filters: 8}
    name: res{i}
    repeat: 3
  - GlobalAveragePooling2D
  - Dense(10)
"""

PLAIN = """\
input: [32, 32, 3]
layers:
  - Conv2D(16, 3, padding="same", use_bias=False, name="conv_bn_conv")
  - BatchNormalization(name="conv_bn_bn")
  - ReLU(name="conv_bn_relu")
""" + "".join(f"""\
  - Conv2D(8, 3, padding="same", use_bias=False, name="res{i}_a_conv")
  - BatchNormalization(name="res{i}_a_bn")
  - ReLU(name="res{i}_a_relu")
  - Conv2D(16, 3, padding="same", use_bias=False, name="res{i}_b_conv")
  - BatchNormalization(name="res{i}_b_bn")
  - ReLU(name="res{i}_b_relu")
  - name: res{i}_proj
    Conv2D: [16, 1]
    inputs: {"conv_bn_relu" if i == 1 else f"res{i - 1}_add"}
  - name: res{i}_add
    Add: {{}}
    inputs: [res{i}_proj, res{i}_b_relu]
""" for i in (1, 2, 3)) + """\
  - GlobalAveragePooling2D
  - Dense(10)
"""


def _rows(summary):
    return [(r.name, r.type, r.inputs, r.output_shape, r.params, r.trainable_params) for r in summary.layers]


def test_compact_spec_expands_to_the_same_network_as_written_out():
    compact, plain = summarize(RESIDUAL), summarize(PLAIN)
    assert _rows(compact) == _rows(plain)
    assert compact.total_params == plain.total_params == 8682


def test_layers_keep_their_lines_and_record_their_block_instance():
    summary = summarize(RESIDUAL)
    conv = summary.layer("res2_a_conv")
    assert conv.line == 6 and conv.block == "res2_a"  # the line in the block definition
    assert summary.layer("res3_add").line == 19 and summary.layer("res3_add").block == "res3"
    assert summary.layer("dense").block is None
    blocks = {b.name: b for b in summary.blocks}
    assert blocks["res2_a"].parent == "res2" and blocks["res2"].parent is None
    assert blocks["res2"].args == {"filters": 8, "out": 16}
    assert (blocks["res2"].copy, blocks["res2"].copies, blocks["res2"].line) == (2, 3, 24)
    assert blocks["res1"].run == blocks["res3"].run is not None
    assert blocks["res2"].output == "res2_add"
    assert sum(r.params for r in summary.block_layers("res1")) == 1152 + 32 + 1152 + 64 + 272


def test_json_records_every_layer_and_its_block_only_when_set():
    data = json.loads(json.dumps(summarize(RESIDUAL).to_dict()))
    assert len(data["layers"]) == 3 + 3 * 8 + 2
    by_name = {layer["name"]: layer for layer in data["layers"]}
    assert by_name["res1_b_bn"]["block"] == "res1_b"
    assert "block" not in by_name["dense"]
    assert data["blocks"][1] == {"name": "res1", "block": "residual", "parent": None,
                                 "args": {"filters": 8, "out": 16}, "output": "res1_add",
                                 "run": 1, "copy": 1, "copies": 3}
    assert "blocks" not in summarize(PLAIN).to_dict()


@pytest.mark.parametrize(("pattern", "names"), [
    ("res{i}", ["res1", "res2", "res3"]),
    ("conv2_block{i+1}", ["conv2_block2", "conv2_block3", "conv2_block4"]),
    ("res2{a}", ["res2a", "res2b", "res2c"]),
    ("res2{a+1}", ["res2b", "res2c", "res2d"]),
    ("stage", ["stage", "stage_1", "stage_2"]),
])
def test_names_of_repeated_items(pattern, names):
    spec = f"""\
input: [8]
blocks:
  mlp:
    - Dense(4, name="fc")
layers:
  - mlp: null
    name: "{pattern}"
    repeat: 3
  - Dense(2, name="{pattern.replace('{', '').replace('}', '')}x", repeat=1)
"""
    spec = spec.replace(', repeat=1', '')
    summary = summarize(spec)
    assert [b.name for b in summary.blocks] == names
    assert [r.name for r in summary.layers[:3]] == [f"{n}_fc" for n in names]


def test_repeat_on_layers_and_unnamed_instances():
    summary = summarize("""\
input: [8]
blocks:
  mlp:
    params: {units: 4}
    layers: [Dense($units), ReLU]
layers:
  - Dense(8, name="fc")
    # a layer repeated: fc, fc_1, fc_2 each taking the one before
  - Dense: 8
    name: hidden
    repeat: 3
  - mlp: 6
    repeat: 2
  - mlp: {units: 3}
  - Dropout(0.5)
    # repeat: 0 leaves an item out
  - Dense: 5
    repeat: 0
""")
    names = [r.name for r in summary.layers]
    assert names[:4] == ["fc", "hidden", "hidden_1", "hidden_2"]
    assert [b.name for b in summary.blocks] == ["mlp", "mlp_1", "mlp_2"]
    assert [r.block for r in summary.layers[4:10]] == ["mlp", "mlp", "mlp_1", "mlp_1", "mlp_2", "mlp_2"]
    # unnamed layers in blocks get the network's automatic names, as layers built in a Python helper do
    assert names[4:6] == ["dense", "re_lu"]
    assert summary.layers[-1].type == "Dropout"
    assert summary.layer("hidden_2").inputs == ["hidden_1"]


def test_block_local_names_do_not_clash_with_outside_names():
    summary = summarize("""\
input: [8]
blocks:
  skip:
    layers:
      - Dense(8, name="add")
      - name: sum
        Add: {}
        inputs: [block_input, add]
layers:
  - Dense(8, name="add")
  - skip: null
  - skip: null
    name: second
""")
    assert summary.layer("skip_sum").inputs == ["add", "skip_add"]
    assert summary.layer("second_sum").inputs == ["skip_sum", "second_add"]


def test_blocks_with_several_inputs_and_an_output_that_is_not_the_last_layer():
    summary = summarize("""\
inputs: {a: [4, 4, 8], b: [8, 8, 4]}
blocks:
  up:
    inputs: [low, skip]
    output: merged
    layers:
      - UpSampling2D(2, name="up")
      - name: merged
        Concatenate: {}
        inputs: [up, skip]
      - name: side
        Dense: 2
layers:
  - up: null
    inputs: [a, b]
    name: dec
  - Conv2D(3, 1, name="head")
outputs: [head, dec_side]
""")
    assert summary.layer("dec_up").inputs == ["a"]
    assert summary.layer("dec_merged").inputs == ["dec_up", "b"]
    assert summary.layer("head").inputs == ["dec_merged"]
    assert summary.blocks[0].output == "dec_merged"


def test_nested_blocks_and_outputs_naming_an_instance():
    summary = summarize("""\
input: [16]
blocks:
  inner:
    params: [n]
    layers:
      - Dense($n, name="fc")
  outer:
    params: {n: 4}
    layers:
      - inner: {n: "${n * 2}"}
        name: x
      - inner: $n
        name: y
layers:
  - outer: null
    name: o
outputs: o
""")
    assert [r.name for r in summary.layers] == ["o_x_fc", "o_y_fc"]
    assert summary.layer("o_x_fc").output_shape == (None, 8)
    assert summary.outputs == ["o_y_fc"]
    assert [(b.name, b.parent) for b in summary.blocks] == [("o", None), ("o_x", "o"), ("o_y", "o")]


def test_trainable_false_on_a_block_freezes_its_layers():
    summary = summarize("""\
input: [4]
blocks:
  two:
    - Dense(3)
    - Dense(2, trainable=True)
layers:
  - two: null
    trainable: false
""")
    assert [r.trainable_params for r in summary.layers] == [0, 8]


@pytest.mark.parametrize(("spec", "line", "words"), [
    ("blocks:\n  b:\n    params: [n]\n    layers: [Dense($n)]\nlayers:\n  - b: {m: 2}\n", 6,
     ["block 'b' has no parameter 'm'"]),
    ("blocks:\n  b:\n    params: [n]\n    layers: [Dense($n)]\nlayers:\n  - b: null\n", 6,
     ["needs the parameter 'n'"]),
    ("blocks:\n  b:\n    params: [units]\n    layers:\n      - Dense($unit)\nlayers:\n  - b: 2\n", 5,
     ["unknown parameter $unit", "did you mean 'units'", "in block 'b', instance 'b' (line 8)"]),
    ("blocks:\n  b:\n    layers:\n      - name: s\n        Add: {}\n        inputs: [block_input, nope]\n"
     "layers:\n  - Dense(2, name='nope')\n  - b: null\n", 4,
     ["unknown name 'nope' inside the block", "instance 'b' (line 10)"]),
    ("blocks:\n  b:\n    params: [k]\n    layers:\n      - Conv2D(2, $k)\nlayers:\n  - b: 5\n    name: blk\n", 5,
     ["layer 'conv2d' (Conv2D)", "in block 'b', instance 'blk' (line 8)", "does not fit"]),
    ("blocks:\n  b:\n    layers: [b: null]\nlayers:\n  - b: null\n", 3, ["nested more than"]),
    ("blocks:\n  b:\n    params: [n]\n    layers: ['Dense(${n / 2})']\nlayers:\n  - b: 4\n", 4,
     ["cannot compute ${n / 2}", "'n / 2' is not allowed"]),
    ("layers:\n  - Dense: 2\n    repeat: -1\n", 3, ["repeat must be a whole number"]),
    ("blocks:\n  b:\n    - Dense(2, name='d')\nlayers:\n  - b: null\n    name: x\n  - Dense(2, name='x')\n", 7,
     ["already the name of a block instance"]),
])
def test_errors_name_the_block_the_instance_and_the_line(spec, line, words):
    with pytest.raises(SpecError) as info:
        summarize("input: [4, 4, 1]\n" + spec if "Conv2D" in spec else "input: [4]\n" + spec)
    err = info.value
    assert err.line == line + 1, str(err)
    for word in words:
        assert word in str(err), str(err)


def test_huge_expansions_are_refused(monkeypatch):
    from mkdocs_cnnsummary.engine import blocks

    monkeypatch.setattr(blocks, "MAX_LAYERS", 5_000)  # the same check as at 200,000, sooner
    with pytest.raises(SpecError, match="more than 5,000 layers"):
        parse_spec("input: [4]\nblocks:\n  b:\n    layers:\n      - Dense: 2\n        repeat: 1000\n"
                   "layers:\n  - b: null\n    repeat: 1000\n")


# tables: block rows with their totals, runs as one × N row -------------------------------------


def test_html_shows_each_instance_and_each_run_as_one_foldable_row_with_its_totals():
    from bs4 import BeautifulSoup

    from mkdocs_cnnsummary.render.html import render_summary

    summary = summarize(RESIDUAL)
    soup = BeautifulSoup(render_summary(summary), "html.parser")
    groups = soup.select("tbody.cnnsummary__group")
    assert len(groups) == 2
    heads = [g.select_one("tr.cnnsummary__row--group-head") for g in groups]
    assert [" ".join(h.th.get_text(" ").split()) for h in heads] == ["conv_bn (conv_bn)", "res1 … res3 (residual × 3)"]
    run_params = heads[1].select_one("td.cnnsummary__col-params").get_text()
    assert run_params == f"{sum(r.params for r in summary.layers if r.block and r.block.startswith('res')):,}"
    assert heads[1].select_one("details.cnnsummary__fold") is not None
    assert heads[1].select_one("details[open]") is None  # folded until opened
    # every layer is still in the table (hidden by CSS while folded), the copies as nested group rows
    assert len(groups[1].select("tr.cnnsummary__row--layer")) == 24
    nested = [" ".join(r.th.get_text(" ").split()) for r in groups[1].select("tr.cnnsummary__row--group")[1:]]
    assert nested[:3] == ["res1 (residual)", "res1_a (conv_bn)", "res1_b (conv_bn)"]
    opened = BeautifulSoup(render_summary(summary, fold="open"), "html.parser")
    assert len(opened.select("details.cnnsummary__fold[open]")) == 2
    flat = BeautifulSoup(render_summary(summary, fold="none"), "html.parser")
    assert not flat.select(".cnnsummary__row--group") and len(flat.select("tr.cnnsummary__row--layer")) == 29


def test_fold_fence_option_and_plugin_setting():
    import markdown

    text = "```cnn fold=\"none\"\n" + RESIDUAL + "```\n"
    html = markdown.markdown(text, extensions=["cnnsummary"])
    assert "cnnsummary__group" not in html
    html = markdown.markdown(text.replace(' fold="none"', ""), extensions=["cnnsummary"])
    assert "cnnsummary__group" in html
    html = markdown.markdown(text.replace(' fold="none"', ""), extensions=["cnnsummary"],
                             extension_configs={"cnnsummary": {"fold": "open"}})
    assert "cnnsummary__fold\" open" in html
    bad = markdown.markdown(text.replace('"none"', '"blokcs"'), extensions=["cnnsummary"])
    assert "did you mean &#39;blocks&#39;" in bad or "did you mean 'blocks'" in bad


def test_text_and_markdown_fold_blocks_into_rows():
    from mkdocs_cnnsummary.render import render_markdown, render_text

    summary = summarize(RESIDUAL)
    folded = render_text(summary, fold="blocks")
    assert "▸ res1 … res3 (residual × 3)" in folded and "8,016" in folded
    assert "res2_a_conv" not in folded
    assert "Total params: 8,682" in folded
    opened = render_text(summary, fold="open")
    assert "▾ res1 … res3 (residual × 3)" in opened and "      res2_a_conv (Conv2D)" in opened
    assert render_text(summary) == render_text(summary, fold="none")
    md = render_markdown(summary, fold="blocks")
    assert "| **▸ res1 … res3 (residual × 3)** |" in md


def test_cli_fold_option(tmp_path):
    from mkdocs_cnnsummary.cli.main import main

    path = tmp_path / "res.yaml"
    path.write_text(RESIDUAL)
    assert main([str(path), "--fold", "blocks"]) == 0


README_ERROR_SPEC = """\
input: [4, 4, 1]
blocks:
  conv_bn:
    params: {filters: 64, kernel: 3}
    layers:
      - Conv2D($filters, $kernel, use_bias=False, name="conv")
      - BatchNormalization(name="bn")
      - ReLU(name="relu")
layers:
  - conv_bn: {filters: 8}
    name: stem
  - conv_bn: {filters: 8, kernel: 5}
    name: blk
"""


def test_readme_compact_example_and_error_are_real():
    from pathlib import Path

    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("### Compact specs"):]
    example = section[section.index("```yaml\n") + 8:section.index("```\n", section.index("```yaml\n"))]
    summary = summarize(example)
    assert _rows(summary) == _rows(summarize(PLAIN))
    with pytest.raises(SpecError) as info:
        summarize(README_ERROR_SPEC)
    assert str(info.value) in section


def test_expect_checks_a_block_instance_by_the_sums_of_its_layers():
    spec = RESIDUAL + "expect:\n  res2: {params: 2672, trainable_params: 2624, output_shape: [null, 32, 32, 16]}\n"
    summarize(spec)
    with pytest.raises(SpecError, match="params is 1 but the network computes 2,672"):
        summarize(spec.replace("params: 2672", "params: 1"))


def test_the_stylesheet_folds_group_rows_and_its_rules_are_closed():
    from mkdocs_cnnsummary.render.html import stylesheet

    css = stylesheet()
    assert css.count("{") == css.count("}")
    rule = css[css.index("tbody.cnnsummary__group:has("):]
    assert rule.index("display: none") < rule.index("}")

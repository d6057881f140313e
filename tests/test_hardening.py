"""Each way hostile input once broke the engine, the renderers, the command or the docs build, and what it does now."""

from __future__ import annotations

import os
import random
import subprocess
import sys
import textwrap
from pathlib import Path

import markdown
import pytest
import yaml

from mkdocs_cnnsummary import SpecError, summarize
from mkdocs_cnnsummary.block import BlockRenderer, split_header
from mkdocs_cnnsummary.engine.errors import shown
from mkdocs_cnnsummary.engine.limits import MAX_INT
from mkdocs_cnnsummary.engine.summary import LayerRecord
from mkdocs_cnnsummary.markdown.extension import CnnSummaryExtension, find_fences, source_line_map
from mkdocs_cnnsummary.render import torchinfo
from mkdocs_cnnsummary.render.formatting import readable_size
from mkdocs_cnnsummary.render.text import render_text

ROOT = Path(__file__).resolve().parent.parent


def reporter(into: list):
    return lambda problem, line: into.append((line, problem.describe()))


def error_of(spec: str, **kwargs) -> SpecError:
    with pytest.raises(SpecError) as err:
        summarize(spec, **kwargs)
    return err.value


# sizes ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("spec", "line", "piece"), [
    (f"input: [{10**200}]\nlayers:\n  - Dense: 2\n", 1, "is too large"),
    ("input: [0x" + "f" * 4000 + "]\nlayers:\n  - Dense: 2\n", 1, "is too large"),
    ("input: [4]\nlayers:\n  - Dense(0x" + "f" * 4000 + ")\n", 3, "is too large"),
    ("input: [4]\nlayers:\n  - Dense(" + "9" * 5000 + ")\n", 3, "Exceeds the limit"),
    ("input: [4294967296, 4294967296, 4294967296]\nlayers:\n  - Flatten\n", 3, "beyond the 64-bit sizes"),
    ("input: [4294967296]\nlayers:\n  - Dense: 4294967296\n", 3, "beyond the 64-bit sizes"),
])
def test_sizes_beyond_64_bits_are_spec_errors_on_their_line(spec, line, piece):
    err = error_of(spec)
    assert err.line == line and piece in str(err) and len(str(err)) < 400


def test_sizes_in_bytes_are_exact_integers():
    assert readable_size(2912) == "11.38 KB"
    assert readable_size(3 * MAX_INT) == "98304.00 PB"
    assert readable_size(10**30) == "3552713678800500.93 PB"  # no OverflowError, no float rounding


def test_a_thousand_operands_stay_one_expression():
    flat = summarize("input: [" + ", ".join(["2"] * 60) + ", 1]\nlayers:\n  - Flatten\n")
    assert flat.layers[0].output_shape == (None, 2**60)
    names = [f"i{k}" for k in range(1000)]
    cat = summarize("inputs: {" + ", ".join(f"{n}: [2]" for n in names) + "}\nlayers:\n  - Concatenate:\n"
                    "    inputs: [" + ", ".join(names) + "]\n")
    assert cat.layers[0].output_shape == (None, 2000)


def test_stacked_recurrent_layers_in_closed_form_match_pytorch():
    from torch_builder import assert_matches_torch

    summary = assert_matches_torch("framework: pytorch\ninput: [5, 4]\nlayers:\n"
                                   "  - LSTM(4, 6, num_layers=5, bidirectional=True, proj_size=3, batch_first=True)\n")
    steps = [s.quantity for s in summary.layers[0].calculation]
    assert steps == ["output features", "layer 0: params", "layers 1 to 4: params each", "params"]
    big = summarize("framework: pytorch\ninput: [5, 4]\nlayers:\n  - GRU(4, 4, num_layers=20000)\n")
    assert big.layers[0].params == 3 * 4 * (4 + 4 + 2) * 20000
    err = error_of("framework: pytorch\ninput: [5, 4]\nlayers:\n  - LSTM(4, 4, num_layers=100000000)\n")
    assert "more than 200,000 weight tensors" in str(err) and err.line == 4


def test_group_normalization_hint_lists_divisors_in_bounded_time():
    err = error_of("input: [4, 1000000007]\nlayers:\n  - GroupNormalization(groups=3)\n")
    assert "1000000007: 1, 1000000007 (or -1)" in str(err)
    err = error_of(f"input: [1, {2**62}]\nlayers:\n  - GroupNormalization(groups=3)\n")
    assert "1, 2, 4, 8, 16, 32, ..." in str(err)


@pytest.mark.parametrize(("layer", "piece"), [
    ("Upsample: {scale_factor: .inf}", "expected a finite number, got inf"),
    ("Upsample: {scale_factor: .nan}", "expected a finite number, got nan"),
    ("Upsample: {scale_factor: 1.0e+308}", "output height would be about 10^308"),
    ("Upsample: {scale_factor: 1e308}", "YAML 1.1 reads 1e308 as text"),
    ("Embedding(10, 3, padding_idx='x')", "'padding_idx' expected an integer"),
    ("LayerNorm(())", "Expected normalized_shape to be at least 1-dimensional"),
])
def test_pytorch_arguments_that_crashed(layer, piece):
    err = error_of(f"framework: pytorch\ninput: [3, 4, 4]\nlayers:\n  - {layer}\n")
    assert err.line == 4 and piece in str(err)


def test_torch_rejects_empty_normalized_shape_as_we_do():
    import torch

    with pytest.raises(RuntimeError, match="at least 1-dimensional"):
        torch.nn.LayerNorm(())(torch.zeros(2, 4))


# YAML -----------------------------------------------------------------------------------------------


def laughs(levels: int) -> str:
    rows = [f"  {c}: &{c} [{', '.join(['*' + p] * 9)}]\n" for p, c in zip("abcdefghij", "bcdefghijk", strict=False)]
    return "input: [4]\nlayers: [Dense(2)]\ndescription:\n  a: &a [x,x,x,x,x,x,x,x,x]\n" + "".join(rows[:levels])


def test_alias_expansion_is_bounded_not_just_counted():
    assert summarize(laughs(3)).total_params == 10  # 9^4 values: fine
    err = error_of(laughs(8))
    assert "expand to more than 100,000 values" in str(err) and err.line == 9
    assert len(laughs(8).encode()) < 600


@pytest.mark.parametrize(("value", "piece"), [
    ("!!bool maybe", "'maybe' cannot be read as bool"), ('!!int ""', "'' cannot be read as int"),
    ("!!float x", "'x' cannot be read as float"), ("!!map [{a: 1}]", "!!map needs a mapping, got a list"),
    ("!!binary aGk=", "!!binary tag is not supported"), ("!!omap [{a: 1}]", "!!omap tag is not supported"),
    ("3:3", "base-60"), ("010", "octal"), ("!!python/name:os.system x", "!!python"),
])
def test_every_tag_reads_or_is_an_error_on_its_line(value, piece):
    err = error_of(f"input: [4]\nlayers:\n  - Dense:\n      units: {value}\n")
    assert err.line == 4 and piece in str(err) and "Node(" not in str(err)


def test_dates_stay_text():
    summary = summarize("input: [4]\nlayers:\n  - Dense: 2\n    name: 2024-01-01\n")
    assert summary.layers[0].name == "2024-01-01"


@pytest.mark.parametrize("word", ["on", "off", "yes", "no", "~", "null", "true", "123"])
def test_names_yaml_reads_as_other_values_ask_for_quotes(word):
    for spec, line in ((f"input: [4]\nlayers:\n  - Dense: 2\n    name: {word}\n", 4),
                       (f"inputs: {{{word}: [4]}}\nlayers:\n  - Dense: 2\n", 1),
                       (f"input: [4]\nlayers:\n  - Dense: 2\n  - Dense: 2\n    inputs: [{word}]\n", 5)):
        err = error_of(spec)
        assert err.line == line and "quote" in str(err), spec
    quoted = summarize(f"input: [4]\nlayers:\n  - Dense: 2\n    name: '{word}'\n")
    assert quoted.layers[0].name == word


# layer calls ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("call", "piece"), [
    ("Conv2D(2, 3, padding='same', padding='valid')", "keyword argument 'padding' repeated"),
    ("Dense(2, x={[1]: 2})", "a dict key in a layer call must be a plain value"),
    ("Dense(2, **{})", "**kwargs is not supported"),
    ("Dense(2, x={**{}})", "**spreading in a dict is not supported"),
    ("Dense(" + "1+" * 5000 + "1)", "nested too deeply or too long"),
    ("Dense(" + "1+" * 900 + "1)", "is not a literal value"),
])
def test_layer_calls_python_would_reject_or_cannot_be_read(call, piece):
    err = error_of(f'input: [4, 4, 1]\nlayers:\n  - "{call}"\n')
    assert err.line == 3 and piece in str(err) and len(str(err)) < 600


def test_python_rejects_a_repeated_keyword_too():
    with pytest.raises(SyntaxError, match="repeated"):
        compile("f(padding='same', padding='valid')", "<spec>", "eval")


def test_name_or_trainable_twice_is_an_error():
    for item, line in (("- Dense: {units: 2, name: a}\n    name: b", 4), ("- Dense(2, name='a'): null\n    name: b", 4),
                       ("- Dense(2, trainable=False): null\n    trainable: true", 4)):
        err = error_of(f"input: [4]\nlayers:\n  {item}\n")
        assert err.line == line and "given twice" in str(err)


def test_an_unnamed_input_layer_does_not_take_a_layers_name():
    summary = summarize("layers:\n  - InputLayer: {shape: [4]}\n  - name: input\n    Dense: 2\n")
    assert [i.name for i in summary.inputs] == ["input_1"] and summary.layers[0].inputs == ["input_1"]


def test_activation_names_are_the_ones_keras_accepts():
    from keras_builder import keras

    from mkdocs_cnnsummary.engine.keras.base import ACTIVATIONS

    assert set(ACTIVATIONS) == set(keras.src.activations.ALL_OBJECTS_DICT)
    with pytest.raises(ValueError, match="Could not interpret activation"):
        keras.layers.Dense(2, activation="bogus")
    err = error_of("input: [4]\nlayers:\n  - Dense(2, activation='bogus')\n")
    assert err.line == 3 and "unknown activation 'bogus'" in str(err)
    err = error_of("input: [4]\nlayers:\n  - Dense(2, activation='Relu')\n")
    assert "did you mean 'relu'?" in str(err)
    for ok in ("tf.nn.relu", "LeakyReLU(0.1)", "None", "'swish'"):
        summarize(f"input: [4]\nlayers:\n  - Dense(2, activation={ok})\n")
    err = error_of("framework: lasagne\ninput: [4]\nlayers:\n  - DenseLayer(num_units=2, nonlinearity='relu')\n")
    assert "unknown nonlinearity 'relu'" in str(err) and err.line == 4


def test_output_indices_are_ascii_digits():
    err = error_of("input: [10, 4]\nlayers:\n  - LSTM: {units: 3, return_state: true}\n    name: l\n"
                   "  - Dense: 2\n    inputs: 'l[١]'\n")
    assert err.line == 5 and "must be a whole number" in str(err)


# messages --------------------------------------------------------------------------------------------


def test_errors_point_at_the_entry_not_the_item():
    err = error_of("input: [8, 8, 1]\nlayers:\n  - Conv2D:\n      filters: 4\n      kernel_size: 3\n"
                   "      padding: bogus\n")
    assert err.line == 6
    err = error_of("input: [8, 8, 1]\nlayers:\n  - Conv2D:\n      - 4\n      - 3\n      - x\n")
    assert err.line == 6 and "'strides'" in str(err)
    err = error_of("input: [4]\nlayers:\n  - Dense: 2\n    inputs: nowhere\n")
    assert err.line == 3  # the wiring of the layer: its item


def test_internal_representations_do_not_leak():
    err = error_of("input: [10, 4]\nlayers:\n  - Bidirectional(LSTM(2), LSTM(3), 'x')\n")
    assert "LayerSpec(" not in str(err)
    err = error_of("input: [10, 4]\nlayers:\n  - Bidirectional(LSTM(2), merge_mode=LSTM(3))\n")
    assert "got LSTM(3)" in str(err)
    assert shown(10**5000) == "<a 5,001-digit number>"


def test_echoed_values_are_bounded():
    err = error_of("input: [4]\nlayers:\n  - Reshape: [[" + ",".join(["1"] * 200_000) + "]]\n")
    assert len(str(err)) < 1_200 and err.line == 3
    err = error_of("input: [4]\nlayers:\n  - name: '" + "n" * 100_000 + "'\n    Dense: 3\n  - Conv2D: 2\n")
    assert len(str(err)) < 1_200


def test_a_negative_input_size_says_so_once():
    err = error_of("input: [-4]\nlayers:\n  - Dense: 2\n")
    assert "negative sizes are not allowed, got [-4]" in str(err) and "at least" not in str(err)


@pytest.mark.parametrize("header", ['title="abc', 'title="a" @@', "title='a", 'worked="table"x'])
def test_a_header_that_does_not_read_is_an_error(header):
    with pytest.raises(SpecError):
        split_header(header)
    for setup in (["fenced_code"], ["pymdownx.superfences"]):
        problems = []
        ext = CnnSummaryExtension(report=reporter(problems))
        html = markdown.markdown(f"```cnn {header}\ninput: [4]\nlayers:\n  - Dense: 2\n```\n", extensions=[*setup, ext])
        assert any("fence header" in p for _, p in problems) and "cnnsummary-error" in html, (setup, problems)


# the one place where a block's defect becomes an error box -----------------------------------------------------


def test_a_renderer_defect_becomes_an_error_box_and_a_problem(monkeypatch):
    import mkdocs_cnnsummary.render.html as html_module

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(html_module, "render_summary", broken)
    result = BlockRenderer().render("input: [4]\nlayers:\n  - Dense: 2\n", 'title="x"')
    assert "cnnsummary-error" in result.html and "RuntimeError: boom" in result.html
    assert result.problem is not None and "internal error" in result.problem.describe()
    for setup in (["fenced_code"], ["pymdownx.superfences"]):
        problems = []
        ext = CnnSummaryExtension(report=reporter(problems))
        page = markdown.markdown("text\n\n```cnn\ninput: [4]\nlayers:\n  - Dense: 2\n```\n", extensions=[*setup, ext])
        assert "cnnsummary-error" in page and "language-cnn" not in page
        assert [line for line, _ in problems] == [3] and "internal error" in problems[0][1]


HOOK = '''
import mkdocs_cnnsummary.render.html as html_module

_render = html_module.render_summary


def render_summary(summary, **kwargs):
    if summary.name == "boom":
        raise RuntimeError("boom")
    return _render(summary, **kwargs)


html_module.render_summary = render_summary
'''

PAGE = textwrap.dedent('''\
    # Page

    ```cnn
    name: fine
    input: [4]
    layers:
      - Dense: 2
    ```

    ```cnn
    name: boom
    input: [4]
    layers:
      - Dense: 2
    ```

    ```cnn-reference framework="kears"
    ```

    ```cnn title="\x1b[2J
    input: [4]
    layers:
      - Dense: 2
    ```
''')


def mkdocs_build(tmp_path: Path, extensions: list, strict: bool) -> tuple[int, str, str]:
    (tmp_path / "docs").mkdir(exist_ok=True)
    (tmp_path / "docs" / "index.md").write_text(PAGE, encoding="utf-8")
    (tmp_path / "hooks.py").write_text(HOOK, encoding="utf-8")
    config = {"site_name": "t", "theme": {"name": "mkdocs"}, "plugins": ["cnnsummary"], "hooks": ["hooks.py"],
              "markdown_extensions": extensions}
    (tmp_path / "mkdocs.yml").write_text(yaml.safe_dump(config), encoding="utf-8")
    cmd = [sys.executable, "-m", "mkdocs", "build", "-f", str(tmp_path / "mkdocs.yml"), "-d", str(tmp_path / "site"),
           *(["--strict"] if strict else [])]
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "NO_COLOR": "1",
           "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=tmp_path, env=env, timeout=300)
    page = (tmp_path / "site" / "index.html")
    return proc.returncode, proc.stdout + proc.stderr, page.read_text(encoding="utf-8") if page.exists() else ""


@pytest.mark.parametrize("extensions", [[], ["pymdownx.superfences"]], ids=["fenced_code", "superfences"])
def test_a_block_defect_in_a_real_build_is_an_error_box_and_a_warning(tmp_path, extensions):
    status, log, page = mkdocs_build(tmp_path, extensions, strict=False)
    assert status == 0, log
    assert "docs/index.md:10: cnn block: internal error while computing this block (RuntimeError: boom)" in log
    assert "docs/index.md:17: cnn block: unknown framework 'kears'" in log
    assert "docs/index.md:20: cnn block: fence header: the fence header has a quote that is not closed" in log
    assert "\x1b" not in log and "Traceback" not in log
    assert page.count("cnnsummary__table") == 1 and page.count("cnnsummary-error") >= 3
    assert "language-cnn" not in page and "RuntimeError: boom" in page
    if extensions:
        status, log, _ = mkdocs_build(tmp_path, extensions, strict=True)
        assert status != 0 and "internal error" in log


# linear-time helpers give the same answers as the quadratic ones they replaced -------------------------------


def naive_labels(layers: list[LayerRecord]) -> list[str]:
    labels, counters = [], {}
    for i, layer in enumerate(layers):
        depth = layer.depth + 1
        counters[depth] = counters.get(depth, 0) + 1
        for deeper in [d for d in counters if d > depth]:
            del counters[deeper]
        later = [other.depth + 1 for other in layers[i + 1:]]
        last = next((d for d in later if d <= depth), 0) != depth
        labels.append(f"{'│    ' * (depth - 1)}{'└─' if last else '├─'}{layer.type}: {depth}-{counters[depth]}")
    return labels


def test_torchinfo_labels_match_the_quadratic_definition():
    rng = random.Random(3)
    for _ in range(300):
        depths = [0]
        for _ in range(rng.randrange(1, 30)):
            depths.append(max(0, min(depths[-1] + rng.choice((-2, -1, 0, 0, 1)), 4)))
        layers = [LayerRecord(f"l{i}", "T", [], (None,), depth=d) for i, d in enumerate(depths)]
        assert torchinfo._labels(layers) == naive_labels(layers)


def test_forty_thousand_layers_in_every_text_style():
    spec = {"input": [4], "layers": ["Dense(4)"] * 40_000}
    summary = summarize(spec)
    for style in ("keras", "torchinfo", "nolearn"):
        assert render_text(summary, style=style).count("\n") > 40_000


def test_source_line_map_follows_inserted_snippets():
    rng = random.Random(5)
    for _ in range(200):
        source = [rng.choice(["text", "- item", "```cnn", "  - Dense: 2", "```"]) + str(k)
                  for k in range(rng.randrange(1, 40))]
        lines, expected = [], []
        included = False
        for number, line in enumerate(source, 1):
            included = not included and rng.random() < 0.15  # includes apart: their lines cannot be told apart
            if included:
                inserted = [f"snippet {number}.{k}" for k in range(rng.randrange(0, 5))]
                lines += inserted
                expected += [number] * len(inserted)
            else:
                lines.append(line.replace("\t", "    ") + (" " if rng.random() < 0.2 else ""))
                expected.append(number)
        assert source_line_map(source, lines) == expected, (source, lines)


def test_source_line_map_gives_consecutive_includes_the_first_of_their_lines():
    source = ["a", "--8<-- x", "--8<-- y", "b"]
    assert source_line_map(source, ["a", "x1", "x2", "y1", "b"]) == [1, 2, 2, 2, 4]


def test_source_line_map_of_a_page_with_blank_lines_added_at_its_end():
    """Python-Markdown adds two blank lines to every page: the lines before them are the page's own; the
    result is the one the general walk gives (a one-character change sends it there)."""
    for source in (["a"], ["a", "", "```cnn", "  - Dense: 2", "```"], [""]):
        for extra in (0, 1, 2):
            lines = source + [""] * extra
            walked = source_line_map([*source[:-1], source[-1] + "\x02"], lines)  # the same keys, no shortcut
            assert source_line_map(source, lines) == walked == [*range(1, len(source) + 1),
                                                                  *[len(source)] * extra]


def test_an_unclosed_fence_hides_what_follows_and_says_so():
    lines = ["````", "", "```cnn", "x", "```", "", "```cnn", "y", "```"]
    unclosed, hidden = [], []
    assert list(find_fences(lines, unclosed, hidden)) == []
    assert unclosed == [(0, "")] and [h for h in hidden if h[1] == "cnn"] == [(2, "cnn", 0), (6, "cnn", 0)]


def test_a_negative_output_size_is_an_error_on_its_layer():
    err = error_of("input: [0, 4]\nlayers:\n"
                   "  - Conv1DTranspose: {filters: 2, kernel_size: 1, strides: 3, output_padding: 0}\n  - Dense: 2\n")
    assert err.line == 3 and "(None, -2, 2) would have a negative size" in str(err)
    err = error_of("input: [4, 0]\nlayers:\n  - GroupNormalization(groups=-1)\n")
    assert "has no channels" in str(err)


def test_a_cnn_fence_left_as_literal_code_is_reported():
    page = "Intro\n\n````[]\n```cnn-reference\n```\n````\n"
    problems = []
    html = markdown.markdown(page, extensions=["fenced_code", CnnSummaryExtension(report=reporter(problems))])
    assert "language-cnn-reference" in html and "shown as literal code" in problems[0][1]


def test_each_framework_reference_once_per_page():
    problems = []
    page = '```cnn-reference framework="lasagne"\n```\n\ntext\n\n```cnn-reference framework="lasagne"\n```\n'
    html = markdown.markdown(page, extensions=[CnnSummaryExtension(report=reporter(problems))])
    assert html.count('id="ref-lasagne-conv2dlayer"') == 1
    assert problems == [(6, "the lasagne reference is already on this page (line 1); show each framework's "
                            "reference once")]

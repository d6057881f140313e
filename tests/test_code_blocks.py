"""Code in ``cnn`` blocks and from files (``source=``), in the command line, and in a real ``mkdocs build``."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import markdown
import yaml
from bs4 import BeautifulSoup

from mkdocs_cnnsummary import summarize
from mkdocs_cnnsummary.block import BlockRenderer, FenceOptions, parse_options
from mkdocs_cnnsummary.cli import main
from mkdocs_cnnsummary.code import read_code
from mkdocs_cnnsummary.code.to_spec import to_yaml

ROOT = Path(__file__).resolve().parents[1]
SEEDS = Path(__file__).parent / "code_seeds"

BLOCKS = """\
from keras import layers


def conv_block(x, filters):
    x = layers.Conv2D(filters, 3, padding="same")(x)
    return layers.MaxPooling2D(2)(x)
"""

MODEL = """\
import keras

from .blocks import conv_block


def build(filters=8):
    inputs = keras.Input((32, 32, 3), name="image")
    x = conv_block(inputs, filters)
    x = conv_block(x, 2 * filters)
    return keras.Model(inputs, keras.layers.Dense(10)(keras.layers.Flatten()(x)), name="small")
"""


def project(tmp_path: Path) -> Path:
    models = tmp_path / "models"
    models.mkdir()
    (models / "__init__.py").write_text("")
    (models / "blocks.py").write_text(BLOCKS)
    (models / "small.py").write_text(MODEL)
    return tmp_path


def convert(text: str, **config) -> tuple[BeautifulSoup, list[tuple[str, int | None]]]:
    problems: list[tuple[str, int | None]] = []
    md = markdown.Markdown(extensions=["cnnsummary"], extension_configs={"cnnsummary": {
        "report": lambda problem, line: problems.append((problem.describe(), line)), **config}})
    return BeautifulSoup(md.convert(textwrap.dedent(text)), "html.parser"), problems


def test_pasted_code_block_renders_its_table_and_warnings() -> None:
    seed = (SEEDS / "seed_004_convmodel3.py").read_text()
    soup, problems = convert(f"```cnn\n{seed}```\n")
    assert problems == []
    assert "12,201" in soup.select_one(".cnnsummary__totals").get_text()
    notices = soup.select(".cnnsummary__notice")
    assert notices and "used without an import" in notices[0].get_text()
    hint = notices[0].select_one(".cnnsummary__notice-hint")
    assert hint.select_one("code").get_text() == "from keras.models import Sequential"  # quoted code as code


def test_source_block_with_expect(tmp_path: Path) -> None:
    base = project(tmp_path)
    total = summarize(MODEL.replace("from .blocks import conv_block", BLOCKS), model="build()").total_params
    soup, problems = convert(f"""
        ```cnn source="models/small.py" model="build()"
        expect:
          total_params: {total}
          dense: {{output_shape: [null, 10]}}
        ```

        ```cnn source="models/small.py" model="build(filters=4)"
        ---
        expect:
          total_params: {total}
        ```
    """, base_dir=str(base))
    assert problems == [("expect: total_params is {:,} but the network computes {:,}; correct the network or the "
                         "expected value".format(total, summarize(
                             MODEL.replace("from .blocks import conv_block", BLOCKS), model="build(filters=4)"
                         ).total_params), 11)]
    assert soup.select_one("caption").get_text() == "small"


def test_errors_in_files_name_the_file_and_line(tmp_path: Path) -> None:
    base = project(tmp_path)
    (base / "models" / "blocks.py").write_text(BLOCKS.replace('padding="same"', "padding='smae'"))
    soup, problems = convert('```cnn source="models/small.py"\n```\n\n'
                             '```cnn source="models/small.py" expect_error="models/blocks.py:5"\n```\n',
                             base_dir=str(base))
    (message, line), = problems
    assert message.startswith("models/blocks.py:5: layer type Conv2D: argument 'padding'") and line == 1
    boxes = soup.select(".cnnsummary-error")
    assert "models/blocks.py, line 5" in boxes[0].get_text()
    assert "def conv_block" in boxes[0].select_one("pre").get_text()  # the file with the error, line marked
    assert "Expected error" in boxes[1].get_text()


def test_source_must_stay_inside_the_project(tmp_path: Path) -> None:
    (tmp_path / "site").mkdir()
    base = project(tmp_path / "site")
    (tmp_path / "secret.py").write_text("x = 1\n")
    _, problems = convert('```cnn source="../secret.py"\n```\n\n```cnn source="models/none.py"\n```\n',
                          base_dir=str(base))
    assert "outside the project directory" in problems[0][0]
    assert "no such file" in problems[1][0]


def test_fence_options_for_code() -> None:
    options = parse_options({"format": "code", "model": "build(8)", "inputs": "[28, 28, 1]", "source": "m.py"})
    assert (options.format, options.model, options.inputs, options.source) == ("code", "build(8)", ((28, 28, 1),),
                                                                             "m.py")
    _, problems = convert('```cnn inputs="[[a]]"\nx = 1\n```\n\n```cnn format="yaml"\nx = 1\n```\n')
    assert "inputs must be shapes" in problems[0][0] and "unknown format" in problems[1][0]
    soup, problems = convert('```cnn inputs="[6]" model="m"\nimport keras\n'
                             'm = keras.Sequential([keras.layers.Dense(2)])\n```\n')
    assert problems == [] and "14" in soup.select_one(".cnnsummary__totals").get_text()


def test_cache_follows_the_files_a_block_read(tmp_path: Path) -> None:
    base = project(tmp_path)
    watched: list[str] = []
    renderer = BlockRenderer(FenceOptions(), {}, str(base), watched.extend)
    first = renderer.render("", {"source": "models/small.py"})
    assert renderer.render("", {"source": "models/small.py"}) is first  # unchanged files: remembered
    assert sorted(Path(p).name for p in set(watched)) == ["blocks.py", "small.py"]
    (base / "models" / "blocks.py").write_text(BLOCKS.replace("MaxPooling2D(2)", "MaxPooling2D(4)"))
    second = renderer.render("", {"source": "models/small.py"})
    assert second is not first and second.html != first.html


def test_plugin_watches_the_files_when_serving(tmp_path: Path) -> None:
    from mkdocs_cnnsummary.mkdocs import CnnSummaryPlugin

    class Server:
        def __init__(self) -> None:
            self.paths: list[str] = []

        def watch(self, path: str) -> None:
            self.paths.append(path)

    plugin = CnnSummaryPlugin()
    plugin._watch([str(tmp_path / "models" / "small.py")])
    server = Server()
    assert plugin.on_serve(server, config=None, builder=None) is server
    plugin._watch([str(tmp_path / "models" / "blocks.py")])
    plugin.on_post_build(config=None)
    assert [Path(p).name for p in server.paths] == ["small.py", "blocks.py"]


def test_mkdocs_build_with_a_source_block(tmp_path: Path) -> None:
    base = project(tmp_path)
    docs = base / "docs"
    docs.mkdir()
    (docs / "index.md").write_text('# Model\n\n```cnn source="models/small.py" title="From the file"\n```\n')
    config = {"site_name": "T", "plugins": ["cnnsummary"], "markdown_extensions": []}
    (base / "mkdocs.yml").write_text(yaml.safe_dump(config))
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-q"], cwd=base, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    page = BeautifulSoup((base / "site" / "index.html").read_text(), "html.parser")
    assert page.select_one("caption").get_text() == "From the file"
    assert " ".join(page.select_one("tr.cnnsummary__row th").get_text().split()) == "image (InputLayer)"
    (base / "models" / "small.py").write_text(MODEL.replace("keras.layers.Dense(10)", "keras.layers.Dense(10)(1)"))
    done = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict"], cwd=base, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 1 and "docs/index.md:3: cnn block: models/small.py:10:" in done.stderr


def test_command_line_reads_code(tmp_path: Path, capsys) -> None:
    base = project(tmp_path)
    os.chdir(base)
    assert main(["models/small.py", "--model", "build(filters=2)", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["name"] == "small" and data["inputs"][0]["name"] == "image"
    assert [w.get("kind") for w in data["warnings"]] == ["dominant_layer"]  # a design warning, no reader notice
    assert main(["models/small.py", "-m", "build()", "--to-spec"]) == 0
    spec = capsys.readouterr().out
    assert spec.startswith("# read from models/small.py (model=build())")
    from_spec = summarize(spec).to_dict()
    from_code = summarize((base / "models/small.py").read_text(), model="build()",
                          path=base / "models/small.py", root=base).to_dict()
    for data in (from_spec, from_code):  # a design warning names its line in the text it was read from
        data["warnings"] = [{k: v for k, v in w.items() if k != "line"} for w in data["warnings"]]
    assert from_spec == from_code
    (base / "frag.py").write_text("Dense(3)\n")
    assert main(["frag.py", "--input", "[7]"]) == 0
    assert "24 (96.00 B)" in capsys.readouterr().out
    assert main(["frag.py"]) == 1
    assert capsys.readouterr().err.startswith("frag.py:1: the Sequential model 'sequential' has no input shape")
    assert main(["frag.py", "--input", "[x]"]) == 2
    assert "expected a shape" in capsys.readouterr().err
    seed = SEEDS / "seed_004_no_padding.py"
    assert main([str(seed)]) == 1
    assert capsys.readouterr().err.startswith(f"{seed}:17: layer 'conv2d_3' (Conv2D)")


def test_stdin_detects_spec_or_code(monkeypatch, capsys) -> None:
    import io

    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"Conv2D(4, 3, input_shape=(8, 8, 1))\n")))
    assert main(["-", "-f", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["total_params"] == 40
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"input: [4]\nlayers:\n  - Dense: 2\n")))
    assert main(["-", "-f", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["total_params"] == 10


def test_to_spec_gives_the_same_json() -> None:
    """--to-spec's YAML summarises to the code's JSON (warnings aside): seeds, nested and shared models."""
    samples = [(SEEDS / f).read_text() for f in ("seed_000_unet.py", "seed_001_nolearn.py", "seed_004_denoiser.py")]
    samples.append(textwrap.dedent("""
        import keras
        from keras import layers
        inner = keras.Sequential([layers.Dense(4, name="d4"), layers.Dense(2)], name="inner")
        a, b = keras.Input((3,)), keras.Input((3,))
        shared = layers.Dense(3)
        left, right = inner(shared(a)), inner(shared(b))
        bi = layers.Bidirectional(layers.LSTM(5, return_sequences=True))(layers.Reshape((3, 1))(a))
        model = keras.Model([a, b], [layers.concatenate([left, right]), layers.Flatten()(bi)])
        model.get_layer("inner").trainable = False
    """))
    for text in samples:
        reading = read_code(text)
        spec = to_yaml(reading.network)
        ours, theirs = summarize(text, format="code").to_dict(), summarize(spec).to_dict()
        ours.pop("warnings")
        theirs.pop("warnings")
        assert ours == theirs, spec


def test_readme_model_code_examples_compute() -> None:
    import re

    from test_project import readme_section

    examples = re.findall(r"^````markdown\n(.*?)^````", readme_section("Model code"), flags=re.M | re.S)
    assert len(examples) == 2  # Keras code (a file and pasted code), PyTorch modules from a file
    for example, tables in zip(examples, (2, 1), strict=True):
        soup, problems = convert(example, base_dir=str(ROOT / "example_site"))
        assert problems == []
        assert len(soup.select("table.cnnsummary__table")) == tables


def test_sphinx_directive_reads_a_model_file(tmp_path: Path) -> None:
    import pytest

    pytest.importorskip("sphinx")
    base = project(tmp_path)
    (base / "conf.py").write_text('extensions = ["mkdocs_cnnsummary.sphinx"]\n')
    (base / "index.rst").write_text(".. cnn::\n   :source: models/small.py\n   :model: build(filters=4)\n\n"
                                    "   expect:\n     dense: {output_shape: [null, 10]}\n")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    command = [sys.executable, "-m", "sphinx", "-b", "html", "-q", "--no-color", "-W", str(base), str(base / "_build")]
    done = subprocess.run(command, capture_output=True, text=True, timeout=300, env=env, cwd=base)
    assert done.returncode == 0, done.stderr
    soup = BeautifulSoup((base / "_build" / "index.html").read_text(), "html.parser")
    assert soup.select_one("caption").get_text() == "small"
    (base / "models" / "blocks.py").write_text(BLOCKS.replace("MaxPooling2D(2)", "MaxPooling2D(64)"))
    done = subprocess.run(command, capture_output=True, text=True, timeout=300, env=env, cwd=base)
    assert done.returncode != 0 and "models/blocks.py:6:" in done.stderr  # the changed file: rebuilt, and wrong

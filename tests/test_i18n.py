"""Translations: the catalogs match the marked messages of the code, the language is chosen per block, and a
Chinese block, drawing, error or command output carries no English word beyond the frameworks' own names."""

from __future__ import annotations

import re
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from test_errors import CASES as SPEC_ERRORS

from mkdocs_cnnsummary import SpecError
from mkdocs_cnnsummary.block import BlockRenderer, FenceOptions, parse_options
from mkdocs_cnnsummary.cli import main
from mkdocs_cnnsummary.engine.layer import catalog
from mkdocs_cnnsummary.i18n import available, catalogs, check_language, normalize, use_language

ROOT = Path(__file__).resolve().parent.parent

# what a Chinese block may show in ASCII: the frameworks' and formats' own names, units, Python's None ----------
ALLOWED = {
    "Keras", "PyTorch", "Lasagne", "nolearn", "TensorFlow", "Python", "YAML", "JSON", "SVG", "HTML", "UTF", "NUL",
    "None", "KB", "MB", "GB", "TB", "PB", "B", "mod", "SuperFences", "LoRA", "API", "Model", "Sequential", "Input",
    "InputLayer", "Layer", "NeuralNet", "Conv", "BatchNorm", "InstanceNorm", "true", "false", "null",
    "input", "inputs", "layers", "layer", "outputs", "output", "blocks", "params", "repeat", "expect", "name",
    "framework", "title", "worked", "columns", "style", "diagram", "fold", "format", "model", "source", "echo",
    "language", "keras", "pytorch", "lasagne", "spec", "code", "auto", "text", "markdown", "svg", "json",
    "torchinfo", "open", "none", "collapsed", "expanded", "table", "above", "below", "only",
    "horizontal", "vertical", "layered", "unfolded", "en", "zh", "zh_CN", "cnn", "reference", "trainable", "reuse",
    "prefix", "description", "shape", "mkdocs", "yml", "py", "yaml", "FILE", "SPEC", "PATH", "LANG", "WORDS",
    "EXPR", "SHAPE", "N", "C", "L", "H", "W", "D", "T", "E", "True", "False", "max", "min", "batch", "features",
    "channels", "weight", "bias", "index", "output_shape", "buffers", "connected_to", "non_trainable", "folded",
    "Functional", "macs", "flops", "activations", "memory", "ops", "rf", "dtype", "units", "warnings", "assume", "on",
    "off", "MiB", "KiB", "GiB", "kB", "MACs", "FLOPs", "SGD", "Adam", "relu", "softmax", "rectify", "sigmoid", "tanh",
    "query", "key", "value", "depth",
}
#: the symbols of the memory estimate's formulas (``weights + peak``), as a text table writes them
MEMORY_SYMBOLS = {"bytes", "elements", "live", "peak", "states", "weights"}


def names_of_frameworks() -> set[str]:
    """Layer types and argument names, as the frameworks spell them."""
    names: set[str] = set()
    for framework in ("keras", "pytorch", "lasagne"):
        for type_name, cls in catalog(framework).items():
            names.add(type_name)
            names.update(arg.name for arg in cls.arguments)
    return names


FRAMEWORK_NAMES = names_of_frameworks()
#: text PyYAML writes about a syntax error (its own words, quoted after "invalid YAML")
_YAML_PROBLEM = re.compile(r"(?:无效的 YAML|无效的 Python|读作层)：[^；\n]*")


def english_words(text: str, extra: set[str] = frozenset()) -> set[str]:
    """The English words left in ``text`` once code, quoted values, identifiers and allowed names are taken out."""
    text = _YAML_PROBLEM.sub(" ", text).replace("\\_", "_")  # Markdown escapes underscores
    text = re.sub(r"`[^`]*`", " ", text)
    text = re.sub(r"'[^'\n]*'|\"[^\"\n]*\"", " ", text)
    found = set()
    for found_token in re.finditer(r"[A-Za-z][A-Za-z0-9_.\-/*]*", text):
        token = found_token.group()
        if text[found_token.end():found_token.end() + 1] in ("(", "="):
            continue  # a call or a keyword argument: print(...), generator(...), depth=2
        word = token.strip(".-")
        if not word or re.search(r"[0-9_./*]", word) or len(word) < 2:
            continue  # identifiers (conv2d_1, k_h, keras.Input), paths, numbers with units
        if re.search(r"[a-z][A-Z]", word) or word in ALLOWED or word in FRAMEWORK_NAMES or word in extra:
            continue  # camelCase names are code
        found.add(word)
    return found


def visible_text(html: str) -> str:
    """What a reader sees or hears of a block: its text without code and pre blocks, plus the labels."""
    soup = BeautifulSoup(re.sub(r"<wbr\s*/?>", "", html), "html.parser")
    labels = [tag.get(attr, "") for tag in soup.find_all(True) for attr in ("aria-label", "title", "alt")]
    for tag in soup.find_all(["code", "pre", "style", "script"]):
        tag.decompose()
    return soup.get_text(" ") + " " + " ".join(str(label) for label in labels)


def layer_names(source: str) -> set[str]:
    """The names a network gives its layers, blocks and itself (they stay as written)."""
    from mkdocs_cnnsummary import summarize

    summary = summarize(source)
    return ({layer.name for layer in summary.layers} | {i.name for i in summary.inputs}
            | {b.name for b in summary.blocks} | {b.block for b in summary.blocks} | {summary.name or ""})


def zh(source: str, header: str = "", defaults: FenceOptions | None = None) -> str:
    result = BlockRenderer(defaults or FenceOptions()).render(source, f'language="zh" {header}')
    return result.html


# specs that show every part of a table ------------------------------------------------------------------------

CONV = """\
name: 分离卷积
input: [224, 224, 10]
layers:
  - Conv2D(32, (3, 3), activation='relu', padding='same', name='conv')
  - DepthwiseConv2D(kernel_size=(3, 3), padding='same', name='dw')
  - SeparableConv2D(32, (3, 3), padding='same', name='sep')
  - BatchNormalization(name='bn')
  - name: head
    Dense: 10
    trainable: false
"""
UNKNOWN = """\
input: [null, null, 3]
layers:
  - Conv2D(16, 3, name='c1')
  - MaxPooling2D(2, name='p1')
  - Conv2DTranspose(8, 3, strides=2, name='up')
  - GlobalAveragePooling2D(name='gap')
"""
GRAPH = """\
input: [32, 32, 3]
layers:
  - Conv2D(8, 3, padding='same', name='a1')
  - name: b1
    Conv2D: [8, 1]
    inputs: input
  - name: m1
    Add:
    inputs: [a1, b1]
  - Flatten(name='f1')
  - Dense(4, name='d1')
"""
TORCH_HEAD = """\
framework: pytorch
input: [3, 32, 32]
layers:
  - Conv2d(3, 16, 3, padding=1)
  - BatchNorm2d(16)
"""
TORCH = TORCH_HEAD + "  - LSTM(8, 4)\n"  # an argument error: the LSTM gets a 4-D input
TORCH_OK = TORCH_HEAD + "  - MaxPool2d(2, ceil_mode=True)\n  - Flatten()\n  - Linear(4096, 10)\n"
LASAGNE = """\
framework: lasagne
input: [1, 28, 28]
layers:
  - Conv2DLayer(num_filters=32, filter_size=5, name='conv1')
  - MaxPool2DLayer(pool_size=2, ignore_border=False, name='pool1')
  - DenseLayer(num_units=10, name='out1')
"""
BLOCKS = """\
input: [32, 32, 16]
blocks:
  res:
    params: {f: 16}
    layers:
      - Conv2D(${f}, 3, padding='same')
      - BatchNormalization
layers:
  - res: {f: 16}
    repeat: 3
  - GlobalAveragePooling2D(name='g1')
"""
WRAPPED = """\
input: [10, 8]
layers:
  - Bidirectional(LSTM(4, return_sequences=True), name='bi1')
  - TimeDistributed(Dense(3), name='td1')
"""
CODE_WITH_WARNING = """\
from keras.layers import Input, Dense
from keras.models import Model
x = Input(shape=(8,))
y = Dense(4)(x)
model = Model(input=x, output=y)
"""
ALL_COLUMNS = 'columns="index layer output_shape params trainable non_trainable buffers connected_to"'
ANALYSIS = "macs flops other_ops activations receptive_field"
#: a network that draws every kind of design warning, and the analyses' steps of many layer kinds
WARNINGS = """\
input: [28, 28, 3]
layers:
  - Conv2D(16, 3, name='c1')
  - BatchNormalization(name='bn1')
  - MaxPooling2D(3, name='p1')
  - Conv2D(8, 11, padding='same', name='big')
  - Conv2DTranspose(8, 3, strides=3, name='up')
  - Dense(12, name='d4')
  - Flatten(name='f1')
  - Dense(64, activation='relu', name='d1')
  - Dropout(0.95, name='drop')
  - Dense(2, activation='softmax', name='out')
"""
#: attention, recurrent layers, pooling and merges: their operation counts, memory and receptive fields
SEQUENCES = """\
input: [16, 8]
layers:
  - MultiHeadAttention(num_heads=2, key_dim=4, name='mha')
  - LSTM(6, return_sequences=True, name='lstm')
  - Bidirectional(GRU(3, return_sequences=True), name='bi')
  - Conv1D(4, 3, padding='same', name='c1')
  - AveragePooling1D(2, name='avg')
  - GlobalMaxPooling1D(name='gmax')
  - Dense(3, name='d1')
"""
TORCH_ANALYSIS = TORCH_HEAD + """\
  - ReLU()
  - AdaptiveAvgPool2d(1)
  - Flatten()
  - Linear(16, 10)
"""
NAMED_SIZES = "input: [H, W, 3]\nlayers:\n  - Conv2D(8, 3, strides=2)\n  - Conv2D(4, 3)\n"

TABLES = {
    "every column, steps expanded": (CONV, f'worked="expanded" {ALL_COLUMNS}'),
    "steps in the cells": (CONV, 'worked="table"'),
    "unknown sizes": (UNKNOWN, 'worked="expanded"'),
    "graph": (GRAPH, 'worked="expanded" diagram="below"'),
    "pytorch": (TORCH_OK, 'worked="expanded" diagram="below horizontal"'),
    "lasagne": (LASAGNE, 'worked="expanded"'),
    "blocks folded": (BLOCKS, 'worked="expanded" fold="open" diagram="below"'),
    "wrapped layers": (WRAPPED, 'worked="expanded"'),
    "code with a warning": (CODE_WITH_WARNING, 'worked="expanded" echo="collapsed"'),
    "diagram only": (GRAPH, 'diagram="only"'),
    "default caption": (UNKNOWN.replace("input:", "input:", 1), ""),
    "analysis columns and design warnings": (WARNINGS, 'worked="expanded" batch="8" units="MB" '
                                                       f'columns="layer output_shape params {ANALYSIS}"'),
    "analysis of sequences": (SEQUENCES, f'worked="expanded" columns="layer output_shape params {ANALYSIS}"'),
    "analysis steps in the cells": (WARNINGS, f'worked="table" columns="layer output_shape params {ANALYSIS}" '
                                              'dtype="float16"'),
    "analysis, pytorch": (TORCH_ANALYSIS, f'worked="expanded" columns="layer output_shape params {ANALYSIS}" '
                                          'batch="4"'),
    "analysis, lasagne": (LASAGNE, f'worked="expanded" columns="layer output_shape params {ANALYSIS}"'),
    "analysis, unknown sizes": (UNKNOWN, f'worked="expanded" columns="layer output_shape params {ANALYSIS}"'),
    "analysis, sizes with names": (NAMED_SIZES, f'worked="expanded" columns="layer output_shape params {ANALYSIS}"'),
}


@pytest.mark.parametrize("name", list(TABLES))
def test_chinese_tables_have_no_english_words(name):
    source, header = TABLES[name]
    html = zh(source, header)
    assert "cnnsummary-error" not in html, html[:2000]
    text = visible_text(html)
    assert re.search(r"[\u4e00-\u9fff]", text)
    assert english_words(text, layer_names(source)) == set(), text


#: the founding questions' code and model code by others that draws warnings and notes from the code reader
CODE_FILES = [*sorted((ROOT / "tests" / "code_seeds").glob("*.py")),
              *(ROOT / "tests" / "code_corpus" / name for name in (
                  "keras/keras1_mnist_cnn.py", "keras/keras2_conv_lstm.py", "keras/keras2_cifar10_cnn.py",
                  "keras/tf_dcgan.py", "lasagne/lasagne_mnist.py", "lasagne/nolearn_cnn_tutorial.py"))]


@pytest.mark.parametrize("path", CODE_FILES, ids=lambda p: p.name)
def test_chinese_code_blocks_have_no_english_words(path):
    source = path.read_text(encoding="utf-8")
    soup = BeautifulSoup(zh(source, 'worked="expanded"'), "html.parser")
    for tag in soup.select(".cnnsummary-error__source"):
        tag.decompose()
    try:
        names = layer_names(source)
    except SpecError:
        names = set()
    text = visible_text(str(soup))
    assert english_words(text, names | {"tf"}) == set(), text  # tf: the code's own name for TensorFlow


#: PyTorch model code by others (its module tree, notes and warnings), with every analysis column
PYTORCH_CODE = {"cifar_lenet.py": ("LeNet()", [3, 32, 32]), "examples_mnist.py": ("Net()", [1, 28, 28]),
                "examples_dcgan.py": ("Generator(ngpu)", [100, 1, 1]), "examples_vae.py": ("VAE()", [1, 28, 28]),
                "examples_mnist_rnn.py": ("Net()", [1, 28, 28]), "examples_actor_critic.py": ("Policy()", [4])}


@pytest.mark.parametrize("name", list(PYTORCH_CODE))
def test_chinese_pytorch_code_blocks_have_no_english_words(name):
    from mkdocs_cnnsummary import summarize

    source = (ROOT / "tests" / "code_corpus" / "pytorch" / name).read_text(encoding="utf-8")
    model, shape = PYTORCH_CODE[name]
    html = zh(source, f'worked="expanded" model="{model}" input="{shape}" '
                      f'columns="layer output_shape params {ANALYSIS}" batch="2"')
    assert "cnnsummary-error" not in html, visible_text(html)[:2000]
    summary = summarize(source, model=model, inputs=[shape])
    names = {part for layer in summary.layers for part in layer.name.split(".")} | {summary.name or ""}
    text = visible_text(html)
    assert english_words(text, names | {layer.type for layer in summary.layers}) == set(), text


BAD_SPECS = [case.spec for case in SPEC_ERRORS.values()] + [
    TORCH,  # a PyTorch argument error
    "input: [8, 8, 1]\nlayers:\n  - Conv2D(4, 9, name='c9')\n",  # a kernel larger than the input
    "input: [28, 28, 1]\nlayers:\n  - Conv2D: {filtres: 8, kernel_size: 3}\n",  # did you mean
    "input: [28]\nlayers:\n  - Dense\n",  # missing required argument
    "input: [8, 8, 1]\nlayers:\n  - Cropping2D(((3, 6), (0, 0)))\n",  # an axis word inside a message
    "input: [28, 2.5, 1]\nlayers:\n  - Flatten\n",  # the kind of a value: number
    "input: [4]\nlayers:\n  - Dense: 2\n---\nexpect: {total_params: 11}\n",  # an expectation that fails
    "import keras\nx = keras.Input(shape=(8,))\ny = keras.layers.Dense(4)(z)\nmodel = keras.Model(x, y)\n",
    "import keras\ndef f(:\n  pass\n",  # invalid Python
    "import keras\nx = 3\n",  # no model
    "import keras\nwhile True:\n    pass\n",  # endless loop
]


@pytest.mark.parametrize("index", range(len(BAD_SPECS)))
def test_chinese_errors_have_no_english_words(index):
    html = zh(BAD_SPECS[index])
    assert "cnnsummary-error" in html
    soup = BeautifulSoup(html, "html.parser")
    for tag in soup.select(".cnnsummary-error__source"):
        tag.decompose()  # the spec as written
    text = visible_text(str(soup))
    assert english_words(text, {"Dence"}) == set(), text  # a misspelt type is shown as written


@pytest.mark.parametrize("header", ['worked="sideways"', 'bogus="1"', 'columns="params, weights"', 'fold="shut"',
                                    'style="pandas"', 'diagram="diagonal"', 'framework="jax"', 'title="x'])
def test_chinese_option_errors(header):
    html = zh(CONV, header)
    assert "cnnsummary-error" in html
    assert english_words(visible_text(html)) == set(), visible_text(html)


def test_unknown_language_lists_the_languages():
    with pytest.raises(SpecError) as err:
        parse_options({"language": "klingon"})
    assert "klingon" in err.value.message and "zh" in err.value.hint
    html = BlockRenderer().render(CONV, 'language="klingon"').html
    assert "cnnsummary-error" in html and "en" in html and "zh" in html


@pytest.mark.parametrize("name", ["zh", "zh_CN", "zh-CN", "zh-Hans", "ZH", "zh_Hans_CN", "zh-cn"])
def test_spellings_of_chinese(name):
    assert normalize(name) == "zh_CN"
    assert check_language(name) == "zh_CN"


def test_english_is_the_fallback():
    assert normalize(None) == normalize("") == normalize("en_US") == "en"
    assert normalize("de") is None  # no catalog: the plugin falls back to English, an option is an error
    assert available()[0] == "en" and "zh_CN" in available()


def test_blocks_keep_their_own_language_across_threads():
    """The language is a context variable: blocks rendered at once in other threads keep theirs."""
    results: dict[tuple[int, str], str] = {}

    def work(i: int, language: str) -> None:
        results[(i, language)] = BlockRenderer().render(CONV, f'language="{language}" worked="expanded"').html

    threads = [threading.Thread(target=work, args=(i, lang)) for i in range(4) for lang in ("en", "zh")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for (_, language), html in results.items():
        assert ("Total params" in html) is (language == "en")
        assert ("总参数量" in html) is (language == "zh")
    with use_language("zh"):
        assert BlockRenderer().render(CONV).html.count("Total params") == 1  # a block's own default wins


def test_site_default_and_fence_option():
    defaults = parse_options({"language": "zh-Hans"})
    assert defaults.language == "zh_CN"
    assert "总参数量" in BlockRenderer(defaults).render(CONV).html
    assert "Total params" in BlockRenderer(defaults).render(CONV, 'language="en"').html


def test_english_output_is_unchanged_by_the_catalogs():
    """English blocks read no catalog at all, and importing the package loads none."""
    code = ("import mkdocs_cnnsummary.i18n as i; from mkdocs_cnnsummary.block import BlockRenderer;"
            "BlockRenderer().render('input: [4]\\nlayers:\\n  - Dense: 2\\n');"
            "print(i.catalog.cache_info().currsize, 'gettext' in __import__('sys').modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out == ["0", "False"]


# the command ------------------------------------------------------------------------------------------------

@pytest.fixture()
def conv_file(tmp_path):
    path = tmp_path / "conv.yaml"
    path.write_text(CONV, encoding="utf-8")
    return path


@pytest.mark.parametrize("args", [["--worked"], ["--worked", "--style", "torchinfo"], ["--worked", "-s", "nolearn"],
                                  ["--format", "markdown", "--worked"], ["--format", "svg"],
                                  ["--worked", "-c", ANALYSIS, "--batch", "2"],
                                  ["--worked", "-s", "torchinfo", "-c", ANALYSIS, "--units", "MB"],
                                  ["--worked", "-s", "nolearn", "-c", ANALYSIS],
                                  ["--format", "markdown", "--worked", "-c", ANALYSIS]])
def test_command_in_chinese(conv_file, capsys, args):
    assert main([str(conv_file), "--language", "zh", *args]) == 0
    out = capsys.readouterr().out
    text = visible_text(out) if args[-1] == "svg" else out
    assert re.search(r"[\u4e00-\u9fff]", text)
    assert english_words(text, {"conv", "dw", "sep", "bn", "head", *MEMORY_SYMBOLS}) == set(), text


def option_names() -> set[str]:
    """The command's name, its options, their metavars and choices (as the help writes them)."""
    from mkdocs_cnnsummary.cli.main import build_parser

    names = {"cnnsummary"}
    for action in build_parser()._actions:
        names.update(o.lstrip("-") for o in action.option_strings)
        names.update(str(c) for c in action.choices or ())
        if action.metavar:
            names.update(re.split(r"\W+", str(action.metavar)))
        if action.dest:
            names.add(action.dest.upper())
    return names


def test_command_help_and_errors_in_chinese(tmp_path, capsys):
    with pytest.raises(SystemExit):
        main(["--help", "--language=zh-CN"])
    out = capsys.readouterr().out
    assert "用法" in out and "显示此帮助信息并退出" in out
    assert english_words(out, option_names()) == set(), out
    bad = tmp_path / "bad.yaml"
    bad.write_text("input: [28, 28, 1]\nlayers:\n  - Conv2D: {filtres: 8, kernel_size: 3}\n", encoding="utf-8")
    assert main([str(bad), "--lang", "zh"]) == 1
    err = capsys.readouterr().err
    assert "你是不是想写 'filters'" in err
    assert english_words(err, {"bad", "conv2d"}) == set(), err
    with pytest.raises(SystemExit) as exit_status:
        main([str(bad), "--language", "fr"])
    assert exit_status.value.code == 2
    assert "zh" in capsys.readouterr().err


# the catalogs ----------------------------------------------------------------------------------------------

def test_every_marked_message_is_in_every_catalog_and_translated():
    found = catalogs.extract()
    assert len(found) > 500
    for po in catalogs.po_files():
        _, entries = catalogs.read_po(po)
        assert set(entries) == set(found), (set(found) - set(entries), set(entries) - set(found))
        untranslated = [e.msgid for e in entries.values() if not e.translated]
        assert untranslated == [], untranslated
        for entry in entries.values():
            english = catalogs.placeholders(entry.msgid + (entry.plural or ""))
            for text in entry.strings:
                assert catalogs.placeholders(text) <= english, (entry.msgid, text)
                if english and _formats(entry.msgid, english):
                    text.format(**{name: 1 for name in english})  # a valid template


def _formats(template: str, names: set[str]) -> bool:
    """Whether ``template`` is a template (messages shown as they are may hold braces: ``{Type: {arg: value}}``)."""
    try:
        template.format(**{name: 1 for name in names})
    except (KeyError, ValueError, IndexError):
        return False
    return True


def test_compiled_catalogs_match_their_po_files():
    for po in catalogs.po_files():
        header, entries = catalogs.read_po(po)
        assert po.with_suffix(".mo").read_bytes() == catalogs.compile_mo(header, entries.values()), (
            f"{po} changed: run python -m mkdocs_cnnsummary.i18n update")


def test_template_of_messages_is_up_to_date():
    _header, entries = catalogs.read_po(catalogs.TEMPLATE)
    assert set(entries) == set(catalogs.extract())


def test_python_gettext_reads_the_compiled_catalog():
    import gettext

    for po in catalogs.po_files():
        translations = gettext.GNUTranslations(po.with_suffix(".mo").open("rb"))
        _, entries = catalogs.read_po(po)
        for entry in list(entries.values())[:50]:
            if entry.context is None and entry.plural is None:
                assert translations.gettext(entry.msgid) == entry.strings[0]


# the platforms: the site's language by default -------------------------------------------------------------

def test_mkdocs_takes_material_theme_language(tmp_path):
    from test_plugin_build import build

    page = "# 页\n\n```cnn\n" + CONV + "```\n\n```cnn language=\"en\"\n" + CONV + "```\n"
    for name in ("material", "zh"):
        (tmp_path / name).mkdir()
    result = build(tmp_path / "material", {"index.md": page}, extensions=["pymdownx.superfences"])
    assert result.returncode == 0, result.log
    result = build(tmp_path / "zh", {"index.md": page}, extensions=["pymdownx.superfences"])
    yml = tmp_path / "zh" / "mkdocs.yml"
    yml.write_text(yml.read_text(encoding="utf-8").replace("name: material", "name: material\n  language: zh"),
                   encoding="utf-8")
    import shutil

    shutil.rmtree(tmp_path / "zh" / "site")
    command = [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(yml), "-d", str(tmp_path / "zh" / "site")]
    subprocess.run(command, check=True, capture_output=True, cwd=tmp_path / "zh")
    english, chinese = (BeautifulSoup((tmp_path / d / "site" / "index.html").read_text(encoding="utf-8"),
                                      "html.parser").select(".cnnsummary__totals") for d in ("material", "zh"))
    assert "Total params" in english[0].get_text() and "Total params" in english[1].get_text()
    assert "总参数量" in chinese[0].get_text() and "Total params" in chinese[1].get_text()  # the fence's own wins


def test_mkdocs_plugin_language_setting(tmp_path):
    from test_plugin_build import build

    page = "# 页\n\n```cnn\n" + CONV + "```\n"
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    result = build(tmp_path / "a", {"index.md": page}, plugin={"language": "zh-Hans"})
    assert result.returncode == 0, result.log
    assert "总参数量" in result.page("index").get_text()
    result = build(tmp_path / "b", {"index.md": page}, plugin={"language": "klingon"})
    assert result.returncode != 0 and "klingon" in result.log and "zh" in result.log


def test_sphinx_takes_the_project_language(tmp_path):
    from test_sphinx import built

    src = tmp_path / "src"
    src.mkdir()
    (src / "conf.py").write_text('extensions = ["mkdocs_cnnsummary.sphinx"]\nlanguage = "zh_CN"\n', encoding="utf-8")
    body = "\n".join("   " + line for line in CONV.splitlines())
    (src / "index.rst").write_text(f"页\n==\n\n.. cnn::\n   :worked: expanded\n\n{body}\n", encoding="utf-8")
    html = (built(src, tmp_path / "html", "html") / "index.html").read_text(encoding="utf-8")
    assert "总参数量" in html and "输出高度" in html
    text = (built(src, tmp_path / "text", "text") / "index.txt").read_text(encoding="utf-8")
    assert "总参数量" in text and "输出高度" in text


def test_obsolete_entries_are_kept_apart_and_read_back(tmp_path):
    """Translations of messages the code does not mark (any more, or yet) stay as ``#~`` entries: not compiled,
    and given back by ``update`` when the message is marked again."""
    po = tmp_path / "x.po"
    kept = catalogs.Entry("a message no code marks", None, None, ["一条没有代码标记的消息"])
    catalogs.write_po(po, "Language: zh_CN\n", [catalogs.Entry("Total params", None, None, ["总参数量"])], [kept])
    _header, entries = catalogs.read_po(po)
    assert list(entries) == [(None, "Total params")]
    _header, obsolete = catalogs.read_po(po, obsolete=True)
    assert obsolete[(None, kept.msgid)].strings == kept.strings
    assert b"a message no code marks" not in catalogs.compile_mo("", entries.values())

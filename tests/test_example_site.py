"""The example site: it builds with --strict, each question page shows its answer, and every Keras and
PyTorch block on it agrees with the real framework."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup
from sites import BUILDERS, build_example_site

from mkdocs_cnnsummary import summarize
from mkdocs_cnnsummary.block import split_header
from mkdocs_cnnsummary.markdown.extension import find_fences

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "example_site"


def _blocks() -> list[tuple[str, int, dict[str, str], str]]:
    """(page, line, header options, spec) of every live ``cnn`` block of the site (the gallery's blocks are
    compared with keras.applications and torchvision in test_gallery.py)."""
    out = []
    for page in sorted(DOCS.rglob("*.md")):
        if page.parent.name == "gallery":
            continue
        lines = page.read_text(encoding="utf-8").splitlines()
        for fence in find_fences(lines):
            if fence.lang == "cnn":
                out.append((str(page.relative_to(DOCS)), fence.start + 1, split_header(fence.info),
                            "\n".join(fence.body)))
    return out


BLOCKS = _blocks()
IDS = [f"{page}:{line}" for page, line, _, _ in BLOCKS]


@pytest.fixture(scope="module", params=BUILDERS)
def site(request, tmp_path_factory) -> Path:
    """The example site built by MkDocs and ProperDocs (with the plugin, --strict) and by Zensical."""
    pytest.importorskip(request.param)
    return build_example_site(tmp_path_factory.mktemp(f"site-{request.param}"), request.param)


def text_of(site: Path, page: str) -> str:
    html = (site / page / "index.html") if page else (site / "index.html")
    soup = BeautifulSoup(html.read_text(encoding="utf-8"), "html.parser")
    for hint in soup.select("wbr, .cnnsummary__hidden"):  # break opportunities and words for screen readers only
        hint.decompose()
    soup.smooth()
    return " ".join(soup.select_one("article").get_text(" ").split())


def test_home_page_shows_a_block_and_its_source(site):
    text = text_of(site, "")
    assert "46,922" in text
    assert "Conv2D(32, 5, activation=\"relu\")" in text  # the source, shown as an example


def test_unet_page(site):
    text = text_of(site, "questions/unet-up-convolution")
    assert "2,097,664" in text and "4,719,104" in text
    assert "(2 × 2 × 1024 + 1) × 512" in text and "(3 × 3 × 1024 + 1) × 512" in text
    for count in ("524,544", "131,200", "32,832", "31,031,685"):
        assert count in text


def test_lasagne_page_has_the_worked_table(site):
    text = text_of(site, "questions/lasagne-mnist")
    assert "217,706" in text
    assert "(5 × 5 × 1 + 1) × 32" in text and "28 − (5 − 1)" in text
    assert "(32 × 5 × 5 + 1) × 256" in text
    assert "32x24x24" in text and "(None, 24, 24, 32)" in text  # Lasagne (as nolearn printed it) and Keras tabs


def test_depthwise_separable_page(site):
    text = text_of(site, "questions/depthwise-separable")
    for count in ("2,912", "100", "442", "452"):
        assert count in text
    assert "(3 × 3 × 10 + 1) × 32" in text


def test_chinese_page(site):
    """Seed 002's question answered in Chinese: tables, worked steps and the error in Chinese, no English word
    of ours left in its blocks (layer, argument and framework names stay as the frameworks spell them)."""
    from test_i18n import english_words, visible_text

    html = (site / "questions/depthwise-separable-zh/index.html").read_text(encoding="utf-8")
    text = text_of(site, "questions/depthwise-separable-zh")
    for number in ("2,912", "100", "442", "452", "200"):
        assert number in text
    assert "(3 × 3 × 10 + 1) × 32" in text and "(3 × 3 + 1) × 10 × 1" in text
    assert "总参数量" in text and "输出高度" in text and "层（类型）" in text and "你是不是想写 'kernel_size'" in text
    assert "144,506,880" in text and "20,572,160" in text and "总 MACs" in text and "感受野" in text
    soup = BeautifulSoup(html, "html.parser")
    blocks = soup.select("article .cnnsummary:not(.cnnsummary-code)")
    assert len(blocks) >= 10
    names = {"conv2d", "depthwise_conv2d", "separable_conv2d", "input"}
    for block in blocks:
        for source in block.select(".cnnsummary-error__source"):
            source.decompose()
        assert english_words(visible_text(str(block)), names) == set(), visible_text(str(block))


def test_unknown_size_page(site):
    text = text_of(site, "questions/unknown-spatial-size")
    assert "448" in text and "524,544" in text
    assert "(None, None, None, 256)" in text
    assert "unknown because the input height is None" in text
    # the question in general: sizes written with names, counts as numbers, and assume= for numbers
    assert "(None, ⌊H/4⌋, ⌊W/4⌋, 32)" in text and "⌈(⌊H/2⌋ − 1)/2⌉" in text
    assert "the sizes written with names hold for H ≥ 4 and W ≥ 4" in text
    assert "(None, 37, 37, 32)" in text


def test_denoiser_page(site):
    soup = BeautifulSoup((site / "questions/denoiser-output-size/index.html").read_text(encoding="utf-8"),
                         "html.parser")
    text = " ".join(soup.get_text(" ").split())
    assert "(None, 24, 24, 1)" in text and "(None, 28, 28, 1)" in text
    assert "(None, 3, 3, 8)" in text and "⌊(7 − 2)/2⌋ + 1" in text
    assert "8,001" in text and "12,201" in text
    warnings = soup.select('.cnnsummary__notices li[data-kind="lossy_rounding"]')
    assert len(warnings) == 2  # the spec and the question's code
    for warning in warnings:
        assert "max_pooling2d_2" in warning.get_text() and "ends at 24×24 instead of 28×28" in warning.get_text()
    errors = soup.select(".cnnsummary-error--expected")
    assert len(errors) == 2  # the spec and the question's code without padding
    assert "does not fit the 2×2 input" in errors[0].get_text(" ")
    assert "too_small" in errors[0].get_text(" ")


def test_guide_and_reference_pages(site):
    guide = text_of(site, "guide")
    assert "41,450" in guide  # the PyTorch example
    assert "Connected to" in guide and "branch_3x3" in guide
    assert "did you mean 'filters'" in guide
    for framework in ("keras", "pytorch", "lasagne"):
        reference = (site / f"reference/{framework}/index.html").read_text(encoding="utf-8")
        assert f'id="ref-{framework}"' in reference
    keras = BeautifulSoup((site / "reference/keras/index.html").read_text(encoding="utf-8"), "html.parser")
    assert keras.select_one("h3#ref-keras-conv2d") is not None
    assert keras.select_one("h2#ref-keras-convolution-layers") is not None
    assert "(k_h × k_w × c_in + 1) × filters" in keras.get_text()


def test_reference_pages_are_navigable(site):
    """A heading with an id per family and per layer type, so the table of contents and search list them."""
    from mkdocs_cnnsummary.render.reference import build_reference

    for doc in build_reference():
        soup = BeautifulSoup((site / f"reference/{doc.name}/index.html").read_text(encoding="utf-8"), "html.parser")
        for family in doc.families:
            assert soup.select_one(f"h2#{family.anchor}").get_text().startswith(family.title)
            for layer in family.layers:
                assert soup.select_one(f"h3#{layer.anchor}").get_text().startswith(layer.type_name)
        toc = [a["href"] for a in soup.select("nav a[href^='#ref-']")]  # the theme's table of contents
        assert f"#{doc.families[0].layers[0].anchor}" in toc, toc[:5]
        meanings = [row.find_all("td")[2].get_text(strip=True) for row in soup.select("table:has(caption) tbody tr")
                    if row.find_all("td") and len(row.find_all("td")) == 3]
        assert meanings and all(meanings), "an argument without a meaning"
        assert " 1 parameters" not in soup.get_text()
    # one search entry per layer type (MkDocs and ProperDocs: search/search_index.json; Zensical: search.json)
    index = site / "search" / "search_index.json" if (site / "search").is_dir() else site / "search.json"
    data = json.loads(index.read_text(encoding="utf-8"))
    locations = {entry["location"] for entry in data.get("docs", data.get("items", []))}
    assert "reference/keras/#ref-keras-conv2d" in locations and "reference/pytorch/#ref-pytorch-linear" in locations


def test_every_block_asserts_its_numbers_or_its_error():
    """A block without expect: or expect_error would let the page drift from what it says."""
    exempt = {"guide.md"}  # the worked-mode tabs show the same tiny network four times
    for page, line, header, spec in BLOCKS:
        if page in exempt and "expect" not in spec:
            continue
        assert "expect_error" in header or "\nexpect:" in "\n" + spec, f"{page}:{line} asserts nothing"


SEED_CODE = {path.read_text(encoding="utf-8").rstrip("\n"): path.stem
             for path in (ROOT / "tests" / "code_seeds").glob("*.py")}


def _is_code(header: dict[str, str], spec: str) -> bool:
    from mkdocs_cnnsummary.code.detect import detect_format, split_code

    return "source" in header or header.get("format") == "code" or detect_format(split_code(spec)[0]) == "code"


@pytest.mark.parametrize(("page", "line", "header", "spec"), BLOCKS, ids=IDS)
def test_block_matches_the_real_framework(page, line, header, spec):
    if _is_code(header, spec):
        assert_code_matches(header, spec)
        return
    if _size_names(spec):
        _assert_named_sizes_match(header, spec)
        return
    framework = "pytorch" if "framework: pytorch" in spec else "lasagne" if "framework: lasagne" in spec else "keras"
    if framework == "lasagne":  # no Lasagne to run: the page's expect: holds nolearn's printed numbers
        summarize(spec)
        return
    if framework == "pytorch":
        from torch_builder import assert_matches_torch, torch_macs

        assert_matches_torch(spec)  # shapes, parameters and buffers, graphs included (on the meta device)
        summary, real = torch_macs(spec)
        assert [layer.macs for layer in summary.layers] == [real[layer.name] for layer in summary.layers]
        return
    from keras_builder import assert_matches_keras, build_model

    if "expect_error" in header:
        message = re.sub(r"\nexpect:.*", "", spec, flags=re.S)
        with pytest.raises(Exception):  # noqa: B017 - Keras raises ValueError or TypeError
            build_model(message, _summary_without_checks(message))
        return
    assert_matches_keras(spec)


def _size_names(spec: str) -> list[str]:
    """The names a spec's input sizes are written with (``input: [H, W, 3]``)."""
    from mkdocs_cnnsummary.engine.named import read_name

    data = yaml.safe_load(spec)
    shapes = [data.get("input")] if "input" in data else list((data.get("inputs") or {}).values())
    return sorted({d for shape in shapes if isinstance(shape, list) for d in shape if read_name(d)})


def _assert_named_sizes_match(header: dict[str, str], spec: str) -> None:
    """A block whose sizes are written with names: at the values of its ``assume=`` (or at several values),
    its expressions give the sizes the numeric network has, and that network matches the real framework."""
    from mkdocs_cnnsummary.engine.symbolic import read_assume, substitute

    data = yaml.safe_load(spec)
    data.pop("expect", None)
    symbolic = summarize(data)
    names = _size_names(spec)
    trials = [read_assume(header["assume"])] if "assume" in header else [dict.fromkeys(names, v) for v in (17, 64, 150)]
    for values in trials:
        numeric = (dict(data, input=[values.get(d, d) for d in data["input"]]) if "input" in data else
                   dict(data, inputs={k: [values.get(d, d) for d in s] for k, s in data["inputs"].items()}))
        computed = summarize(numeric)
        for ours, numbers in zip(symbolic.layers, computed.layers, strict=True):
            assert substitute(ours.output_shape, values) == numbers.output_shape, (ours.name, values)
            assert ours.params == numbers.params, ours.name
        if "assume" in header:  # the block as the page computes it
            assert summarize(spec, assume=values).total_params == computed.total_params
        if data.get("framework") == "pytorch":
            from torch_builder import assert_matches_torch

            assert_matches_torch(numeric)
        else:
            from keras_builder import assert_matches_keras

            assert_matches_keras(numeric)


def test_analysis_page(site):
    soup = BeautifulSoup((site / "analysis/index.html").read_text(encoding="utf-8"), "html.parser")
    text = " ".join(soup.get_text(" ").split())
    assert "Total MACs: 15,470,264,320 (15.47 G)" in text  # VGG-16
    assert "Total MACs: 667,942,912 (667.94 M)" in text  # the ResNet stage
    assert "Total MACs: 1,589,760 (1.59 M)" in text and "24 × 24 × 32 × (5 × 5 × 1)" in text
    assert "Training (Adam), estimate, batch 32" in text and "MB = 10⁶ bytes" in text
    assert "30–34×30–34" in text or "30–38×30–38" in text  # fields that vary after up-sampling
    assert "10×10 jump 2, start −4" in text  # VGG-16 after its first block
    # the founding questions in compute: separable against standard, the U-Net's two up-convolutions,
    # and counts that say which size they miss
    assert "144,506,880" in text and "20,572,160" in text
    assert "32 × 32 × 512 × (2 × 2 × 1024) = 2,147,483,648" in text
    assert "16 × 16 × 1024 × (2 × 2 × 512) = 536,870,912" in text
    assert "unknown because the output height is None" in text
    warned = [li["data-kind"] for li in soup.select(".cnnsummary__notices li[data-kind]")]
    assert "bias_before_norm" in warned and "dense_on_feature_map" in warned


def _summary_without_checks(spec: str):
    """The engine's wiring of a failing spec: layer names and inputs, up to the failing layer."""
    from mkdocs_cnnsummary.engine.spec import parse_spec
    from mkdocs_cnnsummary.engine.summary import InputRecord, LayerRecord, Summary

    net = parse_spec(spec)
    shape = tuple(net.inputs[0].shape)
    names = [s.name or f"layer_{i}" for i, s in enumerate(net.layers)]
    layers = [LayerRecord(n, s.type, [names[i - 1] if i else "input"], ())
              for i, (n, s) in enumerate(zip(names, net.layers, strict=True))]
    return Summary(None, [InputRecord("input", (None, *shape))], layers, [names[-1]])


def assert_matches_torch(spec: str) -> None:
    """A sequential PyTorch block: output shape, parameters and buffers as torch computes them."""
    import torch

    from mkdocs_cnnsummary.engine.spec import parse_spec

    summary = summarize(spec)
    net = parse_spec(spec)
    modules = [getattr(torch.nn, s.type)(*s.args, **s.kwargs) for s in net.layers]
    x = torch.zeros(2, *summary.inputs[0].shape[1:])
    for module, rec in zip(modules, summary.layers, strict=True):
        module.eval()
        x = module(x)
        assert tuple(x.shape[1:]) == tuple(rec.output_shape[1:]), rec.name
        assert sum(p.numel() for p in module.parameters()) == rec.params, rec.name
        assert sum(b.numel() for b in module.buffers()) == rec.buffers, rec.name


def assert_code_matches(header: dict[str, str], text: str) -> None:
    """A code block: the seeds' code is compared with real Keras in test_code_seeds (Lasagne by nolearn's
    printed numbers); the site's own model files and other pasted code are run here in real Keras."""
    from code_compare import differences, truth_table
    from keras_truth import Job, run

    from mkdocs_cnnsummary.code.detect import split_code

    code = split_code(text)[0]
    if header.get("source") == "example_site/models/resnet.py" or "import torch" in code:
        assert_torch_code_matches(header, code)
        return
    if "source" in header:
        assert header["source"] == "example_site/models/unet.py", header
        code = (DOCS / "models" / "unet.py").read_text(encoding="utf-8").replace(
            "from .blocks import conv_block, up_block", (DOCS / "models" / "blocks.py").read_text(encoding="utf-8"))
    elif code.strip("\n").rstrip() in {c.rstrip() for c in SEED_CODE}:
        return  # verbatim seed code: real Keras runs its modern variant in test_code_seeds
    if "expect_error" in header:
        truth = run(Job(code, header.get("model")))
        assert not truth["ok"], truth_table(truth)
        return
    summary = summarize(code, format="code", model=header.get("model"))
    truth = run(Job(code, header.get("model") or "model"))
    assert truth["ok"], truth
    assert differences(summary, truth) == [], truth_table(truth)


def assert_torch_code_matches(header: dict[str, str], code: str) -> None:
    """A PyTorch code block, read as the page reads it, against the model PyTorch builds from the same code."""
    from torch_compare import assert_reads_as_pytorch
    from torch_truth import Job, run

    from mkdocs_cnnsummary.block import parse_options

    options = parse_options(header)
    inputs = tuple(tuple(s) for s in options.inputs)
    model = header.get("model") or "Net()"
    if "source" in header:  # the real side runs the file with its project import pasted in
        code = (DOCS / "models" / "resnet.py").read_text(encoding="utf-8").replace(
            "from .residual import BasicBlock", (DOCS / "models" / "residual.py").read_text(encoding="utf-8"))
    truth = run(Job(code, model, inputs, filename="<example site>"))
    if "expect_error" in header:
        assert not truth["ok"], "PyTorch runs the block that the page says fails"
        return
    assert truth["ok"], truth["error"]
    assert_reads_as_pytorch(code, truth, f"example site block {header}:", format="code", framework="pytorch",
                            model=model, inputs=[list(s) for s in inputs])


def test_code_pages(site):
    text = text_of(site, "models-from-code")
    assert "31,030,593" in text and "482,033" in text
    assert "def conv_block" in text  # the model files, shown with the snippets extension
    soup = BeautifulSoup((site / "models-from-code/index.html").read_text(encoding="utf-8"), "html.parser")
    (error,) = soup.select(".cnnsummary-error--expected")
    assert "example_site/models/blocks.py, line 19" in error.get_text(" ")
    unet = BeautifulSoup((site / "questions/unet-up-convolution/index.html").read_text(encoding="utf-8"),
                         "html.parser")
    notices = [n.get_text(" ", strip=True) for n in unet.select(".cnnsummary__notice")]
    assert any("Input(shape=(256, 256, 1))" in n for n in notices)
    assert any("Model(inputs=inputs, outputs=conv10)" in n for n in notices)
    assert "model = Model(input = inputs, output = conv10)" in unet.select_one(".cnnsummary-code__source").get_text()
    lasagne = text_of(site, "questions/lasagne-mnist")
    assert "conv2d1_num_filters=32" in lasagne and "217,706" in lasagne
    denoiser = BeautifulSoup((site / "questions/denoiser-output-size/index.html").read_text(encoding="utf-8"),
                             "html.parser")
    errors = [e.get_text(" ") for e in denoiser.select(".cnnsummary-error--expected")]
    assert any("line 17 of the block" in e for e in errors)
    # every page's labelled regions have labels of their own: the echoed code is named by its block
    regions = [r["aria-label"] for r in denoiser.select(".cnnsummary [role=region][aria-label]")]
    assert "Code of denoiser" in regions and "Code of convmodel3" in regions
    for path in site.rglob("index.html"):
        # (a drawing's compact variant repeats its wide one's label: the stylesheet shows one of the two)
        labels = [r["aria-label"] for r in BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser").select(
            ".cnnsummary [role=region][aria-label]:not([class*=__variant--compact])")]
        assert len(labels) == len(set(labels)), (path, labels)


def test_gallery_pages_fold_blocks_and_runs(site):
    page = site / "gallery/resnet50/index.html"
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    text = " ".join(soup.select_one("article").get_text(" ").split())
    assert "25,636,712" in text and "25,557,032" in text and "79,680" in text
    assert not soup.select(".cnnsummary__notice")  # the biases the page explains are not warned about 53 times
    # names may break after "_" (<wbr>), so their text is read without separators
    heads = [" ".join(h.get_text().split()) for h in soup.select("tr.cnnsummary__row--group-head th")]
    assert "conv2 (stage)" in heads and "layer4 (stage)" in heads
    runs = [" ".join(r.get_text().split()) for r in soup.select("tr.cnnsummary__row--group th")]
    assert "conv4_block2 … conv4_block6 (bottleneck × 5)" in runs
    assert len(soup.select("tr.cnnsummary__row--layer")) == 176 + 175  # every layer is still there
    index = text_of(site, "gallery")
    assert "EfficientNet-B0" in index and "5,288,548" in index

"""Sphinx: the example project built with sphinx-build -W (HTML in parallel, LaTeX, text, epub), every
theme, errors as warnings at page:line, and the docutils tables against the HTML ones."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

pytest.importorskip("sphinx")
pytest.importorskip("myst_parser")

from bs4 import BeautifulSoup

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "example_sphinx"
THEMES = ["alabaster", "furo", "pydata_sphinx_theme", "sphinx_book_theme", "sphinx_rtd_theme"]


def sphinx_build(src: Path, out: Path, builder: str, *args: str, strict: bool = True) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "sphinx", "-b", builder, "-q", "--no-color",
               "-d", str(out.parent / f"{out.name}-doctrees"), *(["-W"] if strict else []), *args, str(src), str(out)]
    return subprocess.run(command, capture_output=True, text=True, timeout=600, cwd=ROOT)


def built(src: Path, out: Path, builder: str, *args: str) -> Path:
    proc = sphinx_build(src, out, builder, *args)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == "", proc.stderr
    return out


@pytest.fixture(scope="module")
def html(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example in furo, read and written by two processes (-j 2: the extension must be parallel-safe)."""
    return built(EXAMPLE, tmp_path_factory.mktemp("html") / "out", "html", "-j", "2")


def page(site: Path, name: str) -> BeautifulSoup:
    return BeautifulSoup((site / name).read_text(encoding="utf-8"), "html.parser")


def totals(soup: BeautifulSoup) -> dict[str, str]:
    """Caption -> "Total params" count of every summary table of a page."""
    out = {}
    for block in soup.select("div.cnnsummary:not(.cnnsummary-error):not(.cnnsummary-code)"):
        total = block.select_one(".cnnsummary__total strong")
        out[block.select_one("caption").get_text(strip=True)] = total.get_text(strip=True)
    return out


def test_html_has_every_block_with_its_numbers(html: Path) -> None:
    assert totals(page(html, "index.html")) == {"A first network": "46,922"}
    assert totals(page(html, "questions/unet.html")) == {"U-Net (256×256×1)": "31,031,685",
                                                         "The question's code": "31,031,685"}
    assert totals(page(html, "questions/denoiser.html")) == {
        "Denoiser with two poolings": "8,001", "Denoiser with three poolings": "12,201",
        "Rounding up, then cropping back to 28×28": "12,201"}  # the question's code is in content tabs
    assert totals(page(html, "syntaxes.html")) == {
        "LeNet-ish": "185,162", "A small PyTorch network": "41,450", "DepthwiseConv2D, then a 1×1 Conv2D": "452",
        "The Lasagne MNIST network": "217,706", "Dense only": "101,770"}
    assert totals(page(html, "restructuredtext.html")) == {
        "U-Net's first up-convolution": "2,097,664", "Parameters with an unknown image size": "448",
        "A residual block": "73,856"}
    assert totals(page(html, "guide.html"))["A frozen convolution and a batch normalization"] == "144,522"


def test_html_shows_options_worked_steps_and_expected_errors(html: Path) -> None:
    syntaxes = page(html, "syntaxes.html")
    lenet = syntaxes.select("div.cnnsummary")[0]
    assert "cnnsummary--worked-table" in lenet["class"]
    assert [th.get_text(strip=True) for th in lenet.select("thead th")] == ["Layer (type)", "Output Shape", "Param #"]
    assert "(5 × 5 × 1 + 1) × 32" in lenet.get_text() and "832" in lenet.get_text()
    pytorch = syntaxes.select("div.cnnsummary")[1]
    assert "cnnsummary--worked-expanded" in pytorch["class"] and pytorch.select("details[open]")
    lasagne = syntaxes.select("div.cnnsummary")[3]
    assert [th.get_text(strip=True) for th in lasagne.select("thead th")] == ["#", "name", "size", "params"]
    assert "32x24x24" in lasagne.get_text()
    (expected,) = syntaxes.select("div.cnnsummary-error--expected")
    assert "did you mean 'filters'" in expected.get_text()
    rst = page(html, "restructuredtext.html")
    assert rst.select("svg [data-layer='conv_a']")  # diagram="below" is drawn
    (rst_expected,) = rst.select("div.cnnsummary-error--expected")
    assert "must be known" in rst_expected.get_text()
    assert page(html, "questions/denoiser.html").select("div.cnnsummary-error--expected")


def test_html_links_the_stylesheet_only_where_a_block_is(html: Path) -> None:
    def linked(name: str) -> bool:
        return any("cnnsummary.css" in link.get("href", "") for link in page(html, name).select("link"))

    assert linked("index.html") and linked("syntaxes.html") and linked("questions/unet.html")
    assert not linked("setup.html") and not linked("genindex.html")
    css = (html / "_static" / "cnnsummary.css").read_text(encoding="utf-8")
    from mkdocs_cnnsummary.render.html import stylesheet

    assert css.startswith(stylesheet())
    assert "--color-background-border" in css and "--pst-color-border" in css  # furo's and pydata's colours


def test_the_layer_reference_is_sections_with_ids_in_the_toc_and_the_search(html: Path) -> None:
    from mkdocs_cnnsummary.render.reference import reference_sections

    keras = page(html, "reference/keras.html")
    sections = [s for s in reference_sections(("keras",)) if s.title is not None]
    shown = {s["id"]: s.find(re.compile("^h[1-6]$")) for s in keras.select("section[id^=ref-keras-]")}
    assert list(shown) == [s.anchor for s in sections]  # one section per family and per layer type, in order
    for section in sections:  # families h2 under the page's h1, layer types h3
        assert (shown[section.anchor].name, shown[section.anchor].contents[0]) == (f"h{section.level}", section.title)
    conv = keras.select_one("section#ref-keras-convolution-layers > section#ref-keras-conv2d")
    rows = [[td.get_text() for td in tr.select("td")] for tr in conv.select("table")[0].select("tbody tr")]
    assert ["kernel_size", "required", "window size"] in rows
    assert "(k_h × k_w × c_in + 1) × filters" in conv.select("table")[1].get_text()
    assert all("docutils" in t["class"] for t in keras.select(".cnnsummary-reference table"))  # the theme styles them
    toc = [a["href"] for a in keras.select(".toc-tree a")]
    assert "#ref-keras-convolution-layers" in toc and "#ref-keras-conv2d" in toc
    assert any("cnnsummary.css" in link.get("href", "") for link in keras.select("link"))
    index = (html / "searchindex.js").read_text(encoding="utf-8")
    assert '"Conv2D":[[' in index and ',"ref-keras-conv2d"]' in index  # a search entry per layer type
    pytorch = page(html, "reference/pytorch.html")
    assert pytorch.select_one("section#ref-pytorch-conv2d h3").contents[0] == "Conv2d"


@pytest.mark.parametrize("theme", THEMES)
def test_every_theme_builds_without_warnings(theme: str, tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    (src / "conf.py").write_text('extensions = ["mkdocs_cnnsummary.sphinx"]\n', encoding="utf-8")
    (src / "index.rst").write_text(textwrap.dedent("""\
        Theme
        =====

        .. cnn:: A first network
           :worked: expanded

           input: [28, 28, 1]
           layers:
             - Conv2D(32, 5)
             - Flatten
             - Dense(10)
        """), encoding="utf-8")
    out = built(src, tmp_path / "out", "html", "-D", f"html_theme={theme}")
    soup = page(out, "index.html")
    assert totals(soup) == {"A first network": "185,162"}
    assert any("cnnsummary.css" in link.get("href", "") for link in soup.select("link"))


def test_latex_gets_real_tables(tmp_path: Path) -> None:
    out = built(EXAMPLE, tmp_path / "out", "latex")
    (tex_file,) = out.glob("*.tex")
    tex = tex_file.read_text(encoding="utf-8")
    assert "DeclareUnicodeCharacter{230A}" in tex  # pdflatex can write ⌊ of the worked steps
    assert "<table" not in tex and "cnnsummary__" not in tex
    assert r"\sphinxcaption{LeNet\sphinxhyphen{}ish}" in tex
    assert r"Total params: \sphinxstylestrong{185,162}" in tex
    assert r"\sphinxcode{\sphinxupquote{(5 × 5 × 1 + 1) × 32}} = \sphinxstylestrong{832}" in tex
    assert r"Total params: \sphinxstylestrong{31,031,685}" in tex
    assert tex.count(r"\sphinxcaption{") >= 15
    assert r"\begin{tabulary}{\linewidth}[t]{RLLR}" in tex  # numbers right-aligned, as in the HTML
    # the layer reference: a heading per family and, a level down, per layer type, with their ids
    label = "\n\\label{\\detokenize{reference/keras:ref-keras-"
    assert "\\subsubsection{Convolution layers}" + label + "convolution-layers}}" in tex
    assert "\\paragraph{Conv2D}" + label + "conv2d}}" in tex
    assert r"\sphinxcaption{Formulas of Conv2D, worked on the example}" in tex


@pytest.mark.skipif(not os.environ.get("CNNSUMMARY_PDF") or not shutil.which("latexmk"),
                    reason="set CNNSUMMARY_PDF=1 and install latexmk and TeX Live to compile the PDF")
def test_the_latex_compiles_to_a_pdf_with_pdflatex(tmp_path: Path) -> None:
    out = built(EXAMPLE, tmp_path / "out", "latex")
    (tex,) = out.glob("*.tex")
    proc = subprocess.run(["latexmk", "-pdf", "-interaction=nonstopmode", "-halt-on-error", tex.name], cwd=out,
                          capture_output=True, text=True, timeout=900)
    log = tex.with_suffix(".log").read_text(encoding="utf-8", errors="replace")
    assert proc.returncode == 0, log[-3000:]
    assert "Missing character" not in log
    text = subprocess.run(["pdftotext", str(tex.with_suffix(".pdf")), "-"], capture_output=True, text=True).stdout
    assert "⌊(28 − 5)/1⌋ + 1 = 24" in text and "Total params: 46,922" in text


def test_text_gets_tables_totals_and_worked_steps(tmp_path: Path) -> None:
    out = built(EXAMPLE, tmp_path / "out", "text")
    text = (out / "index.txt").read_text(encoding="utf-8")
    assert re.search(r'\| 1 \| \*\*conv2d\*\* \*\(Conv2D\)\* +\| "\(None, 24, 24, 32\)" \| 832 +\|', text), text
    assert "Total params: **46,922** (187,688 bytes, 183.29 KB)" in text
    assert 'params = "(k_h × k_w × c_in + 1) × filters" = "(5 × 5 × 1 + 1) × 32" = **832**' in " ".join(text.split())
    lenet = (out / "syntaxes.txt").read_text(encoding="utf-8")  # worked="table": one step per line in the cell
    assert '| output height: "⌊(28 − 5)/1⌋ + 1" = **24** |' in lenet
    assert '| output width: "⌊(28 − 5)/1⌋ + 1" = **24**  |' in lenet
    errors = (out / "restructuredtext.txt").read_text(encoding="utf-8")
    assert "Expected error:" in errors and "5 ▶   - Dense(10)" in errors
    reference = (out / "reference" / "keras.txt").read_text(encoding="utf-8")
    assert "\nConv2D\n------\n" in reference and "\nConvolution layers\n==================\n" in reference
    assert re.search(r'\| "kernel_size" +\| "required" +\| window size +\|', reference), reference[:3000]


def test_epub_gets_docutils_tables_not_our_html(tmp_path: Path) -> None:
    out = built(EXAMPLE, tmp_path / "out", "epub")
    xhtml = (out / "index.xhtml").read_text(encoding="utf-8")
    soup = BeautifulSoup(xhtml, "html.parser")
    assert "<details" not in xhtml and "cnnsummary__table" not in xhtml
    (table,) = soup.select("table.cnnsummary-table")
    assert "46,922" in soup.get_text() and "(None, 24, 24, 32)" in table.get_text()


ERRORS = {
    "conf.py": 'extensions = ["myst_parser", "mkdocs_cnnsummary.sphinx"]\nmyst_fence_as_directive = ["cnn"]\n',
    "index.rst": """\
        Errors
        ======

        .. toctree::

           page

        .. cnn::
           :title: Wrong argument

           input: [28, 28, 1]
           layers:
             - Conv2D: {filters: 8, kernel: 3}

        .. cnn:: Fine

           input: [4]
           layers:
             - Dense: 2

        .. note::

           .. cnn::

              input: [4]
              layers:
                - Dense: {unitz: 2}
        """,
    "page.md": """\
        # Page

        ```cnn title="Expectation"
        input: [28, 28, 1]
        layers:
          - Conv2D: [32, 5]
        expect:
          total_params: 1
        ```

        ```{cnn}
        :title: Option lines first

        input: [4]
        layers:
          - Dense: {unitz: 2}
        ```

        ```{cnn} worked="sideways"
        input: [4]
        layers:
          - Dense: 2
        ```

        - In a list:

          ```cnn
          input: [4]
          layers:
            - Conv2D: 2
          ```
        """,
}


def project(tmp_path: Path, pages: dict[str, str]) -> Path:
    """A Sphinx project of these files (dedented) in ``tmp_path/src``."""
    src = tmp_path / "src"
    src.mkdir()
    for name, text in pages.items():
        (src / name).write_text(textwrap.dedent(text), encoding="utf-8")
    return src


def failed_warnings(src: Path, out: Path) -> list[str]:
    """The warnings of a build with -W --keep-going, which must fail."""
    proc = sphinx_build(src, out, "html", "--keep-going")
    assert proc.returncode != 0
    return sorted(line for line in proc.stderr.splitlines() if "WARNING" in line)


@pytest.fixture
def wrong(tmp_path: Path) -> Path:
    return project(tmp_path, ERRORS)


def test_errors_are_warnings_at_the_spec_line_and_W_fails(wrong: Path, tmp_path: Path) -> None:
    assert failed_warnings(wrong, tmp_path / "out") == [
        f"{wrong / 'index.rst'}:13: WARNING: cnn block: layer 'conv2d' (Conv2D): unknown argument 'kernel'; "
        "did you mean 'kernel_size'? [cnnsummary.block]",
        f"{wrong / 'index.rst'}:27: WARNING: cnn block: layer 'dense' (Dense): unknown argument 'unitz'; "
        "did you mean 'units'? [cnnsummary.block]",
        f"{wrong / 'page.md'}:16: WARNING: cnn block: layer 'dense' (Dense): unknown argument 'unitz'; "
        "did you mean 'units'? [cnnsummary.block]",
        f"{wrong / 'page.md'}:19: WARNING: cnn block: fence header: unknown worked mode 'sideways'; "
        "use one of collapsed, expanded, table, none [cnnsummary.block]",
        f"{wrong / 'page.md'}:30: WARNING: cnn block: layer 'conv2d' (Conv2D): missing required argument "
        "'kernel_size'; for example Conv2D(kernel_size=...) [cnnsummary.block]",
        f"{wrong / 'page.md'}:8: WARNING: cnn block: expect: total_params is 1 but the network computes 832; "
        "correct the network or the expected value [cnnsummary.block]",
    ]


def test_without_W_the_pages_show_the_errors_and_every_other_block(wrong: Path, tmp_path: Path) -> None:
    proc = sphinx_build(wrong, tmp_path / "out", "html", strict=False)
    assert proc.returncode == 0, proc.stderr
    index = page(tmp_path / "out", "index.html")
    box, nested = index.select("div.cnnsummary-error")
    assert "line 3 of the block" in box.get_text() and "kernel_size" in box.get_text()
    assert nested.find_parent(class_="admonition") is not None
    assert totals(index) == {"Fine": "10"}
    assert len(page(tmp_path / "out", "page.html").select("div.cnnsummary-error")) == 4


def test_a_wrong_default_stops_the_build(wrong: Path, tmp_path: Path) -> None:
    proc = sphinx_build(wrong, tmp_path / "out", "html", "-D", "cnnsummary_defaults.worked=sideways", strict=False)
    assert proc.returncode != 0
    assert "cnnsummary_defaults: unknown worked mode 'sideways'" in proc.stderr


def test_files_a_block_read_are_page_dependencies() -> None:
    from mkdocs_cnnsummary.block import BlockResult
    from mkdocs_cnnsummary.sphinx.directive import note_dependencies

    class Env:
        def __init__(self) -> None:
            self.noted: list[str] = []

        def note_dependency(self, path: str) -> None:
            self.noted.append(path)

    env = Env()
    note_dependencies(env, BlockResult("", files=("model.py", "layers/blocks.py")))
    assert env.noted == ["model.py", "layers/blocks.py"]


SPECS = [
    ("input: [28, 28, 1]\nlayers:\n  - Conv2D: [32, 5]\n  - Flatten\n  - Dense: 10\n", {}),
    ("input: [28, 28, 1]\nlayers:\n  - Conv2D: [32, 5]\n  - Flatten\n  - Dense: 10\n", {"worked": "table"}),
    ("framework: pytorch\ninput: [3, 32, 32]\nlayers:\n  - Conv2d(3, 16, 3, padding=1)\n  - BatchNorm2d(16)\n",
     {"columns": ("index", "layer", "output_shape", "params", "trainable", "non_trainable", "buffers")}),
    ("input: [32, 32, 3]\nlayers:\n  - Conv2D(16, 3, padding='same', name='a')\n  - name: b\n    Conv2D: [8, 1]\n"
     "    inputs: a\n  - name: c\n    Concatenate: {}\n    inputs: [a, b]\n", {"style": "torchinfo"}),
    ("framework: lasagne\ninput: [1, 28, 28]\nlayers:\n  - Conv2DLayer: {num_filters: 32, filter_size: 5}\n", {}),
]


@pytest.mark.parametrize(("spec", "options"), SPECS)
def test_docutils_tables_hold_what_the_html_tables_hold(spec: str, options: dict) -> None:
    from docutils import nodes

    from mkdocs_cnnsummary import summarize
    from mkdocs_cnnsummary.render import doctree
    from mkdocs_cnnsummary.render.html import render

    def words(text: str) -> str:  # the text of a cell; cells of docutils write "quantity: calculation"
        return " ".join(text.replace(": ", " ").split())

    summary = summarize(spec)
    soup = BeautifulSoup(render(summary, **options), "html.parser")
    for hint in soup.select("wbr, tbody .cnnsummary__hidden"):  # break opportunities, words for screen readers
        hint.decompose()
    soup.smooth()
    html_rows = [[words(cell.get_text(" ")) for cell in row.select("th, td")]
                 for row in soup.select("tr") if "cnnsummary__worked-row" not in row.get("class", [])]
    (container,) = doctree.render(summary, **options)
    table = next(container.findall(nodes.table))
    doc_rows = [[words(" ".join(p.astext() for p in entry.findall(nodes.paragraph))) for entry in row.children]
                for row in table.findall(nodes.row)]
    assert doc_rows == html_rows
    assert table.next_node(nodes.title).astext() == soup.select_one("caption").get_text()
    html_totals = [words(p.get_text(" ")) for p in soup.select(".cnnsummary__total")]
    doc_totals = [words(p.astext()) for p in container.findall(nodes.paragraph)
                  if "cnnsummary-total" in p["classes"]]
    assert doc_totals == html_totals


REFERENCE_PAGES = {
    "conf.py": 'extensions = ["mkdocs_cnnsummary.sphinx"]\n',
    "index.rst": """\
        Reference
        =========

        .. toctree::

           both

        .. cnn-reference::
           :framework: lasagne

        .. cnn-reference:: lasagne

        .. cnn-reference:: framework="caffe"
        """,
    "both.rst": """\
        Two frameworks
        ==============

        .. cnn-reference:: lasagne, keras
        """,
}


def test_the_reference_directive_in_restructuredtext_and_its_errors(tmp_path: Path) -> None:
    src = project(tmp_path, REFERENCE_PAGES)
    assert failed_warnings(src, tmp_path / "out") == [  # -W: a wrong reference fails the build
        f"{src / 'index.rst'}:11: WARNING: cnn block: cnn-reference: the lasagne reference is already on this "
        "page (line 8); show each framework's reference once [cnnsummary.block]",
        f"{src / 'index.rst'}:13: WARNING: cnn block: cnn-reference: unknown framework 'caffe'; use one of "
        "keras, pytorch, lasagne [cnnsummary.block]",
    ]
    index = page(tmp_path / "out", "index.html")
    assert len(index.select("div.cnnsummary-error")) == 2  # the page shows both boxes and the reference
    assert index.select_one("section#ref-lasagne-convolution-layers > section#ref-lasagne-conv2dlayer h3")
    both = page(tmp_path / "out", "both.html")  # with several frameworks, a level more: the frameworks first
    assert [s["id"] for s in both.select("section#two-frameworks > section")] == ["ref-lasagne", "ref-keras"]
    assert both.select_one("section#ref-keras > section#ref-keras-convolution-layers > section#ref-keras-conv2d h4")

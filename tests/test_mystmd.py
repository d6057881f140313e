"""mystmd / Jupyter Book 2: the cnnsummary-myst executable plugin, through the JSON it exchanges with mystmd,
and (when mystmd is installed) a small book built with it."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

from mkdocs_cnnsummary.block import OPTION_NAMES

PLUGIN = [sys.executable, "-m", "mkdocs_cnnsummary.mystmd"]

#: what mystmd sends for a ```{cnn} directive (trimmed from a real exchange): the fence is on line 13
#: of the page, its options on lines 14-15, the body from line 16 on
DIRECTIVE = {
    "name": "cnn",
    "arg": 'title="LeNet-ish" worked="expanded"',
    "options": {"columns": "layer output_shape params", "expect_error": True},
    "body": "input: [28, 28, 1]\nlayers:\n  - Conv2D: [32, 5]\n  - Flatten\n  - Dense: 10",
    "node": {
        "type": "mystDirective", "name": "cnn", "position": {"start": {"line": 13, "column": 1},
                                                             "end": {"line": 22, "column": 1}},
        "children": [
            {"type": "mystDirectiveArg", "value": 'title="LeNet-ish" worked="expanded"',
             "position": {"start": {"line": 13, "column": 1}, "end": {"line": 12, "column": 1}}},
            {"type": "mystOption", "name": "columns", "position": {"start": {"line": 14, "column": 1}}},
            {"type": "mystOption", "name": "expect_error", "position": {"start": {"line": 15, "column": 1}}},
            {"type": "mystDirectiveBody", "position": {"start": {"line": 16, "column": 1},
                                                       "end": {"line": 15, "column": 1}}},
        ],
    },
}


def run(*args: str, data: Any = None, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([*PLUGIN, *args], input=None if data is None else json.dumps(data), capture_output=True,
                          text=True, timeout=60, env={**os.environ, **(env or {})})


def walk(node: Any):
    if isinstance(node, dict):
        yield node
        for child in node.get("children", ()):
            yield from walk(child)
    elif isinstance(node, list):
        for child in node:
            yield from walk(child)


def text_of(node: Any) -> str:
    return "".join(n.get("value", "") for n in walk(node) if n.get("type") in ("text", "inlineCode"))


def rows(nodes: list[dict]) -> list[list[str]]:
    (table,) = [n for n in walk(nodes) if n["type"] == "table"]
    return [[text_of(cell) for cell in row["children"]] for row in table["children"]]


def test_without_arguments_it_prints_its_spec() -> None:
    proc = run()
    assert proc.returncode == 0, proc.stderr
    spec = json.loads(proc.stdout)
    (directive,) = spec["directives"]
    assert directive["name"] == "cnn"
    assert set(directive["options"]) == set(OPTION_NAMES)
    assert all(option["type"] == "string" for option in directive["options"].values())
    assert directive["body"] == {"type": "string", "required": True, "doc": "The network spec."}
    assert directive["arg"]["type"] == "string"
    assert [t["name"] for t in spec["transforms"]] == ["cnn-fences"]


def test_a_directive_becomes_a_table_with_totals_and_worked_steps() -> None:
    data = {**DIRECTIVE, "options": {"columns": "index layer output_shape params"}}
    proc = run("--directive", "cnn", data=data)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""
    nodes = json.loads(proc.stdout)
    container = nodes[0]
    assert container["type"] == "container" and container["kind"] == "table"
    assert text_of(container["children"][0]) == "LeNet-ish"
    assert rows(nodes) == [
        ["#", "Layer (type)", "Output Shape", "Param #"],
        ["0", "input (InputLayer)", "(None, 28, 28, 1)", "0"],
        ["1", "conv2d (Conv2D)", "(None, 24, 24, 32)", "832"],
        ["2", "flatten (Flatten)", "(None, 18432)", "0"],
        ["3", "dense (Dense) ⚠", "(None, 10)", "184,330"],  # the dominant_layer warning
    ]
    header = [n for n in walk(nodes) if n["type"] == "tableCell" and n.get("header")]
    assert [cell.get("align") for cell in header] == ["right", None, None, "right"]
    assert text_of(nodes[1]) == "Total params: 185,162 (740,648 bytes, 723.29 KB)"
    worked = nodes[-1]
    assert worked["type"] == "admonition" and "dropdown" not in worked["class"]  # expanded: open
    assert "params = (k_h × k_w × c_in + 1) × filters = (5 × 5 × 1 + 1) × 32 = 832" in [
        text_of(item) for item in walk(worked) if item["type"] == "paragraph"]


def test_expect_error_on_a_network_that_computes_is_reported_with_the_page_line() -> None:
    proc = run("--directive", "cnn", data=DIRECTIVE)
    assert proc.returncode == 0
    assert proc.stderr.strip() == "line 15: cnn block: expect_error: the network was expected to fail but computes " \
                                  "185,162 parameters"


def test_a_wrong_spec_becomes_an_error_admonition_and_a_message_with_the_page_line() -> None:
    data = {**DIRECTIVE, "options": None, "arg": "",
            "body": "input: [28, 28, 1]\nlayers:\n  - Conv2D: [32, 5]\n  - Dense: {unitz: 3}"}
    proc = run("--directive", "cnn", data=data)
    assert proc.returncode == 0
    assert proc.stderr.strip() == "line 19: cnn block: layer 'dense' (Dense): unknown argument 'unitz'; " \
                                  "did you mean 'units'?"
    (box,) = json.loads(proc.stdout)
    assert box["type"] == "admonition" and box["kind"] == "error"
    assert text_of(box["children"][0]) == "Error"
    assert "Line 4 of the block, layer 'dense' (Dense): unknown argument 'unitz'" in text_of(box)
    (code,) = [n for n in walk(box) if n["type"] == "code"]
    assert code["emphasizeLines"] == [4] and code["value"].endswith("- Dense: {unitz: 3}")


def test_strict_mode_fails_the_block() -> None:
    data = {**DIRECTIVE, "options": None, "body": "input: [4]\nlayers:\n  - Dense: {unitz: 3}"}
    proc = run("--directive", "cnn", data=data, env={"CNNSUMMARY_STRICT": "1"})
    assert proc.returncode == 1 and proc.stdout == ""
    assert "line 18: cnn block: layer 'dense' (Dense): unknown argument 'unitz'" in proc.stderr


def test_the_transform_replaces_cnn_code_blocks_anywhere_in_the_page() -> None:
    fence = {"type": "code", "lang": "cnn", "value": "input: [4]\nlayers:\n  - Dense: 2",
             "position": {"start": {"line": 7, "column": 3}}}
    other = {"type": "code", "lang": "python", "value": "print(1)"}
    tree = {"type": "root", "children": [
        {"type": "paragraph", "children": [{"type": "text", "value": "Before"}]},
        other,
        {"type": "list", "children": [{"type": "listItem", "children": [fence]}]},
    ]}
    proc = run("--transform", "cnn-fences", data=tree)  # no page has this fence: the default options
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert out["children"][:2] == tree["children"][:2]
    item = out["children"][2]["children"][0]["children"]
    assert item[0]["type"] == "container"
    assert text_of(item[0]["children"][0]) == "Keras network: 1 layer, 10 parameters, (None, 4) → (None, 2)"
    assert rows(item)[-1] == ["1", "dense (Dense)", "(None, 2)", "10"]
    assert not [n for n in walk(out) if n.get("lang") == "cnn"]


def test_the_transform_reads_the_fence_header_from_the_page(tmp_path: Path) -> None:
    """mystmd keeps only a fence's language: the header comes from the Markdown file with that fence on that line."""
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "page.md").write_text(
        "# Page\n\n```cnn title=\"From the page\" expect_error=\"unknown argument\"\ninput: [4]\nlayers:\n"
        "  - Dense: {unitz: 2}\n```\n", encoding="utf-8")
    (tmp_path / "other.md").write_text("# Other\n\n```cnn\ninput: [8]\nlayers:\n  - Dense: 2\n```\n",
                                       encoding="utf-8")
    fence = {"type": "code", "lang": "cnn", "value": "input: [4]\nlayers:\n  - Dense: {unitz: 2}",
             "position": {"start": {"line": 3, "column": 1}}}
    tree = {"type": "root", "children": [fence]}
    proc = subprocess.run([*PLUGIN, "--transform", "cnn-fences"], input=json.dumps(tree), capture_output=True,
                          text=True, timeout=60, cwd=tmp_path)
    assert proc.returncode == 0 and proc.stderr == ""  # the expected error is no problem
    (box,) = json.loads(proc.stdout)["children"]
    assert box["kind"] == "note" and text_of(box["children"][0]) == "Expected error"
    assert "From the page" in text_of(box)


def test_unknown_names_and_unreadable_input_are_usage_errors() -> None:
    assert run("--directive", "other", data={}).returncode == 2
    assert run("--role", "cnn", data={}).returncode == 2
    proc = subprocess.run([*PLUGIN, "--directive", "cnn"], input="not json", capture_output=True, text=True,
                          timeout=60)
    assert proc.returncode == 2 and "cannot read the input" in proc.stderr


# ------------------------------------------------------------------ a real book, when mystmd is installed

def myst() -> str | None:
    beside = Path(sys.executable).parent / "myst"
    return str(beside) if beside.exists() else shutil.which("myst")


PAGE = """\
---
exports:
  - format: tex
    template: null
    output: exports/index.tex
---
# A book

```{cnn} title="The directive" worked="expanded"
input: [28, 28, 1]
layers:
  - Conv2D: [32, 5]
  - Flatten
  - Dense: 10
```

- A fence written as on MkDocs pages, in a list:

  ```cnn title="The fence" worked="table"
  input: [784]
  layers:
    - Dense(128)
    - Dense(10)
  ```
"""


@pytest.fixture
def book(tmp_path: Path) -> Path:
    if myst() is None:
        pytest.skip("mystmd is not installed (pip install mystmd)")
    plugin = Path(sys.executable).parent / "cnnsummary-myst"
    if not plugin.exists():  # running from a source tree: a script with this interpreter
        plugin = tmp_path / "cnnsummary-myst"
        plugin.write_text(f"#!{sys.executable}\nfrom mkdocs_cnnsummary.mystmd import main\nraise SystemExit(main())\n",
                          encoding="utf-8")
        plugin.chmod(0o755)
    (tmp_path / "book").mkdir()
    (tmp_path / "book" / "myst.yml").write_text(textwrap.dedent(f"""\
        version: 1
        project:
          title: A book
          plugins:
            - type: executable
              path: {plugin}
          toc:
            - file: index.md
        site:
          template: book-theme
        """), encoding="utf-8")
    (tmp_path / "book" / "index.md").write_text(PAGE, encoding="utf-8")
    return tmp_path / "book"


def build(book: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    environment = {**os.environ, "NO_UPDATE_NOTIFIER": "1", **(env or {})}
    return subprocess.run([myst(), "build", *args], cwd=book, capture_output=True, text=True, timeout=300,
                          env=environment)


def test_a_book_exports_real_tables(book: Path) -> None:
    proc = build(book, "--tex")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "cnnsummary" in proc.stdout and "loaded: 1 directive" in proc.stdout  # the plugin was found
    assert "Unhandled" not in proc.stdout + proc.stderr
    tex = (book / "exports" / "index.tex").read_text(encoding="utf-8")
    assert tex.count(r"\begin{tabular}") == 2
    assert r"\caption*{The directive}" in tex and r"\caption*{The fence}" in tex
    assert r"1 & \textbf{conv2d} \textit{(Conv2D)} & \texttt{(None, 24, 24, 32)} & 832 \\" in tex
    assert r"Total params: \textbf{185,162}" in tex and r"Total params: \textbf{101,770}" in tex
    assert r"\textbf{Worked calculations}" in tex


def test_a_wrong_block_stops_a_strict_site_build(book: Path) -> None:
    page = (book / "index.md").read_text(encoding="utf-8")
    (book / "index.md").write_text(page.replace("Conv2D: [32, 5]", "Conv2D: {filters: 32, kernel: 5}"),
                                   encoding="utf-8")
    proc = build(book, "--site", "--strict", env={"CNNSUMMARY_STRICT": "1"})
    assert proc.returncode == 1
    output = proc.stdout + proc.stderr
    assert "index.md Error reading file" in output
    assert "line 12: cnn block: layer 'conv2d' (Conv2D): unknown argument 'kernel'" in output

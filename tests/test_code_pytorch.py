"""PyTorch code in blocks, files and the command line: what the table shows and how a page uses it.

The numbers themselves are checked against real PyTorch by the comparison suites (random programs, the
corpus, torchvision's files); here: shared modules counted once with the later rows saying where,
functional operations as rows, qualified names and the module tree, ``input=``/``inputs=``/``--input``
for a ``forward()`` of several tensors, ``source=`` following the project's imports, ``expect:``, errors
on the file and line, ``depth=`` folding in HTML and the ``--to-spec`` round trip.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from test_code_blocks import convert

from mkdocs_cnnsummary import SpecError, summarize
from mkdocs_cnnsummary.cli import main
from mkdocs_cnnsummary.code import read_code
from mkdocs_cnnsummary.code.to_spec import to_yaml

ROOT = Path(__file__).resolve().parents[1]
MODELS = ROOT / "example_site" / "models"

SIAMESE = """\
import torch
import torch.nn as nn
import torch.nn.functional as F


class Encoder(nn.Module):
    def __init__(self, dim=64):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 16, 5)
        self.conv2 = nn.Conv2d(16, 32, 5)
        self.proj = nn.Linear(32 * 4 * 4, dim)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        return self.proj(x.view(x.size(0), -1))


class Siamese(nn.Module):
    def __init__(self):
        super().__init__()
        self.encoder = Encoder()
        self.scale = nn.Parameter(torch.ones(1))
        self.head = nn.Linear(2 * 64, 1)

    def forward(self, a, b):
        ea, eb = self.encoder(a), self.encoder(b)
        both = torch.cat([torch.abs(ea - eb), ea * eb], dim=1)
        return torch.sigmoid(self.head(both) * self.scale)
"""
#: sum(p.numel() for p in Siamese().parameters()), as PyTorch 2.13 counts it (conv1 416, conv2 12,832, proj
#: 32,832, head 129, scale 1); the encoder's second call adds nothing
SIAMESE_PARAMS = 46210


def siamese(**kwargs):
    return summarize(SIAMESE, format="code", model="Siamese()", inputs=[[1, 28, 28], [1, 28, 28]], **kwargs)


def project(tmp_path: Path) -> Path:
    """The example site's ResNet (models/resnet.py importing models/residual.py) in a project of its own."""
    shutil.copytree(MODELS, tmp_path / "models")
    return tmp_path


# what the table shows ------------------------------------------------------------------------------------------


def test_a_shared_module_is_counted_once_and_its_later_rows_say_where() -> None:
    rows = siamese().to_dict()["layers"]
    first, again = [r for r in rows if r["name"] == "encoder"]
    assert (first["params"], again["params"], again["call"]) == (46080, 0, 2)
    assert "call" not in first
    assert any("counted in the row of its first call" in s.get("note", "") and "encoder" in s["note"]
               for s in again["calculation"])
    proj = [r for r in rows if r["name"] == "encoder.proj"]
    assert [r["params"] for r in proj] == [32832, 0] and [r.get("call") for r in proj] == [None, 2]
    assert sum(r["params"] for r in rows if r.get("parent") is None) == SIAMESE_PARAMS
    assert siamese().total_params == SIAMESE_PARAMS


def test_functional_operations_are_rows_named_as_torch_fx_names_them() -> None:
    rows = {r["name"]: r for r in siamese().to_dict()["layers"]}
    # torch.fx's names: F.relu -> relu, relu_1 ...; torch.abs -> abs_1 (abs is a builtin); a second * -> mul_1
    for name, parent, shape in [("relu", "encoder", [None, 16, 24, 24]), ("max_pool2d_1", "encoder", [None, 32, 4, 4]),
                                ("view", "encoder", [None, 512]), ("sub", None, [None, 64]),
                                ("abs_1", None, [None, 64]), ("mul", None, [None, 64]), ("cat", None, [None, 128]),
                                ("mul_1", None, [None, 1]), ("sigmoid", None, [None, 1])]:
        assert rows[name]["params"] == 0 and rows[name].get("parent") == parent, name
        assert rows[name]["output_shape"] == shape, name
    assert rows["cat"]["inputs"] == ["abs_1", "mul"]


def test_qualified_names_and_the_module_tree() -> None:
    summary = summarize((MODELS / "resnet.py").read_text(), format="code", model="resnet20()",
                        inputs=[[3, 32, 32]], path=str(MODELS / "resnet.py"))
    rows = {r.name: r for r in summary.layers}
    down = rows["layer2.0.downsample.0"]
    assert (down.type, down.parent, down.depth, down.params) == ("Conv2d", "layer2.0.downsample", 3, 512)
    assert (rows["layer2.0"].type, rows["layer2.0"].parent, rows["layer2.0"].depth) == ("BasicBlock", "layer2", 1)
    assert "layer2.1.downsample" not in rows  # if self.downsample is None: followed as Python follows it
    assert rows["layer2"].params == sum(r.params for r in summary.layers if r.parent == "layer2")
    from mkdocs_cnnsummary.render.torchinfo import render_torchinfo

    text = render_torchinfo(summary)
    assert "│    │    ├─Sequential (downsample): 3-6" in text and "│    │    │    ├─Conv2d (0): 4-1" in text
    assert "Total params: 272,474" in text and "Buffers: 1,589" in text


# inputs, model=, the command line ------------------------------------------------------------------------------


def test_forward_of_two_tensors_takes_two_input_shapes(tmp_path: Path, capsys) -> None:
    path = tmp_path / "siamese.py"
    path.write_text(SIAMESE)
    args = [str(path), "--model", "Siamese()", "-f", "json"]
    assert main([*args, "--input", "[1, 28, 28]", "--input", "[1, 28, 28]"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["total_params"] == SIAMESE_PARAMS and [i["name"] for i in out["inputs"]] == ["a", "b"]
    assert main([*args, "--input", "[1, 28, 28]"]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"{path}:26: Siamese.forward(self, a, b) takes 2 inputs, but 1 input shape was given")
    assert "--input once per input" in err
    assert main(args) == 1
    assert capsys.readouterr().err.startswith(f"{path}:26: the input shape of Siamese is not known")


def test_input_and_inputs_fence_options() -> None:
    one = "```cnn input=\"[1, 28, 28]\" model=\"Encoder()\"\n" + SIAMESE + "```\n"
    two = "```cnn inputs=\"[[1, 28, 28], [1, 28, 28]]\" model=\"Siamese()\"\n" + SIAMESE + "```\n"
    both = "```cnn input=\"[1, 28, 28]\" inputs=\"[[1, 28, 28]]\"\n" + SIAMESE + "```\n"
    soup, problems = convert(f"{one}\n{two}\n{both}")
    totals = [t.get_text() for t in soup.select(".cnnsummary__totals")]
    assert "46,080" in totals[0] and "46,210" in totals[1]
    (message, _), = problems
    assert "give input= or inputs=, not both" in message


def test_model_picks_a_class_a_builder_or_a_variable() -> None:
    text = (MODELS / "resnet.py").read_text()
    path = str(MODELS / "resnet.py")
    for model in ("resnet20()", "ResNet(BasicBlock, [3, 3, 3])", "ResNet(BasicBlock, num_blocks=[3, 3, 3])"):
        assert summarize(text, format="code", model=model, inputs=[[3, 32, 32]], path=path).total_params == 272474
    assert summarize(text + "\nnet = resnet20(num_classes=100)\n", format="code", model="net", inputs=[[3, 32, 32]],
                     path=path).total_params == 272474 + 90 * 65


# pages: source=, expect:, errors, folding ----------------------------------------------------------------------


def test_source_follows_the_project_import_and_expect_holds(tmp_path: Path) -> None:
    base = project(tmp_path)
    soup, problems = convert("""
        ```cnn source="models/resnet.py" model="resnet20()" input="[3, 32, 32]"
        expect:
          total_params: 272474
          total_buffers: 1589
          layer3.0.downsample.0: {output_shape: [null, 64, 8, 8], params: 2048, buffers: 0}
          layer3.0.downsample.1: {buffers: 129}
        ```

        ```cnn source="models/resnet.py" model="resnet20()" input="[3, 32, 32]"
        expect:
          total_params: 272474
          layer1.0.conv1: {params: 2305}
        ```
    """, base_dir=str(base))
    assert problems == [("layer 'layer1.0.conv1' (Conv2d): expect: params is 2,305 but the network computes 2,304; "
                         "correct the network or the expected value", 13)]
    assert "272,474" in soup.select(".cnnsummary__totals")[0].get_text()


def test_expect_names_a_shared_module_by_its_first_call() -> None:
    _, problems = convert("```cnn model=\"Siamese()\" inputs=\"[[1, 28, 28], [1, 28, 28]]\"\n" + SIAMESE +
                          "---\nexpect:\n  encoder: {params: 46080}\n  total_params: 46210\n```\n")
    assert problems == []


def test_errors_in_a_project_file_name_the_file_and_line(tmp_path: Path) -> None:
    base = project(tmp_path)
    residual = base / "models" / "residual.py"
    text = residual.read_text()
    residual.write_text(text.replace("nn.Conv2d(planes, planes, kernel_size=3", "nn.Conv2d(planes + 1, planes, "
                                                                              "kernel_size=3"))
    line = 1 + text.splitlines().index("        out = self.bn2(self.conv2(out))")
    soup, problems = convert(f"""
        ```cnn source="models/resnet.py" model="resnet20()" input="[3, 32, 32]"
        ```

        ```cnn source="models/resnet.py" model="resnet20()" input="[3, 32, 32]" expect_error="models/residual.py:{line}"
        ```
    """, base_dir=str(base))
    (message, at), = problems
    assert message.startswith(f"models/residual.py:{line}: layer 'layer1.0.conv2' (Conv2d):") and at == 2
    assert "set in_channels=16" in message
    box = soup.select(".cnnsummary-error")[0]
    assert f"models/residual.py, line {line}" in box.get_text()
    assert "class BasicBlock" in box.select_one("pre").get_text()  # the file with the error, line marked


def test_module_rows_fold_below_depth() -> None:
    def folds(header: str, **config) -> dict[str, bool]:
        soup, problems = convert(f"```cnn source=\"example_site/models/resnet.py\" model=\"resnet20()\" "
                                 f"input=\"[3, 32, 32]\" {header}\n```\n", base_dir=str(ROOT), **config)
        assert problems == []
        out = {}
        for row in soup.select("tr[data-fold]"):
            name = row.select_one("th").get_text(" ", strip=True).split(" ")[0]
            out[name] = row.select_one("details.cnnsummary__fold").has_attr("open")
        return out

    default = folds("")
    assert default["layer2"] and default["layer2.0"] and not default["layer2.0.downsample"]  # torchinfo's depth 3
    shallow = folds('depth="1"')
    assert not shallow["layer2"] and not shallow["layer2.0"]
    assert all(folds('depth="9"').values())
    assert folds("", depth="1") == shallow and folds('depth="3"', depth="1") == default  # the setting, the fence
    assert set(default) == set(shallow) >= {"stem", "layer1", "layer2", "layer3", "layer2.0.downsample"}


# the spec a reading gives ---------------------------------------------------------------------------------------


def _round_trip(text: str, **kwargs) -> None:
    reading = read_code(text, **{k: v for k, v in kwargs.items() if k != "format"})
    spec = to_yaml(reading.network)
    ours, theirs = summarize(text, **kwargs).to_dict(), summarize(spec).to_dict()
    ours.pop("warnings")
    theirs.pop("warnings")
    assert ours == theirs, spec


def _samples() -> list[tuple[str, str, dict]]:
    from torch_corpus import selected
    from torch_programs import random_program
    from torchvision_models import MODELS as TORCHVISION

    out = [(e.id, e.text(), e.summarize_kwargs()) for e in selected() if not e.refused]
    out += [(m.builder, m.text(), {"format": "code", "framework": "pytorch", "model": m.expression,
                                   "inputs": [list(s) for s in m.inputs], "path": str(m.path())})
            for m in TORCHVISION]
    out += [(f"random {seed}", p.text, p.summarize_kwargs()) for seed in range(30) if (p := random_program(seed))]
    out.append(("siamese", SIAMESE, {"format": "code", "model": "Siamese()", "inputs": [[1, 28, 28], [1, 28, 28]]}))
    return out


@pytest.mark.parametrize("sample", _samples(), ids=lambda s: s[0])
def test_pytorch_code_round_trips_through_its_spec(sample) -> None:
    """--to-spec of PyTorch code (modules holding networks, further calls, tied and owned tensors, operations)
    summarises to the code's own JSON: what forward() does is writable in the spec format."""
    _, text, kwargs = sample
    _round_trip(text, **kwargs)


def test_refused_model_names_the_line_and_the_change() -> None:
    from torch_corpus import entries

    entry, = [e for e in entries() if e.refused]
    with pytest.raises(SpecError) as info:
        summarize(entry.text(), **entry.summarize_kwargs())
    assert info.value.line == 33 and "expected an integer, got 44.0" in str(info.value)
    assert info.value.file is not None and info.value.file.endswith(entry.file)


def test_diagram_boxes_count_each_tensor_once() -> None:
    """A module called twice is two boxes (the second named ``encoder@1``, as later rows take its output), and a
    box that holds rows counts its own row's tensors: the boxes add up to the model's total."""
    from mkdocs_cnnsummary.render.diagram.graph import build_graph
    from mkdocs_cnnsummary.render.svg import render_svg

    graph = build_graph(siamese(), fold=False)
    boxes = {n.key: n for n in graph.nodes}
    assert (boxes["encoder"].params, boxes["encoder@1"].params) == (46080, 0)
    assert {e.src for e in graph.edges if e.dst == "sub"} == {"encoder", "encoder@1"}
    assert sum(n.params for n in graph.nodes) == SIAMESE_PARAMS
    assert "encoder (Encoder): output 64, 46,080 params" in render_svg(siamese())
    keras = summarize("import keras\nfrom keras import layers\n"
                      "inner = keras.Sequential([layers.Dense(4), layers.Dense(2)], name='inner')\n"
                      "a = keras.Input((3,))\nmodel = keras.Model(a, inner(layers.Dense(3)(a)))\n", format="code")
    assert {n.key: n.params for n in build_graph(keras, fold=False).nodes}["inner"] == 16 + 10


def test_text_table_of_a_model_whose_output_is_a_second_call(tmp_path, capsys) -> None:
    """The output is the second call of a shared module (``fc@1``): the torchinfo table shows its shape."""
    path = tmp_path / "net.py"
    path.write_text(
        "from torch import nn\n"
        "class Net(nn.Module):\n"
        "    def __init__(self):\n"
        "        super().__init__()\n"
        "        self.fc = nn.Linear(4, 3)\n"
        "        self.back = nn.Linear(3, 4)\n"
        "    def forward(self, x):\n"
        "        return self.fc(self.back(self.fc(x)))\n"
    )
    assert main([str(path), "--model", "Net()", "--input", "[4]"]) == 0
    out = capsys.readouterr().out
    root = next(line for line in out.splitlines() if line.startswith("Net "))
    assert "[None, 3]" in root
    torch_nn = pytest.importorskip("torch.nn")
    modules = torch_nn.Linear(4, 3), torch_nn.Linear(3, 4)
    assert f"Total params: {sum(p.numel() for m in modules for p in m.parameters())}" in out


def test_text_table_names_functional_operations_as_the_html_table_does() -> None:
    """Each operation (``F.relu`` -> ``relu_1``, ``abs_1``, ``mul_1``) shows its torch.fx name in torchinfo's text as
    in the HTML table, after its type as torchinfo writes a module's own name (``├─ReLU (relu_1): 2-5``); a name
    that is its type (``mul``) is not repeated.  Modules keep their own names (``Conv2d (conv1)``)."""
    from bs4 import BeautifulSoup

    from mkdocs_cnnsummary.render.html import render_summary
    from mkdocs_cnnsummary.render.torchinfo import render_torchinfo

    summary = siamese()
    text = render_torchinfo(summary)
    soup = BeautifulSoup(render_summary(summary, fold="none", depth=99), "html.parser")
    html_names = [span.get_text().replace("\u200b", "") for span in soup.select("tbody .cnnsummary__name")]
    operations = [rec for rec in summary.layers if rec.operation]
    assert len(operations) == 16 and {"relu_1", "abs_1", "mul_1"} <= {rec.name for rec in operations}
    for rec in operations:
        assert rec.name in html_names, rec.name
        shown = f"─{rec.type}: " if rec.name == rec.type else f"─{rec.type} ({rec.name}): "
        assert shown in text, (rec.name, text)
    assert "─Conv2d (conv1): 2-1" in text and "─Linear (head): 1-8" in text

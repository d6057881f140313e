"""The PyTorch ground truth on its own: the runner on models whose rows are known, and the comparison.

No code reader is needed: these tests check what ``torch_truth`` reports (calls, shapes, counts of
shared and tied tensors, lazy modules, functional operations, failures, timeouts, the meta-to-CPU
fallback, isolation between programs) and that ``torch_compare`` accepts a summary made exactly
from the truth and names each way a wrong one differs.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from torch_compare import differences, row_order, shown_shape, truth_table
from torch_corpus import ROOT, Entry, entries, selected
from torch_programs import random_program
from torch_truth import LONG, Job, run, run_many
from torchvision_models import MODELS, Model

from mkdocs_cnnsummary.engine.summary import InputRecord, LayerRecord, Summary, Weight

HERE = Path(__file__).parent

RESIDUAL = '''
import torch
import torch.nn as nn
import torch.nn.functional as F
from collections import OrderedDict


class Base(nn.Module):
    expansion = 2

    def __init__(self):
        super().__init__()


class Block(Base):
    def __init__(self, c):
        super().__init__()
        self.conv = nn.Conv2d(c, c * self.expansion, 3, padding=1, bias=False)
        self.bn = nn.BatchNorm2d(c * self.expansion)
        self.downsample = None if self.expansion == 1 else nn.Conv2d(c, c * self.expansion, 1)

    def forward(self, x):
        identity = x
        out = F.relu(self.bn(self.conv(x)))
        if self.downsample is not None:
            identity = self.downsample(x)
        return out + identity


class Net(nn.Module):
    def __init__(self, classes=10):
        super().__init__()
        self.stem = nn.Sequential(OrderedDict([("conv", nn.Conv2d(3, 4, 3)), ("act", nn.ReLU())]))
        self.block = Block(4)
        self.heads = nn.ModuleList([nn.LazyLinear(classes) for _ in range(2)])
        self.token = nn.Parameter(torch.zeros(1, 8, 1, 1))
        self.tied = nn.Linear(classes, classes)
        self.tied2 = nn.Linear(classes, classes)
        self.tied2.weight = self.tied.weight

    def forward(self, x):
        x = self.stem(x)
        x = self.block(x)
        x = x + self.token
        a, b = torch.chunk(x, 2, dim=1)
        x = torch.cat([b, a], 1).flatten(1)
        y = self.heads[0](x) + self.heads[1](x)
        return self.tied2(self.tied(y))
'''


@pytest.fixture(scope="module")
def residual() -> dict:
    truth = run(Job(RESIDUAL, "Net()", ((3, 10, 10),)))
    assert truth["ok"], truth
    return truth


def _modules(truth: dict) -> dict[str, dict]:
    return {m["name"]: m for m in truth["modules"]}


def test_calls_shapes_and_tree(residual):
    m = _modules(residual)
    assert residual["device"] == "meta"
    assert residual["order"] == ["stem", "stem.conv", "stem.act", "block", "block.conv", "block.bn",
                                 "block.downsample", "heads.0", "heads.1", "tied", "tied2"]
    assert m["stem.conv"]["calls"] == [{"shapes": [[None, 4, 8, 8]], "single": True}]
    assert m["block"]["calls"][0]["shapes"] == [[None, 8, 8, 8]]
    assert m["heads.0"]["calls"][0]["shapes"] == [[None, 10]]
    assert m["heads"]["calls"] == [] and m["heads"]["type"] == "ModuleList"
    assert (m["block.bn"]["parent"], m["block.bn"]["depth"], m["block"]["depth"]) == ("block", 1, 0)
    assert m["block"]["leaf"] is False and m["block.conv"]["leaf"] is True
    # a lazy module is LazyLinear when built and Linear once its first call gave it its size
    assert (m["heads.0"]["declared_type"], m["heads.0"]["type"]) == ("LazyLinear", "Linear")


def test_counts_shared_tied_and_direct_parameters(residual):
    m = _modules(residual)
    conv = 3 * 4 * 9 + 4
    block = 4 * 8 * 9 + 2 * 8 + (4 * 8 + 8)
    heads = 2 * (512 * 10 + 10)
    tied = 10 * 10 + 10 + 10  # one weight for both Linear modules, two biases
    assert residual["total_params"] == conv + block + heads + 8 + tied
    assert residual["trainable_params"] == residual["total_params"]
    assert residual["total_buffers"] == 8 + 8 + 1
    assert m["tied"]["owned_params"] == 110 and m["tied2"]["owned_params"] == 10  # the weight is tied's
    assert m["tied2"]["own_params"] == 110  # both tensors are its own, recurse=False
    assert m[""]["owned_params"] == 8  # the root's nn.Parameter
    assert m["block"]["owned_params_recursive"] == block and m["block"]["owned_buffers_recursive"] == 17
    assert m["heads"]["owned_params_recursive"] == heads


def test_functional_operations_named_as_torch_fx_names_them(residual):
    ops = {op["name"]: op for op in residual["functional"]}
    assert list(ops) == ["relu", "add", "add_1", "chunk", "cat", "flatten", "add_2"]
    assert ops["relu"]["parent"] == "block" and ops["add"]["parent"] == "block" and ops["add_1"]["parent"] is None
    assert ops["chunk"]["output"] == {"shapes": [[None, 4, 8, 8], [None, 4, 8, 8]], "single": False}
    assert ops["flatten"]["output"]["shapes"] == [[None, 512]]
    assert (ops["cat"]["target"], ops["flatten"]["op"]) == ("cat", "call_method")


def test_a_module_called_twice():
    code = RESIDUAL + "\n\nclass Twice(nn.Module):\n    def __init__(self):\n        super().__init__()\n" \
        "        self.lin = nn.Linear(6, 6)\n\n    def forward(self, x):\n        return self.lin(self.lin(x).relu())\n"
    truth = run(Job(code, "Twice", ((6,),)))
    lin = _modules(truth)["lin"]
    assert len(lin["calls"]) == 2 and lin["owned_params"] == 42 and truth["total_params"] == 42
    assert [op["name"] for op in truth["functional"]] == ["relu"]


def test_rnn_token_ids_and_first_output():
    code = ("import torch.nn as nn\nclass Text(nn.Module):\n    def __init__(self):\n        super().__init__()\n"
            "        self.emb = nn.Embedding(100, 8)\n        self.rnn = nn.LSTM(8, 5, batch_first=True)\n\n"
            "    def forward(self, x):\n        out, (h, c) = self.rnn(self.emb(x))\n        return out[:, -1]\n")
    truth = run(Job(code, "Text()", ((7,),), ("long",)))
    rnn = _modules(truth)["rnn"]
    assert rnn["calls"][0] == {"shapes": [[None, 7, 5], [1, None, 5], [1, None, 5]], "single": False}
    assert shown_shape(rnn["calls"][0], "LSTM") == (None, 7, 5)
    # unpacking (out, (h, c)) takes getitem .. getitem_3 without being operations; the indexing is getitem_4
    assert [(op["name"], op["output"]["shapes"]) for op in truth["functional"]] == [("getitem_4", [[None, 5]])]


def test_meta_fallback_fx_failure_error_and_timeout():
    cpu_only = ("import torch, torch.nn as nn\nclass N(nn.Module):\n    def __init__(self):\n"
                "        super().__init__()\n        self.lin = nn.Linear(int(torch.tensor(4).item()), 2)\n"
                "    def forward(self, x):\n        if x.dim() == 2:\n            x = x * 2\n"
                "        return self.lin(x)\n")
    broken = "import torch.nn as nn\nclass N(nn.Module):\n    pass\nraise ValueError('no model here')\n"
    endless = "while True:\n    pass\n"
    fallback, error, timeout = run_many([Job(cpu_only, "N()", ((4,),)), Job(broken, "N()", ((4,),)),
                                         Job(endless, "N()", ((4,),), timeout=3)], parallel=2)
    assert fallback["ok"] and fallback["device"] == "cpu" and "meta" in fallback["meta_error"]
    assert fallback["total_params"] == 10 and fallback["functional"] is None and fallback["fx_error"]
    assert not error["ok"] and "ValueError: no model here" in error["error"]
    assert not timeout["ok"] and timeout["timeout"]


def test_programs_do_not_reach_each_other():
    patch = "import torch.nn as nn\nnn.Linear.__init__ = None\nclass N(nn.Module):\n    pass\n"
    plain = "import torch.nn as nn\nclass N(nn.Module):\n    def __init__(self):\n        super().__init__()\n" \
            "        self.lin = nn.Linear(3, 2)\n    def forward(self, x):\n        return self.lin(x)\n"
    _, second = run_many([Job(patch, "N()", ((3,),)), Job(plain, "N()", ((3,),))])
    assert second["ok"] and second["total_params"] == 8


def test_command_line(tmp_path):
    path = tmp_path / "net.py"
    path.write_text(RESIDUAL)
    proc = subprocess.run([sys.executable, str(HERE / "torch_truth.py"), str(path), "--model", "Net(classes=3)",
                           "--input", "[3, 10, 10]"], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["ok"]


# ---------------------------------------------------------------------------------------------
# the random programs and the corpus run in PyTorch

SEEDS = range(400) if LONG else range(60)


@pytest.fixture(scope="module")
def programs() -> list[tuple]:
    programs = [random_program(seed) for seed in SEEDS]
    return list(zip(programs, run_many([p.job() for p in programs], parallel=2), strict=True))


def test_every_random_program_runs_in_pytorch(programs):
    failures = [f"seed {p.seed}: {t['error']}\n{p.text}" for p, t in programs if not t["ok"]]
    assert not failures, "\n\n".join(failures[:3])
    assert all(t["device"] == "meta" for _, t in programs)
    assert random_program(17) == random_program(17)


def test_random_programs_use_every_construct(programs):
    text = "\n".join(p.text for p, _ in programs)
    constructs = ["def _make_layer(", "OrderedDict([", "nn.Sequential(*layers)", "nn.ModuleList(", "nn.ModuleDict(",
                  "torch.cat(", "out += identity", "x = x + ", "x * ", "torch.add(", "x.view(x.size(0), -1)",
                  "torch.flatten(x, 1)", "x.flatten(1)", "x.mean((2, 3))", "F.relu(", "F.max_pool2d(",
                  "F.interpolate(", ".chunk(2", "torch.split(", "nn.Parameter(", "nn.LazyConv2d(",
                  "nn.LazyBatchNorm2d(", "nn.LazyLinear(", "if self.downsample is not None:", "expansion = 4",
                  "class Block(BaseBlock):", "super().__init__(num_classes)", "super(Net, self).__init__()",
                  "class ConvBNAct(nn.Sequential):", "nn.Embedding(", "nn.LSTM(", "nn.GRU(", "x, (h, c) = self.",
                  "nn.TransformerEncoderLayer(", "nn.TransformerEncoder(", ".permute(0, 2, 1)", "x[:, -1]",
                  "self.decoder.weight = self.embed.weight", ".weight = self.mix.weight", "from torch import nn",
                  "from torch.nn import functional as F", "def build_model(", "model = Net("]
    assert [c for c in constructs if c not in text] == []
    modules = [m for _, t in programs for m in t["modules"]]
    assert any(len(m["calls"]) >= 2 for m in modules if m["leaf"])  # a module called twice
    assert any(m["own_params"] > m["owned_params"] for m in modules)  # a tied tensor, counted once
    assert any(m["declared_type"].startswith("Lazy") for m in modules)
    assert sum(len(t["functional"] or []) for _, t in programs) > len(programs)
    assert {p.family for p, _ in programs} == {"image", "sequence", "vector"}


@pytest.mark.parametrize("entry", selected(), ids=lambda e: e.id)
def test_corpus_model_runs_in_pytorch(entry: Entry):
    truth = run(entry.job())
    if entry.refused:
        assert not truth["ok"], f"{entry.id}: PyTorch builds it, but the manifest says it refuses it"
        return
    assert truth["ok"], f"{entry.id}: {truth['error']}\n" + "\n".join(truth.get("traceback", []))
    assert truth["total_params"] > 0 and any(m["calls"] for m in truth["modules"] if m["name"])


#: totals widely published for these networks (CIFAR-10 LeNet, ResNet-18 and VGG-16; DCGAN's 64×64 pair)
PUBLISHED = {"cifar_lenet": 62_006, "tutorial_cifar10": 62_006, "cifar_resnet18": 11_173_962,
             "cifar_vgg16": 14_728_266, "examples_dcgan_generator": 3_576_704,
             "examples_dcgan_discriminator": 2_765_568}


@pytest.mark.parametrize("entry_id", sorted(PUBLISHED))
def test_corpus_totals_are_the_published_ones(entry_id):
    (entry,) = [e for e in entries() if e.id == entry_id]
    assert run(entry.job())["total_params"] == PUBLISHED[entry_id]


def test_corpus_files_say_where_they_come_from():
    files = {p.name for p in ROOT.glob("*.py")}
    used = {e.file for e in entries()}
    assert files == used, (files - used, used - files)
    assert len(files) >= 25 and len(entries()) >= 30
    for entry in entries():
        header = entry.header()
        assert header["source"].startswith("https://github.com/"), entry.file
        assert header["licence"].startswith(("MIT", "BSD-3-Clause")), entry.file
        assert header["cut"], entry.file
    assert len({e.id for e in entries()}) == len(entries())


@pytest.fixture(scope="module")
def torchvision_truths() -> dict[str, dict]:
    return dict(zip((m.builder for m in MODELS), run_many([m.job() for m in MODELS], parallel=2), strict=True))


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.builder)
def test_torchvision_model_runs_and_counts_as_its_weights_say(model: Model, torchvision_truths):
    """Every torchvision model builds and runs on meta, traced by torch.fx; its total is its weights' num_params."""
    from torchvision_compat import import_torchvision

    truth = torchvision_truths[model.builder]
    assert truth["ok"], truth.get("error")
    assert truth["device"] == "meta" and truth["functional"] is not None, truth["fx_error"]
    weights = import_torchvision().models.get_model_weights(model.builder).DEFAULT
    modules = {m["name"]: m for m in truth["modules"]}
    # GoogLeNet's published weights come without the two auxiliary classifiers, which weights=None keeps
    aux = sum(modules[name]["owned_params_recursive"] for name in ("aux1", "aux2") if name in modules)
    assert truth["total_params"] - aux == weights.meta["num_params"]
    assert f"def {model.builder}(" in model.text()  # the file the reader reads defines the builder


def test_torchvision_models_call_and_leave_uncalled_as_torchvision_does(torchvision_truths):
    modules = {(b, m["name"]): m for b, t in torchvision_truths.items() for m in t["modules"]}
    assert modules["resnet18", "layer1.0.relu"]["calls"] and len(modules["resnet18", "layer1.0.relu"]["calls"]) == 2
    assert not modules["googlenet", "aux1"]["calls"]  # auxiliary heads run in training only
    assert not modules["vit_b_16", "encoder.layers.encoder_layer_0.self_attention.out_proj"]["calls"]
    assert torchvision_truths["vit_b_16"]["root_tensors"] == {"class_token": {"params": 768, "buffers": 0}}
    ops = {op["name"]: op for op in torchvision_truths["shufflenet_v2_x1_0"]["functional"]}
    assert ops["view"]["target"] == "view" and ops["transpose"]["output"]["shapes"] == [[None, 58, 2, 28, 28]]


# ---------------------------------------------------------------------------------------------
# the comparison, with summaries made from the truth


class TreeSummary(Summary):
    """Totals over the top-level rows: a container's row already holds what is nested under it."""

    @property
    def total_params(self) -> int:
        return sum(r.params for r in self.layers if r.parent is None)

    @property
    def trainable_params(self) -> int:
        return sum(r.trainable_params for r in self.layers if r.parent is None)

    @property
    def total_buffers(self) -> int:
        return sum(r.buffers for r in self.layers if r.parent is None)


def summary_from_truth(truth: dict) -> Summary:
    """The summary a perfect reader would give: a row per call, tensors in the first row, operations."""
    modules = {m["name"]: m for m in truth["modules"]}
    rows = []

    def shape(s):
        return [tuple(x) for x in s] if isinstance(s, list) else s

    for name, i in row_order(truth):
        m = modules[name]
        suffix = "" if m["leaf"] else "_recursive"
        weights = []
        if not i:
            trainable = m["owned_trainable_params" + suffix]
            weights = [Weight("w", (trainable,)), Weight("frozen", (m["owned_params" + suffix] - trainable,), False),
                       Weight("b", (m["owned_buffers" + suffix],), False, buffer=True)]
        depth = 0 if m["parent"] is None else modules[m["parent"]]["depth"] + 1
        output = () if i is None else shape(shown_shape(m["calls"][i], m["type"]))
        rows.append(LayerRecord(name, m["type"], [], output, weights, depth=depth, parent=m["parent"]))
    for op in truth["functional"] or []:
        depth = 0 if op["parent"] is None else modules[op["parent"]]["depth"] + 1
        rows.append(LayerRecord(op["name"], op["target"], [], shape(shown_shape(op["output"], op["target"])),
                                depth=depth, parent=op["parent"]))
    for name, counts in truth["root_tensors"].items():
        rows.append(LayerRecord(name, "Parameter", [], (), [Weight("p", (counts["params"],)),
                    Weight("b", (counts["buffers"],), False, buffer=True)]))
    summary = TreeSummary(None, [InputRecord(f"x{i}", tuple(s)) for i, s in enumerate(truth["inputs"])], rows, [],
                      framework="pytorch")
    return summary


def test_a_summary_made_from_the_truth_agrees(residual):
    summary = summary_from_truth(residual)
    assert differences(summary, residual) == []
    assert residual["root_tensors"] == {"token": {"params": 8, "buffers": 0}}


def test_each_kind_of_difference_is_named(residual):
    summary = summary_from_truth(residual)
    rows = {r.name: r for r in summary.layers}
    rows["stem.conv"].output_shape = (None, 4, 9, 9)
    rows["block.bn"].parent = None
    rows["tied2"].weights = [Weight("w", (110,))]  # tied weight counted twice
    rows["add_1"].name = "add_3"
    summary.layers = [r for r in summary.layers if r.name != "heads.1"]
    text = "\n".join(differences(summary, residual))
    for expected in ("module 'stem.conv': output shape (None, 4, 9, 9) but PyTorch gives (None, 4, 8, 8)",
                     "module 'block.bn': parent None but it is in 'block'",
                     "module 'tied2': 110 parameters but PyTorch attributes 10 to it",
                     "operation 'add_1' (add) has 0 row(s), not one", "extra row 'add_3'",
                     "module 'heads.1' (Linear) is called 1 time(s) but has 0 row(s)",
                     "total_params"):
        assert expected in text, text
    assert "block" in truth_table(residual)

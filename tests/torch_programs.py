"""Seeded random PyTorch programs: ``nn.Module`` classes written the way people write them.

``random_program(seed)`` writes a Python file that defines a model the way PyTorch code does, and
says how to build it (``model=``) and what ``forward()`` takes (``inputs``, ``dtypes``).  The writer
follows the tensor's shape as it goes, so every program runs in real PyTorch (the ground-truth tests
check that it does).  Three families:

- **images** (N, C, H, W): stems as ``nn.Sequential`` (plain, with an ``OrderedDict`` of names, or
  from a list built in a loop), residual stages made by a ``_make_layer`` helper from a ``Block``
  class with a class attribute ``expansion`` and ``if self.downsample is not None``, a user base
  class with ``super().__init__()``, ``nn.Sequential`` subclasses (``ConvBNAct``), ``nn.ModuleList``
  loops, ``nn.ModuleDict`` branches joined by ``torch.cat``, a module called twice, lazy modules,
  ``nn.Parameter`` scales, squeeze-and-excitation (a broadcasting ``*``), ``chunk``/``split``,
  functional pooling and interpolation, then a flatten in one of its spellings (``torch.flatten``,
  ``x.view(x.size(0), -1)``, ``x.flatten(1)``, ``x.mean((2, 3))``) and a classifier, sometimes with
  tied weights;
- **sequences** (N, L, F): token ids through ``nn.Embedding`` or features, LSTM/GRU with tuple
  unpacking, transformer encoder layers, ``permute`` around a ``Conv1d``, a position ``nn.Parameter``,
  residual feed-forward blocks, pooling by indexing or ``mean``, or a language-model head whose
  weight is tied to the embedding;
- **vectors** (N, F): MLPs with ``nn.ModuleList`` residual loops, a shared layer, ``chunk``/``cat``,
  ``nn.LazyLinear``, normalisation and ``nn.Parameter`` scales.

Imports are spelled several ways (``import torch.nn as nn``, ``from torch import nn``,
``from torch.nn import functional as F``), and the model is picked by a call (``Net()``,
``Net(num_classes=7)``), a builder function or a module-level variable.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from torch_truth import Job

FAMILIES = ("image", "image", "sequence", "vector")


@dataclass(frozen=True)
class Program:
    """A generated program and what to ask of it."""

    seed: int
    family: str
    text: str
    model: str
    inputs: tuple[tuple[int, ...], ...]
    dtypes: tuple[str, ...] | None = None

    def job(self) -> Job:
        return Job(self.text, self.model, self.inputs, self.dtypes, filename=f"<random program {self.seed}>")

    def summarize_kwargs(self) -> dict:
        return {"format": "code", "framework": "pytorch", "model": self.model,
                "inputs": [list(s) for s in self.inputs]}


@dataclass
class _Writer:
    """The program being written: classes, the model's __init__ and forward lines, and the current shape."""

    r: random.Random
    shape: list[int]  # without the batch axis
    init: list[str] = field(default_factory=list)
    forward: list[str] = field(default_factory=list)
    methods: list[str] = field(default_factory=list)
    classes: dict[str, str] = field(default_factory=dict)
    counter: int = 0
    ordered_dict: bool = False
    fixed_width: bool = False  # a tied language-model head needs the embedding width at the end
    expansion: int = 0  # the Block class's expansion, once it is written

    def name(self, stem: str) -> str:
        self.counter += 1
        return f"{stem}{self.counter}"

    def add_class(self, name: str, text: str) -> None:
        self.classes.setdefault(name, text)


def _conv_out(n: int, k: int, s: int, p: int) -> int:
    return (n + 2 * p - k) // s + 1


ACTS = ["nn.ReLU()", "nn.ReLU(inplace=True)", "nn.LeakyReLU(0.1)", "nn.GELU()", "nn.SiLU()", "nn.Hardswish()",
        "nn.ReLU6(inplace=True)", "nn.Tanh()"]
FUNCTIONAL_ACTS = ["F.relu({})", "F.relu({}, inplace=True)", "F.gelu({})", "torch.sigmoid({})", "{}.relu()",
                   "F.leaky_relu({}, 0.2)", "torch.tanh({})"]
#: for views (a chunk of a tensor), which PyTorch does not let an in-place function change
PURE_ACTS = [a for a in FUNCTIONAL_ACTS if "inplace" not in a]


# ---------------------------------------------------------------------------------------------
# image stages: each writes __init__ and forward lines for an (N, C, H, W) tensor and updates the shape


def _conv_layers(w: _Writer, c: int, h: int, ww: int) -> tuple[list[str], int, int, int]:
    r = w.r
    out = r.choice([4, 6, 8, 12, 16])
    k = r.choice([1, 3, 3, 5])
    s = 2 if min(h, ww) >= 6 and r.random() < 0.4 else 1
    p = k // 2
    layers = [f"nn.Conv2d({c}, {out}, {k}, stride={s}, padding={p}, bias={r.random() < 0.5})"]
    h, ww = _conv_out(h, k, s, p), _conv_out(ww, k, s, p)
    if r.random() < 0.6:
        layers.append(f"nn.BatchNorm2d({out})")
    layers.append(r.choice(ACTS))
    if min(h, ww) >= 4 and r.random() < 0.4:
        layers.append(r.choice(["nn.MaxPool2d(2)", "nn.AvgPool2d(2, 2)", "nn.MaxPool2d(kernel_size=2, stride=2)"]))
        h, ww = h // 2, ww // 2
    return layers, out, h, ww


def stage_sequential(w: _Writer) -> None:
    c, h, ww = w.shape
    layers, c, h, ww = _conv_layers(w, c, h, ww)
    attr = w.name(w.r.choice(["features", "stem", "conv", "block"]))
    style = w.r.choice(["plain", "ordered", "loop"])
    if style == "plain":
        w.init.append(f"self.{attr} = nn.Sequential(")
        w.init += [f"    {layer}," for layer in layers]
        w.init.append(")")
    elif style == "ordered":
        w.ordered_dict = True
        names = {"nn.Conv2d": "conv", "nn.BatchNorm2d": "bn", "nn.MaxPool2d": "pool", "nn.AvgPool2d": "pool"}
        w.init.append(f"self.{attr} = nn.Sequential(OrderedDict([")
        for i, layer in enumerate(layers):
            label = names.get(layer.split("(")[0], "act")
            w.init.append(f"    ('{label}{i}', {layer}),")
        w.init.append("]))")
    else:
        w.init.append("layers = []")
        w.init += [f"layers.append({layer})" for layer in layers]
        w.init.append(f"self.{attr} = nn.Sequential(*layers)")
    w.forward.append(f"x = self.{attr}(x)")
    w.shape = [c, h, ww]


BLOCK = '''class Block({base}):
    expansion = {expansion}

    def __init__(self, in_planes, planes, stride=1):
        {super_call}
        self.conv1 = nn.Conv2d(in_planes, planes, kernel_size=3, stride=stride, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(planes)
        self.conv2 = nn.Conv2d(planes, planes * self.expansion, kernel_size=3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(planes * self.expansion)
        self.relu = nn.ReLU(inplace=True)
        self.downsample = None
        if stride != 1 or in_planes != planes * self.expansion:
            self.downsample = nn.Sequential(
                nn.Conv2d(in_planes, planes * self.expansion, kernel_size=1, stride=stride, bias=False),
                nn.BatchNorm2d(planes * self.expansion),
            )

    def forward(self, x):
        identity = x
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        if self.downsample is not None:
            identity = self.downsample(x)
        {merge}
        return self.relu(out)
'''

BASE = '''class BaseBlock(nn.Module):
    """Shared by the blocks: how much wider a block's output is than its planes."""

    expansion = 1

    def __init__(self):
        super().__init__()
'''

MAKE_LAYER = '''    def _make_layer(self, block, planes, num_blocks, stride):
        strides = [stride] + [1] * (num_blocks - 1)
        layers = []
        for stride in strides:
            layers.append(block(self.in_planes, planes, stride))
            self.in_planes = planes * block.expansion
        return nn.Sequential(*layers)
'''


def stage_residual(w: _Writer) -> None:
    r = w.r
    c, h, ww = w.shape
    if "Block" not in w.classes:
        base = r.choice(["nn.Module", "BaseBlock"])
        if base == "BaseBlock":
            w.add_class("BaseBlock", BASE)
        expansion = r.choice([1, 2, 4]) if base == "nn.Module" else r.choice([1, 2])
        super_call = r.choice(["super().__init__()", "super(Block, self).__init__()"])
        merge = r.choice(["out += identity", "out = out + identity", "out = torch.add(out, identity)"])
        w.add_class("Block", BLOCK.format(base=base, expansion=expansion, super_call=super_call, merge=merge))
        w.expansion = expansion
        w.methods.append(MAKE_LAYER)
    expansion = w.expansion
    planes = r.choice([4, 8])
    stride = 2 if min(h, ww) >= 4 and r.random() < 0.5 else 1
    blocks = r.randint(1, 2)
    attr = w.name("layer")
    w.init.append(f"self.in_planes = {c}")
    w.init.append(f"self.{attr} = self._make_layer(Block, {planes}, {blocks}, stride={stride})")
    w.forward.append(f"x = self.{attr}(x)")
    w.shape = [planes * expansion, _conv_out(h, 3, stride, 1), _conv_out(ww, 3, stride, 1)]


def stage_modulelist(w: _Writer) -> None:
    r = w.r
    c, _h, _ww = w.shape
    n = r.randint(2, 3)
    attr = w.name("convs")
    w.init.append(f"self.{attr} = nn.ModuleList([nn.Conv2d({c}, {c}, 3, padding=1) for _ in range({n})])")
    style = r.choice(["relu", "residual", "index", "enumerate"])
    if style == "relu":
        w.forward += [f"for conv in self.{attr}:", "    x = F.relu(conv(x))"]
    elif style == "residual":
        w.forward += [f"for conv in self.{attr}:", "    x = x + conv(x)"]
    elif style == "index":
        w.forward += [f"for i in range(len(self.{attr})):", f"    x = self.{attr}[i](x)"]
    else:
        w.forward += [f"for i, conv in enumerate(self.{attr}):", "    y = conv(x)",
                      "    x = y if i == 0 else x + y"]


def stage_moduledict(w: _Writer) -> None:
    r = w.r
    c, h, ww = w.shape
    c1, c2 = r.choice([2, 4, 6]), r.choice([2, 4, 8])
    attr = w.name("branches")
    w.init += [f"self.{attr} = nn.ModuleDict({{",
               f"    'a': nn.Conv2d({c}, {c1}, 1),",
               f"    'b': nn.Sequential(nn.Conv2d({c}, {c2}, 3, padding=1), {r.choice(ACTS)}),",
               "})"]
    style = r.choice(["index", "values", "items"])
    if style == "index":
        w.forward.append(f"x = torch.cat([self.{attr}['a'](x), self.{attr}['b'](x)], dim=1)")
    elif style == "values":
        w.forward.append(f"x = torch.cat([branch(x) for branch in self.{attr}.values()], 1)")
    else:
        w.forward += ["outs = []", f"for name, branch in self.{attr}.items():", "    outs.append(branch(x))",
                      "x = torch.cat(outs, 1)"]
    w.shape = [c1 + c2, h, ww]


def stage_shared(w: _Writer) -> None:
    c, _h, _ww = w.shape
    attr = w.name("shared")
    w.init.append(f"self.{attr} = nn.Conv2d({c}, {c}, 3, padding=1)")
    act = w.r.choice(FUNCTIONAL_ACTS).format(f"self.{attr}(x)")
    w.forward.append(f"x = self.{attr}({act})")


def stage_lazy(w: _Writer) -> None:
    r = w.r
    _c, h, ww = w.shape
    out = r.choice([4, 8, 10])
    k = r.choice([1, 3])
    attr = w.name("lazy")
    w.init.append(f"self.{attr} = nn.LazyConv2d({out}, {k}, padding={k // 2})")
    w.forward.append(f"x = self.{attr}(x)")
    if r.random() < 0.5:
        bn = w.name("lazy_bn")
        w.init.append(f"self.{bn} = nn.LazyBatchNorm2d()")
        w.forward.append(f"x = self.{bn}(x)")
    w.shape = [out, h, ww]


def stage_parameter(w: _Writer) -> None:
    c, _h, _ww = w.shape
    if w.r.random() < 0.5:
        attr = w.name("gamma")
        w.init.append(f"self.{attr} = nn.Parameter(torch.ones(1, {c}, 1, 1))")
        w.forward.append(f"x = x * self.{attr}")
    else:
        attr = w.name("bias")
        w.init.append(f"self.{attr} = nn.Parameter(torch.zeros({c}, 1, 1))")
        w.forward.append(f"x = x + self.{attr}")


CONV_BN_ACT = '''class ConvBNAct(nn.Sequential):
    def __init__(self, in_channels, out_channels, kernel_size=3, stride=1):
        padding = (kernel_size - 1) // 2
        super().__init__(
            nn.Conv2d(in_channels, out_channels, kernel_size, stride, padding, bias=False),
            nn.BatchNorm2d(out_channels),
            nn.ReLU6(inplace=True),
        )
'''


def stage_conv_bn_act(w: _Writer) -> None:
    r = w.r
    c, h, ww = w.shape
    w.add_class("ConvBNAct", CONV_BN_ACT)
    out, k = r.choice([4, 8, 12]), r.choice([1, 3])
    s = 2 if min(h, ww) >= 4 and r.random() < 0.4 else 1
    attr = w.name("cba")
    w.init.append(f"self.{attr} = ConvBNAct({c}, {out}, kernel_size={k}, stride={s})")
    w.forward.append(f"x = self.{attr}(x)")
    w.shape = [out, _conv_out(h, k, s, (k - 1) // 2), _conv_out(ww, k, s, (k - 1) // 2)]


SE = '''class SqueezeExcite(nn.Module):
    def __init__(self, channels, reduction=4):
        super().__init__()
        self.fc1 = nn.Conv2d(channels, max(1, channels // reduction), 1)
        self.fc2 = nn.Conv2d(max(1, channels // reduction), channels, 1)

    def forward(self, x):
        w = F.adaptive_avg_pool2d(x, 1)
        w = torch.sigmoid(self.fc2(F.relu(self.fc1(w))))
        return x * w
'''


def stage_se(w: _Writer) -> None:
    c, _h, _ww = w.shape
    w.add_class("SqueezeExcite", SE)
    attr = w.name("se")
    w.init.append(f"self.{attr} = SqueezeExcite({c})")
    w.forward.append(f"x = self.{attr}(x)")


def stage_functional(w: _Writer) -> None:
    r = w.r
    c, h, ww = w.shape
    if min(h, ww) >= 4 and r.random() < 0.6:
        w.forward.append(r.choice(["x = F.max_pool2d(x, 2)", "x = F.avg_pool2d(x, kernel_size=2)",
                                   "x = F.max_pool2d(x, kernel_size=2, stride=2)"]))
        w.shape = [c, h // 2, ww // 2]
    elif max(h, ww) <= 16:
        w.forward.append(r.choice(["x = F.interpolate(x, scale_factor=2, mode='nearest')",
                                   "x = F.interpolate(x, scale_factor=2, mode='bilinear', align_corners=False)"]))
        w.shape = [c, h * 2, ww * 2]
    else:
        w.forward.append("x = " + r.choice(FUNCTIONAL_ACTS).format("x"))


def stage_split(w: _Writer) -> None:
    r = w.r
    c, _h, _ww = w.shape
    if c % 2 == 0 and r.random() < 0.5:
        w.forward += ["a, b = x.chunk(2, dim=1)", f"x = torch.cat([b, {r.choice(PURE_ACTS).format('a')}], 1)"]
    elif c >= 2:
        c1 = r.randint(1, c - 1)
        w.forward += [f"x1, x2 = torch.split(x, [{c1}, {c - c1}], dim=1)", "x = torch.cat((x2, x1), dim=1)"]


IMAGE_STAGES = [stage_sequential, stage_sequential, stage_residual, stage_residual, stage_modulelist,
                stage_moduledict, stage_shared, stage_lazy, stage_parameter, stage_conv_bn_act, stage_se,
                stage_functional, stage_split]


def image_head(w: _Writer) -> None:
    r = w.r
    c, h, ww = w.shape
    style = r.choice(["flatten", "view", "method", "mean", "adaptive"])
    if style == "flatten":
        w.forward.append("x = torch.flatten(x, 1)")
        width = c * h * ww
    elif style == "view":
        w.forward.append("x = x.view(x.size(0), -1)")
        width = c * h * ww
    elif style == "method":
        w.forward.append("x = x.flatten(1)")
        width = c * h * ww
    elif style == "mean":
        w.forward.append("x = x.mean((2, 3))")
        width = c
    else:
        attr = w.name("pool")
        w.init.append(f"self.{attr} = nn.AdaptiveAvgPool2d((1, 1))")
        w.forward += [f"x = self.{attr}(x)", "x = x.reshape(x.size(0), -1)"]
        width = c
    w.shape = [width]
    vector_head(w)


def vector_head(w: _Writer) -> None:
    r = w.r
    (width,) = w.shape
    style = r.choice(["linear", "lazy", "mlp", "tied"])
    if style == "linear":
        w.init.append(f"self.fc = nn.Linear({width}, num_classes)")
        w.forward.append("x = self.fc(x)")
    elif style == "lazy":
        w.init.append("self.fc = nn.LazyLinear(num_classes)")
        w.forward.append("x = self.fc(x)")
    elif style == "mlp":
        hidden = r.choice([16, 32])
        w.init += ["self.classifier = nn.Sequential(", f"    nn.Linear({width}, {hidden}),", f"    {r.choice(ACTS)},",
                   "    nn.Dropout(0.5),", f"    nn.Linear({hidden}, num_classes),", ")"]
        w.forward.append("x = self.classifier(x)")
    else:
        hidden = r.choice([8, 16])
        w.init += [f"self.proj = nn.Linear({width}, {hidden})", f"self.mix = nn.Linear({hidden}, {hidden})",
                   f"self.mix2 = nn.Linear({hidden}, {hidden}, bias={r.random() < 0.5})",
                   "self.mix2.weight = self.mix.weight  # tied", f"self.fc = nn.Linear({hidden}, num_classes)"]
        w.forward += ["x = F.relu(self.proj(x))", "x = self.mix2(F.relu(self.mix(x)))", "x = self.fc(x)"]
    w.shape = []


# ---------------------------------------------------------------------------------------------
# sequence stages: (N, L, F)


def seq_rnn(w: _Writer) -> None:
    r = w.r
    length, f = w.shape
    kind = r.choice(["LSTM", "GRU"])
    hidden = f if w.fixed_width else r.choice([8, 12, 16])
    bidirectional = not w.fixed_width and r.random() < 0.4
    layers = r.randint(1, 2)
    attr = w.name("rnn")
    w.init.append(f"self.{attr} = nn.{kind}({f}, {hidden}, num_layers={layers}, batch_first=True"
                  + (", bidirectional=True)" if bidirectional else ")"))
    if kind == "LSTM" and r.random() < 0.7:
        w.forward.append(f"x, (h, c) = self.{attr}(x)")
    else:
        w.forward.append(r.choice([f"x, _ = self.{attr}(x)", f"x = self.{attr}(x)[0]"]))
    w.shape = [length, hidden * (2 if bidirectional else 1)]


def seq_transformer(w: _Writer) -> None:
    r = w.r
    _length, f = w.shape
    heads = r.choice([h for h in (1, 2, 4) if f % h == 0])
    attr = w.name("encoder")
    layer = f"nn.TransformerEncoderLayer({f}, {heads}, dim_feedforward={2 * f}, dropout=0.1, batch_first=True)"
    if r.random() < 0.5:
        w.init.append(f"self.{attr} = {layer}")
    else:
        w.init.append(f"self.{attr} = nn.TransformerEncoder({layer}, num_layers=2)")
    w.forward.append(f"x = self.{attr}(x)")


def seq_conv(w: _Writer) -> None:
    r = w.r
    length, f = w.shape
    out = f if w.fixed_width else r.choice([8, 16])
    attr = w.name("conv")
    w.init.append(f"self.{attr} = nn.Conv1d({f}, {out}, kernel_size=3, padding=1)")
    if r.random() < 0.5:
        w.forward.append(f"x = self.{attr}(x.permute(0, 2, 1)).permute(0, 2, 1)")
    else:
        w.forward += ["x = x.transpose(1, 2)", f"x = F.relu(self.{attr}(x))", "x = x.transpose(1, 2).contiguous()"]
    w.shape = [length, out]


def seq_position(w: _Writer) -> None:
    length, f = w.shape
    attr = w.name("pos")
    w.init.append(f"self.{attr} = nn.Parameter(torch.zeros(1, {length}, {f}))")
    w.forward.append(f"x = x + self.{attr}")


def seq_feedforward(w: _Writer) -> None:
    r = w.r
    _length, f = w.shape
    attr = w.name("ff")
    w.init += [f"self.{attr} = nn.Sequential(", f"    nn.LayerNorm({f}),", f"    nn.Linear({f}, {2 * f}),",
               f"    {r.choice(ACTS)},", f"    nn.Linear({2 * f}, {f}),", ")"]
    w.forward.append(f"x = x + self.{attr}(x)")


SEQUENCE_STAGES = [seq_rnn, seq_rnn, seq_transformer, seq_conv, seq_position, seq_feedforward]


def sequence_head(w: _Writer) -> None:
    r = w.r
    length, f = w.shape
    style = r.choice(["last", "mean", "first", "flatten"])
    if style == "last":
        w.forward.append("x = x[:, -1]")
        w.shape = [f]
    elif style == "mean":
        w.forward.append("x = x.mean(dim=1)")
        w.shape = [f]
    elif style == "first":
        w.forward.append("x = x[:, 0, :]")
        w.shape = [f]
    else:
        w.forward.append("x = torch.flatten(x, start_dim=1)")
        w.shape = [length * f]
    vector_head(w)


# ---------------------------------------------------------------------------------------------
# vector stages: (N, F)


def vec_mlp(w: _Writer) -> None:
    r = w.r
    (f,) = w.shape
    out = r.choice([8, 16, 24])
    attr = w.name("mlp")
    layers = [f"nn.Linear({f}, {out})", r.choice(ACTS)]
    if r.random() < 0.4:
        layers.insert(1, r.choice([f"nn.BatchNorm1d({out})", f"nn.LayerNorm({out})"]))
    w.init.append(f"self.{attr} = nn.Sequential({', '.join(layers)})")
    w.forward.append(f"x = self.{attr}(x)")
    w.shape = [out]


def vec_residual_list(w: _Writer) -> None:
    (f,) = w.shape
    attr = w.name("blocks")
    w.init.append(f"self.{attr} = nn.ModuleList(nn.Linear({f}, {f}) for _ in range({w.r.randint(2, 3)}))")
    w.forward += [f"for layer in self.{attr}:", f"    x = x + {w.r.choice(FUNCTIONAL_ACTS).format('layer(x)')}"]


def vec_shared(w: _Writer) -> None:
    (f,) = w.shape
    attr = w.name("shared")
    w.init.append(f"self.{attr} = nn.Linear({f}, {f})")
    w.forward.append(f"x = self.{attr}(torch.tanh(self.{attr}(x)))")


def vec_split(w: _Writer) -> None:
    (f,) = w.shape
    if f % 2:
        return
    attr = w.name("gate")
    w.init.append(f"self.{attr} = nn.Linear({f}, {f})")
    w.forward += [f"a, b = self.{attr}(x).chunk(2, dim=-1)", "x = torch.cat([a * torch.sigmoid(b), a], dim=-1)"]


def vec_lazy(w: _Writer) -> None:
    out = w.r.choice([6, 10])
    attr = w.name("lazy")
    w.init.append(f"self.{attr} = nn.LazyLinear({out})")
    w.forward.append(f"x = F.relu(self.{attr}(x))")
    w.shape = [out]


def vec_scale(w: _Writer) -> None:
    (f,) = w.shape
    attr = w.name("scale")
    w.init.append(f"self.{attr} = nn.Parameter(torch.ones({f}))")
    w.forward.append(f"x = x * self.{attr}")


VECTOR_STAGES = [vec_mlp, vec_mlp, vec_residual_list, vec_shared, vec_split, vec_lazy, vec_scale]


# ---------------------------------------------------------------------------------------------
# the program


IMPORTS = [
    ["import torch", "import torch.nn as nn", "import torch.nn.functional as F"],
    ["import torch", "from torch import nn", "import torch.nn.functional as F"],
    ["import torch", "from torch import nn", "from torch.nn import functional as F"],
]

BASE_MODEL = '''class BaseModel(nn.Module):
    """A project's own base class: every model keeps its number of classes."""

    def __init__(self, num_classes):
        super().__init__()
        self.num_classes = num_classes
'''


def random_program(seed: int) -> Program:
    """The program of ``seed`` (the same text for the same seed, in any process)."""
    r = random.Random(seed)
    family = FAMILIES[seed % len(FAMILIES)]
    dtypes = None
    if family == "image":
        start = [r.choice([1, 3]), r.randint(8, 40), r.randint(8, 40)]
        w = _Writer(r, list(start))
        for _ in range(r.randint(2, 6)):
            r.choice(IMAGE_STAGES)(w)
        image_head(w)
    elif family == "sequence":
        length = r.randint(4, 12)
        w = _Writer(r, [length, 0])
        tokens = r.random() < 0.6
        if tokens:
            f, vocab = r.choice([8, 12, 16]), r.randint(20, 200)
            w.init.append(f"self.embed = nn.Embedding({vocab}, {f})")
            w.forward.append("x = self.embed(x)")
            start, dtypes = [length], ("long",)
            w.fixed_width = r.random() < 0.4  # a language model: decoder tied to the embedding
        else:
            f = r.choice([4, 8, 12])
            start = [length, f]
        w.shape = [length, f]
        for _ in range(r.randint(1, 4)):
            r.choice(SEQUENCE_STAGES)(w)
        if w.fixed_width:
            w.init += [f"self.decoder = nn.Linear({f}, {vocab})", "self.decoder.weight = self.embed.weight"]
            w.forward.append("x = self.decoder(x)")
        else:
            sequence_head(w)
    else:
        start = [r.randint(4, 32)]
        w = _Writer(r, list(start))
        for _ in range(r.randint(2, 5)):
            r.choice(VECTOR_STAGES)(w)
        vector_head(w)
    text, model = _text(w, r, seed)
    return Program(seed, family, text, model, (tuple(start),), dtypes)


def _text(w: _Writer, r: random.Random, seed: int) -> tuple[str, str]:
    """The program's text and the expression that builds its model."""
    imports = list(r.choice(IMPORTS))
    if w.ordered_dict:
        imports.append("from collections import OrderedDict")
    base = "BaseModel" if r.random() < 0.3 else "nn.Module"
    classes = list(w.classes.values())
    if base == "BaseModel":
        classes.append(BASE_MODEL)
    default = r.choice([10, 7, 3])
    ask = r.choice(["call", "call_args", "builder", "variable"])
    if base == "BaseModel":
        super_call = "super().__init__(num_classes)"
    else:
        super_call = r.choice(["super().__init__()", "super(Net, self).__init__()"])
    body = [f"class Net({base}):", f"    def __init__(self, num_classes={default}):", f"        {super_call}"]
    body += [f"        {line}" for line in w.init]
    body.append("")
    for method in w.methods:
        body += [method]
    body.append("    def forward(self, x):")
    body += [f"        {line}" for line in w.forward]
    body.append("        return x")
    lines = [f"# random program {seed}", *imports, "", ""]
    for cls in classes:
        lines += [cls.rstrip("\n"), "", ""]
    lines += body
    classes_arg = r.choice([2, 5, 12])
    if ask == "call":
        model = "Net()"
    elif ask == "call_args":
        model = f"Net(num_classes={classes_arg})"
    elif ask == "builder":
        lines += ["", "", f"def build_model(num_classes={classes_arg}):", "    return Net(num_classes)"]
        model = "build_model()"
    else:
        lines += ["", "", f"model = Net({classes_arg})"]
        model = "model"
    return "\n".join(lines).rstrip("\n") + "\n", model

"""Build the real PyTorch modules that a spec describes, for differential tests.

The spec is parsed by our own parser (so both sides read the same modules and
arguments); every module is constructed with ``torch.nn.<Type>(*args, **kwargs)``
on the ``meta`` device and run on ``meta`` tensors, which gives exact shapes
without computing anything.  The network runs twice, with batch sizes 2 and 3:
the sizes that differ between the runs are the ones our engine must show as None.
"""

from __future__ import annotations

from typing import Any

import torch
from torch import nn

from mkdocs_cnnsummary import summarize
from mkdocs_cnnsummary.engine.spec import LayerSpec, parse_spec

torch.set_num_threads(1)  # two test workers share two cores

TUPLE_OUTPUT = {"RNN", "LSTM", "GRU", "MultiheadAttention"}  # modules whose first output is shown
BATCHES = (2, 3)


def _conv(value: Any) -> Any:
    if isinstance(value, LayerSpec):  # a module given as an argument: activation=PReLU()
        return make_module(value)
    if isinstance(value, list):
        return tuple(_conv(v) for v in value)
    if isinstance(value, str) and value.startswith("torch."):
        return getattr(torch, value.split(".", 1)[1])  # dtype=torch.float32 arrives as a dotted name
    return value


class _Cat(nn.Module):
    def __init__(self, dim: int) -> None:
        super().__init__()
        self.dim = dim

    def forward(self, *xs: torch.Tensor) -> torch.Tensor:
        return torch.cat(xs, dim=self.dim)


class _Add(nn.Module):
    def forward(self, *xs: torch.Tensor) -> torch.Tensor:
        out = xs[0]
        for x in xs[1:]:
            out = out + x
        return out


class _Multiply(nn.Module):
    def forward(self, *xs: torch.Tensor) -> torch.Tensor:
        out = xs[0]
        for x in xs[1:]:
            out = out * x
        return out


#: the batch size of the forward pass being run (``batch`` in a spec's sizes stands for it)
_BATCH = [BATCHES[0]]


def _sized(value: Any) -> Any:
    """``batch`` replaced by the batch size of the running pass."""
    if value == "batch":
        return _BATCH[0]
    if isinstance(value, tuple | list):
        return type(value)(_sized(v) for v in value)
    return value


class _Function(nn.Module):
    """A torch function or tensor method as ``forward()`` calls it: ``torch.<name>(x, *args)`` or ``x.<name>(...)``."""

    def __init__(self, name: str, args: list[Any], kwargs: dict[str, Any]) -> None:
        super().__init__()
        self.name, self.args, self.kwargs = name, args, kwargs

    def forward(self, *xs: torch.Tensor) -> Any:
        args = [_sized(a) for a in self.args]
        kwargs = {k: _sized(v) for k, v in self.kwargs.items()}
        if self.name == "getitem":  # the index text, as Python reads it after the tensor
            return eval("x" + (args[0] if args else kwargs["index"]), {}, {"x": xs[0]})
        if self.name in ("cat", "stack"):
            return getattr(torch, self.name)(xs, *args, **kwargs)
        if self.name in ARITHMETIC and len(xs) > 1:
            out = xs[0]
            for x in xs[1:]:
                out = getattr(torch, self.name)(out, x, *args, **kwargs)
            return out
        if self.name in TENSOR_METHODS:
            return getattr(xs[0], self.name)(*args, **kwargs)
        if self.name in FUNCTIONAL:
            return getattr(nn.functional, self.name)(*xs, *args, **kwargs)
        if self.name in MADE or self.name in SAME_SHAPE:
            return _made_or_kept(self.name, xs, args, kwargs)
        return getattr(torch, self.name)(*xs, *args, **kwargs)


def _made_or_kept(name: str, xs: list[Any], args: list[Any], kwargs: dict[str, Any]) -> Any:
    """The reader's functions of torch (engine/pytorch/functional.py) as the code calls them."""
    size = kwargs.pop("size", args[0] if args else None)
    if name in MADE:
        if name.startswith("new_"):
            return getattr(xs[0], name)(*((size, 1.0) if name == "new_full" else (size,)))
        if name == "arange":
            return torch.arange(size[0])
        if name == "linspace":
            return torch.linspace(0, 1, size[0])
        if name == "randint":
            return torch.randint(10, tuple(size))
        if name == "full":
            return torch.full(tuple(size), 1.0)
        if name == "tensor":
            return torch.empty(tuple(size))
        return getattr(torch, name)(*size)
    x = xs[0]
    if name == "masked_fill":
        return x.masked_fill(xs[1] > 0, *args, **kwargs)
    if name == "type_as":
        return x.type_as(xs[1])
    if name == "normalize":
        return nn.functional.normalize(x, *args, **kwargs)
    if name.endswith("_like"):
        return getattr(torch, name)(x, *(args or ([1.0] if name == "full_like" else [])), **kwargs)
    return getattr(x, name)(*args, **kwargs)


#: the reader's functions of torch (engine/pytorch/functional.py)
MADE = ("zeros", "ones", "empty", "rand", "randn", "full", "arange", "tensor", "eye", "linspace", "randint",
        "new_zeros", "new_ones", "new_empty", "new_full")
SAME_SHAPE = ("exp", "log", "log1p", "sqrt", "rsqrt", "abs", "neg", "sin", "cos", "tan", "sign", "erf", "floor",
              "ceil", "round", "reciprocal", "square", "clamp", "clip", "float", "double", "half", "long", "int",
              "bool", "to", "type_as", "clone", "detach", "masked_fill", "normalize", "cumsum", "flip", "roll",
              "nan_to_num", "logical_not", "tril", "triu", "randn_like", "rand_like", "zeros_like", "ones_like",
              "empty_like", "full_like")


ARITHMETIC = ("add", "sub", "mul", "div")
TENSOR_METHODS = ("view", "reshape", "permute", "expand", "contiguous", "chunk", "split", "unbind", "unsqueeze",
                  "squeeze", "transpose", "mean", "sum", "amax", "amin")
FUNCTIONAL = ("interpolate", "scaled_dot_product_attention", "affine_grid", "grid_sample")  # torch.nn.functional
FUNCTIONS = {"getitem", "cat", "stack", "flatten", "matmul", "bmm", *ARITHMETIC, *TENSOR_METHODS, *FUNCTIONAL, *MADE,
             *SAME_SHAPE}


class _Tensor(nn.Module):
    """An ``nn.Parameter`` (or buffer) that ``forward()`` uses directly: no input, the tensor as output."""

    def __init__(self, *shape: Any, shape_kw: Any = None, requires_grad: bool = True, buffer: bool = False,
                 persistent: bool = True) -> None:
        super().__init__()
        size = shape_kw if shape_kw is not None else shape[0] if len(shape) == 1 and isinstance(shape[0], tuple) \
            else shape
        if buffer:
            self.register_buffer("tensor", torch.zeros(size), persistent=persistent)
        else:
            self.tensor = nn.Parameter(torch.zeros(size), requires_grad=requires_grad)

    def forward(self) -> torch.Tensor:
        return self.tensor


def _torchvision_module(type_name: str) -> Any:
    from torchvision_compat import import_torchvision

    tv = import_torchvision()
    from torchvision.models.convnext import LayerNorm2d  # ConvNeXt's own
    from torchvision.ops.misc import Permute

    return {"StochasticDepth": tv.ops.StochasticDepth, "Permute": Permute, "LayerNorm2d": LayerNorm2d}[type_name]


TORCHVISION = ("StochasticDepth", "Permute", "LayerNorm2d")


def make_module(spec: LayerSpec, training: bool = False) -> nn.Module:
    """The torch module for one LayerSpec (on the current default device; eval mode unless ``training``)."""
    args = [_conv(a) for a in spec.args]
    kwargs = {k: _conv(v) for k, v in spec.kwargs.items()}
    if spec.type == "Concatenate":
        dim = args[0] if args else kwargs.get("dim", 1)
        return _Cat(dim)
    if spec.type == "Add":
        return _Add()
    if spec.type == "Multiply":
        return _Multiply()
    if spec.type in FUNCTIONS:
        return _Function(spec.type, args, kwargs)
    if spec.type in ("Parameter", "Buffer"):
        if "shape" in kwargs:
            kwargs["shape_kw"] = kwargs.pop("shape")
        module = _Tensor(*args, buffer=spec.type == "Buffer", **kwargs)
    elif spec.type in TORCHVISION:
        module = _torchvision_module(spec.type)(*args, **kwargs)
    else:
        module = getattr(nn, spec.type)(*args, **kwargs)
    module = module.train(training)
    if spec.trainable is False:
        module.requires_grad_(False)
    return module


def _specs(spec_text: str | dict, summary: Any) -> dict[str, LayerSpec]:
    net = parse_spec(spec_text)
    return {rec.name: spec for spec, rec in zip(net.layers, top_rows(summary), strict=True)}


def top_rows(summary: Any) -> list[Any]:
    """The rows of the spec's layers (a TransformerEncoderLayer's submodules are rows under it)."""
    return [rec for rec in summary.layers if rec.parent is None]


def build_modules(spec_text: str | dict) -> tuple[Any, dict[str, nn.Module]]:
    """Our Summary and the torch module of each of its layers (built on ``meta``)."""
    summary = summarize(spec_text, framework="pytorch")
    with torch.device("meta"):
        modules = {name: make_module(spec) for name, spec in _specs(spec_text, summary).items()}
    return summary, modules


def _call(module: nn.Module, type_name: str, xs: list[Any]) -> Any:
    if type_name == "MultiheadAttention":
        q = xs[0]
        k = xs[1] if len(xs) > 1 else q
        v = xs[2] if len(xs) > 2 else k
        out = module(q, k, v)
    else:
        out = module(*xs)
    if type_name in TUPLE_OUTPUT:
        out = out[0]
    return out


def _shape(out: Any) -> Any:
    if isinstance(out, tuple | list):
        return [tuple(t.shape) for t in out]
    return tuple(out.shape)


def run(summary: Any, modules: dict[str, nn.Module], batch: int, device: str = "meta",
        flops: dict[str, int] | None = None) -> dict[str, Any]:
    """Forward pass of every module; returns each layer's output shape(s).

    With ``flops``, each module runs inside ``torch.utils.flop_counter.FlopCounterMode`` and its FLOPs are
    stored there by layer name.
    """
    _BATCH[0] = batch
    embedding_inputs = {src for rec in top_rows(summary) if rec.type == "Embedding" for src in rec.inputs}
    tensors: dict[str, Any] = {}
    for rec in summary.inputs:
        size = [batch if d is None else d for d in rec.shape]
        dtype = torch.long if rec.name in embedding_inputs else torch.float32
        tensors[rec.name] = (torch.zeros(size, dtype=dtype, device=device) if device != "meta"
                             else torch.empty(size, dtype=dtype, device=device))
    pending = top_rows(summary)
    while pending:
        rest = []
        for rec in pending:
            if not all(_base(s) in tensors for s in rec.inputs):
                rest.append(rec)
                continue
            xs = [_pick(tensors, s) for s in rec.inputs]
            if rec.type == "Embedding" and xs[0].dtype != torch.long:
                xs = [xs[0].long()]
            if flops is None:
                tensors[rec.name] = _call(modules[rec.name], rec.type, xs)
                continue
            from torch.utils.flop_counter import FlopCounterMode

            with FlopCounterMode(display=False) as counter:
                tensors[rec.name] = _call(modules[rec.name], rec.type, xs)
            flops[rec.name] = counter.get_total_flops()
        if len(rest) == len(pending):
            raise RuntimeError("cannot order the layers")
        pending = rest
    return {rec.name: _shape(tensors[rec.name]) for rec in top_rows(summary)}


def _base(src: str) -> str:
    return src.split("[", 1)[0]


def _pick(tensors: dict[str, Any], src: str) -> Any:
    if src.endswith("]"):
        base, idx = src[:-1].split("[")
        return tensors[base][int(idx)]
    return tensors[src]


def _expected(a: tuple[int, ...], b: tuple[int, ...]) -> tuple[int | None, ...]:
    """Sizes equal in both runs are known; sizes that follow the batch are None."""
    assert len(a) == len(b), (a, b)
    return tuple(x if x == y else None for x, y in zip(a, b, strict=True))


def torch_facts(spec_text: str | dict) -> tuple[Any, dict[str, dict[str, Any]]]:
    """Our Summary and, per layer, what PyTorch reports: output shape and the counts."""
    summary, modules = build_modules(spec_text)
    try:
        runs = [run(summary, modules, b) for b in BATCHES]
    except RuntimeError:  # a few shape checks differ on meta (an empty ConvTranspose1d output): use the CPU
        with torch.device("cpu"):
            cpu = {name: make_module(spec) for name, spec in _specs(spec_text, summary).items()}
        runs = [run(summary, cpu, b, device="cpu") for b in BATCHES]
    facts = {}
    for rec in top_rows(summary):
        m = modules[rec.name]
        a, b = runs[0][rec.name], runs[1][rec.name]
        shape = [_expected(x, y) for x, y in zip(a, b, strict=True)] if isinstance(a, list) else _expected(a, b)
        facts[rec.name] = {
            "output_shape": shape,
            "params": sum(p.numel() for p in m.parameters()),
            "trainable_params": sum(p.numel() for p in m.parameters() if p.requires_grad),
            "buffers": sum(b.numel() for b in m.buffers()),
        }
    return summary, facts


def torch_macs(spec_text: str | dict, batch: int = 1, shapes: dict[str, Any] | None = None
               ) -> tuple[Any, dict[str, int]]:
    """Our Summary for ``batch`` samples and, per layer, what PyTorch's own counter counts: FLOPs/2
    (``shapes``, when given, receives each layer's real output shape(s)).

    The modules run on the ``meta`` device (shapes only), where PyTorch takes its reference paths
    (matrix products and convolutions that the counter sees) rather than fused CPU kernels.
    """
    summary = summarize(spec_text, framework="pytorch", batch=batch)
    with torch.device("meta"):
        modules = {name: make_module(spec) for name, spec in _specs(spec_text, summary).items()}
    flops: dict[str, int] = {}
    real = run(summary, modules, batch, flops=flops)
    if shapes is not None:
        shapes.update(real)
    return summary, {name: n // 2 for name, n in flops.items()}


def assert_matches_torch(spec_text: str | dict) -> Any:
    """Compute the spec with our engine and with real PyTorch; compare every layer. Returns our Summary."""
    summary, facts = torch_facts(spec_text)
    _, modules = build_modules(spec_text)
    for rec in summary.layers:
        if rec.parent is not None:  # a submodule's row: the counts of the real submodule
            sub = modules[rec.parent].get_submodule(rec.name[len(rec.parent) + 1:])
            assert rec.params == sum(p.numel() for p in sub.parameters()), (rec.name, rec.params)
            continue
        real = facts[rec.name]
        ours = [tuple(s) for s in rec.output_shape] if rec.multi_output else tuple(rec.output_shape)
        assert ours == real["output_shape"], (rec.name, ours, real["output_shape"])
        assert rec.params == real["params"], (rec.name, rec.params, real)
        assert rec.trainable_params == real["trainable_params"], (rec.name, rec.trainable_params, real)
        assert rec.buffers == real["buffers"], (rec.name, rec.buffers, real)
    assert summary.total_params == sum(f["params"] for f in facts.values())
    assert summary.total_buffers == sum(f["buffers"] for f in facts.values())
    return summary


def torch_error(spec_text: str | dict) -> Exception | None:
    """The exception real PyTorch raises for the spec, or None.

    The modules run on the CPU in training mode (the default) with batch 2, then on
    ``meta`` in eval mode: PyTorch's shape checks (``meta``, used by ``torch.compile``)
    reject a few sizes that some CPU kernels let through, such as an empty output.
    """
    net = parse_spec(spec_text)
    from mkdocs_cnnsummary.engine.summary import InputRecord, LayerRecord

    inputs = [InputRecord(i.name or "input", (None, *i.shape)) for i in net.inputs]
    for device, training in (("cpu", True), ("meta", False)):
        try:
            modules = {}
            records = []
            previous = inputs[0].name
            with torch.device(device):
                for i, spec in enumerate(net.layers):
                    name = spec.name or f"layer{i}"
                    modules[name] = make_module(spec, training=training)
                    records.append(LayerRecord(name, spec.type, spec.inputs or (
                        [] if spec.type in ("Parameter", "Buffer") else [previous]), ()))
                    previous = name
            fake = type("S", (), {"inputs": inputs, "layers": records})()
            with torch.no_grad():
                run(fake, modules, 2, device=device)
        except Exception as exc:  # PyTorch raises RuntimeError, ValueError, AssertionError, IndexError ...
            return exc
    return None


def assert_rejected_like_torch(spec_text: str | dict, fragments: list[str]) -> None:
    """Our engine rejects the spec with a message holding every fragment, naming the layer; PyTorch rejects it too."""
    from mkdocs_cnnsummary import SpecError

    try:
        summarize(spec_text)
    except SpecError as exc:
        text = str(exc)
        for fragment in fragments:
            assert fragment in text, text
        assert exc.layer is not None or exc.layer_type is not None
    else:
        raise AssertionError(f"accepted: {spec_text}")
    assert torch_error(spec_text) is not None, "PyTorch accepts this spec"

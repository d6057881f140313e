"""Ground truth for reading PyTorch code: run the model code for real and describe what PyTorch does with it.

A job is a program (the text of a Python file), the expression that builds the model in the
program's namespace (``ResNet(BasicBlock, [2, 2, 2, 2])``) and the shapes of ``forward()``'s inputs
without the batch axis.  The child that runs it:

1. executes the program and evaluates the expression with ``torch.device("meta")`` as the default
   device (nothing is allocated or computed; where an operation has no meta kernel, everything is
   done again on the CPU);
2. runs ``forward`` in eval mode twice, with batch sizes 2 and 3, with a forward pre-hook and hook
   on every module: each call of each module (by its qualified name from ``named_modules()``) and
   the shapes of its output; a size that differs between the two runs follows the batch and is
   ``None``;
3. counts each module's parameters and buffers: its own (``recurse=False``), recursive ones (each
   tensor once), and the ones ``model.named_parameters()`` attributes to it (a tensor shared by
   several modules, such as tied weights, belongs to the first name PyTorch gives it);
4. traces the model with ``torch.fx.symbolic_trace`` and runs the graph on the same inputs: every
   ``call_function``/``call_method`` node that gives a tensor (or a tuple of them), named as torch.fx
   names it (``add``, ``add_1``, ``cat``, ``view``), with its output shapes and the module whose
   ``forward`` it is in (``nn_module_stack``); unpacking a tuple (``getitem`` on a tuple) and values
   that are not tensors (``x.size(0)``) are not operations.  When tracing fails (control flow on
   tensors), ``functional`` is null and ``fx_error`` says why.

The totals are PyTorch's: ``sum(p.numel() for p in model.parameters())`` (shared tensors once),
trainable ones, and the buffers.

Programs run in a fork server (``fork_server.py``): one server per test worker imports torch once
(about 1.5 s of CPU), and each job runs in a forked child.  Results are cached under
``tests/.cache/torch_truth`` keyed on the job, the torch (and torchvision) version and the text of
this file and of the fork server; ``CNNSUMMARY_TRUTH_CACHE=0`` turns the cache off.

Run ``python tests/torch_truth.py FILE --model EXPR --input '[3, 32, 32]'`` to see a file's ground truth.
"""

from __future__ import annotations

import json
import os
import sys
from dataclasses import asdict, dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:  # the server runs this file as a script
    sys.path.insert(0, str(HERE))

from fork_server import Client, digest, serve  # noqa: E402

DEFAULT_TIMEOUT = 300.0
BATCHES = (2, 3)
#: modules whose output is a tuple of which the summary shows the first element (as in the spec format)
FIRST_OUTPUT = {"RNN", "LSTM", "GRU", "MultiheadAttention"}
#: CNNSUMMARY_LONG=1 runs the long samples (more random programs, the slow corpus models)
LONG = os.environ.get("CNNSUMMARY_LONG", "") not in ("", "0")


@dataclass(frozen=True)
class Job:
    """One model to build and run.

    ``model`` is a Python expression evaluated in the program's namespace after it ran: a module,
    or an ``nn.Module`` subclass (called without arguments).  ``inputs`` are forward()'s input shapes
    without the batch axis, one per argument; ``dtypes`` their dtypes (``float32`` by default,
    ``long`` for token ids).  ``prelude`` runs first in the same namespace (it stands in for what the
    cut part of a file defined, never for model code).
    """

    code: str
    model: str
    inputs: tuple[tuple[int, ...], ...]
    dtypes: tuple[str, ...] | None = None
    filename: str = "<program>"
    timeout: float = DEFAULT_TIMEOUT
    prelude: str = ""

    def key(self) -> str:
        """The cache key: the job, the framework versions and the runner's own text."""
        import hashlib

        data = {**asdict(self), "timeout": None, "versions": _versions(),
                "runner": digest(Path(__file__), HERE / "fork_server.py")}
        return hashlib.sha256(json.dumps(data, sort_keys=True, default=list).encode()).hexdigest()


def _versions() -> dict[str, str]:
    out = {}
    for dist in ("torch", "torchvision"):
        try:
            out[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            continue
    return out


_client = Client(Path(__file__), "torch_truth", env={"OMP_NUM_THREADS": "1", "CUDA_VISIBLE_DEVICES": ""})


def run_many(jobs: list[Job], parallel: int = 1) -> list[dict[str, Any]]:
    """The ground truth of each job (cached ones are not run again), in order."""
    return _client.run_many([asdict(j) for j in jobs], [j.key() for j in jobs], parallel)


def run(job: Job) -> dict[str, Any]:
    """The ground truth of one job: ``{"ok": True, "modules": [...], ...}`` or ``{"ok": False, "error": ...}``."""
    return run_many([job])[0]


# ---------------------------------------------------------------------------------------------
# the child: build, run, count, trace


def _child(job: dict[str, Any]) -> dict[str, Any]:
    import io
    import time
    import traceback
    import warnings

    start = time.process_time()
    sys.stdout = sys.stderr = io.StringIO()  # programs print
    warnings.simplefilter("ignore")
    errors = []
    for device in ("meta", "cpu"):
        try:
            out = describe_program(job, device)
        except Exception as exc:  # the program's own error, or an operation without a meta kernel
            tb = traceback.format_exc().splitlines()
            errors.append({"device": device, "error": f"{type(exc).__name__}: {exc}", "traceback": tb[-12:]})
            continue
        out["seconds"] = round(time.process_time() - start, 3)
        if errors:
            out["meta_error"] = errors[0]["error"]
        return out
    return {"ok": False, "error": errors[-1]["error"], "meta_error": errors[0]["error"],
            "traceback": errors[-1]["traceback"]}


def build(job: dict[str, Any], device: str) -> Any:
    """Execute the program and evaluate its model expression, with ``device`` as the default device."""
    import builtins

    import torch
    from torch import nn

    namespace: dict[str, Any] = {"__name__": "__main__", "__file__": job.get("filename", "<program>"),
                                 "__builtins__": builtins}
    with torch.device(device):
        if job.get("prelude"):
            exec(compile(job["prelude"], "<prelude>", "exec"), namespace)  # test data: stands in for cut code
        exec(compile(job["code"], job.get("filename", "<program>"), "exec"), namespace)  # the ground truth
        value = eval(job["model"], namespace)  # the manifest's expression, on the program just run
        if isinstance(value, type) and issubclass(value, nn.Module):
            value = value()
    if not isinstance(value, nn.Module):
        raise TypeError(f"model={job['model']!r} is a {type(value).__name__}, not an nn.Module")
    return value.eval()


def _inputs(job: dict[str, Any], batch: int, device: str) -> list[Any]:
    import torch

    dtypes = job.get("dtypes") or ["float32"] * len(job["inputs"])
    out = []
    for shape, dtype in zip(job["inputs"], dtypes, strict=True):
        size = (batch, *shape)
        dt = getattr(torch, dtype)
        out.append(torch.empty(size, dtype=dt, device="meta") if device == "meta"
                   else torch.zeros(size, dtype=dt, device=device))
    return out


def _tensors(value: Any) -> list[Any]:
    """The tensors in a module's or an operation's output, in order (tuples, lists, dicts, nested)."""
    import torch

    if isinstance(value, torch.Tensor):
        return [value]
    if isinstance(value, tuple | list):
        return [t for v in value for t in _tensors(v)]
    if isinstance(value, dict):
        return [t for v in value.values() for t in _tensors(v)]
    return []


def _output(value: Any) -> dict[str, Any]:
    import torch

    return {"shapes": [list(t.shape) for t in _tensors(value)], "single": isinstance(value, torch.Tensor)}


def _merge(a: dict[str, Any], b: dict[str, Any]) -> dict[str, Any]:
    """Two runs' outputs as one: a size that differs between batch 2 and batch 3 is None."""
    if [len(x) for x in a["shapes"]] != [len(y) for y in b["shapes"]]:
        raise RuntimeError(f"the output changes structure with the batch size: {a} vs {b}")
    shapes = [[p if p == q else None for p, q in zip(x, y, strict=True)]
              for x, y in zip(a["shapes"], b["shapes"], strict=True)]
    return {"shapes": shapes, "single": a["single"]}


def describe_program(job: dict[str, Any], device: str) -> dict[str, Any]:
    """Build the model on ``device``, run it with hooks and trace it: the JSON description."""
    import torch

    with torch.device(device):
        model = build(job, device)
        names: dict[int, str] = {id(m): name for name, m in model.named_modules()}
        declared = {name: type(m).__name__ for name, m in model.named_modules()}  # lazy modules change class
        runs: list[tuple[dict[str, list[dict[str, Any]]], list[str]]] = []
        for batch in BATCHES:
            calls: dict[str, list[dict[str, Any]]] = {name: [] for name in names.values()}
            order: list[str] = []

            def pre(module: Any, args: Any, order: list[str] = order) -> None:
                order.append(names[id(module)])

            def post(module: Any, args: Any, output: Any, calls: dict = calls) -> None:
                calls[names[id(module)]].append(_output(output))

            handles = [h for m in model.modules()
                       for h in (m.register_forward_pre_hook(pre), m.register_forward_hook(post))]
            try:
                model(*_inputs(job, batch, device))
            finally:
                for h in handles:
                    h.remove()
            runs.append((calls, order))
        functional, fx_error = _functional(model, job, device)
    (calls_a, order), (calls_b, order_b) = runs
    if order != order_b:
        raise RuntimeError("the modules are called in another order with another batch size")
    return {
        "ok": True,
        "device": device,
        "model": {"type": type(model).__name__},
        "inputs": [[None, *s] for s in job["inputs"]],
        "modules": _modules(model, declared, {n: [_merge(x, y) for x, y in zip(calls_a[n], calls_b[n], strict=True)]
                                              for n in calls_a}),
        "order": [n for n in order if n],
        "root_tensors": _root_tensors(model),
        "functional": functional,
        "fx_error": fx_error,
        **_totals(model),
        "versions": {"torch": torch.__version__},
    }


def _numel(tensors: Any, trainable: bool | None = None) -> int:
    return sum(t.numel() for t in tensors if trainable is None or t.requires_grad == trainable)


def _modules(model: Any, declared: dict[str, str], calls: dict[str, list[dict[str, Any]]]) -> list[dict[str, Any]]:
    """Each module's place in the tree, counts and calls (the root has the name '')."""
    param_owner = {id(p): name.rpartition(".")[0] for name, p in model.named_parameters()}
    buffer_owner = {id(b): name.rpartition(".")[0] for name, b in model.named_buffers()}
    out = []
    for name, m in model.named_modules():
        def within(owner: str, name: str = name) -> bool:
            return name == "" or owner == name or owner.startswith(name + ".")

        own_p, all_p = list(m.parameters(recurse=False)), list(m.parameters())
        own_b, all_b = list(m.buffers(recurse=False)), list(m.buffers())
        out.append({
            "name": name,
            "type": type(m).__name__,
            "declared_type": declared.get(name, type(m).__name__),
            "parent": (name.rpartition(".")[0] or None) if name else None,
            "depth": name.count(".") if name else -1,
            "leaf": not any(True for _ in m.children()),
            "own_params": _numel(own_p),
            "own_trainable_params": _numel(own_p, True),
            "params": _numel(all_p),
            "trainable_params": _numel(all_p, True),
            "owned_params": _numel(p for p in own_p if param_owner[id(p)] == name),
            "owned_trainable_params": _numel((p for p in own_p if param_owner[id(p)] == name), True),
            "owned_params_recursive": _numel(p for p in all_p if within(param_owner[id(p)])),
            "owned_trainable_params_recursive": _numel((p for p in all_p if within(param_owner[id(p)])), True),
            "own_buffers": _numel(own_b),
            "buffers": _numel(all_b),
            "owned_buffers": _numel(b for b in own_b if buffer_owner[id(b)] == name),
            "owned_buffers_recursive": _numel(b for b in all_b if within(buffer_owner[id(b)])),
            "calls": calls.get(name, []),
        })
    return out


def _root_tensors(model: Any) -> dict[str, dict[str, int]]:
    """The model's own parameters and buffers (a class token on the model itself), which no module row holds."""
    out = {name: {"params": p.numel(), "buffers": 0} for name, p in model.named_parameters(recurse=False)}
    out.update({name: {"params": 0, "buffers": b.numel()} for name, b in model.named_buffers(recurse=False)})
    return out


def _totals(model: Any) -> dict[str, int]:
    params = list(model.parameters())
    return {"total_params": _numel(params), "trainable_params": _numel(params, True),
            "non_trainable_params": _numel(params, False), "total_buffers": _numel(model.buffers())}


def _target_name(node: Any) -> str:
    target = node.target
    return target if isinstance(target, str) else getattr(target, "__name__", str(target))


def _functional(model: Any, job: dict[str, Any], device: str) -> tuple[list[dict[str, Any]] | None, str | None]:
    """The functional operations of ``forward`` as torch.fx sees them, or (None, why not)."""
    import torch
    import torch.fx

    try:
        graph_module = torch.fx.symbolic_trace(model)
    except Exception as exc:  # control flow on tensors, unsupported Python: no functional rows to compare
        return None, f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"

    class Recorder(torch.fx.Interpreter):
        def __init__(self, gm: Any) -> None:
            super().__init__(gm)
            self.values: dict[str, Any] = {}

        def run_node(self, node: Any) -> Any:
            result = super().run_node(node)
            self.values[node.name] = result
            return result

    runs = []
    for batch in BATCHES:
        recorder = Recorder(graph_module)
        try:
            recorder.run(*_inputs(job, batch, device))
        except Exception as exc:
            return None, f"the traced graph does not run: {type(exc).__name__}: {exc}"
        runs.append(recorder.values)
    ops = []
    for node in graph_module.graph.nodes:
        if node.op not in ("call_function", "call_method"):
            continue
        value = runs[0][node.name]
        if not _tensors(value) or (isinstance(value, tuple | list) and not all(
                isinstance(v, torch.Tensor) for v in value)):
            continue  # sizes, shapes, flags, lists of other things: not operations on tensors
        if _target_name(node) == "getitem" and not isinstance(runs[0].get(node.args[0].name), torch.Tensor):
            continue  # unpacking a tuple (a chunk, an LSTM's (output, state)) is not an operation
        stack = node.meta.get("nn_module_stack") or {}
        parent = list(stack.values())[-1][0] if stack else None
        ops.append({"name": node.name, "op": node.op, "target": _target_name(node), "parent": parent or None,
                    "output": _merge(_output(value), _output(runs[1][node.name]))})
    return ops, None


#: run once in the server, so that children do not each pay the first use of meta kernels and torch.fx (~1 s)
WARM_UP = """
import torch
import torch.nn as nn
import torch.nn.functional as F


class Warm(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(nn.Conv2d(3, 4, 3, padding=1), nn.BatchNorm2d(4), nn.ReLU(inplace=True),
                                      nn.MaxPool2d(2), nn.ConvTranspose2d(4, 4, 2, stride=2), nn.Dropout(0.1),
                                      nn.AdaptiveAvgPool2d((4, 4)), nn.GroupNorm(2, 4), nn.LayerNorm(4))
        self.emb = nn.Embedding(10, 4)
        self.rnn = nn.LSTM(4, 4, batch_first=True)
        self.gru = nn.GRU(4, 4)
        self.attn = nn.TransformerEncoderLayer(4, 2, 8, batch_first=True)
        self.fc = nn.LazyLinear(3)

    def forward(self, x):
        x = self.features(x)
        x = F.interpolate(F.avg_pool2d(x, 2), scale_factor=2) + x
        x = torch.cat([x, x], 1).flatten(2).transpose(1, 2)[:, :, :4]
        x, _ = self.rnn(x)
        x, _ = self.gru(x)
        x = self.attn(x + self.emb(torch.zeros(x.size(0), x.size(1), dtype=torch.long)))
        return F.softmax(self.fc(x.reshape(x.size(0), -1).contiguous()), dim=1)
"""


def _main(argv: list[str]) -> int:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("file", nargs="?")
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--model", help="the expression that builds the model, e.g. 'Net()'")
    parser.add_argument("--input", action="append", type=json.loads, help="a shape without batch, e.g. [3, 32, 32]")
    parser.add_argument("--dtype", action="append", help="an input's dtype (float32, long), in --input's order")
    args = parser.parse_args(argv)
    if args.serve:
        import torch
        import torch.fx  # imported once, before any fork
        import torch.nn.functional

        torch.set_num_threads(1)  # children run side by side on two shared cores
        try:  # imported once before any fork, where the test environment has it (README's command installs it)
            from torchvision_compat import import_torchvision

            import_torchvision()
        except ImportError:
            pass
        if os.environ.get("CNNSUMMARY_TRUTH_WARM", "1") != "0":
            describe_program({"code": WARM_UP, "model": "Warm()", "inputs": [[3, 8, 8]]}, "meta")
        serve(_child, DEFAULT_TIMEOUT)
        return 0
    if not args.file or not args.model or not args.input:
        parser.error("FILE, --model and --input are needed")
    job = Job(Path(args.file).read_text(), args.model, tuple(tuple(s) for s in args.input),
              tuple(args.dtype) if args.dtype else None, filename=args.file)
    print(json.dumps(run(job), indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1:]))

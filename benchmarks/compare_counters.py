"""What the usual counters report for the same networks: ours, PyTorch's FlopCounterMode, torchinfo, fvcore,
ptflops (its two backends).

Each network is a spec; the same modules are built in PyTorch (``tests/torch_builder.py``) and handed to
every tool.  Needs ``pip install fvcore ptflops torchinfo`` next to torch (not part of the test extras):

    python benchmarks/compare_counters.py [--markdown]
"""

from __future__ import annotations

import argparse
import contextlib
import io
import sys
import warnings
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

import torch
from famous_networks import NETWORKS
from torch import nn
from torch_builder import _call, _pick, make_module

from mkdocs_cnnsummary import summarize
from mkdocs_cnnsummary.engine.spec import parse_spec

SMALL = {
    "ConvTranspose2d(16→8, k4, s2, p1), 7×7": {"framework": "pytorch", "input": [16, 7, 7],
                                              "layers": ["ConvTranspose2d(16, 8, 4, stride=2, padding=1)"]},
    "Conv2d(16→16, k3, padding='same'), 32×32": {"framework": "pytorch", "input": [16, 32, 32],
                                                 "layers": ["Conv2d(16, 16, 3, padding='same')"]},
    "Conv → BN → ReLU → MaxPool (formulas.md)": {"framework": "pytorch", "input": [1, 28, 28], "layers": [
        "Conv2d(1, 32, 3)", "BatchNorm2d(32)", "ReLU()", "MaxPool2d(2)", "Conv2d(32, 64, 3, padding=1)", "ReLU()",
        "AdaptiveAvgPool2d(1)", "Flatten()", "Linear(64, 10)"]},
    "MultiheadAttention(64, 8), 50 tokens": {"framework": "pytorch", "input": [50, 64],
                                             "layers": ["MultiheadAttention(64, 8, batch_first=True)"]},
    "TransformerEncoderLayer(64, 8, 256), 50 tokens": {
        "framework": "pytorch", "input": [50, 64],
        "layers": ["TransformerEncoderLayer(64, 8, 256, batch_first=True)"]},
    "LSTM(32→64, 2 layers), 20 steps": {"framework": "pytorch", "input": [20, 32],
                                        "layers": ["LSTM(32, 64, num_layers=2, batch_first=True)"]},
}


class SpecModel(nn.Module):
    """The spec's modules wired as the spec says, as one nn.Module the tools can hook into."""

    def __init__(self, spec: Any) -> None:
        super().__init__()
        self.summary = summarize(spec)
        items = parse_spec(spec).layers
        self.layers = nn.ModuleDict({rec.name: make_module(item) for item, rec in
                                     zip(items, self.summary.layers, strict=True)})

    def forward(self, x: torch.Tensor) -> Any:
        tensors = {self.summary.inputs[0].name: x}
        for rec in self.summary.layers:
            tensors[rec.name] = _call(self.layers[rec.name], rec.type, [_pick(tensors, s) for s in rec.inputs])
        return tensors[self.summary.outputs[0]]


def counts(spec: Any) -> dict[str, Any]:
    model = SpecModel(spec).eval()
    shape = tuple(1 if d is None else d for d in model.summary.inputs[0].shape)
    out: dict[str, Any] = {"ours (MACs)": model.summary.total_macs, "ours (other ops)": model.summary.total_other_ops}
    from torch.utils.flop_counter import FlopCounterMode

    with torch.device("meta"):
        meta = SpecModel(spec).eval()
    with FlopCounterMode(display=False) as counter:
        meta(torch.empty(shape, device="meta"))
    out["FlopCounterMode / 2"] = counter.get_total_flops() // 2
    x = torch.zeros(shape)
    quiet = contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO())
    with warnings.catch_warnings(), quiet[0], quiet[1]:
        warnings.simplefilter("ignore")
        try:
            import torchinfo

            out["torchinfo Mult-Adds"] = torchinfo.summary(model, input_data=[x], verbose=0).total_mult_adds
        except Exception as exc:  # a tool that fails on a network is reported as such
            out["torchinfo Mult-Adds"] = f"error: {type(exc).__name__}"
        try:
            from fvcore.nn import FlopCountAnalysis

            analysis = FlopCountAnalysis(model, x)
            analysis.unsupported_ops_warnings(False).uncalled_modules_warnings(False)
            out["fvcore 'flops'"] = analysis.total()
        except Exception as exc:
            out["fvcore 'flops'"] = f"error: {type(exc).__name__}"
        from ptflops import get_model_complexity_info

        for backend in ("pytorch", "aten"):
            try:
                macs, _ = get_model_complexity_info(model, tuple(shape[1:]), as_strings=False, backend=backend,
                                                    print_per_layer_stat=False, verbose=False)
                out[f"ptflops ({backend})"] = int(macs)
            except Exception as exc:
                out[f"ptflops ({backend})"] = f"error: {type(exc).__name__}"
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--markdown", action="store_true", help="print a Markdown table")
    args = parser.parse_args()
    torch.set_num_threads(1)
    nets = {**SMALL, **{name: make() for name, make in NETWORKS.items()}}
    rows = {name: counts(spec) for name, spec in nets.items()}
    columns = list(next(iter(rows.values())))
    if args.markdown:
        print("| Network | " + " | ".join(columns) + " |")
        print("|---|" + "---:|" * len(columns))
        for name, row in rows.items():
            print(f"| {name} | " + " | ".join(f"{v:,}" if isinstance(v, int) else str(v) for v in row.values())
                  + " |")
        return
    for name, row in rows.items():
        print(name)
        for key, value in row.items():
            print(f"  {key:22} {value:,}" if isinstance(value, int) else f"  {key:22} {value}")


if __name__ == "__main__":
    main()

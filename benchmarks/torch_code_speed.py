"""Reading torchvision's ResNet-50 source against running it: cnnsummary's static reading vs PyTorch + torchinfo.

Two fresh processes, alternately, ``--runs`` times each:

- **static**: ``import mkdocs_cnnsummary`` and ``summarize()`` of the text of torchvision's
  ``models/resnet.py`` (with its imports of torchvision's helper modules followed by reading their
  files) with ``model="resnet50()"`` and ``input="[3, 224, 224]"``; neither torch nor torchvision is
  imported;
- **torchinfo**: ``import torch, torchvision``, ``torchvision.models.resnet50()`` (random weights on the
  CPU, as a user builds it) and ``torchinfo.summary(model, (1, 3, 224, 224))``, which runs a forward pass.

Each process reports the CPU and wall time of its work after Python started (imports included); the
medians and their ratio are printed, with the process's whole wall time.  Both must agree on the
parameter count.  In the same run, the warm costs: a second ``summarize()`` in the static process,
and a second ``torchinfo.summary()`` of the built model.

    .venv/bin/python benchmarks/torch_code_speed.py [--runs 7]

Needs torch, torchvision and torchinfo (``pip install torchinfo``); torchvision is imported through
``tests/torchvision_compat.py`` so that the CPU build of torch loads beside it.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

STATIC = """
import json, sys, time
wall, cpu = time.perf_counter(), time.process_time()
import importlib.util
from pathlib import Path
from mkdocs_cnnsummary import summarize
path = Path(next(iter(importlib.util.find_spec("torchvision").submodule_search_locations))) / "models" / "resnet.py"
kwargs = dict(format="code", framework="pytorch", model="resnet50()", inputs=[[3, 224, 224]], path=str(path))
total = summarize(path.read_text(), **kwargs).total_params
first = (time.perf_counter() - wall, time.process_time() - cpu)
wall, cpu = time.perf_counter(), time.process_time()
summarize(path.read_text(), **kwargs)
warm = (time.perf_counter() - wall, time.process_time() - cpu)
assert "torch" not in sys.modules
print(json.dumps({"total": total, "first": first, "warm": warm}))
"""

TORCHINFO = """
import json, sys, time, io, contextlib
wall, cpu = time.perf_counter(), time.process_time()
sys.path.insert(0, sys.argv[1])
import torch
from torchvision_compat import import_torchvision
torchvision = import_torchvision()
from torchinfo import summary
model = torchvision.models.resnet50()
with contextlib.redirect_stdout(io.StringIO()):
    stats = summary(model, (1, 3, 224, 224), device="cpu", verbose=0)
first = (time.perf_counter() - wall, time.process_time() - cpu)
wall, cpu = time.perf_counter(), time.process_time()
with contextlib.redirect_stdout(io.StringIO()):
    summary(model, (1, 3, 224, 224), device="cpu", verbose=0)
warm = (time.perf_counter() - wall, time.process_time() - cpu)
print(json.dumps({"total": stats.total_params, "first": first, "warm": warm}))
"""


def run(code: str) -> dict:
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", code, str(ROOT / "tests")], capture_output=True, text=True,
                          check=True, timeout=600)
    out = json.loads(done.stdout.strip().splitlines()[-1])
    out["process"] = time.perf_counter() - start
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    results: dict[str, list[dict]] = {"static": [], "torchinfo": []}
    for _ in range(args.runs):
        results["static"].append(run(STATIC))
        results["torchinfo"].append(run(TORCHINFO))
    totals = {kind: {r["total"] for r in rs} for kind, rs in results.items()}
    assert totals["static"] == totals["torchinfo"], totals
    print(f"torchvision ResNet-50 from its source, {next(iter(totals['static'])):,} parameters, "
          f"{args.runs} alternating runs (medians)")

    def med(kind: str, key: str, index: int | None = None) -> float:
        return statistics.median(r[key] if index is None else r[key][index] for r in results[kind])

    rows = [("first summary, CPU (imports included)", "first", 1), ("first summary, wall", "first", 0),
            ("whole process, wall", "process", None), ("warm summary, CPU", "warm", 1)]
    for label, key, index in rows:
        ours, theirs = med("static", key, index), med("torchinfo", key, index)
        print(f"  {label:38} static {ours * 1000:8.0f} ms, torch + torchinfo {theirs * 1000:8.0f} ms, "
              f"ratio {theirs / ours:5.1f}")


if __name__ == "__main__":
    main()

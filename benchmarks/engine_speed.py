"""How long the engine takes for one large network.

Generates a 1,000-layer residual CNN (blocks of Conv2D, BatchNormalization and
ReLU with an Add skip connection each) and times ``summarize`` on it several
times, from the YAML text (reading included) and from the already-loaded dict,
reporting the median wall and CPU time of each in milliseconds.

    .venv/bin/python benchmarks/engine_speed.py [--layers 1000] [--runs 9]
"""

from __future__ import annotations

import argparse
import statistics
import time
from typing import Any

import yaml

from mkdocs_cnnsummary import summarize


def residual_network(n_layers: int, channels: int = 16, size: int = 32) -> dict[str, Any]:
    """A stem convolution, then residual blocks (7 layers each) until ``n_layers`` layers."""
    layers: list[Any] = [{"Conv2D": {"filters": channels, "kernel_size": 3, "padding": "same"}, "name": "stem"}]
    block = 0
    previous = "stem"
    while len(layers) + 7 <= n_layers:
        p = f"b{block}_"
        layers += [
            {"Conv2D": {"filters": channels, "kernel_size": 3, "padding": "same", "use_bias": False}},
            "BatchNormalization",
            "ReLU",
            {"Conv2D": {"filters": channels, "kernel_size": 3, "padding": "same", "use_bias": False}},
            {"BatchNormalization": None, "name": f"{p}bn2"},
            {"Add": None, "name": f"{p}add", "inputs": [previous, f"{p}bn2"]},
            {"ReLU": None, "name": f"{p}out"},
        ]
        previous = f"{p}out"
        block += 1
    while len(layers) < n_layers:
        layers.append("Activation('linear')")
    return {"name": "ResidualNet", "input": [size, size, 3], "layers": layers}


def median_ms(fn: Any, runs: int) -> tuple[float, float]:
    """Median wall time and median CPU time of ``fn()``, in ms (CPU time varies less on a loaded machine)."""
    wall, cpu = [], []
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        fn()
        wall.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return statistics.median(wall) * 1000, statistics.median(cpu) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--layers", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args()
    spec = residual_network(args.layers)
    text = yaml.safe_dump(spec, sort_keys=False)
    summary = summarize(spec)  # warm-up: imports the catalog
    assert len(summary.layers) == args.layers
    print(f"{len(summary.layers)} layers, {summary.total_params:,} params, {args.runs} runs")
    for label, fn in (("summarize(yaml text)", lambda: summarize(text)), ("summarize(dict)", lambda: summarize(spec))):
        wall, cpu = median_ms(fn, args.runs)
        print(f"{label:22} median {wall:7.1f} ms wall, {cpu:7.1f} ms CPU")


if __name__ == "__main__":
    main()

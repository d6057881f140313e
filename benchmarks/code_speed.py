"""How long reading model code takes, against reading the equivalent YAML spec.

Three networks: the founding question's U-Net exactly as it was posted (``tests/code_seeds``), a
generated 200-layer program (a functional CNN built by helper functions in loops, the way model code
is written), and PyTorch code: torchvision's ``models/resnet.py`` read with ``model="resnet50()"`` (its
``nn.Module`` classes, ``_make_layer`` and ``forward()``, and the helper modules it imports; skipped
when torchvision is not installed). Each is summarised from its code and from the YAML spec ``--to-spec`` writes for it,
alternately, and the median wall and CPU times and their ratio are reported. The target is a ratio of
at most 2.

    .venv/bin/python benchmarks/code_speed.py [--runs 15] [--layers 200]
"""

from __future__ import annotations

import argparse
import importlib.util
import statistics
import time
from pathlib import Path

from mkdocs_cnnsummary import summarize
from mkdocs_cnnsummary.code import read_code
from mkdocs_cnnsummary.code.to_spec import to_yaml

ROOT = Path(__file__).resolve().parents[1]


def generated_program(n_layers: int) -> str:
    """A functional CNN of about ``n_layers`` layers: residual blocks made by a helper, in a loop."""
    blocks = max(1, (n_layers - 5) // 7)
    return f'''\
import keras
from keras import layers


def residual_block(x, filters, name):
    shortcut = x
    x = layers.Conv2D(filters, 3, padding="same", use_bias=False)(x)
    x = layers.BatchNormalization()(x)
    x = layers.ReLU()(x)
    x = layers.Conv2D(filters, 3, padding="same", use_bias=False)(x)
    x = layers.BatchNormalization(name=name + "_bn2")(x)
    x = layers.Add(name=name + "_add")([shortcut, x])
    return layers.ReLU(name=name + "_out")(x)


def build(blocks={blocks}, filters=16, classes=10):
    inputs = keras.Input(shape=(32, 32, 3))
    x = layers.Conv2D(filters, 3, padding="same", name="stem")(inputs)
    for i in range(blocks):
        x = residual_block(x, filters, f"block{{i}}")
    x = layers.GlobalAveragePooling2D()(x)
    x = layers.Dropout(0.2)(x)
    outputs = layers.Dense(classes, activation="softmax")(x)
    return keras.Model(inputs, outputs, name="resnet_like")


model = build()
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
'''


def measure(label: str, code: str, runs: int, **kwargs) -> None:
    """``kwargs``: what the code reading needs besides the text (``model``, ``inputs``, ``path``)."""
    spec = to_yaml(read_code(code, **kwargs).network)
    code_summary, spec_summary = summarize(code, format="code", **kwargs), summarize(spec)
    assert code_summary.total_params == spec_summary.total_params
    times: dict[str, list[tuple[float, float]]] = {"code": [], "spec": []}
    for _ in range(runs):
        for kind, text in (("code", code), ("spec", spec)):
            wall, cpu = time.perf_counter(), time.process_time()
            summarize(text, format=kind, **(kwargs if kind == "code" else {}))
            times[kind].append((time.perf_counter() - wall, time.process_time() - cpu))
    print(f"{label}: {len(code_summary.layers)} layers, {code_summary.total_params:,} parameters")
    for index, what in ((0, "wall"), (1, "CPU")):
        code_ms = statistics.median(t[index] for t in times["code"]) * 1000
        spec_ms = statistics.median(t[index] for t in times["spec"]) * 1000
        print(f"  {what:4}: code {code_ms:7.1f} ms, spec {spec_ms:7.1f} ms, ratio {code_ms / spec_ms:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--layers", type=int, default=200)
    args = parser.parse_args()
    unet = (ROOT / "tests" / "code_seeds" / "seed_000_unet.py").read_text(encoding="utf-8")
    measure("seed 000 U-Net, as posted", unet, args.runs)
    measure(f"generated program (~{args.layers} layers)", generated_program(args.layers), args.runs)
    spec = importlib.util.find_spec("torchvision")  # its files are read, never imported
    if spec is not None and spec.submodule_search_locations:
        resnet = Path(next(iter(spec.submodule_search_locations))) / "models" / "resnet.py"
        measure("torchvision models/resnet.py, resnet50() (PyTorch code)", resnet.read_text(encoding="utf-8"),
                args.runs, model="resnet50()", inputs=[[3, 224, 224]], path=str(resnet))


if __name__ == "__main__":
    main()

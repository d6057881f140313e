"""Count what real Keras layers compute, with PyTorch's counter (run as a script: Keras on its torch backend).

Reads a JSON list of ``{"spec": ..., "batch": n}`` on standard input and prints, for each, a mapping of
layer name to FLOPs/2 of that layer's call (``torch.utils.flop_counter``), or ``{"error": "..."}`` when
the model does not build on that backend.  Keras must be imported with ``KERAS_BACKEND=torch``, so the
tests run this in a subprocess.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

os.environ["KERAS_BACKEND"] = "torch"
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
sys.path.insert(0, str(Path(__file__).parent))

import keras
import torch
from keras_builder import _pick, _wants_list, build_model
from torch.utils.flop_counter import FlopCounterMode

from mkdocs_cnnsummary import summarize

torch.set_num_threads(1)


def layer_macs(spec: Any, batch: int) -> dict[str, int]:
    summary = summarize(spec, batch=batch)
    model = build_model(spec, summary)
    embedding_inputs = {src for rec in summary.layers if rec.type == "Embedding" for src in rec.inputs}
    tensors: dict[str, Any] = {}
    for rec in summary.inputs:
        size = tuple(batch if d is None else d for d in rec.shape)
        tensors[rec.name] = keras.ops.zeros(size, dtype="int32" if rec.name in embedding_inputs else "float32")
    counts: dict[str, int] = {}
    pending = list(summary.layers)
    while pending:
        ready = [rec for rec in pending if all(s.split("[", 1)[0] in tensors for s in rec.inputs)]
        if not ready:
            raise RuntimeError("cannot order the layers")
        pending = [rec for rec in pending if rec not in ready]
        for rec in ready:
            _run(model, rec, tensors, counts)
    return counts


def _run(model: Any, rec: Any, tensors: dict[str, Any], counts: dict[str, int]) -> None:
    """Call one layer on real tensors, inside the counter."""
    layer = model.get_layer(rec.name)
    ins = [_pick(tensors, s) for s in rec.inputs]
    with FlopCounterMode(display=False) as counter:
        if isinstance(layer, keras.layers.MultiHeadAttention):  # the explicit path the counter sees
            out = layer(*(ins if len(ins) > 1 else [ins[0], ins[0]]), return_attention_scores=True)[0]
        else:
            out = layer(ins if len(ins) > 1 or _wants_list(layer) else ins[0])
    tensors[rec.name] = out
    counts[rec.name] = counter.get_total_flops() // 2


def main() -> None:
    results = []
    for job in json.load(sys.stdin):
        try:
            results.append(layer_macs(job["spec"], job.get("batch", 1)))
        except Exception as exc:  # a model the torch backend cannot build: reported, not counted
            results.append({"error": f"{type(exc).__name__}: {exc}"})
    json.dump(results, sys.stdout)


if __name__ == "__main__":
    main()

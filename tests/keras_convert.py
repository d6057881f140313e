"""Turn a real ``keras.Model`` into one of our specs (dict form), and compare the two.

Inputs come from the model's inputs; every other layer becomes one item with
its ``get_config()`` arguments (``name`` and ``trainable`` go to the item's
wiring, everything else is kept as Keras gives it: our engine accepts every
constructor argument) and ``inputs`` from the layer's inbound node.
"""

from __future__ import annotations

from typing import Any

import keras
from keras_builder import keras_facts

from mkdocs_cnnsummary import summarize

#: get_config() keys that are the item's wiring, not arguments
WIRING = ("name", "trainable")


def _plain(value: Any) -> Any:
    """Tuples to lists and nested layer configs to one-type mappings, recursively."""
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        if {"class_name", "config"} <= set(value) and str(value.get("module", "")).startswith("keras.layers"):
            return {value["class_name"]: _arguments(value["config"])}
        return {str(k): _plain(v) for k, v in value.items()}
    return value


def _arguments(config: dict[str, Any]) -> dict[str, Any]:
    return {k: _plain(v) for k, v in config.items() if k not in WIRING}


def _source(tensor: Any) -> str:
    """``conv1`` or ``lstm[1]`` for one output of a multi-output layer."""
    op, _, index = tensor._keras_history
    many = isinstance(op.output, list | tuple)
    return f"{op.name}[{index}]" if many else op.name


def model_to_spec(model: keras.Model) -> dict[str, Any]:
    """The spec dict describing ``model`` (each layer called once)."""
    inputs = {t._keras_history.operation.name: list(t.shape[1:]) for t in model.inputs}
    layers: list[dict[str, Any]] = []
    previous: str | None = next(iter(inputs)) if len(inputs) == 1 else None
    for layer in model.layers:
        if isinstance(layer, keras.layers.InputLayer):
            continue
        if len(layer._inbound_nodes) != 1:
            raise ValueError(f"layer {layer.name!r} is called {len(layer._inbound_nodes)} times")
        config = layer.get_config()
        item: dict[str, Any] = {type(layer).__name__: _arguments(config) or None, "name": layer.name}
        if not layer.trainable:
            item["trainable"] = False
        srcs = [_source(t) for t in layer._inbound_nodes[0].input_tensors]
        if srcs != [previous]:
            item["inputs"] = srcs
        layers.append(item)
        previous = layer.name
    outputs = [_source(t) for t in model.outputs]
    return {"name": model.name, "inputs": inputs, "layers": layers, "outputs": outputs}


def assert_model_matches(model: keras.Model) -> dict[str, Any]:
    """Convert ``model``, compute the spec, and compare every layer and the totals; returns the spec."""
    spec = model_to_spec(model)
    summary = summarize(spec)
    facts = keras_facts(model)
    assert [r.name for r in summary.layers] == list(facts), "layer names differ"
    for rec in summary.layers:
        real = facts[rec.name]
        ours = [tuple(s) for s in rec.output_shape] if rec.multi_output else tuple(rec.output_shape)
        assert ours == real["output_shape"], (rec.name, ours, real["output_shape"])
        for key in ("params", "trainable_params", "non_trainable_params"):
            assert getattr(rec, key) == real[key], (rec.name, key, getattr(rec, key), real[key])
    trainable = sum(int(w.numpy().size) for w in model.trainable_weights)
    non_trainable = sum(int(w.numpy().size) for w in model.non_trainable_weights)
    assert summary.total_params == model.count_params()
    assert summary.trainable_params == trainable
    assert summary.non_trainable_params == non_trainable
    return spec

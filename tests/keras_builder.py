"""Build the real Keras model that a spec describes, for differential tests.

The spec is parsed by our own parser (so both sides read the same layers and
arguments) and every layer is constructed with ``keras.layers.<Type>(*args, **kwargs)``.
"""

from __future__ import annotations

import os
from typing import Any

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras

from mkdocs_cnnsummary.engine.layer import lookup
from mkdocs_cnnsummary.engine.spec import LayerSpec, parse_item, parse_spec

# our spec name -> keras attribute, where they differ (functional aliases)
ALIASES = {"Input": "InputLayer"}
# wrapper arguments (position, name) that hold a layer, possibly written as a string or a one-type mapping
WRAPPED = {"Bidirectional": ((0, "layer"), (3, "backward_layer")), "TimeDistributed": ((0, "layer"),)}


def _identity(x: Any) -> Any:
    return x


def make_layer(spec: LayerSpec, name: str | None = None) -> keras.layers.Layer:
    """The keras layer object for one LayerSpec (nested layer arguments included)."""
    def conv(v: Any) -> Any:
        if isinstance(v, LayerSpec):
            return make_layer(v)
        if isinstance(v, list):
            return tuple(conv(x) for x in v) if all(not isinstance(x, LayerSpec) for x in v) else [conv(x) for x in v]
        return v

    cls_name = ALIASES.get(spec.type, spec.type)
    functional = {"concatenate": "Concatenate", "add": "Add", "subtract": "Subtract", "multiply": "Multiply",
                  "average": "Average", "maximum": "Maximum", "minimum": "Minimum", "dot": "Dot"}
    cls_name = functional.get(cls_name, cls_name)
    cls = getattr(keras.layers, cls_name)
    raw_args, raw_kwargs = list(spec.args), dict(spec.kwargs)
    if cls_name == "Lambda":  # a spec names the function; Keras needs one (its output_shape decides the shape)
        if raw_args and isinstance(raw_args[0], str):
            raw_args[0] = _identity
        if isinstance(raw_kwargs.get("function"), str):
            raw_kwargs["function"] = _identity
    for pos, key in WRAPPED.get(cls_name, ()):
        if pos < len(raw_args) and isinstance(raw_args[pos], str | dict):
            raw_args[pos] = parse_item(raw_args[pos], None)
        if isinstance(raw_kwargs.get(key), str | dict):
            raw_kwargs[key] = parse_item(raw_kwargs[key], None)
    kwargs = {k: conv(v) for k, v in raw_kwargs.items()}
    args = [conv(a) for a in raw_args]
    if spec.trainable is not None:
        kwargs["trainable"] = spec.trainable
    if name is not None:
        kwargs["name"] = name
    return cls(*args, **kwargs)


def build_model(spec_text: str | dict, summary) -> keras.Model:
    """A functional keras.Model with the same layer names and wiring as ``summary``."""
    net = parse_spec(spec_text)
    tensors: dict[str, Any] = {}
    for rec in summary.inputs:
        tensors[rec.name] = keras.Input(shape=rec.shape[1:], batch_size=rec.shape[0], name=rec.name)
    by_name = {rec.name: rec for rec in summary.layers}
    specs = [s for s in net.layers if ALIASES.get(s.type, s.type) != "InputLayer"]
    pending = list(zip(specs, summary.layers, strict=True))
    while pending:
        rest = []
        for spec, rec in pending:
            srcs = rec.inputs
            if not all(_base(s) in tensors for s in srcs):
                rest.append((spec, rec))
                continue
            kw = dict(spec.kwargs)
            own = {a.name for a in lookup("keras", spec.type).arguments}  # Embedding's input_dim is its own
            for key in ("input_shape", "input_dim"):
                if key not in own:
                    kw.pop(key, None)
            layer = make_layer(LayerSpec(spec.type, spec.args, kw, None, None, spec.trainable), rec.name)
            ins = [_pick(tensors, s) for s in srcs]
            if layer.__class__.__name__ == "MultiHeadAttention":
                out = layer(*ins) if len(ins) > 1 else layer(ins[0], ins[0])
            else:
                out = layer(ins if len(ins) > 1 or _wants_list(layer) else ins[0])
            tensors[rec.name] = out
        if len(rest) == len(pending):
            raise RuntimeError("cannot order layers")
        pending = rest
    outs = [_pick(tensors, o) for o in summary.outputs]
    del by_name
    return keras.Model(inputs=[tensors[i.name] for i in summary.inputs], outputs=outs)


def _wants_list(layer) -> bool:
    return isinstance(layer, keras.layers.Concatenate | keras.layers.Add | keras.layers.Subtract |
                      keras.layers.Multiply | keras.layers.Average | keras.layers.Maximum |
                      keras.layers.Minimum | keras.layers.Dot)


def _base(src: str) -> str:
    return src.split("[", 1)[0]


def _pick(tensors: dict[str, Any], src: str) -> Any:
    if "[" in src:
        base, idx = src[:-1].split("[")
        return tensors[base][int(idx)]
    return tensors[src]


def _shape(x: Any) -> Any:
    if isinstance(x, list | tuple) and x and not isinstance(x[0], int | type(None)):
        return [tuple(t.shape) for t in x]
    return tuple(x.shape)


def keras_facts(model: keras.Model) -> dict[str, dict[str, Any]]:
    """Per layer: output shape and the three parameter counts, as Keras reports them."""
    out = {}
    for layer in model.layers:
        if isinstance(layer, keras.layers.InputLayer):
            continue
        trainable = sum(int(w.numpy().size) for w in layer.trainable_weights)
        non_trainable = sum(int(w.numpy().size) for w in layer.non_trainable_weights)
        out[layer.name] = {
            "output_shape": _shape(layer.output),
            "params": layer.count_params() if layer.built else 0,
            "trainable_params": trainable,
            "non_trainable_params": non_trainable,
        }
    return out


def assert_matches_keras(spec_text: str | dict) -> None:
    """Compute the spec with our engine and with real Keras; compare every layer."""
    from mkdocs_cnnsummary import summarize

    summary = summarize(spec_text)
    model = build_model(spec_text, summary)
    facts = keras_facts(model)
    for rec in summary.layers:
        real = facts[rec.name]
        ours_shape = [tuple(s) for s in rec.output_shape] if rec.multi_output else tuple(rec.output_shape)
        assert ours_shape == real["output_shape"], (rec.name, ours_shape, real["output_shape"])
        assert rec.params == real["params"], (rec.name, rec.params, real["params"])
        assert rec.trainable_params == real["trainable_params"], (rec.name, rec.trainable_params, real)
        assert rec.non_trainable_params == real["non_trainable_params"], (rec.name, rec.non_trainable_params, real)

"""keras.applications networks (weights=None) converted to specs and compared layer by layer with Keras."""

from __future__ import annotations

import keras
import pytest
from arith import check_steps
from keras_convert import assert_model_matches, model_to_spec

from mkdocs_cnnsummary import summarize

# small inputs keep the models quick to build; classes=10 keeps the heads small
APPLICATIONS = {
    "VGG16": lambda: keras.applications.VGG16(weights=None, input_shape=(32, 32, 3), classes=10),
    "ResNet50": lambda: keras.applications.ResNet50(weights=None, input_shape=(32, 32, 3), classes=10),
    "MobileNetV2": lambda: keras.applications.MobileNetV2(weights=None, input_shape=(32, 32, 3), alpha=0.35,
                                                          classes=10),
    "DenseNet121": lambda: keras.applications.DenseNet121(weights=None, input_shape=(32, 32, 3), classes=10),
    "EfficientNetB0": lambda: keras.applications.EfficientNetB0(weights=None, input_shape=(32, 32, 3),
                                                                classes=10),
    "MobileNet": lambda: keras.applications.MobileNet(weights=None, input_shape=(32, 32, 3), classes=10),
    "Xception": lambda: keras.applications.Xception(weights=None, input_shape=(71, 71, 3), classes=10),
    "InceptionV3": lambda: keras.applications.InceptionV3(weights=None, input_shape=(75, 75, 3), classes=10),
    "NASNetMobile": lambda: keras.applications.NASNetMobile(weights=None, input_shape=(32, 32, 3), classes=10),
    "ResNet50-avg-unknown-size": lambda: keras.applications.ResNet50(weights=None, include_top=False,
                                                                     input_shape=(None, None, 3), pooling="avg"),
}


@pytest.mark.parametrize("name", list(APPLICATIONS))
def test_application_matches_keras(name: str) -> None:
    model = APPLICATIONS[name]()
    spec = assert_model_matches(model)
    check_steps(summarize(spec))


def test_frozen_layers_and_functional_wiring_are_converted() -> None:
    inp = keras.Input((8, 8, 3), name="image")
    side = keras.Input((4,), name="side")
    x = keras.layers.Conv2D(4, 3, name="conv")(inp)
    x = keras.layers.BatchNormalization(name="bn", trainable=False)(x)
    x = keras.layers.GlobalAveragePooling2D(name="pool")(x)
    merged = keras.layers.Concatenate(name="merge")([x, keras.layers.Dense(2, name="side_dense")(side)])
    model = keras.Model([inp, side], keras.layers.Dense(3, name="head")(merged))
    spec = model_to_spec(model)
    assert spec["inputs"] == {"image": [8, 8, 3], "side": [4]}
    items = {next(iter(i)): i for i in spec["layers"]}
    assert items["BatchNormalization"]["trainable"] is False
    assert items["Concatenate"]["inputs"] == ["pool", "side_dense"]
    assert items["Conv2D"]["Conv2D"]["filters"] == 4
    assert_model_matches(model)


def test_wrappers_and_several_outputs_are_converted() -> None:
    tokens = keras.Input((7,), name="tokens")
    x = keras.layers.Embedding(50, 6, name="embed")(tokens)
    x = keras.layers.Bidirectional(keras.layers.GRU(4, return_sequences=True, reset_after=False), name="bi")(x)
    seq, h, c = keras.layers.LSTM(5, return_sequences=True, return_state=True, name="lstm")(x)
    x = keras.layers.TimeDistributed(keras.layers.Dense(5), name="td")(seq)
    x = keras.layers.MultiHeadAttention(num_heads=2, key_dim=3, name="mha")(x, seq)
    pooled = keras.layers.GlobalAveragePooling1D(name="pool")(x)
    out = keras.layers.Add(name="add")([pooled, h, c])
    model = keras.Model(tokens, out)
    spec = model_to_spec(model)
    items = {i["name"]: i for i in spec["layers"]}
    assert items["add"]["inputs"] == ["pool", "lstm[1]", "lstm[2]"]
    assert "GRU" in items["bi"]["Bidirectional"]["layer"]
    assert_model_matches(model)

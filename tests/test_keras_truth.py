"""The ground-truth side of the code tests, on its own: the Keras runner, the program generator, the corpus.

These pass without any code reader: they check that the runner describes what real Keras builds
(names, nesting, shapes, counts, totals) in a fresh session per program, that every generated program
is one Keras 3 accepts and that the catalog programs build the networks the spec engine computes,
and that every corpus file runs in Keras 3 (or, where a modern variant is stored, that Keras 3 refuses
the original) and that the Lasagne expectations agree with what nolearn printed.
"""

from __future__ import annotations

import re
from collections import Counter

import pytest
from code_compare import truth_rows
from corpus_manifest import ROOT, entries, selected
from keras_programs import FAMILIES, random_program
from keras_truth import LONG, Job, run, run_many
from random_networks import random_network

from mkdocs_cnnsummary import summarize

#: seeds of the random programs; the same seeds as test_code_random_keras, so the runs are cached once
SEEDS = range(400) if LONG else range(60)


def _rows(truth):
    return [(r["name"], r["type"], tuple(r["output_shape"]), r["params"], r["trainable_params"],
             r["non_trainable_params"], r.get("parent")) for r in truth["layers"]]


def test_runner_describes_a_functional_model_with_a_frozen_nested_sequential():
    truth = run(Job("""
import keras
from keras import layers
block = keras.Sequential([layers.Dense(4), layers.BatchNormalization()])
block.trainable = False
a = keras.Input((8,), name="a")
b = keras.Input((8,))
x = layers.concatenate([block(a), block(b)])
out = layers.Dense(1, name="score")(x)
model = keras.Model([a, b], out)
model.summary()
print("built")
""", "model"))
    assert truth["ok"], truth
    # building the Sequential on its first call made a graph named 'functional' inside Keras
    assert truth["model"] == {"name": "functional_1", "type": "Functional"}
    assert truth["inputs"] == [{"name": "a", "shape": [None, 8]}, {"name": "input_layer", "shape": [None, 8]}]
    assert truth["outputs"] == ["score"]
    assert _rows(truth) == [
        ("a", "InputLayer", (None, 8), 0, 0, 0, None),
        ("input_layer", "InputLayer", (None, 8), 0, 0, 0, None),
        ("sequential", "Sequential", (None, 4), 52, 0, 52, None),
        ("dense", "Dense", (None, 4), 36, 0, 36, "sequential"),
        ("batch_normalization", "BatchNormalization", (None, 4), 16, 0, 16, "sequential"),
        ("concatenate", "Concatenate", (None, 8), 0, 0, 0, None),
        ("score", "Dense", (None, 1), 9, 9, 0, None),
    ]
    assert (truth["total_params"], truth["trainable_params"], truth["non_trainable_params"]) == (61, 9, 52)


def test_runner_shows_several_outputs_and_unbuilt_models_built_from_given_inputs():
    truth = run(Job("""
from keras.models import Sequential, Model
from keras.layers import Input, LSTM, Embedding, Dense
inp = Input(shape=(None, 3))
seq, h, c = LSTM(5, return_sequences=True, return_state=True)(inp)
states = Model(inp, [seq, h, c])
clf = Sequential()
clf.add(Embedding(100, 4))
clf.add(LSTM(2))
clf.add(Dense(1))
""", "clf", ((7,),)))
    assert truth["ok"], truth
    assert [r["name"] for r in truth["layers"]] == ["embedding", "lstm_1", "dense"]
    assert truth["inputs"] == [{"name": "input_layer_1", "shape": [None, 7]}]
    assert truth["layers"][0]["output_shape"] == [None, 7, 4]
    assert truth["total_params"] == 400 + 4 * (4 + 2 + 1) * 2 + 3
    states = run(Job("""
import keras
inp = keras.Input(shape=(None, 3))
out = keras.layers.LSTM(5, return_sequences=True, return_state=True)(inp)
model = keras.Model(inp, out)
""", "model"))
    assert states["layers"][1]["output_shape"] == [[None, None, 5], [None, 5], [None, 5]]


def test_runner_takes_the_model_a_function_builds_when_it_returns_none():
    truth = run(Job("""
import keras
def test_model(filters=32):
    model = keras.Sequential([keras.Input((16, 16, 3)), keras.layers.Conv2D(filters, 3)])
    model.summary()
test_model(8)
""", "test_model(filters=4)"))
    assert truth["ok"], truth
    assert truth["model"]["name"] == "sequential_1"  # the second one the file builds, not Keras' inner graph
    assert [(r["name"], r["params"]) for r in truth["layers"]] == [("conv2d_1", 3 * 3 * 3 * 4 + 4)]


def test_each_program_starts_a_fresh_session():
    first = "import keras\nkeras.config.set_image_data_format('channels_first')\n" \
            "m = keras.Sequential([keras.Input((3, 8, 8)), keras.layers.Conv2D(2, 3)])"
    second = "import keras\nm = keras.Sequential([keras.Input((8, 8, 3)), keras.layers.Conv2D(2, 3)])"
    a, b = run_many([Job(first, "m"), Job(second, "m")], parallel=2)
    assert a["layers"][0]["output_shape"] == [None, 2, 6, 6]
    assert b["layers"][0]["output_shape"] == [None, 6, 6, 2]  # the data format did not leak
    assert a["layers"][0]["name"] == b["layers"][0]["name"] == "conv2d"
    assert a["inputs"][0]["name"] == b["inputs"][0]["name"] == "input_layer"


def test_failures_and_endless_programs_are_reported_not_raised():
    failed, endless = run_many([Job("import keras\nkeras.layers.Conv2D(8, 3, pad=1)", "x"),
                                Job("while True:\n    pass\n", timeout=2)], parallel=2)
    assert not failed["ok"] and "pad" in failed["error"] and failed["traceback"]
    assert not endless["ok"] and endless["timeout"]


def test_the_cache_key_names_the_program_and_the_question():
    job = Job("x = 1", "m")
    assert job.key() == Job("x = 1", "m").key()
    assert len({job.key(), Job("x = 2", "m").key(), Job("x = 1", "n").key(), Job("x = 1", "m", ((3,),)).key(),
                Job("x = 1", "m", prelude="y = 0").key()}) == 5


# the generated programs --------------------------------------------------------------------------


@pytest.mark.parametrize("seed", SEEDS)
def test_random_program_runs_in_keras(seed):
    program = random_program(seed)
    truth = run(program.job())
    assert truth["ok"], f"seed {seed}: {truth['error']}\n{program.text}"
    for row in truth["layers"]:
        assert row["params"] == row["trainable_params"] + row["non_trainable_params"], row
        assert not row.get("unbuilt"), row
    top = sum(r["params"] for r in truth["layers"] if "parent" not in r)
    assert top == truth["total_params"] == truth["trainable_params"] + truth["non_trainable_params"]


def _as_bag(rows):
    return Counter((r[0], tuple(r[1]) if isinstance(r[1][0], int | None) else tuple(map(tuple, r[1])), *r[2:])
                   for r in rows)


@pytest.mark.parametrize("seed", [s for s in SEEDS if random_program(s).family == "catalog"])
def test_catalog_program_builds_the_network_of_its_spec(seed):
    """The code written from random_network(seed) builds the network the spec engine computes."""
    truth = run(random_program(seed).job())
    spec = summarize(random_network(seed))
    ours = [(r.type, r.output_shape, r.params, r.trainable_params, r.non_trainable_params) for r in spec.layers]
    real = [(r["type"], r["output_shape"], r["params"], r["trainable_params"], r["non_trainable_params"])
            for r in truth_rows(truth).values()]
    assert _as_bag(real) == _as_bag(ours)
    assert [tuple(i.shape) for i in spec.inputs] == [tuple(i["shape"]) for i in truth["inputs"]]


def test_a_seed_always_gives_the_same_program():
    assert random_program(11) == random_program(11)
    assert random_program(11).text != random_program(12).text


def test_the_default_sample_writes_every_construct():
    seen = set().union(*(random_program(s).features for s in SEEDS))
    wanted = {f"family: {f}" for f in [*FAMILIES, "catalog"]} | {
        "sequential list", "sequential add", "functional", "helper function", "builder function", "for loop",
        "while loop", "comprehension", "nested comprehension", "starred list", "list append", "nested call",
        "recursion", "zip", "reversed", "conditional expression", "tuple unpacking", "**kwargs", "input_shape=",
        "several inputs", "several outputs", "concatenate", "add", "model as layer", "shared layer",
        "shared model", "trainable statement", "default model", "model= call", "skipped: compile",
        "skipped: summary", "skipped: fit", "skipped: print", "skipped: optimizer"}
    wanted |= {f"import: {name}" for name in (
        "keras", "from keras import layers", "from keras.layers import *", "from keras.layers import names",
        "import tensorflow as tf", "from tensorflow import keras", "from tensorflow.keras import layers, models",
        "from keras import layers as L", "import tensorflow.keras.layers as KL",
        "from tensorflow.keras.layers import names as aliases", "import keras as K")}
    assert wanted - seen == set()


# the corpus --------------------------------------------------------------------------------------


@pytest.mark.parametrize("entry", selected("keras"), ids=lambda e: e.id)
def test_corpus_model_runs_in_keras(entry):
    truth = run(entry.truth_job())
    assert truth["ok"], f"{entry.id}: {truth['error']}\n" + "\n".join(truth.get("traceback", []))
    assert not any(r.get("unbuilt") for r in truth["layers"])
    assert truth["total_params"] > 0
    if entry.modern:  # a modern variant is stored only where Keras 3 refuses the original
        assert not run(entry.original_job())["ok"], f"{entry.id}: Keras 3 runs the original; drop the variant"


def test_corpus_files_say_where_they_come_from():
    files = {e.file for e in entries()} | {e.modern for e in entries() if e.modern}
    on_disk = {str(p.relative_to(ROOT)) for framework in ("keras", "lasagne") for p in (ROOT / framework).rglob("*.py")}
    assert files == on_disk  # the PyTorch corpus has its own manifest (torch_corpus.py)
    for name in files:
        head = (ROOT / name).read_text().split("\n\n", 1)[0]
        assert re.search(r"^# Source: https://github\.com/\S+/blob/[0-9a-f]{40}/", head, re.M), name
        assert re.search(r"^# Licence: (MIT|Apache-2\.0)", head, re.M), name
    for e in entries():
        assert e.source in (ROOT / e.file).read_text(), e.id
        assert e.licence.split()[0] in ("MIT", "Apache-2.0"), e.id
        assert e.read in ("original", "modern") and (e.read == "original" or e.modern), e.id
    assert len({e.file for e in entries()}) >= 25
    assert len(entries()) == len({e.id for e in entries()})


@pytest.mark.parametrize("entry", [e for e in entries() if e.framework == "lasagne"], ids=lambda e: e.id)
def test_lasagne_expectations_add_up_and_agree_with_what_nolearn_printed(entry):
    assert entry.expected and sum(row[-1] for row in entry.expected) == entry.total_params
    if entry.printed:
        assert entry.printed["total_params"] == entry.total_params
        (_, input_size), *sizes = entry.printed["sizes"]
        assert input_size == "x".join(map(str, entry.inputs[0]))
        assert [[row[0], "x".join(map(str, row[2:-1]))] for row in entry.expected] == sizes

"""The code reader: the Python it interprets, the Keras and Lasagne code it follows, and its messages.

Numbers that Keras computes are checked against real Keras in test_code_seeds, test_code_keras and
the corpus tests; here the interpreter's semantics, the naming, the model choice and the errors.
"""

from __future__ import annotations

import textwrap

import pytest

from mkdocs_cnnsummary import SpecError, summarize
from mkdocs_cnnsummary.code import read_code
from mkdocs_cnnsummary.code.detect import detect_format, detect_framework, split_code
from mkdocs_cnnsummary.code.interpreter import Interpreter, Scope, parse_python
from mkdocs_cnnsummary.code.session import Session, SourceFile


def evaluate(code: str, expression: str):
    """Run ``code`` with the reader's interpreter and evaluate ``expression`` in its namespace."""
    from mkdocs_cnnsummary.code.bindings import make_bindings

    code = textwrap.dedent(code)
    session = Session()
    source = SourceFile(None, code, parse_python(code, None, 100))
    session.main = source
    session.framework = "keras"
    session.bindings = make_bindings(session)
    interp = Interpreter(session)
    scope = Scope("module", None, source)
    session.main_scope = scope
    interp.run_module(source, scope)
    import ast

    return interp.eval(ast.parse(expression, mode="eval").body, scope)


def code(text: str, **kwargs):
    return summarize(textwrap.dedent(text), format="code", **kwargs)


# the Python subset ------------------------------------------------------------------------------


@pytest.mark.parametrize(("source", "expression", "value"), [
    ("x = 2 ** 10 // 3 % 7 - -1", "x", 2 ** 10 // 3 % 7 + 1),
    ("a, *b, c = range(5)", "(a, b, c)", (0, [1, 2, 3], 4)),
    ("x = [i * i for i in range(6) if i % 2]", "x", [1, 9, 25]),
    ("x = {k: v for k, v in zip('abc', (1, 2, 3))}", "x", {"a": 1, "b": 2, "c": 3}),
    ("x = [(i, j) for i in range(3) for j in range(i)]", "x", [(1, 0), (2, 0), (2, 1)]),
    ("x = sorted([3, 1, 2], key=lambda v: -v)", "x", [3, 2, 1]),
    ("x = f'{3:>4}|{0.5:.2f}|{\"a\"!r}'", "x", "   3|0.50|'a'"),
    ("x = '{}-{name}'.format(1, name='n') + '%03d' % 7", "x", "1-n007"),
    ("def f(a, b=2, *args, c, d=4, **kw):\n    return (a, b, args, c, d, kw)\nx = f(1, 5, 6, c=3, e=9)",
     "x", (1, 5, (6,), 3, 4, {"e": 9})),
    ("def outer():\n    n = 0\n    def inc():\n        nonlocal n\n        n += 1\n    inc(); inc()\n    return n\n",
     "outer()", 2),
    ("def fib(n):\n    return n if n < 2 else fib(n - 1) + fib(n - 2)", "fib(15)", 610),
    ("total = 0\nfor i, v in enumerate(reversed([1, 2, 3])):\n    if i == 2:\n        break\n    total += v\n"
     "else:\n    total = -1", "total", 5),
    ("n = 0\nwhile True:\n    n += 1\n    if n >= 10:\n        break", "n", 10),
    ("x = [1]\nx += (2, 3)\nx.extend([4]); x.insert(0, 0); x.pop()", "x", [0, 1, 2, 3]),
    ("d = {}\nd.setdefault('a', []).append(1)\nd.update(b=2)", "sorted(d.items())", [("a", [1]), ("b", 2)]),
    ("import math\nx = (math.ceil(7 / 2), math.floor(2.5), math.prod([2, 3, 4]), round(2.675, 2))", "x",
     (4, 2, 24, 2.67)),
    ("x = min(3, 1, 2), max([4, 9]), sum(range(5)), abs(-3), int('12'), float(2), len('abc')", "x",
     ((1, 9, 10, 3, 12, 2.0, 3))),
    ("x = 5 if 1 < 2 < 3 and not None else 6", "x", 5),
    ("x = [y := 3, y + 1]", "x", [3, 4]),
    ("try:\n    x = {}['missing']\nexcept KeyError as e:\n    x = 'caught'", "x", "caught"),
    ("try:\n    raise ValueError('no')\nexcept (TypeError, ValueError):\n    x = 1\nfinally:\n    x += 1", "x", 2),
    ("class A:\n    base = 10\n    def __init__(self, k):\n        self.k = k\n    def get(self):\n"
     "        return self.base + self.k\nclass B(A):\n    def __init__(self):\n        super().__init__(5)\n"
     "    @property\n    def doubled(self):\n        return 2 * self.get()\n", "B().doubled", 30),
    ("class C:\n    @staticmethod\n    def s(x):\n        return x + 1\n    @classmethod\n    def c(cls):\n"
     "        return cls.__name__\n", "(C.s(1), C.c())", (2, "C")),
    ("g = 1\ndef f():\n    global g\n    g = 2\nf()", "g", 2),
    ("x = isinstance(3, (int, float)), isinstance('a', int), callable(len)", "x", (True, False, True)),
    ("with open_ctx() as f:\n    x = 1", "x", 1),
])
def test_python_subset(source: str, expression: str, value) -> None:
    assert evaluate(source, expression) == value


def test_data_loading_and_training_flow_through_as_unknown_values() -> None:
    summary = code("""
        import numpy as np
        from keras import layers, models
        (x_train, y_train), (x_test, y_test) = np.load('mnist.npz')
        x_train = x_train.astype('float32') / 255
        model = models.Sequential([layers.Input((28, 28)), layers.Flatten(), layers.Dense(10)])
        model.compile(optimizer='adam', loss='mse')
        history = model.fit(x_train, y_train, epochs=3)
        for epoch in history.history['loss']:
            print(epoch)
        print(model.summary())
    """)
    assert summary.total_params == 7850
    (skipped,) = [w for w in summary.warnings if w.kind == "skipped" and "build nothing" in w.message]
    assert "model.compile" in skipped.message and "model.fit" in skipped.message
    loops = [w for w in summary.warnings if "loop" in w.message]
    assert loops and "history" in loops[0].message


def test_unknown_value_is_an_error_where_the_network_needs_it() -> None:
    with pytest.raises(SpecError) as info:
        code("""
            import numpy as np
            from keras import layers, Sequential
            data = np.load('x.npy')
            model = Sequential([layers.Input(data.shape[1:]), layers.Dense(3)])
        """)
    err = info.value
    assert err.line == 5 and "np.load('x.npy')" in err.message and "line 4" in err.message
    assert "numbers" in err.hint


def test_undefined_function_given_part_of_the_network_is_an_error() -> None:
    with pytest.raises(SpecError) as info:
        code("""
            from keras import layers, Model, Input
            x_in = Input((32, 32, 3))
            x = my_block(x_in, 64)
            model = Model(x_in, layers.Flatten()(x))
        """)
    assert info.value.line == 4 and "my_block" in info.value.message
    assert "paste the definition of my_block" in info.value.hint


def test_syntax_error_points_at_its_line() -> None:
    with pytest.raises(SpecError) as info:
        code("import keras\nmodel = keras.Sequential([\n    keras.layers.Dense(3)\n    keras.layers.Dense(4)])\n")
    assert info.value.line in (3, 4) and "invalid Python" in info.value.message


# Keras: names, models and old spellings -------------------------------------------------------------


def test_names_continue_across_everything_the_file_builds() -> None:
    summary = code("""
        import keras
        from keras import layers
        scratch = keras.Sequential([layers.Dense(4, input_shape=(3,))])   # discarded
        a = keras.Input((8,))
        b = keras.Input((8,), name="side")
        x = layers.Dense(4)(a)
        y = layers.Dense(4, name="named")(b)
        model = keras.Model([a, b], layers.concatenate([x, y]))
    """)
    assert [i.name for i in summary.inputs] == ["input_layer_1", "side"]
    assert [r.name for r in summary.layers] == ["dense_1", "named", "concatenate"]
    assert summary.name == "functional_1"  # the Sequential built one functional model inside


def test_clear_session_starts_the_names_again() -> None:
    summary = code("""
        from keras import backend as K, layers, Sequential
        Sequential([layers.Input((3,)), layers.Dense(2)])
        K.clear_session()
        model = Sequential([layers.Input((3,)), layers.Dense(2)])
    """)
    assert summary.name == "sequential" and summary.layers[0].name == "dense"


def test_sequential_spellings() -> None:
    added = code("""
        from tensorflow.keras.models import Sequential
        from tensorflow.keras.layers import Dense, Dropout
        model = Sequential()
        model.add(Dense(64, activation='relu', input_dim=20))
        model.add(Dropout(0.5))
        model.add(Dense(1, activation='sigmoid'))
    """)
    assert added.total_params == 20 * 64 + 64 + 65 and added.inputs[0].shape == (None, 20)
    unbuilt = code("import keras\nmodel = keras.Sequential([keras.layers.Dense(8), keras.layers.Dense(2)])",
                   inputs=[[5]])
    assert unbuilt.total_params == 6 * 8 + 9 * 2
    built = code("import keras\nm = keras.Sequential()\nm.add(keras.layers.Dense(2))\nm.build((None, 7))")
    assert built.total_params == 16
    with pytest.raises(SpecError) as info:
        code("import keras\nmodel = keras.Sequential([keras.layers.Dense(8)])")
    assert "no input shape" in info.value.message and "--input" in info.value.hint


def test_model_used_as_a_layer_has_its_rows_under_it() -> None:
    summary = code("""
        import keras
        from keras import layers
        encoder = keras.Sequential([layers.Conv2D(8, 3), layers.GlobalAveragePooling2D()], name="encoder")
        encoder.trainable = False
        image = keras.Input((32, 32, 3))
        features = encoder(image)
        model = keras.Model(image, layers.Dense(10)(features))
    """)
    rows = [(r.name, r.parent, r.depth) for r in summary.layers]
    assert rows == [("encoder", None, 0), ("conv2d", "encoder", 1), ("global_average_pooling2d", "encoder", 1),
                    ("dense", None, 0)]
    encoder = summary.layer("encoder")
    assert encoder.params == encoder.non_trainable_params == 3 * 3 * 3 * 8 + 8
    assert summary.total_params == 224 + 90  # the nested rows are not counted twice
    assert summary.trainable_params == 90
    assert summary.to_dict()["layers"][1]["parent"] == "encoder"


def test_shared_layer_is_one_row() -> None:
    summary = code("""
        import keras
        from keras import layers
        left, right = keras.Input((16,)), keras.Input((16,))
        shared = layers.Dense(8)
        merged = layers.Add()([shared(left), shared(right)])
        model = keras.Model([left, right], merged)
    """)
    assert [r.name for r in summary.layers] == ["dense", "add"]
    assert summary.layer("dense").inputs == ["input_layer", "input_layer_1"]
    assert summary.layer("add").inputs == ["dense", "dense@1"]
    assert summary.total_params == 136


def test_old_spellings_are_read_with_a_warning() -> None:
    summary = code("""
        from keras.layers import Convolution2D, Flatten, Dense
        from keras.models import Sequential
        model = Sequential()
        model.add(Convolution2D(32, 3, 3, border_mode='same', input_shape=(28, 28, 1)))
        model.add(Flatten())
        model.add(Dense(output_dim=10))
    """)
    assert summary.layer("conv2d").params == 320
    assert summary.layer("conv2d").output_shape == (None, 28, 28, 32)
    assert summary.layer("dense").params == 28 * 28 * 32 * 10 + 10
    warned = [w for w in summary.warnings if w.kind == "old-spelling"]
    assert len(warned) == 2 and "padding='same'" in warned[0].message and "units=10" in warned[1].message


def test_keras2_module_paths() -> None:
    summary = code("from keras.layers.convolutional import Conv2D\nfrom keras.layers.core import Dense\n"
                   "from keras.models import Sequential\nmodel = Sequential([Conv2D(4, 3, input_shape=(8, 8, 1))])")
    assert summary.total_params == 40
    assert any("keras.layers.convolutional" in w.message for w in summary.warnings)


def test_default_choice_of_the_model() -> None:
    one = code("""
        from keras import layers, Model, Input
        def build(width=8):
            x = Input((4,))
            return Model(x, layers.Dense(width)(x))
    """)
    assert one.total_params == 40
    with pytest.raises(SpecError) as info:
        code("""
            from keras import layers, Model, Input
            def small():
                x = Input((4,)); return Model(x, layers.Dense(2)(x))
            def big(width):
                x = Input((4,)); return Model(x, layers.Dense(width)(x))
        """)
    assert "small() (line 3)" in info.value.message and "big(width) (line 5)" in info.value.message
    assert 'model="small()"' in info.value.hint
    with pytest.raises(SpecError) as info:
        code("from keras import layers\nx = 3\n")
    assert "builds no model" in info.value.message


def test_model_expression() -> None:
    text = "from keras import layers, Model, Input\ndef build(width=8):\n    x = Input((4,))\n" \
           "    return Model(x, layers.Dense(width)(x))\nm = build()\n"
    assert summarize(text, model="build(width=3)").total_params == 15
    assert summarize(text, model="m").total_params == 40
    with pytest.raises(SpecError) as info:
        summarize(text, model="build(")
    assert "not a Python expression" in info.value.message
    with pytest.raises(SpecError) as info:
        summarize(text, model="3 + 4")
    assert "not a model" in info.value.message


@pytest.mark.parametrize(("text", "line", "words"), [
    ("from keras import layers\nx = layers.Conv2d(8, 3)", 2, ("keras.layers.Conv2d", "Conv2D")),
    ("from keras import layers\nx = layers.Dense(units=3, kernal_initializer='ones')", 2,
     ("kernal_initializer", "kernel_initializer")),
    ("from keras import layers, Input\nx = Input((4,))\ny = x + x", 3, ("arithmetic on Keras tensors", "Add")),
    ("from keras import layers, Input\nx = Input((4,))\ny = layers.Lambda(lambda t: t)(x)", 3, ("Lambda",)),
    ("import keras\nclass Net(keras.Model):\n    pass\nm = Net()", 4, ("subclassed", "functional API")),
    ("from keras import layers\na = layers.Dense(3)\nb = layers.Dense(3)(a)", 3, ("not on a tensor",)),
    ("from keras.models import load_model\nm = load_model('x.h5')", 2, ("saved model",)),
    ("import keras\nm = keras.applications.ResNet50()", 2, ("keras.applications",)),
])
def test_keras_errors_name_the_line_and_what_to_do(text: str, line: int, words: tuple[str, ...]) -> None:
    with pytest.raises(SpecError) as info:
        summarize(text, format="code")
    err = info.value
    assert err.line == line, str(err)
    for word in words:
        assert word in str(err), str(err)


def test_negative_size_is_an_error_on_the_line_of_the_call() -> None:
    text = "from keras import layers, Input, Model\nx = Input((5, 5, 1))\nc = layers.Conv2D(4, 7)\n\ny = c(x)\n"
    with pytest.raises(SpecError) as info:
        summarize(text)
    assert info.value.line == 5 and info.value.layer == "conv2d"


# Lasagne and nolearn ------------------------------------------------------------------------------------


def test_lasagne_chain_and_helpers() -> None:
    summary = code("""
        import lasagne
        from lasagne.layers import InputLayer, Conv2DLayer, DenseLayer, batch_norm, get_output_shape
        l = InputLayer((None, 3, 32, 32))
        l = batch_norm(Conv2DLayer(l, num_filters=16, filter_size=3, pad='same'))
        shape = get_output_shape(l)
        l = DenseLayer(l, num_units=shape[1], nonlinearity=lasagne.nonlinearities.softmax)
    """)
    assert [r.type for r in summary.layers] == ["Conv2DLayer", "BatchNormLayer", "NonlinearityLayer", "DenseLayer"]
    assert summary.layer("conv2d").params == 3 * 3 * 3 * 16  # batch_norm removes the bias
    assert summary.layer("dense").params == 16 * 32 * 32 * 16 + 16


def test_nolearn_class_and_arguments_pairs() -> None:
    summary = code("""
        from lasagne.layers import InputLayer, DenseLayer, DropoutLayer
        from nolearn.lasagne import NeuralNet
        net = NeuralNet(layers=[(InputLayer, {'shape': (None, 10)}), (DenseLayer, {'num_units': 5}),
                                (DropoutLayer, {}), (DenseLayer, {'num_units': 2})], max_epochs=3)
        net.fit(X, y)
    """)
    assert [r.name for r in summary.layers] == ["dense1", "dropout2", "dense3"]
    assert summary.inputs[0].name == "input0"
    assert summary.total_params == 55 + 12


def test_nolearn_input_shape_from_data_needs_inputs() -> None:
    text = ("from lasagne.layers import InputLayer, DenseLayer\nfrom nolearn.lasagne import NeuralNet\n"
            "net = NeuralNet(layers=[(InputLayer, {'shape': (None, X.shape[1])}), (DenseLayer, {'num_units': 2})])\n")
    with pytest.raises(SpecError) as info:
        summarize(text)
    assert "X.shape" in info.value.message and "inputs" in info.value.hint
    assert summarize(text, inputs=[[7]]).total_params == 16


# detection and the API -------------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "kind"), [
    ("input: [28, 28, 1]\nlayers:\n  - Dense: 3\n", "spec"),
    ("- Flatten\n- Dense(10)\n", "spec"),
    ("layers: [Dense(3)]\ninput: [4]\n", "spec"),
    ("Conv2D(16, 3)\n", "code"),
    ("import keras\n", "code"),
    ("model = Sequential()\nmodel.add(Dense(3, input_dim=4))\n", "code"),
    ("x = (\n", "code"),
    ("input: [28\n", "spec"),
])
def test_detect_format(text: str, kind: str) -> None:
    assert detect_format(text) == kind


@pytest.mark.parametrize(("text", "framework"), [
    ("import tensorflow as tf\n", "keras"), ("from keras import layers\n", "keras"),
    ("import lasagne\nimport numpy as np\n", "lasagne"), ("from nolearn.lasagne import NeuralNet\n", "lasagne"),
    ("x = Conv2D(8, 3)\n", "keras"), ("net = NeuralNet(layers=[('input', layers.InputLayer)])\n", "lasagne"),
    ("x = 1\n", None),
])
def test_detect_framework(text: str, framework: str | None) -> None:
    import ast

    assert detect_framework(ast.parse(text)) == framework


def test_expect_section_after_the_code() -> None:
    text = "import keras\nm = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2)])\n---\nexpect:\n" \
           "  total_params: 10\n  dense: {output_shape: [null, 2]}\n"
    assert split_code(text)[2] == 3
    assert summarize(text).total_params == 10
    with pytest.raises(SpecError) as info:
        summarize(text.replace("10", "11"))
    assert info.value.line == 5 and "11" in info.value.message
    with pytest.raises(SpecError) as info:
        summarize(text.replace("expect:", "expected:"))
    assert info.value.line == 4 and "did you mean 'expect'" in info.value.hint


def test_format_and_options_are_checked() -> None:
    with pytest.raises(SpecError):
        summarize("x = 1", format="python")
    with pytest.raises(SpecError) as info:
        summarize("input: [4]\nlayers:\n  - Dense: 2\n", model="m")
    assert "spec" in info.value.message
    with pytest.raises(SpecError):
        summarize("import keras", inputs=[["a"]])


def test_read_code_gives_the_network_and_the_files(tmp_path) -> None:
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "__init__.py").write_text("")
    (tmp_path / "pkg" / "blocks.py").write_text(
        "from keras import layers\n\ndef block(x, n):\n    return layers.Dense(n)(x)\n")
    main = tmp_path / "model.py"
    main.write_text("import keras\nfrom pkg.blocks import block\nx = keras.Input((3,))\n"
                    "model = keras.Model(x, block(x, 2))\n")
    reading = read_code(main.read_text(), path=main, root=tmp_path)
    assert [layer.type for layer in reading.network.layers] == ["Dense"]
    assert reading.files == [main.resolve(), (tmp_path / "pkg" / "blocks.py").resolve()]
    (tmp_path / "pkg" / "blocks.py").write_text(
        "from keras import layers\n\ndef block(x, n):\n    return layers.Conv2D(n, 3)(x)\n")
    with pytest.raises(SpecError) as info:
        summarize(main.read_text(), path=main, root=tmp_path)
    assert info.value.file == "pkg/blocks.py" and info.value.line == 4
    assert str(info.value).startswith("pkg/blocks.py:4")


def test_a_holder_frozen_by_its_constructor_counts_as_keras_does() -> None:
    """Keras: trainable=False given to TimeDistributed's constructor freezes its row, not the Dense it holds,
    which the model's totals still count as trainable; setting .trainable afterwards freezes both."""
    text = ("import keras\nfrom keras import layers\nx = keras.Input((3, 4))\n"
            "td = layers.TimeDistributed(layers.Dense(2), trainable=False)\n"
            "model = keras.Model(x, td(x))\n")
    summary = code(text)
    row = summary.layer("time_distributed")
    assert (row.trainable_params, row.non_trainable_params) == (0, 10)
    assert (summary.trainable_params, summary.non_trainable_params) == (10, 0)
    (notice,) = [w for w in summary.warnings if w.kind == "frozen-holder"]
    assert "td.trainable = False" not in notice.hint and "time_distributed.trainable = False" in notice.hint
    frozen = code(text.replace(", trainable=False)", ")\ntd.trainable = False"))
    assert (frozen.trainable_params, frozen.non_trainable_params) == (0, 10)
    assert not [w for w in frozen.warnings if w.kind == "frozen-holder"]


LOOPING_FORWARD = """\
import torch.nn as nn


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(4, 4)

    def forward(self, x):
        total = 0
        for i in {iterable}:
{body}
        return self.fc(x)


model = Net()
"""
HEAVY_BODY = "".join(f"            total = total + i * {k} - i // 3\n" for k in range(30))


def _steps_to_fail(monkeypatch: pytest.MonkeyPatch, iterable: str, body: str) -> tuple[SpecError, int]:
    """The error of reading a forward() that loops over ``iterable``, and the steps the reader took."""
    from mkdocs_cnnsummary.code.limits import Budget

    taken = [0]
    step = Budget.step

    def counted(self: Budget, n: int = 1) -> None:
        taken[0] += n
        step(self, n)

    monkeypatch.setattr(Budget, "step", counted)
    with pytest.raises(SpecError) as info:
        summarize(LOOPING_FORWARD.format(iterable=iterable, body=body), format="code", inputs=[[4]])
    return info.value, taken[0]


@pytest.mark.parametrize(("iterable", "body", "words"), [
    ("range(10 ** 12)", "            total = total + i\n", "more than 100,000 times"),
    ("range(90_000)", HEAVY_BODY, "more than 2,000,000 steps"),  # 30 statements each: 2,700,000 steps
    ("[j for j in range(10 ** 12)]", "            pass\n", "more than 100,000 times"),
    ("range(2 ** 70)", "            pass\n", "more than 100,000 times"),  # longer than len() can count
    ("[j for j in range(0, -2 ** 70, -7)]", "            pass\n", "more than 100,000 times"),
])
def test_a_loop_over_a_huge_range_fails_before_its_first_iteration(monkeypatch, iterable, body, words):
    """A loop that runs to its end (no break, return or raise) over a range longer than the budget allows fails at
    once, with the message it would give at the cap, naming its line; looping up to the cap would take 100,000
    iterations or more (seconds), here the whole reading takes a few thousand steps."""
    error, steps = _steps_to_fail(monkeypatch, iterable, body)
    assert words in str(error) and error.line == 11, str(error)
    assert steps < 20_000


def test_a_loop_over_a_huge_range_that_breaks_runs_as_python_runs_it():
    body = "            total = total + i\n            if i == 3:\n                break\n"
    summary = summarize(LOOPING_FORWARD.format(iterable="range(10 ** 12)", body=body), format="code", inputs=[[4]])
    assert summary.total_params == 20

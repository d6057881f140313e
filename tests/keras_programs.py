"""Seeded random Keras programs: the text of Python files that build a model, for the code reader's tests.

``random_program(seed)`` writes one program in the ways people write Keras code: a ``Sequential``
list or an ``add`` chain, the functional API with helper functions, loops over filter lists, lists
built by comprehensions, nested calls, several inputs and outputs, ``concatenate``/``add``, models
used as layers and shared layers, builder functions called with their defaults or with arguments,
every import spelling (``from keras import layers``, ``from keras.layers import *``,
``tf.keras.layers.Conv2D``, aliases), and statements that build nothing (``compile``, ``summary``,
``print``, training functions that are defined but not called).

Each family tracks the sizes it creates so that every program is one Keras 3 accepts; the
``catalog`` family writes the networks of ``random_networks`` (every layer type of the catalog) as
code.  A program says what to summarise: ``model`` is what the reader is asked (None: its default
choice), ``target`` the expression the ground-truth runner evaluates (always explicit).
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from keras_truth import Job
from random_networks import L, _arg_order, _takes_input_shape, random_graph


@dataclass
class Program:
    """A generated program and what to ask of it."""

    seed: int
    family: str
    text: str
    target: str  # evaluated by the ground-truth runner after the code ran
    model: str | None  # passed as summarize(model=...); None = the reader's default choice
    features: frozenset[str] = frozenset()

    def job(self) -> Job:
        return Job(self.text, self.target, filename=f"<program {self.seed}>")


# ---------------------------------------------------------------------------------------------
# import spellings


@dataclass
class Spelling:
    """How a program names Keras: its imports and the text of a layer type, ``Input``, ``Model``..."""

    name: str
    layer_prefix: str  # "layers." -> layers.Conv2D; "" with star or explicit imports
    input: str
    model: str
    sequential: str
    head: list[str]
    explicit: str | None = None  # module of a `from MODULE import A, B` line listing the used names
    renames: dict[str, str] = field(default_factory=dict)  # Conv2D -> Conv (from ... import Conv2D as Conv)
    used: set[str] = field(default_factory=set)
    optimizers: str | None = None  # "keras.optimizers" where the program can name the module

    def layer(self, t: str) -> str:
        if self.explicit is not None:
            self.used.add(t)
            return self.renames.get(t, t)
        return self.layer_prefix + t

    def imports(self) -> list[str]:
        lines = list(self.head)
        if self.explicit is not None:
            names = [f"{t} as {self.renames[t]}" if t in self.renames else t for t in sorted(self.used)]
            lines.insert(0, f"from {self.explicit} import {', '.join(names)}")
        return lines


def _spellings(rng: random.Random) -> Spelling:
    choice = rng.randrange(11)
    if choice == 0:
        return Spelling("keras", "keras.layers.", "keras.Input", "keras.Model", "keras.Sequential", ["import keras"],
                        optimizers="keras.optimizers")
    if choice == 1:
        return Spelling("from keras import layers", "layers.", rng.choice(["keras.Input", "layers.Input"]),
                        "keras.Model", "keras.Sequential", ["import keras", "from keras import layers"],
                        optimizers="keras.optimizers")
    if choice == 2:
        return Spelling("from keras.layers import *", "", "Input", "Model", "Sequential",
                        ["from keras.layers import *", "from keras.models import Model, Sequential"])
    if choice == 3:
        sp = Spelling("from keras.layers import names", "", "Input", "Model", "Sequential",
                      ["from keras.models import Model, Sequential"], explicit="keras.layers")
        sp.used.add("Input")
        return sp
    if choice == 4:
        return Spelling("import tensorflow as tf", "tf.keras.layers.",
                        rng.choice(["tf.keras.Input", "tf.keras.layers.Input"]),
                        rng.choice(["tf.keras.Model", "tf.keras.models.Model"]),
                        rng.choice(["tf.keras.Sequential", "tf.keras.models.Sequential"]),
                        ["import tensorflow as tf"], optimizers="tf.keras.optimizers")
    if choice == 5:
        return Spelling("from tensorflow import keras", "keras.layers.", "keras.Input", "keras.models.Model",
                        "keras.models.Sequential", ["from tensorflow import keras"], optimizers="keras.optimizers")
    if choice == 6:
        return Spelling("from tensorflow.keras import layers, models", "layers.", "layers.Input", "models.Model",
                        "models.Sequential", ["from tensorflow.keras import layers, models"])
    if choice == 7:
        return Spelling("from keras import layers as L", "L.", "L.Input", "keras.Model", "keras.Sequential",
                        ["import keras", "from keras import layers as L"], optimizers="keras.optimizers")
    if choice == 8:
        return Spelling("import tensorflow.keras.layers as KL", "KL.", "KL.Input", "KM.Model", "KM.Sequential",
                        ["import tensorflow.keras.layers as KL", "import tensorflow.keras.models as KM"])
    if choice == 9:
        sp = Spelling("from tensorflow.keras.layers import names as aliases", "", "Input", "Model", "Sequential",
                      ["from tensorflow.keras.models import Model, Sequential"],
                      explicit="tensorflow.keras.layers",
                      renames={"Conv2D": "Conv", "Dense": "FC", "BatchNormalization": "BN",
                               "MaxPooling2D": "MaxPool", "Conv2DTranspose": "Deconv"})
        sp.used.add("Input")
        return sp
    return Spelling("import keras as K", "K.layers.", "K.Input", "K.Model", "K.Sequential", ["import keras as K"],
                    optimizers="K.optimizers")


# ---------------------------------------------------------------------------------------------
# writing code


def lit(value: Any) -> str:
    """A Python literal for a value (lists as tuples, as Keras code usually writes shapes)."""
    if isinstance(value, list | tuple):
        inner = ", ".join(lit(v) for v in value)
        return f"({inner},)" if len(value) == 1 else f"({inner})"
    if isinstance(value, float) and value == 1 / 255:
        return "1.0 / 255"
    return repr(value)


class Writer:
    """A program being written: lines, indentation, the spelling and the features it uses."""

    def __init__(self, rng: random.Random, sp: Spelling) -> None:
        self.rng = rng
        self.sp = sp
        self.lines: list[str] = []
        self.level = 0
        self.features: set[str] = {f"import: {sp.name}"}
        self.quote = rng.choice(['"', "'"])

    def chance(self, p: float) -> bool:
        return self.rng.random() < p

    def emit(self, *lines: str) -> None:
        for line in lines:
            self.lines.append("    " * self.level + line if line else "")

    @contextmanager
    def block(self, header: str) -> Iterator[None]:
        self.emit(header)
        self.level += 1
        yield
        self.level -= 1

    def s(self, text: str) -> str:
        """A string literal in the program's quote style."""
        return f"{self.quote}{text}{self.quote}"

    def call(self, t: str, *args: str, **kwargs: str) -> str:
        """``Conv2D(16, 3, padding="same")``: arguments already written as code."""
        parts = [*args, *(f"{k}={v}" for k, v in kwargs.items())]
        return f"{self.sp.layer(t)}({', '.join(parts)})"

    def input(self, shape: str, **kwargs: str) -> str:
        if self.chance(0.3):
            return f"{self.sp.input}({', '.join([f'shape={shape}', *(f'{k}={v}' for k, v in kwargs.items())])})"
        return f"{self.sp.input}({', '.join([shape, *(f'{k}={v}' for k, v in kwargs.items())])})"

    def model(self, inputs: str, outputs: str, name: str | None = None) -> str:
        extra = f", name={self.s(name)}" if name else ""
        if self.chance(0.4):
            return f"{self.sp.model}(inputs={inputs}, outputs={outputs}{extra})"
        return f"{self.sp.model}({inputs}, {outputs}{extra})"

    def text(self) -> str:
        head = self.sp.imports()
        doc = [f'"""{self.rng.choice(["A small model.", "Model definition.", "Build the network."])}"""']
        body = "\n".join(self.lines).strip("\n")
        return "\n".join([*(doc if self.chance(0.3) else []), *head, "", body]) + "\n"


def _act(w: Writer) -> str:
    return w.s(w.rng.choice(["relu", "relu", "tanh", "elu", "selu", "sigmoid"]))


def _activation_layer(w: Writer) -> str:
    kind = w.rng.randrange(4)
    if kind == 0:
        return w.call("ReLU")
    if kind == 1:
        return w.call("LeakyReLU", **({"negative_slope": "0.1"} if w.chance(0.5) else {}))
    return w.call("Activation", w.s("relu"))


def _kernel(w: Writer, k: int, rank: int = 2) -> str:
    return str(k) if rank == 1 or w.chance(0.5) else f"({', '.join([str(k)] * rank)})"


def _pool(w: Writer, t: str = "MaxPooling2D") -> str:
    kind = w.rng.randrange(4)
    if kind == 0:
        return w.call(t)
    if kind == 1:
        return w.call(t, "2" if t.endswith("1D") else "(2, 2)")
    if kind == 2:
        return w.call(t, pool_size="2" if t.endswith("1D") else "(2, 2)")
    return w.call(t, "2")


def _skipped(w: Writer, model: str, *, classes: int | None = None) -> None:
    """Statements that build nothing: compile, summary, print, a training function never called."""
    if w.chance(0.4):
        w.features.add("skipped: compile")
        loss = "categorical_crossentropy" if classes and classes > 2 else "binary_crossentropy"
        if w.sp.optimizers and w.chance(0.3):
            w.features.add("skipped: optimizer")
            w.emit(f"optimizer = {w.sp.optimizers}.Adam(learning_rate=1e-3)")
            w.emit(f"{model}.compile(optimizer=optimizer, loss={w.s(loss)}, metrics=[{w.s('accuracy')}])")
        else:
            w.emit(f"{model}.compile(optimizer={w.s('adam')}, loss={w.s(loss)}, metrics=[{w.s('accuracy')}])")
    if w.chance(0.5):
        w.features.add("skipped: summary")
        w.emit(f"print({model}.summary())" if w.chance(0.2) else f"{model}.summary()")
    if w.chance(0.2):
        w.features.add("skipped: print")
        w.emit(f"print({w.s('model built')})")
    if w.chance(0.25):
        w.features.add("skipped: fit")
        w.emit("", "")
        with w.block(f"def train({model}, x_train, y_train, epochs=10):"):
            w.emit(f"history = {model}.fit(x_train, y_train, batch_size=32, epochs=epochs, validation_split=0.1)",
                   "return history")


# ---------------------------------------------------------------------------------------------
# families: each writes one program into the writer and returns (target, model)

Family = Callable[[Writer], tuple[str, str | None]]


@dataclass
class ConvPlan:
    """A stack of convolution blocks over a filter list, and the sizes it goes through."""

    size: int
    channels: int
    filters: list[int]
    convs: int  # convolutions per block
    kernel: int
    padding: str  # of every convolution but the first block's, which may be 'valid'
    first_valid: bool
    norm: bool
    act_layer: bool  # activation as a layer (else activation=)
    pool: bool
    dropout: float | None

    @classmethod
    def random(cls, w: Writer, *, max_blocks: int = 3, pool: bool | None = None) -> ConvPlan:
        rng = w.rng
        size = rng.choice([12, 16, 24, 28, 32])
        plan = cls(size, rng.choice([1, 3]), [], rng.choice([1, 1, 2]), rng.choice([3, 3, 5]),
                   "same", rng.random() < 0.3, rng.random() < 0.4, rng.random() < 0.35,
                   rng.random() < 0.85 if pool is None else pool, rng.choice([None, None, 0.25]))
        base = rng.choice([4, 8])
        n = rng.randint(1, max_blocks)
        plan.filters = [base * 2**i for i in range(n)] if rng.random() < 0.7 else sorted(
            rng.sample([4, 6, 8, 12, 16], n))
        while plan.filters and not plan.fits():
            plan.filters.pop()
        if not plan.filters:
            plan.first_valid, plan.pool, plan.filters = False, False, [base]
        return plan

    def sizes(self) -> list[int]:
        """The size after each block."""
        out, n = [], self.size
        for i in range(len(self.filters)):
            for _ in range(self.convs):
                n = n - self.kernel + 1 if i == 0 and self.first_valid else n
            if self.pool:
                n //= 2
            out.append(n)
        return out

    def fits(self) -> bool:
        n = self.size
        for i in range(len(self.filters)):
            for _ in range(self.convs):
                if i == 0 and self.first_valid:
                    if n < self.kernel:
                        return False
                    n = n - self.kernel + 1
            if self.pool:
                if n < 2:
                    return False
                n //= 2
        return n >= 1

    def fits_with_extra_pool(self) -> bool:
        """Whether a pooling after each block still fits (the comprehension adds one to one-layer blocks)."""
        if self.pool:
            return False
        self.pool = True
        fits = self.fits()
        self.pool = fits
        return fits

    def padding_text(self, w: Writer, index: str) -> str:
        if self.first_valid:
            w.features.add("conditional expression")
            return f"{w.s('valid')} if {index} == 0 else {w.s('same')}"
        return w.s("same")

    def conv_layers(self, w: Writer, filters: str, index: str) -> list[str]:
        """The layers of one block, written with ``filters`` and the block ``index`` as code."""
        out = []
        for _ in range(self.convs):
            kw = {"padding": self.padding_text(w, index)}
            if not self.act_layer and not self.norm:
                kw["activation"] = _act(w)
            args = [filters, _kernel(w, self.kernel)] if w.chance(0.7) else []
            if not args:
                kw = {"filters": filters, "kernel_size": _kernel(w, self.kernel), **kw}
            out.append(w.call("Conv2D", *args, **kw))
            if self.norm:
                out.append(w.call("BatchNormalization"))
            if self.act_layer or self.norm:
                out.append(_activation_layer(w))
        if self.pool:
            out.append(_pool(w))
        if self.dropout:
            out.append(w.call("Dropout", str(self.dropout)))
        return out


def _head(w: Writer, classes: str, *, flatten: bool) -> list[str]:
    out = [w.call("Flatten") if flatten else w.call(w.rng.choice(["GlobalAveragePooling2D", "GlobalMaxPooling2D"]))]
    if w.chance(0.5):
        out.append(w.call("Dense", str(w.rng.choice([16, 32])), activation=w.s("relu")))
        if w.chance(0.4):
            out.append(w.call("Dropout", "0.5"))
    out.append(w.call("Dense", classes, activation=w.s("softmax")))
    return out


def family_cnn_sequential(w: Writer) -> tuple[str, str | None]:
    """An image classifier as a Sequential: a list, a comprehension, list helpers or an add chain."""
    plan = ConvPlan.random(w)
    shape = lit((plan.size, plan.size, plan.channels))
    if w.chance(0.3):
        w.features.add("tuple unpacking")
        w.emit(f"img_rows, img_cols, channels = {plan.size}, {plan.size}, {plan.channels}")
        shape = "(img_rows, img_cols, channels)"
    classes = str(w.rng.choice([2, 5, 10]))
    flat = plan.sizes()[-1] <= 8 and w.chance(0.6)
    form = w.rng.randrange(4)
    w.emit(f"filters = {lit(plan.filters) if w.chance(0.5) else list(plan.filters)}")
    if form == 0:  # add chain with a loop
        w.features |= {"sequential add", "for loop"}
        w.emit(f"model = {w.sp.sequential}()")
        first = 0
        if w.chance(0.5):
            w.emit(f"model.add({w.input(shape)})")
        else:  # the first block unrolled, with input_shape on its first layer
            w.features.add("input_shape=")
            layers_ = plan.conv_layers(w, str(plan.filters[0]), "0")
            layers_[0] = layers_[0][:-1] + f", input_shape={shape})"
            w.emit(*(f"model.add({t})" for t in layers_))
            first = 1
        if len(plan.filters) > first:
            if plan.first_valid:
                seq = "enumerate(filters)" if first == 0 else "enumerate(filters[1:], start=1)"
                with w.block(f"for i, f in {seq}:"):
                    w.emit(*(f"model.add({t})" for t in plan.conv_layers(w, "f", "i")))
            else:
                with w.block(f"for f in filters{'[1:]' if first else ''}:"):
                    w.emit(*(f"model.add({t})" for t in plan.conv_layers(w, "f", "0")))
        w.emit(*(f"model.add({t})" for t in _head(w, classes, flatten=flat)))
    elif form == 1:  # a list helper and starred calls
        w.features |= {"helper function", "starred list"}
        with w.block("def block(filters, index=0):"):
            w.emit(f"return [{', '.join(plan.conv_layers(w, 'filters', 'index'))}]")
        w.emit("", "")
        blocks = ", ".join(f"*block({f}{', ' + str(i) if plan.first_valid else ''})"
                           for i, f in enumerate(plan.filters))
        w.emit(f"model = {w.sp.sequential}([{w.input(shape)}, {blocks}, {', '.join(_head(w, classes, flatten=flat))}])")
    elif form == 2:  # a comprehension
        w.features |= {"comprehension", "sequential list"}
        w.emit(f"model = {w.sp.sequential}(")
        w.emit(f"    [{w.input(shape)}]")
        body = plan.conv_layers(w, "f", "i")
        if len(body) == 1 and w.chance(0.5) and plan.fits_with_extra_pool():  # one layer and a pooling
            body.append(_pool(w))
        if len(body) == 1:
            w.emit(f"    + [{body[0]} for i, f in enumerate(filters)]")
        else:
            w.features.add("nested comprehension")
            w.emit(f"    + [layer for i, f in enumerate(filters) for layer in ({', '.join(body)})]")
        w.emit(f"    + [{', '.join(_head(w, classes, flatten=flat))}]")
        w.emit(")")
    else:  # a list grown in a loop
        w.features |= {"for loop", "list append"}
        w.emit(f"stack = [{w.input(shape)}]")
        with w.block("for i, f in enumerate(filters):"):
            body = plan.conv_layers(w, "f", "i")
            if w.chance(0.5):
                w.emit(f"stack.extend([{', '.join(body)}])")
            else:
                w.emit(*(f"stack.append({t})" for t in body))
        w.emit(f"stack += [{', '.join(_head(w, classes, flatten=flat))}]")
        w.emit(f"model = {w.sp.sequential}(stack{', name=' + w.s('cnn') if w.chance(0.2) else ''})")
    _skipped(w, "model", classes=int(classes))
    return "model", None if w.chance(0.5) else "model"


def family_cnn_functional(w: Writer) -> tuple[str, str | None]:
    """An image classifier in the functional API, with a block helper, loops and a builder function."""
    plan = ConvPlan.random(w)
    classes = w.rng.choice([1, 2, 5, 10])
    flat = plan.sizes()[-1] <= 8 and w.chance(0.5)
    builder = w.chance(0.5)
    w.features.add("functional")
    with w.block(f"def conv_block(x, filters, index=0{', dropout=None' if plan.dropout else ''}):"):
        w.features.add("helper function")
        for t in plan.conv_layers(w, "filters", "index"):
            if t.startswith(w.sp.layer("Dropout")):
                with w.block("if dropout:"):
                    w.emit(f"x = {w.call('Dropout', 'dropout')}(x)")
                    w.features.add("if")
            else:
                w.emit(f"x = {t}(x)")
        w.emit("return x")
    w.emit("", "")
    shape = (plan.size, plan.size, plan.channels)
    drop = f", dropout={plan.dropout}" if plan.dropout else ""

    def body() -> None:
        loop = w.rng.randrange(4)
        if loop == 3:
            w.features |= {"while loop", "augmented assignment"}
            w.emit("i = 0")
            with w.block("while i < len(filters):"):
                w.emit(f"x = conv_block(x, filters[i], i{drop})", "i += 1")
        elif loop == 0:
            w.features.add("for loop")
            with w.block("for i, f in enumerate(filters):"):
                w.emit(f"x = conv_block(x, f, i{drop})")
        elif loop == 1:
            w.features |= {"for loop", "range", "arithmetic"}
            base = plan.filters[0]
            if plan.filters == [base * 2**i for i in range(len(plan.filters))]:
                with w.block(f"for i in range({len(plan.filters)}):"):
                    w.emit(f"x = conv_block(x, {base} * 2 ** i, index=i{drop})")
            else:
                with w.block("for i in range(len(filters)):"):
                    w.emit(f"x = conv_block(x, filters[i], index=i{drop})")
        else:
            for i, f in enumerate(plan.filters):
                w.emit(f"x = conv_block(x, {f}, {i}{drop})")
        head = _head(w, "units", flatten=flat)
        for t in head[:-1]:
            w.emit(f"x = {t}(x)")
        w.emit(f"outputs = {w.call('Dense', 'units', activation='activation')}(x)")

    if builder:
        w.features |= {"builder function", "conditional expression"}
        sig = f"input_shape={lit(shape)}, num_classes={classes}, filters={lit(plan.filters)}"
        with w.block(f"def build_model({sig}):"):
            if w.chance(0.4):
                w.features.add("tuple unpacking")
                w.emit("height, width, channels = input_shape",
                       f"inputs = {w.input('(height, width, channels)')}")
            else:
                w.emit(f"inputs = {w.input('input_shape')}")
            w.emit("x = inputs")
            w.emit("units = num_classes if num_classes > 2 else 1",
                   f"activation = {w.s('softmax')} if num_classes > 2 else {w.s('sigmoid')}")
            body()
            if w.chance(0.5):
                w.emit(f"return {w.model('inputs', 'outputs')}")
            else:
                w.emit(f"model = {w.model('inputs', 'outputs', 'classifier' if w.chance(0.3) else None)}",
                       "return model")
        w.emit("", "")
        call = w.rng.randrange(3)
        if call == 0:
            return "build_model()", None
        if call == 1:
            other = w.rng.choice([c for c in (1, 3, 7, 10) if c != classes])
            expr = f"build_model(num_classes={other})"
            return expr, expr
        w.emit("model = build_model()")
        _skipped(w, "model", classes=classes)
        return "model", None if w.chance(0.5) else "model"
    w.emit(f"filters = {list(plan.filters)}")
    w.emit(f"num_classes = {classes}",
           "units = num_classes if num_classes > 2 else 1",
           f"activation = {w.s('softmax')} if num_classes > 2 else {w.s('sigmoid')}")
    w.features.add("conditional expression")
    w.emit(f"inputs = {w.input(lit(shape))}", "x = inputs")
    body()
    w.emit(f"model = {w.model('inputs', 'outputs')}")
    _skipped(w, "model", classes=classes)
    return "model", None if w.chance(0.5) else "model"


def family_mlp(w: Writer) -> tuple[str, str | None]:
    """Dense stacks: loops, while loops, comprehensions, over a vector or a flattened image."""
    n_in = w.rng.choice([4, 8, 20, 64])
    units = sorted(w.rng.sample([8, 16, 32, 64], w.rng.randint(1, 3)), reverse=True)
    out = w.rng.choice([1, 3, 10])
    image = w.chance(0.3)
    shape = lit((w.rng.choice([8, 12]), w.rng.choice([8, 12])) if image else (n_in,))
    form = w.rng.randrange(4)
    drop = w.chance(0.4)
    if form == 0:  # functional loop
        w.features |= {"functional", "for loop"}
        w.emit(f"hidden = {list(units)}", f"inputs = {w.input(shape)}")
        w.emit(f"x = {w.call('Flatten')}(inputs)" if image else "x = inputs")
        with w.block("for n in hidden:"):
            w.emit(f"x = {w.call('Dense', 'n', activation=w.s('relu'))}(x)")
            if drop:
                w.emit(f"x = {w.call('Dropout', '0.2')}(x)")
        w.emit(f"outputs = {w.call('Dense', str(out))}(x)", f"model = {w.model('inputs', 'outputs')}")
    elif form == 1:  # bounded while loop on an add chain
        w.features |= {"sequential add", "while loop", "augmented assignment"}
        w.emit(f"model = {w.sp.sequential}()", f"model.add({w.input(shape)})")
        if image:
            w.emit(f"model.add({w.call('Flatten')})")
        w.emit(f"n = {units[0]}")
        with w.block(f"while n >= {units[-1]}:"):
            w.emit(f"model.add({w.call('Dense', 'n', activation=_act(w))})")
            if drop:
                w.emit(f"model.add({w.call('Dropout', '0.1')})")
            w.emit("n //= 2")
        w.emit(f"model.add({w.call('Dense', str(out), activation=w.s('sigmoid'))})")
    elif form == 2:  # comprehension
        w.features |= {"comprehension", "sequential list"}
        first = [w.call("Flatten", input_shape=shape)] if image else []
        if not image:
            w.features.add("input_shape=")
        dense = w.call("Dense", "n", activation=w.s("relu"))
        w.emit(f"sizes = {lit(units)}")
        if image:
            w.emit(f"model = {w.sp.sequential}({lit_list(first)} + [{dense} for n in sizes] + "
                   f"[{w.call('Dense', str(out))}])")
        else:
            first_dense = w.call("Dense", "sizes[0]", activation=w.s("relu"), input_shape=shape)
            w.emit(f"model = {w.sp.sequential}([{first_dense}] + [{dense} for n in sizes[1:]] + "
                   f"[{w.call('Dense', str(out))}])")
    else:  # builder with keyword arguments and **kwargs passed to a helper
        w.features |= {"builder function", "**kwargs", "functional"}
        with w.block("def dense_block(x, units, **kwargs):"):
            w.emit(f"x = {w.call('Dense', 'units', '**kwargs')}(x)")
            if drop:
                w.emit(f"x = {w.call('Dropout', '0.3')}(x)")
            w.emit("return x")
        w.emit("", "")
        with w.block(f"def make_mlp(input_dim={n_in}, hidden=({', '.join(map(str, units))},), outputs={out}):"):
            w.emit(f"inp = {w.input('(input_dim,)')}", "h = inp")
            with w.block("for units in hidden:"):
                bias = ", use_bias=False" if w.chance(0.3) else ""
                w.emit(f"h = dense_block(h, units, activation={w.s('relu')}{bias})")
            w.emit(f"return {w.model('inp', w.call('Dense', 'outputs') + '(h)')}")
        w.emit("", "")
        if w.chance(0.5):
            return "make_mlp()", None
        expr = f"make_mlp(input_dim={n_in + 3}, hidden=({units[0]}, {units[0]}))"
        return expr, expr
    _skipped(w, "model")
    return "model", None if w.chance(0.5) else "model"


def lit_list(items: list[str]) -> str:
    return f"[{', '.join(items)}]"


def family_sequence(w: Writer) -> tuple[str, str | None]:
    """Text models: Embedding, Conv1D or (bidirectional) recurrent layers, stacked with return_sequences."""
    vocab, dim = w.rng.choice([50, 200, 1000]), w.rng.choice([4, 8, 16])
    maxlen = w.rng.choice([None, 10, 20])
    kind = w.rng.choice(["conv", "rnn", "bi"])
    w.features |= {"functional", f"sequence: {kind}"}
    w.emit(f"max_features = {vocab}", f"embedding_dim = {dim}")
    shape = "(None,)" if maxlen is None else f"({maxlen},)"
    dtype = {"dtype": w.s(w.rng.choice(["int32", "int64"]))} if w.chance(0.6) else {}
    w.emit(f"inputs = {w.input(shape, **dtype)}")
    w.emit(f"x = {w.call('Embedding', 'max_features', 'embedding_dim')}(inputs)")
    if kind == "conv":
        n = w.rng.randint(1, 2)
        k = w.rng.choice([3, 5])
        pool = maxlen is not None and maxlen >= 4 * k and n == 2
        with w.block(f"for _ in range({n}):"):
            w.features.add("for loop")
            conv = w.call("Conv1D", str(w.rng.choice([8, 16])), str(k), padding=w.s("valid"),
                          activation=w.s("relu"), strides="1")
            w.emit(f"x = {conv}(x)")
            if pool:
                w.emit(f"x = {w.call('MaxPooling1D', '2')}(x)")
        w.emit(f"x = {w.call('GlobalMaxPooling1D')}(x)")
    else:
        rnn = w.rng.choice(["LSTM", "GRU", "SimpleRNN"])
        units = [w.rng.choice([4, 8, 16]) for _ in range(w.rng.randint(1, 3))]
        w.emit(f"units = {list(units)}")
        with w.block("for i, n in enumerate(units):"):
            w.features |= {"for loop", "conditional expression"}
            layer = w.call(rnn, "n", return_sequences="i < len(units) - 1")
            if kind == "bi":
                layer = w.call("Bidirectional", layer)
            w.emit(f"x = {layer}(x)")
    if w.chance(0.5):
        w.emit(f"x = {w.call('Dropout', '0.5')}(x)")
    w.emit(f"predictions = {w.call('Dense', '1', activation=w.s('sigmoid'), name=w.s('predictions'))}(x)")
    w.emit(f"model = {w.model('inputs', 'predictions')}")
    _skipped(w, "model", classes=2)
    return "model", None if w.chance(0.5) else "model"


def family_unet(w: Writer) -> tuple[str, str | None]:
    """A U-Net: skips kept in a list, reversed on the way up, concatenated; loops, or recursion."""
    depth = w.rng.randint(1, 3)
    size = 2**depth * w.rng.choice([2, 3, 4])
    base = w.rng.choice([4, 8])
    up = w.rng.choice(["transpose", "upsampling", "nested"])
    w.features |= {"functional", "helper function", "concatenate", f"up: {up}"}
    with w.block("def double_conv(x, filters):"):
        w.emit(f"x = {w.call('Conv2D', 'filters', '3', activation=w.s('relu'), padding=w.s('same'))}(x)",
               f"x = {w.call('Conv2D', 'filters', '3', activation=w.s('relu'), padding=w.s('same'))}(x)",
               "return x")
    w.emit("", "")
    with w.block("def up(x, filters):"):
        if up == "transpose":
            w.emit(f"return {w.call('Conv2DTranspose', 'filters', '2', strides='2', padding=w.s('same'))}(x)")
        elif up == "upsampling":
            w.emit(f"x = {w.call('UpSampling2D', size='(2, 2)')}(x)",
                   f"return {w.call('Conv2D', 'filters', '2', padding=w.s('same'))}(x)")
        else:
            w.features.add("nested call")
            w.emit(f"return {w.call('Conv2D', 'filters', '2', activation=w.s('relu'), padding=w.s('same'))}"
                   f"({w.call('UpSampling2D', size='(2, 2)')}(x))")
    w.emit("", "")
    concat_fn = w.chance(0.5)

    def concat(a: str, b: str) -> str:
        if concat_fn:
            return f"{w.sp.layer('concatenate')}([{a}, {b}]{', axis=3' if w.chance(0.3) else ''})"
        return f"{w.call('Concatenate', **({'axis': '-1'} if w.chance(0.4) else {}))}([{a}, {b}])"

    recursive = w.chance(0.3)
    sig = f"input_size=({size}, {size}, 1), base={base}, depth={depth}"
    with w.block(f"def unet({sig}):"):
        w.emit(f"inputs = {w.input('input_size')}")
        if recursive:
            w.features.add("recursion")
            with w.block("def level(x, filters, d):"):
                with w.block("if d == 0:"):
                    w.emit("return double_conv(x, filters)")
                w.emit("skip = double_conv(x, filters)",
                       f"x = level({w.call('MaxPooling2D', 'pool_size=(2, 2)')}(skip), filters * 2, d - 1)",
                       "x = up(x, filters)",
                       f"return double_conv({concat('skip', 'x')}, filters)")
            w.emit("x = level(inputs, base, depth)")
        else:
            w.features |= {"for loop", "list append", "reversed"}
            w.emit("skips = []", "x = inputs")
            with w.block("for i in range(depth):"):
                w.emit("x = double_conv(x, base * 2 ** i)", "skips.append(x)",
                       f"x = {w.call('MaxPooling2D', '(2, 2)')}(x)")
            w.emit("x = double_conv(x, base * 2 ** depth)")
            if w.chance(0.5):
                w.features.add("zip")
                w.emit("sizes = [base * 2 ** i for i in range(depth)]")
                with w.block("for skip, filters in zip(reversed(skips), reversed(sizes)):"):
                    w.emit("x = up(x, filters)", f"x = {concat('skip', 'x')}", "x = double_conv(x, filters)")
            else:
                with w.block("for i in reversed(range(depth)):"):
                    w.emit("x = up(x, base * 2 ** i)", f"x = {concat('x', 'skips[i]')}",
                           "x = double_conv(x, base * 2 ** i)")
        w.emit(f"outputs = {w.call('Conv2D', '1', '1', activation=w.s('sigmoid'))}(x)")
        w.emit(f"return {w.model('inputs', 'outputs', 'unet' if w.chance(0.3) else None)}")
    w.emit("", "")
    if w.chance(0.4):
        w.emit("model = unet()")
        _skipped(w, "model", classes=2)
        return "model", None
    if w.chance(0.5):
        return "unet()", None
    expr = f"unet(base={base * 2}, depth={max(1, depth - 1)})"
    return expr, expr


def family_resnet(w: Writer) -> tuple[str, str | None]:
    """Residual blocks with a projection shortcut when the size changes, joined by add / Add."""
    filters = [w.rng.choice([4, 8])]
    for _ in range(w.rng.randint(0, 2)):
        filters.append(filters[-1] * 2)
    size = w.rng.choice([16, 32])
    w.features |= {"functional", "helper function", "add", "if"}
    add_fn = w.chance(0.5)
    with w.block("def residual_block(x, filters, downsample=False):"):
        w.emit("shortcut = x", "strides = 2 if downsample else 1")
        w.emit(f"y = {w.call('Conv2D', 'filters', '3', strides='strides', padding=w.s('same'), use_bias='False')}(x)",
               f"y = {w.call('BatchNormalization')}(y)",
               f"y = {w.call('Activation', w.s('relu'))}(y)",
               f"y = {w.call('Conv2D', 'filters', '3', padding=w.s('same'), use_bias='False')}(y)",
               f"y = {w.call('BatchNormalization')}(y)")
        with w.block("if downsample:"):
            w.emit(f"shortcut = {w.call('Conv2D', 'filters', '1', strides='2')}(shortcut)")
            if w.chance(0.5):
                w.emit(f"shortcut = {w.call('BatchNormalization')}(shortcut)")
        merged = f"{w.sp.layer('add')}([shortcut, y])" if add_fn else f"{w.call('Add')}([y, shortcut])"
        w.emit(f"x = {merged}", f"return {w.call('Activation', w.s('relu'))}(x)")
    w.emit("", "")
    blocks = w.rng.randint(1, 2)
    w.emit(f"inputs = {w.input(lit((size, size, 3)))}")
    w.emit(f"x = {w.call('Conv2D', str(filters[0]), '3', padding=w.s('same'))}(inputs)")
    w.features |= {"for loop", "nested loop"}
    with w.block(f"for stage, filters in enumerate({list(filters)}):"), w.block(f"for block in range({blocks}):"):
        w.emit("x = residual_block(x, filters, downsample=stage > 0 and block == 0)")
    w.emit(f"x = {w.call('GlobalAveragePooling2D')}(x)",
           f"outputs = {w.call('Dense', '10', activation=w.s('softmax'))}(x)",
           f"model = {w.model('inputs', 'outputs', 'resnet' if w.chance(0.3) else None)}")
    _skipped(w, "model", classes=10)
    return "model", None if w.chance(0.5) else "model"


def family_autoencoder(w: Writer) -> tuple[str, str | None]:
    """Encoder and decoder models composed into an autoencoder (models used as layers)."""
    size = w.rng.choice([16, 28, 32])
    n = w.rng.randint(1, 2)
    while size % 2**n:
        n -= 1
    filters = [w.rng.choice([4, 8]) * 2**i for i in range(n)]
    form = w.rng.choice(["functional", "sequential", "single"])
    w.features |= {f"autoencoder: {form}"}
    named = w.chance(0.5)
    if form == "single":
        w.features.add("functional")
        w.emit(f"input_img = {w.input(lit((size, size, 1)))}", "x = input_img")
        with w.block(f"for f in {list(filters)}:"):
            w.emit(f"x = {w.call('Conv2D', 'f', '(3, 3)', activation=w.s('relu'), padding=w.s('same'))}(x)",
                   f"x = {w.call('MaxPooling2D', '(2, 2)', padding=w.s('same'))}(x)")
        w.emit("encoded = x")
        with w.block(f"for f in {list(reversed(filters))}:"):
            w.emit(f"x = {w.call('Conv2D', 'f', '(3, 3)', activation=w.s('relu'), padding=w.s('same'))}(x)",
                   f"x = {w.call('UpSampling2D', '(2, 2)')}(x)")
        w.emit(f"decoded = {w.call('Conv2D', '1', '(3, 3)', activation=w.s('sigmoid'), padding=w.s('same'))}(x)",
               f"autoencoder = {w.model('input_img', 'decoded')}")
        _skipped(w, "autoencoder")
        return "autoencoder", None if w.chance(0.5) else "autoencoder"
    w.features.add("model as layer")
    latent = (size // 2**n, size // 2**n, filters[-1])
    enc_layers = [t for f in filters for t in (
        w.call("Conv2D", str(f), "3", activation=w.s("relu"), padding=w.s("same"), strides="2"),)]
    dec_layers = [w.call("Conv2DTranspose", str(f), "3", activation=w.s("relu"), padding=w.s("same"),
                         strides="2") for f in reversed(filters)]
    dec_layers.append(w.call("Conv2D", "1", "3", activation=w.s("sigmoid"), padding=w.s("same")))
    if form == "sequential":
        w.features.add("sequential list")
        name = f", name={w.s('encoder')}" if named else ""
        w.emit(f"encoder = {w.sp.sequential}([{', '.join([w.input(lit((size, size, 1))), *enc_layers])}]{name})")
        name = f", name={w.s('decoder')}" if named else ""
        w.emit(f"decoder = {w.sp.sequential}([{', '.join([w.input(lit(latent)), *dec_layers])}]{name})")
        if w.chance(0.5):
            w.emit(f"autoencoder = {w.sp.sequential}([encoder, decoder])")
        else:
            w.features.add("functional")
            w.emit(f"inputs = {w.input(lit((size, size, 1)))}",
                   f"autoencoder = {w.model('inputs', 'decoder(encoder(inputs))')}")
    else:
        w.features.add("functional")
        w.emit(f"encoder_input = {w.input(lit((size, size, 1)), name=w.s('img'))}", "x = encoder_input")
        for t in enc_layers:
            w.emit(f"x = {t}(x)")
        w.emit(f"encoder = {w.model('encoder_input', 'x', 'encoder' if named else None)}")
        w.emit(f"decoder_input = {w.input(lit(latent))}", "x = decoder_input")
        for t in dec_layers:
            w.emit(f"x = {t}(x)")
        w.emit(f"decoder = {w.model('decoder_input', 'x', 'decoder' if named else None)}")
        w.emit(f"autoencoder_input = {w.input(lit((size, size, 1)))}",
               "encoded = encoder(autoencoder_input)", "decoded = decoder(encoded)",
               f"autoencoder = {w.model('autoencoder_input', 'decoded', 'autoencoder' if named else None)}")
    _skipped(w, "autoencoder")
    pick = w.rng.randrange(4)
    if pick == 0:
        return "encoder", "encoder"
    return "autoencoder", None if pick == 1 else "autoencoder"


def family_multi_io(w: Writer) -> tuple[str, str | None]:
    """Several inputs and outputs: an image with side data, or two texts sharing layers; named heads."""
    w.features |= {"functional", "several inputs", "concatenate"}
    if w.chance(0.5):
        size = w.rng.choice([16, 24])
        w.emit(f"image = {w.input(lit((size, size, 3)), name=w.s('image'))}",
               f"meta = {w.input(lit((w.rng.choice([3, 5]),)), name=w.s('meta'))}")
        w.emit(f"x = {w.call('Conv2D', '8', '3', activation=w.s('relu'))}(image)",
               f"x = {_pool(w)}(x)",
               f"x = {w.call('Flatten')}(x)",
               f"m = {w.call('Dense', '8', activation=w.s('relu'))}(meta)")
        merged = (f"{w.sp.layer('concatenate')}([x, m])" if w.chance(0.5)
                  else f"{w.call('Concatenate')}([x, m])")
        w.emit(f"features = {merged}")
        ins = "[image, meta]"
    else:
        w.features.add("shared layer")
        w.emit(f"title = {w.input('(None,)', name=w.s('title'))}",
               f"body = {w.input('(None,)', name=w.s('body'))}")
        w.emit(f"embed = {w.call('Embedding', '100', '8')}",
               f"title_features = {w.call('LSTM', '8')}(embed(title))",
               f"body_features = {w.call('LSTM', '4')}(embed(body))")
        w.emit(f"features = {w.sp.layer('concatenate')}([title_features, body_features])")
        ins = "[title, body]" if w.chance(0.6) else "(title, body)"
    heads = w.rng.randint(1, 2)
    w.features.add("several outputs" if heads == 2 else "one output")
    w.emit(f"priority = {w.call('Dense', '1', activation=w.s('sigmoid'), name=w.s('priority'))}(features)")
    outs = "priority"
    if heads == 2:
        w.emit(f"department = {w.call('Dense', '4', activation=w.s('softmax'), name=w.s('department'))}(features)")
        outs = "[priority, department]"
    w.emit(f"model = {w.model(ins, outs)}")
    _skipped(w, "model")
    return "model", None if w.chance(0.5) else "model"


def family_transfer(w: Writer) -> tuple[str, str | None]:
    """A frozen base model used as a layer, in a Sequential or called with training=False; siamese twins."""
    w.features |= {"model as layer", "trainable statement"}
    size = w.rng.choice([16, 24])
    w.emit(f"base_input = {w.input(lit((size, size, 3)))}",
           f"h = {w.call('Conv2D', '8', '3', activation=w.s('relu'))}(base_input)",
           f"h = {w.call('MaxPooling2D')}(h)",
           f"h = {w.call('Conv2D', '8', '3', activation=w.s('relu'))}(h)",
           f"base = {w.model('base_input', 'h', 'base' if w.chance(0.5) else None)}")
    if w.chance(0.7):
        w.emit("base.trainable = False")
    form = w.rng.randrange(3)
    if form == 0:
        w.features.add("sequential list")
        w.emit(f"model = {w.sp.sequential}([base, {w.call('GlobalAveragePooling2D')}, "
               f"{w.call('Dense', '3', activation=w.s('softmax'))}])")
    elif form == 1:
        w.features.add("functional")
        w.emit(f"inputs = {w.input(lit((size, size, 3)))}",
               "x = base(inputs, training=False)",
               f"x = {w.call('GlobalAveragePooling2D')}(x)",
               f"x = {w.call('Dropout', '0.2')}(x)",
               f"outputs = {w.call('Dense', '1')}(x)",
               f"model = {w.model('inputs', 'outputs')}")
    else:
        w.features |= {"functional", "several inputs", "shared model"}
        w.emit(f"left = {w.input(lit((size, size, 3)))}",
               f"right = {w.input(lit((size, size, 3)))}",
               f"pool = {w.call('GlobalMaxPooling2D')}",
               "a = pool(base(left))", "b = pool(base(right))",
               f"d = {w.sp.layer('subtract')}([a, b])" if w.chance(0.5) else f"d = {w.call('Subtract')}([a, b])",
               f"score = {w.call('Dense', '1', activation=w.s('sigmoid'))}(d)",
               f"model = {w.model('[left, right]', 'score')}")
    _skipped(w, "model")
    return "model", None if w.chance(0.5) else "model"


# the catalog family: random_networks' graphs written as code ------------------------------------


def _layer_code(w: Writer, layer: L, trainable: bool | None) -> str:
    kw = dict(layer.kwargs)
    order = _arg_order(layer.type)
    args: list[str] = []
    if w.chance(0.5):
        while order and order[0] in kw and next(iter(kw)) == order[0]:
            args.append(_value(w, kw.pop(order[0])))
            order = order[1:]
    parts = {k: _value(w, v) for k, v in kw.items()}
    if trainable is False:
        parts["trainable"] = "False"
    return w.call(layer.type, *args, **parts)


def _value(w: Writer, v: Any) -> str:
    return _layer_code(w, v, None) if isinstance(v, L) else lit(v)


def family_catalog(w: Writer, seed: int) -> tuple[str, str | None]:
    """The network of ``random_networks.random_graph(seed)``, written as Sequential or functional code."""
    g = random_graph(seed)
    items = g.items
    consumed = {s.split("[")[0] for it in items for s in it.srcs}
    leaves = [it.name for it in items if it.name not in consumed]
    single = list(g.inputs) == ["input"]
    linear = single and len(leaves) == 1 and all(
        it.srcs == [items[i - 1].name if i else "input"] and it.layer.type != "MultiHeadAttention"
        for i, it in enumerate(items))
    w.features.add("catalog")
    if linear and w.chance(0.6):
        shape = lit(g.inputs["input"])
        codes = [_layer_code(w, it.layer, it.trainable) for it in items]
        if w.chance(0.3) and _takes_input_shape(items[0].layer.type):
            w.features.add("input_shape=")
            codes[0] = codes[0][:-1] + (", " if codes[0][-2] != "(" else "") + f"input_shape={shape})"
        else:
            codes.insert(0, w.input(shape))
        if w.chance(0.5):
            w.features.add("sequential list")
            w.emit(f"model = {w.sp.sequential}([")
            w.emit(*(f"    {c}," for c in codes))
            w.emit("])")
        else:
            w.features.add("sequential add")
            w.emit(f"model = {w.sp.sequential}()", *(f"model.add({c})" for c in codes))
        _skipped(w, "model")
        return "model", None if w.chance(0.5) else "model"
    w.features.add("functional")
    var: dict[str, str] = {}
    for name, shape in g.inputs.items():
        v = "inputs" if single else f"{name}_input"
        extra = {"name": w.s(name)} if not single and w.chance(0.5) else {}
        w.emit(f"{v} = {w.input(lit(shape), **extra)}")
        var[name] = v
    remaining: dict[str, int] = {name: 1 for name in leaves}  # leaves stay alive for the Model call
    for it in items:
        for src in it.srcs:
            remaining[src.split("[")[0]] = remaining.get(src.split("[")[0], 0) + 1
    in_x: str | None = None  # the tensor the variable x holds

    def ref(src: str) -> str:
        base, _, idx = src.partition("[")
        return f"{var[base]}[{idx}" if idx else var[base]

    for i, it in enumerate(items):
        srcs = [ref(s) for s in it.srcs]
        for src in it.srcs:
            remaining[src.split("[")[0]] -= 1
        t = it.layer.type
        statement = it.trainable is False and w.chance(0.5)
        code = _layer_code(w, it.layer, None if statement else it.trainable)
        if t == "MultiHeadAttention":  # query and value (and key); self-attention: the same tensor twice
            call = f"({', '.join(srcs if len(srcs) > 1 else srcs * 2)})"
        elif len(srcs) > 1 or t in ("Concatenate", "Add", "Subtract", "Multiply", "Average", "Maximum",
                                    "Minimum", "Dot", "Attention", "AdditiveAttention"):
            call = f"([{', '.join(srcs)}])"
        else:
            call = f"({srcs[0]})"
        free_x = in_x is None or remaining.get(in_x, 0) == 0
        out = "x" if free_x and not isinstance(it.layer.shape, list) else f"x{i}"
        if out == "x":
            in_x = it.name
        if statement:
            w.features.add("trainable statement")
            w.emit(f"layer_{i} = {code}", f"layer_{i}.trainable = False", f"{out} = layer_{i}{call}")
        else:
            w.emit(f"{out} = {code}{call}")
        var[it.name] = out
    outs = [var[n] for n in leaves]
    outputs = outs[0] if len(outs) == 1 else f"[{', '.join(outs)}]"
    inputs = var["input"] if single else f"[{', '.join(var[n] for n in g.inputs)}]"
    if len(outs) > 1:
        w.features.add("several outputs")
    if not single:
        w.features.add("several inputs")
    w.emit(f"model = {w.model(inputs, outputs)}")
    _skipped(w, "model")
    return "model", None if w.chance(0.5) else "model"


FAMILIES: dict[str, Family] = {
    "cnn_sequential": family_cnn_sequential,
    "cnn_functional": family_cnn_functional,
    "mlp": family_mlp,
    "sequence": family_sequence,
    "unet": family_unet,
    "resnet": family_resnet,
    "autoencoder": family_autoencoder,
    "multi_io": family_multi_io,
    "transfer": family_transfer,
}
#: how often each family is drawn (the catalog family brings every layer type of the catalog)
WEIGHTS = {"catalog": 4, "cnn_sequential": 2, "cnn_functional": 2, "mlp": 1, "sequence": 1, "unet": 1,
           "resnet": 1, "autoencoder": 1, "multi_io": 1, "transfer": 1}


def random_program(seed: int) -> Program:
    """A random Keras program that Keras 3 runs; the same seed gives the same program."""
    rng = random.Random(f"program {seed}")
    names = list(WEIGHTS)
    family = rng.choices(names, weights=[WEIGHTS[n] for n in names])[0]
    w = Writer(rng, _spellings(rng))
    if family == "catalog":
        target, model = family_catalog(w, seed)
    else:
        target, model = FAMILIES[family](w)
    w.features.add(f"family: {family}")
    if model is None:
        w.features.add("default model")
    elif "(" in model:
        w.features.add("model= call")
    return Program(seed, family, w.text(), target, model, frozenset(w.features))

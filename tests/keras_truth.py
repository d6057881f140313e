"""Ground truth for the code readers: run Keras model code for real and describe the model it builds.

A program (the text of a Python file) is executed with real Keras, each in a fresh child process,
and the model it builds is described the way ``model.summary(expand_nested=True)`` shows it: one
row per operation (nested models expanded under their row, each row naming its ``parent``), with
its name, class, output shape and the three parameter counts, plus the inputs and the totals.

Why a fork server: importing TensorFlow and Keras costs about two seconds of CPU, and the first
model a process builds another 0.2 s (TensorFlow's runtime starting), a small model after that a
few hundredths.  One server process per test worker imports them once, builds a throwaway model,
clears the Keras session (name counters back to zero) and then forks a child per program: the child
starts from that state, runs the program in its own namespace, writes the JSON description to a pipe
and exits, so nothing a program does reaches the next one.
A child that fails or runs too long is reported (and killed), never shared with the next program.

Results are cached under ``tests/.cache/keras_truth`` keyed on the program, what is asked of it and
the versions of Keras, TensorFlow and this file; ``CNNSUMMARY_TRUTH_CACHE=0`` turns the cache off.

Run ``python tests/keras_truth.py FILE [--model EXPR] [--input SHAPE]`` to see a file's ground truth.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sys
from dataclasses import asdict, dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:  # the server runs this file as a script
    sys.path.insert(0, str(HERE))

from fork_server import Client, digest, serve  # noqa: E402

DEFAULT_TIMEOUT = 300.0
#: CNNSUMMARY_LONG=1 runs the long samples (every seed, every corpus model) instead of the fast default
LONG = os.environ.get("CNNSUMMARY_LONG", "") not in ("", "0")


@dataclass(frozen=True)
class Job:
    """One program to run: its code, what to summarise and, for an unbuilt model, the input shapes.

    ``target`` is a Python expression evaluated in the program's namespace after the code ran (a
    variable, or a call such as ``build(filters=32)``).  When it is None, or evaluates to something
    that is not a model (a function that builds a model and only prints its summary), the last
    model constructed while running the code (or while evaluating the expression) is taken.
    ``inputs`` are shapes without the batch axis, used to build a model that is not built yet.
    ``prelude`` runs first in the same namespace: it stands in for data the program loads (a zero
    array where the model reads ``x_train.shape``), never for model code.
    """

    code: str
    target: str | None = None
    inputs: tuple[tuple[int | None, ...], ...] | None = None
    filename: str = "<program>"
    timeout: float = DEFAULT_TIMEOUT
    prelude: str = ""

    def key(self) -> str:
        """The cache key: the job, the framework versions and this file's own text."""
        data = {**asdict(self), "timeout": None, "versions": _versions(),
                "runner": digest(Path(__file__), HERE / "fork_server.py")}
        return hashlib.sha256(json.dumps(data, sort_keys=True, default=list).encode()).hexdigest()


def _versions() -> dict[str, str]:
    out = {}
    for dist in ("keras", "tensorflow-cpu", "tensorflow"):
        with contextlib.suppress(metadata.PackageNotFoundError):
            out[dist] = metadata.version(dist)
    return out


# ---------------------------------------------------------------------------------------------
# the client side (the test process) and the server side: fork_server.py, the same for every framework

_client = Client(Path(__file__), "keras_truth", env={
    "KERAS_BACKEND": "tensorflow", "TF_CPP_MIN_LOG_LEVEL": "3", "CUDA_VISIBLE_DEVICES": "",
    # one thread per child: children run side by side, and TensorFlow's idle pools cost nothing
    "TF_NUM_INTRAOP_THREADS": "1", "TF_NUM_INTEROP_THREADS": "1", "OMP_NUM_THREADS": "1"})


def run_many(jobs: list[Job], parallel: int = 1) -> list[dict[str, Any]]:
    """The ground truth of each job (cached ones are not run again), in order."""
    return _client.run_many([asdict(j) for j in jobs], [j.key() for j in jobs], parallel)


def run(job: Job) -> dict[str, Any]:
    """The ground truth of one job: ``{"ok": True, "layers": [...], ...}`` or ``{"ok": False, "error": ...}``."""
    return run_many([job])[0]


def _serve() -> None:
    """Import Keras once, build a throwaway model, then fork a child per program (``fork_server.serve``)."""
    os.environ.setdefault("KERAS_BACKEND", "tensorflow")
    with contextlib.redirect_stdout(None):
        import keras  # imported once, before any fork
        import tensorflow  # noqa: F401

        if os.environ.get("CNNSUMMARY_TRUTH_WARM", "1") != "0":
            _warm_up(keras)
    serve(lambda job: _child(Job(**{**job, "inputs": _tuples(job["inputs"])})), DEFAULT_TIMEOUT)


#: built once in the server so that children do not each pay TensorFlow's first-use costs
WARM_UP = """
import keras
from keras import layers
x = inp = keras.Input((8, 8, 3))
for layer in (layers.Conv2D(2, 3, padding="same"), layers.BatchNormalization(), layers.MaxPooling2D(),
              layers.Conv2DTranspose(2, 3, strides=2), layers.SeparableConv2D(2, 3), layers.Flatten(),
              layers.Dense(4), layers.Dropout(0.1), layers.Reshape((2, 2)), layers.LSTM(2, return_sequences=True),
              layers.Bidirectional(layers.GRU(2)), layers.Dense(1)):
    x = layer(x)
keras.Model(inp, layers.concatenate([x, layers.add([x, x])]))
keras.Sequential([keras.Input((5,)), layers.Embedding(10, 2), layers.Conv1D(2, 2), layers.GlobalMaxPooling1D()])
"""


def _warm_up(keras: Any) -> None:
    """Build a throwaway model, then clear the session: the children start with fresh name counters."""
    exec(WARM_UP, {})  # test code of this file
    keras.backend.clear_session()


def _tuples(inputs: Any) -> Any:
    return None if inputs is None else tuple(tuple(s) for s in inputs)


def _child(job: Job) -> dict[str, Any]:
    """Run the program in this (forked) process and describe the model it builds."""
    import builtins
    import io
    import time
    import traceback

    import keras

    start = time.process_time()
    sys.stdout = sys.stderr = io.StringIO()  # programs print and call model.summary()
    created: list[Any] = []
    model_new = keras.Model.__new__

    keras_dir = os.path.dirname(keras.__file__)

    def recording_new(cls, *args, **kwargs):
        obj = model_new(cls, *args, **kwargs)
        frame = sys._getframe(1)
        while frame is not None and frame.f_code.co_name in ("__new__", "recording_new"):
            frame = frame.f_back
        # a model the program makes, not one Keras makes inside (the graph of a built Sequential)
        inside_keras = frame is None or frame.f_code.co_filename.startswith(keras_dir)
        if not inside_keras and not any(obj is c for c in created):
            created.append(obj)
        return obj

    keras.Model.__new__ = recording_new  # the child's own copy of keras: nothing leaks to the next program
    _no_plotting(keras)
    namespace: dict[str, Any] = {"__name__": "__main__", "__file__": job.filename, "__builtins__": builtins}
    try:
        if job.prelude:
            exec(compile(job.prelude, "<prelude>", "exec"), namespace)  # test data: stands in for loaded data
        exec(compile(job.code, job.filename, "exec"), namespace)  # test data, run on purpose: the ground truth
        before = len(created)
        value = eval(job.target, namespace) if job.target else None
        if not isinstance(value, keras.Model):
            candidates = created[before:] if job.target else created
            if not candidates:
                what = f"{job.target!r} is a {type(value).__name__}" if job.target else "the code"
                return {"ok": False, "error": f"no model: {what} and no model was built"}
            value = candidates[-1]
        if job.inputs is not None and not value.built:
            shapes = [(None, *s) for s in job.inputs]
            value.build(shapes[0] if len(shapes) == 1 else shapes)
        out = describe(value)
    except Exception as exc:
        tb = traceback.format_exc().splitlines()
        return {"ok": False, "error": f"{type(exc).__name__}: {exc}", "traceback": tb[-12:]}
    out["seconds"] = round(time.process_time() - start, 3)
    return out


def _no_plotting(keras: Any) -> None:
    """``plot_model`` needs pydot and Graphviz, which the tests do not install: plotting draws nothing here."""
    original = keras.utils.plot_model

    def plot_model(*args: Any, **kwargs: Any) -> None:
        return None

    for module in list(sys.modules.values()):
        if getattr(module, "plot_model", None) is original and module.__name__.startswith("keras"):
            module.plot_model = plot_model


# ---------------------------------------------------------------------------------------------
# describing a built model, as model.summary(expand_nested=True) shows it


def describe(model: Any) -> dict[str, Any]:
    """Rows, inputs, outputs and totals of a Keras model, as plain JSON data."""
    import keras
    from keras.src.utils.summary_utils import count_params

    return {
        "ok": True,
        "model": {"name": model.name, "type": type(model).__name__},
        "inputs": [{"name": t._keras_history.operation.name, "shape": list(t.shape)} for t in _inputs(model)],
        "outputs": [t._keras_history.operation.name for t in _outputs(model)],
        "layers": list(_rows(model, None)),
        "total_params": count_params(model.trainable_weights) + count_params(model.non_trainable_weights),
        "trainable_params": count_params(model.trainable_weights),
        "non_trainable_params": count_params(model.non_trainable_weights),
        "versions": {"keras": keras.__version__, "backend": keras.backend.backend()},
    }


def _inputs(model: Any) -> list[Any]:
    try:
        return list(model.inputs or [])
    except (AttributeError, ValueError):
        return []


def _outputs(model: Any) -> list[Any]:
    try:
        return list(model.outputs or [])
    except (AttributeError, ValueError):
        return []


def _operations(model: Any) -> list[Any]:
    from keras.src.models import Functional

    return list(model._operations) if isinstance(model, Functional) else list(model.layers)


def _rows(model: Any, parent: str | None, depth: int = 0):
    for op in _operations(model) if parent is None else list(model.layers):
        yield _row(op, parent, depth)
        if getattr(op, "layers", None):  # a model used as a layer: its rows under it
            yield from _rows(op, op.name, depth + 1)


def _row(op: Any, parent: str | None, depth: int) -> dict[str, Any]:
    from keras.src.utils.summary_utils import count_params

    built = getattr(op, "built", True)
    has_weights = hasattr(op, "weights")
    row = {
        "name": op.name,
        "type": type(op).__name__,
        "output_shape": _output_shape(op),
        "params": op.count_params() if has_weights and built else 0,
        "trainable_params": count_params(op.trainable_weights) if has_weights else 0,
        "non_trainable_params": count_params(op.non_trainable_weights) if has_weights else 0,
    }
    if parent is not None:
        row["parent"] = parent
        row["depth"] = depth
    if not built:
        row["unbuilt"] = True
    return row


def _output_shape(op: Any) -> Any:
    """The shape summary() shows: the last call's output; a list of shapes for several outputs."""
    from keras.src import tree

    def plain(shape: Any) -> list[Any]:
        return [None if d is None else int(d) for d in shape]

    if op._inbound_nodes:
        outputs = op._inbound_nodes[-1].output_tensors
        shapes = [plain(t.shape) for t in tree.flatten(outputs)]
    else:
        try:
            if hasattr(op, "output_shape"):
                shapes = [plain(op.output_shape)]
            else:
                shapes = [plain(s) for s in tree.flatten(op.compute_output_shape(**op._build_shapes_dict))]
        except Exception:  # summary() shows '?'
            return None
    return shapes[0] if len(shapes) == 1 else shapes


def _main(argv: list[str]) -> int:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("file", nargs="?")
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--model")
    parser.add_argument("--input", action="append", type=json.loads, help="a shape without batch, e.g. [28, 28, 1]")
    args = parser.parse_args(argv)
    if args.serve:
        _serve()
        return 0
    if not args.file:
        parser.error("a FILE is needed")
    inputs = tuple(tuple(s) for s in args.input) if args.input else None
    job = Job(Path(args.file).read_text(), args.model, inputs, filename=args.file)
    print(json.dumps(run(job), indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1:]))

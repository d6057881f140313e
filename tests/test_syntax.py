"""Layer calls and ${...} expressions read by the engine's own scanner give what Python's syntax tree gives."""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest

from mkdocs_cnnsummary.engine import blocks, spec
from mkdocs_cnnsummary.engine.errors import SpecError
from mkdocs_cnnsummary.engine.syntax import read_call, read_expression

ROOT = Path(__file__).parent.parent
CALLS = [
    "Conv2D(64, 7, strides=2, name=\"conv1_conv\")", "Flatten", "layers.Dense(10, activation='softmax')",
    "Conv2D(8, (3, 3), padding='same')", "Conv2D(8, [3, 3],)", "Dense(units=3, use_bias=False, trainable=True)",
    "Dropout(0.5)", "Dropout(.5)", "Dropout(1e-3)", "Dropout(2.)", "Cropping2D(((1, 2), (3, 4)))",
    "Reshape((-1,))", "Reshape((- 1, 2))", "Dense((3))", "Dense(())", "Dense([])", "Dense(3, 3 == 3)",
    "Dense(activation=tf.nn.relu)", "Dense(None, True, False)", "Dense(Nonex, Truex)", "Dense(3, name='a', name='b')",
    "Dense(name='x', 3)", "Dense(3,,)", "Dense(3", "Dense(3))", "Dense 3", "Dense(3) x", "None", "True(3)",
    "lambda", "Dense(lambda=3)", "Dense(x.lambda)", "Dense('a' 'b')", "Dense('''a''')", "Dense('a\\n')",
    "Dense(\"it's\")", "Dense(r'x')", "Dense(b'x')", "Dense(1_000)", "Dense(0x10)", "Dense(010)", "Dense(00)",
    "Dense(0)", "Dense(-0)", "Dense(+3)", "Dense(--3)", "Dense(3j)", "Dense(9999999999999999999999)",
    "Dense(123456789012345678)", "Dense(*a)", "Dense(**k)", "Dense({'a': 1})", "Dense(LSTM(3))", "Dense(a[0])",
    "Dense(a.b.c)", "layers . Dense(3)", "Dense (3)", "Dense( 3 , units = 4 )", "Dense(units=3,)", "Dense(3name)",
    "Dense(trainable=1)", "Dense(name=3)", "Dense(name='a b')", "Dense(é)", "Dénse(3)", "Dense(\t3)", "Dense(3 # x)",
    "Dense(x=1, y=(1, 2), z=[(1,), []])", "Dense(((3,),))", "Dense([(3)])", "Dense(3.5.5)", "Dense(3..real)",
]
EXPRESSIONS = ["filters * 4", "blocks - 1", "-x", "+x", "--x", "x // 2", "x % 3", "x / 2", "x ** 2", "2 * -3",
               "(x + 1) * (y - 2)", "x // 0", "x % 0", "1.5", "True", "None", "x(1)", "x[0]", "x.y", "unknown + 1",
               "s", "x +", "(x", "x)", "", "  x  ", "0", "00", "007", "x * 99999999999999", "2 ** 70", "x if x else 1",
               "x*4", "(((((x)))))", "- (x + y) * 2 % 5 // 1", "é", "x\ty", "1_0", "0x10", "x y"]


def _spec_outcome(text: str) -> object:
    try:
        s = spec.parse_call(text, 3)
    except SpecError as exc:
        return ("error", exc.message, exc.hint, exc.line)
    return (s.type, s.args, s.kwargs, s.name, s.trainable, s.source, s.line)


def _by_ast(text: str, monkeypatch: pytest.MonkeyPatch) -> object:
    with monkeypatch.context() as m:
        m.setattr(spec, "read_call", lambda text: None)
        return _spec_outcome(text)


def _call_texts() -> list[str]:
    """The layer calls written in the example site and the test specs, and edited copies of them."""
    texts = set()
    for path in [*ROOT.joinpath("example_site").rglob("*.md"), *ROOT.joinpath("tests", "specs").glob("*.yaml")]:
        texts.update(m.group(1).strip() for m in re.finditer(r"- ([A-Z][\w.]*\(.*\))\s*$", path.read_text("utf-8"),
                                                               re.M))
    rng = random.Random(5)
    pieces = [*"()[],.='\"-+ 0123456789_xe\\#", "==", "**", "None", "True", "(1,)", "lambda"]
    edited = []
    for text in sorted(texts):
        for _ in range(6):
            t = text
            i = rng.randrange(len(t) + 1)
            t = t[:i] + rng.choice(pieces) + t[i:] if rng.random() < 0.6 else t[:i] + t[i + 1:]
            edited.append(t)
    return sorted(texts) + edited


@pytest.mark.parametrize("text", CALLS)
def test_calls_read_as_ast_reads_them(text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    assert _spec_outcome(text) == _by_ast(text, monkeypatch)


def test_calls_of_the_site_and_edited_ones(monkeypatch: pytest.MonkeyPatch) -> None:
    texts = _call_texts()
    simple = [t for t in texts if read_call(t) is not None]
    assert len(simple) > len(texts) // 3  # the scanner reads most of them
    for text in texts:
        assert _spec_outcome(text) == _by_ast(text, monkeypatch), text


def test_calls_give_new_lists_each_time() -> None:
    first = read_call("Conv2D(8, (3, 3), name='a')")
    assert first is not None
    first[1][1].append(4)
    first[2].pop("name")
    assert read_call("Conv2D(8, (3, 3), name='a')") == ("Conv2D", [8, [3, 3]], {"name": "a"}, True)


def _evaluate(text: str) -> object:
    scope = blocks._Scope(instance=None, block=None, params={"x": 5, "y": -3, "filters": 64, "blocks": 6, "s": "a"})
    try:
        return blocks._evaluate(text, scope, 7)
    except SpecError as exc:
        return ("error", exc.message, exc.hint, exc.line)


@pytest.mark.parametrize("text", EXPRESSIONS)
def test_expressions_evaluate_as_with_ast(text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    ours = _evaluate(text)
    with monkeypatch.context() as m:
        m.setattr(blocks, "read_expression", lambda text: None)
        assert ours == _evaluate(text)


def test_expressions_read_here() -> None:
    for text in ("filters * 4", "blocks - 1", "(x + 1) * -y // 2 % 7"):
        assert read_expression(text) is not None

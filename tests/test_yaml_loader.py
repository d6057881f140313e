"""The spec reader gives the same values, lines and errors with libyaml as with the pure-Python loader."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pytest
import yaml

from mkdocs_cnnsummary.engine import spec as spec_module
from mkdocs_cnnsummary.engine.errors import SpecError
from mkdocs_cnnsummary.engine.spec import LineDict, LineList, load_yaml

SPECS = sorted((Path(__file__).parent / "specs").glob("*.yaml"))
TRICKY = [
    "a: &x [1, 2]\nb: *x\nc: {<<: {k: 1}, j: 2}\n",
    "a: 1\na: 2\n",
    "? [1, 2]\n: 3\n",
    "- - - a\n  - b\n",
    "a: |\n  x\n  y\nb: >\n  z\n",
    "a: 1e3\nb: 0x1F\nc: ~\nd: yes\ne: 2001-12-14\nf: .inf\ng: '07'\n",
    "---\na: 1\n...\n",
    "a: !!python/name:os.system x\n",
    "a: 'x\n",
    "a: [1, 2\n",
    "layers:\n  - Conv2D(8, 3)\n   - Dense(2)\n",
    "a:\tb\n",
    "{a?b: 1}\n",
    "\ufeffa: 1\n",
    "\na: \ufeff1\n",
    "a: \x01\n",
    "a: \ud800\n",
    "[" * 2000 + "]" * 2000,
    "x: &a [1]\n" + "\n".join(f"k{i}: *a" for i in range(1005)) + "\n",
]


def _shape(value: Any) -> Any:
    """The value with every line number it carries."""
    if isinstance(value, LineDict):
        return ("map", value.line, [(repr(k), _shape(v), value.key_lines.get(k)) for k, v in value.items()])
    if isinstance(value, LineList):
        return ("seq", value.line, value.item_lines, [_shape(v) for v in value])
    return (type(value).__name__, repr(value))


def _read(loader: type, text: str) -> Any:
    try:
        return _shape(yaml.load(text, Loader=loader))
    except SpecError as exc:
        return ("spec error", exc.message, exc.line)
    except Exception as exc:  # the pure-Python loader's own errors, turned into SpecErrors by load_yaml
        return ("error", type(exc).__name__)


def _reference(text: str) -> Any:
    """What load_yaml gives when only the pure-Python loader reads."""
    saved = spec_module._FastLineLoader
    spec_module._FastLineLoader = None
    try:
        return _outcome(text)
    finally:
        spec_module._FastLineLoader = saved


def _outcome(text: str) -> Any:
    try:
        return _shape(load_yaml(text))
    except SpecError as exc:
        return ("spec error", exc.message, exc.line, exc.hint)


def _mutants(seed: int, count: int) -> list[str]:
    """Spec texts with a few characters inserted, deleted or moved."""
    rng = random.Random(seed)
    base = [p.read_text(encoding="utf-8") for p in SPECS] + TRICKY[:8]
    pieces = [*":-[]{}\"'*&#!|>%@`,\n \\.~", "\n  ", ": ", "- ", "*x", "&x ", "!!str ", "<<: ", "\u2028", "\x85"]
    out = []
    for _ in range(count):
        text = rng.choice(base)
        for _ in range(rng.randint(1, 3)):
            i = rng.randrange(len(text) + 1)
            if rng.random() < 0.5:
                text = text[:i] + rng.choice(pieces) + text[i:]
            else:
                text = text[:i] + text[i + rng.randint(1, 3):]
        out.append(text)
    return out


def test_libyaml_is_used() -> None:
    assert yaml.__with_libyaml__ and spec_module._FastLineLoader is not None


@pytest.mark.parametrize("text", [p.read_text(encoding="utf-8") for p in SPECS] + TRICKY)
def test_same_result_as_the_pure_python_loader(text: str) -> None:
    assert _outcome(text) == _reference(text)


def test_same_result_on_edited_specs() -> None:
    """Typing mistakes: either both loaders accept with the same values and lines, or the same error."""
    for text in _mutants(seed=7, count=300):
        assert _outcome(text) == _reference(text), text
        if any(c in text for c in spec_module._LIBYAML_LENIENT):
            continue
        fast = _read(spec_module._FastLineLoader, text)
        if fast[0] != "error":  # libyaml accepted, or a spec error: the pure-Python loader agrees
            assert fast == _read(spec_module._LineLoader, text), text

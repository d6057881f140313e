"""The spec reader gives the same values, lines and errors with its own reader of plain YAML and with libyaml
as with PyYAML's pure-Python loader."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pytest
import yaml

from mkdocs_cnnsummary.engine import yaml_loader as spec_module
from mkdocs_cnnsummary.engine.errors import SpecError
from mkdocs_cnnsummary.engine.plain_yaml import NotPlain, read_plain
from mkdocs_cnnsummary.engine.spec import LineDict, LineList, load_yaml
from mkdocs_cnnsummary.markdown.extension import find_fences

ROOT = Path(__file__).parent.parent
SPECS = sorted((Path(__file__).parent / "specs").glob("*.yaml"))
#: the cnn blocks of the example site (the gallery's compact specs among them)
SITE_SPECS = ["\n".join(f.body) for page in sorted((ROOT / "example_site").rglob("*.md"))
              for f in find_fences(page.read_text(encoding="utf-8").splitlines()) if f.lang == "cnn"]
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
    """What load_yaml gives when only PyYAML's pure-Python loader reads."""
    saved = spec_module._FastLineLoader
    spec_module._FastLineLoader = None
    try:
        return _shape(spec_module.load_yaml_full(text))
    except SpecError as exc:
        return ("spec error", exc.message, exc.line, exc.hint)
    finally:
        spec_module._FastLineLoader = saved


def _outcome(text: str) -> Any:
    try:
        return _shape(load_yaml(text))
    except SpecError as exc:
        return ("spec error", exc.message, exc.line, exc.hint)


def _mutants(seed: int, count: int, base: list[str] | None = None) -> list[str]:
    """Spec texts with a few characters inserted, deleted or moved."""
    rng = random.Random(seed)
    base = base or [p.read_text(encoding="utf-8") for p in SPECS] + TRICKY[:8]
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


PLAIN_TRICKY = [
    "a: -1\nb: +2\nc: -0\nd: 1.\ne: -2.50\nf: 01.5\ng: 10\nh: 0\n",
    "a: yes\nb: Off\nc: NULL\nd: ~\ne: y\nf: ~x\ng: nULL\nh: .hidden\ni: 3_bn\nj: 1_relu\nk: 0b_conv\n",
    "1: a\nyes: b\nnull: c\n$x: d\n",
    "k: 'it''s'\nl: \"say 'x' # not a comment\"\nm: a#b\nn: a #b\n",
    "key:  # a comment\n  inner: 1\nlist:\n- a\n- b\nafter: 2\n",
    "- Conv2D(8, 3, name=\"a: b\")\n- Dense(2)  # out: 2\n- {Conv2D: [32, 3], name: c}\n- [1, [2, [3]], {}]\n",
    "- name: x\n  Add: null\n  inputs: [a, b]\n-   Dense: {units: 3}\n    name: d\n",
    "a: [1, 2,]\n", "a: [1,\n  2]\n", "a: {b}\n", "a: {b: }\n", "a: b\n  c\n", "a:\n-\n", "- - a\n",
    "a: 1\n b: 2\n", "  a: 1\nb: 2\n", "a: 1 # x\na: 2\n", "a: \"x\\ny\"\n", "a: 'x\n", "a: [x y, z]\n",
    "a: -\n", "a: - b\n", "a: b: c\n", "a: [b: c]\n", "a: {b: [1, 2], c: {d: e}}\n", "--- \na: 1\n",
    "a: 1e3\nb: 0x1F\nc: 1_000\nd: 2024-01-01\ne: .inf\nf: -.5\ng: 3:25\nh: 010\n",
    "x: " + "[" * 150 + "]" * 150 + "\n", "a: " + "9" * 30 + "\n", "a: 123456789012345678\n",
]


def _read_plainly(text: str) -> bool:
    """Whether the plain reader reads ``text`` (then with PyYAML's values and lines), not leaving it to PyYAML."""
    try:
        plain = _shape(read_plain(text))
    except NotPlain:
        return False
    assert plain == _reference(text), text
    return True


@pytest.mark.parametrize("text", PLAIN_TRICKY + TRICKY)
def test_plain_reader_agrees_or_leaves_the_text_to_pyyaml(text: str) -> None:
    """The reader of plain YAML gives PyYAML's values and lines, or leaves the text to PyYAML."""
    _read_plainly(text)
    assert _outcome(text) == _reference(text)


def test_plain_reader_reads_the_specs_of_the_site() -> None:
    """The specs of the example site and of the tests are read without PyYAML, with its values and lines."""
    texts = [p.read_text(encoding="utf-8") for p in SPECS] + SITE_SPECS
    read = sum(_read_plainly(text) for text in texts)
    assert read >= 0.8 * len(texts), f"only {read} of {len(texts)} specs read without PyYAML"


def test_plain_reader_on_edited_specs() -> None:
    """Edited specs of the site: whatever the plain reader accepts, PyYAML reads the same way."""
    assert sum(_read_plainly(text) for text in _mutants(seed=11, count=800, base=SITE_SPECS)) > 150


@pytest.mark.parametrize("depth", [120, 600])
def test_lists_at_their_keys_indentation_nested_too_deep_get_the_loaders_message(depth: int) -> None:
    """``a:`` / ``- k:`` / ``  - k:`` ... alternates lists and mappings without a deeper indentation per level:
    deeper than the bound, the plain reader leaves the text to PyYAML's reader (no RecursionError)."""
    text = "a:\n" + "".join("  " * i + "- k:\n" for i in range(depth)) + "  " * depth + "- 1\n"
    with pytest.raises(NotPlain):
        read_plain(text)
    with pytest.raises(SpecError, match="nested more than 100 deep"):
        load_yaml(text)

"""Bad input: every kind of spec error names its line, layer and what to change, and never shows a traceback."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass

import pytest

from mkdocs_cnnsummary import SpecError, summarize


@dataclass(frozen=True)
class Case:
    spec: str
    line: int | None
    layer: str | None
    contains: tuple[str, ...]  # pieces the whole message must contain (sizes, hint, did-you-mean ...)


TWO_BRANCHES = """\
input: [28, 28, 1]
layers:
  - Conv2D(4, 3, name='a')
  - name: b
    Conv2D: [{filters}, 1]
    inputs: input
  - name: merge
    {merge}:
    inputs: [a, b]
"""

CASES = {
    "invalid YAML": Case(
        "input: [28, 28, 1]\nlayers:\n  - Conv2D: filters: 3\n", 3, None,
        ("invalid YAML", "mapping values are not allowed", "must be quoted")),
    "unclosed bracket": Case(
        "input: [28, 28, 1]\nlayers:\n  - Conv2D: {filters: 3, kernel_size: 3\n  - Flatten\n", 3, None,
        ("invalid YAML", "flow mapping that starts on line 3", "'{' has its '}'")),
    "tab indentation": Case("input: [28, 28, 1]\nlayers:\n\t- Flatten\n", 3, None, ("tabs",)),
    "python tag": Case("input: !!python/object/apply:os.system [ls]\nlayers: [Flatten]\n", 1, None,
                       ("invalid YAML", "!!python/... are not allowed")),
    "control character": Case("input: [28]\nlayers:\n  - Dense: 3\x07\n", 3, None, ("U+0007",)),
    "unknown layer type": Case(
        "input: [28, 28, 1]\nlayers:\n  - Flatten\n  - Dence: 10\n", 4, "dence",
        ("unknown layer type 'Dence'", "did you mean 'Dense'?")),
    "wrong case of a type": Case(
        "input: [28, 28, 1]\nlayers:\n  - Conv2d(8, 3)\n", 3, "conv2d",
        ("unknown layer type 'Conv2d'", "did you mean 'Conv2D'?")),
    "unknown argument": Case(
        "input: [28, 28, 1]\nlayers:\n  - Conv2D: {filters: 8, kernel: 3}\n", 3, "conv2d",
        ("unknown argument 'kernel'", "did you mean 'kernel_size'?")),
    "unknown argument in a call": Case(
        "input: [28, 28, 1]\nlayers:\n  - Flatten\n  - Dense(10, activaton='relu')\n", 4, "dense",
        ("unknown argument 'activaton'", "did you mean 'activation'?")),
    "wrong argument value": Case(
        "input: [28, 28, 1]\nlayers:\n  - Conv2D: {filters: 8, kernel_size: 3, padding: sme}\n", 3, "conv2d",
        ("'padding'", "'sme'", "did you mean 'same'?")),
    "missing required argument": Case(
        "input: [28, 28, 1]\nlayers:\n  - Conv2D: {filters: 8}\n", 3, "conv2d",
        ("missing required argument 'kernel_size'", "Conv2D(kernel_size=...)")),
    "null for an argument that needs a value": Case(
        "input: [28, 28, 1]\nlayers:\n  - Conv2D(None, 3)\n  - MaxPooling2D(pool_size=None)\n", 3, "conv2d",
        ("argument 'filters' expected an integer, got None",)),
    "duplicate names": Case(
        "input: [28, 28, 1]\nlayers:\n  - Conv2D(4, 3, name='enc')\n  - Conv2D(4, 3, name='enc')\n", 4, "enc",
        ("duplicate layer name 'enc'", "first used on line 3", "give each layer its own name")),
    "unknown reference": Case(
        "input: [28, 28, 1]\nlayers:\n  - Conv2D(4, 3, name='enc')\n  - name: dec\n    Conv2D: [4, 3]\n"
        "    inputs: [enk]\n", 4, "dec",
        ("unknown input 'enk'", "did you mean 'enc'?")),
    "unknown output": Case(
        "input: [28, 28, 1]\nlayers:\n  - Flatten\noutputs: [flaten]\n", 4, None,
        ("unknown output 'flaten'", "did you mean 'flatten'?")),
    "cycle": Case(
        "input: [28, 28, 1]\nlayers:\n  - name: a\n    Conv2D: [3, 3, 1, same]\n    inputs: b\n"
        "  - name: b\n    Conv2D: [3, 3, 1, same]\n    inputs: a\n", 6, "b",
        ("cycle", "a -> b -> a", "check the 'inputs' lists")),
    "unknown top-level key": Case(
        "inputt: [28, 28, 1]\nlayers:\n  - Flatten\n", 1, None,
        ("unknown top-level key 'inputt'", "did you mean 'input'")),
    "unknown framework": Case(
        "framework: pytorc\ninput: [28]\nlayers:\n  - Linear(28, 3)\n", 1, None,
        ("unknown framework 'pytorc'", "did you mean 'pytorch'?")),
    "bad input shape": Case(
        "input: [28, 28, 2.5]\nlayers:\n  - Flatten\n", 1, None,
        ("expected an integer", "2.5", "without the batch dimension")),
    "no input shape": Case("layers:\n  - Flatten\n", 2, None, ("no input shape", "input: [...]")),
    "expression instead of a literal": Case(
        "input: [28, 28, 1]\nlayers:\n  - Conv2D(3 * 2, 3)\n", 3, None,
        ("'3 * 2' is not a literal", "not evaluated")),
    "unreadable call": Case(
        "input: [28]\nlayers:\n  - Dense(3name=1)\n", 3, None,
        ("cannot read 'Dense(3name=1)' as a layer", "Type(args...)")),
    "Reshape does not multiply out": Case(
        "input: [28, 28, 1]\nlayers:\n  - Flatten\n  - Reshape: [[27, 28]]\n", 4, "reshape",
        ("784", "756", "27 × 28")),
    "Concatenate mismatch": Case(
        TWO_BRANCHES.format(filters=4, merge="Concatenate"), 7, "merge",
        ("concatenate", "26", "28", "(None, 26, 26, 4)", "(None, 28, 28, 4)")),
    "Add mismatch": Case(
        TWO_BRANCHES.format(filters=8, merge="Add").replace("Conv2D(4, 3, name='a')",
                                                             "Conv2D(4, 3, padding='same', name='a')"),
        7, "merge", ("(None, 28, 28, 4)", "(None, 28, 28, 8)", "4 and 8")),
    "negative dimension": Case(
        "input: [28, 28, 1]\nlayers:\n  - Conv2D(32, 3)\n  - MaxPooling2D(2)\n  - Conv2D(16, 3)\n"
        "  - MaxPooling2D(2)\n  - MaxPooling2D(2)\n  - Conv2D(32, 3, name='too_small')\n", 8, "too_small",
        ("a 3×3 kernel does not fit the 2×2 input with padding='valid'", "use padding='same' or a smaller kernel")),
    "wrong input rank": Case(
        "input: [28, 28, 1]\nlayers:\n  - Conv1D(8, 3)\n", 3, "conv1d",
        ("3-D input", "(None, 28, 28, 1)")),
    "empty spec": Case("", None, None, ("empty",)),
    "nested too deeply": Case("[" * 1200 + "]" * 1200, 1, None, ("nested more than 100 deep",)),
}


@pytest.mark.parametrize("kind", list(CASES))
def test_error_message(kind):
    case = CASES[kind]
    with pytest.raises(SpecError) as err:
        summarize(case.spec)
    exc = err.value
    text = str(exc)
    assert exc.line == case.line, text
    if case.line is not None:
        assert text.startswith(f"line {case.line}"), text
    assert exc.layer == case.layer, text
    if case.layer is not None:
        assert f"layer {case.layer!r}" in text
    for piece in case.contains:
        assert piece in text, (piece, text)
    assert exc.describe() == text
    assert exc.to_dict()["text"] == text


def test_seed_004_message_exactly():
    spec = ("name: Denoiser without padding\ninput: [28, 28, 1]\nlayers:\n  - Conv2D(32, (3, 3))\n"
            "  - MaxPooling2D(pool_size=(2, 2))\n  - Conv2D(16, (3, 3))\n  - MaxPooling2D(pool_size=(2, 2))\n"
            "  - MaxPooling2D(pool_size=(2, 2))\n  - Conv2D(32, (3, 3), name='too_small')\n")
    with pytest.raises(SpecError) as err:
        summarize(spec)
    assert str(err.value) == ("line 9, layer 'too_small' (Conv2D): a 3×3 kernel does not fit the 2×2 input "
                              "with padding='valid'; use padding='same' or a smaller kernel")


def test_error_fields_are_documented_attributes():
    with pytest.raises(SpecError) as err:
        summarize(CASES["unknown argument"].spec)
    exc = err.value
    assert isinstance(exc, ValueError)
    assert (exc.line, exc.layer, exc.layer_type) == (3, "conv2d", "Conv2D")
    assert exc.message == "unknown argument 'kernel'"
    assert exc.hint == "did you mean 'kernel_size'?"
    assert exc.in_file("net.yaml") == "net.yaml:3: layer 'conv2d' (Conv2D): unknown argument 'kernel'; " \
                                      "did you mean 'kernel_size'?"


def test_dict_specs_have_no_line_but_still_name_the_layer():
    with pytest.raises(SpecError) as err:
        summarize({"input": [28, 28, 1], "layers": [{"Conv2D": {"filters": 8, "kernl_size": 3}}]})
    assert err.value.line is None
    assert str(err.value).startswith("layer 'conv2d' (Conv2D): unknown argument 'kernl_size'")


@pytest.mark.parametrize("kind", list(CASES))
def test_cli_prints_the_message_without_traceback(kind, tmp_path):
    case = CASES[kind]
    path = tmp_path / "net.yaml"
    path.write_text(case.spec, encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "mkdocs_cnnsummary", str(path)],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 1, proc.stderr
    assert proc.stdout == ""
    assert "Traceback" not in proc.stderr
    assert len(proc.stderr.splitlines()) == 1, proc.stderr  # the message alone: no warnings, no stack
    first = proc.stderr.splitlines()[0]
    prefix = f"{path}:{case.line}: " if case.line is not None else f"{path}: "
    assert first.startswith(prefix), first
    if case.layer is not None:
        assert first.startswith(f"{prefix}layer {case.layer!r}"), first
    for piece in case.contains:
        assert piece in proc.stderr

"""Fuzzers: no input crashes, hangs or exhausts the engine, the renderers, the command or the Markdown extension.

Each fuzzer checks, for every input, that nothing but the documented SpecError escapes, that the input
finishes within a gross time bound, and that messages are bounded and point at lines the input has.
The default run takes a seeded sample; ``CNNSUMMARY_FUZZ=50`` runs 50 times as many inputs (see
tests/README.md).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zlib
from pathlib import Path

import markdown
import pytest
from arith import check_steps
from fuzzing import (
    FUZZ_SCALE,
    UNPRINTABLE,
    check_message,
    check_only_spec_errors,
    hostile_texts,
    mutants,
    nudge_numbers,
    rng_for,
    sample,
    scaled,
    shorten,
)
from spec_fuzz import mutate, seed_pages, seed_specs

from mkdocs_cnnsummary import SpecError, summarize
from mkdocs_cnnsummary.engine.spec import parse_call
from mkdocs_cnnsummary.markdown.extension import CnnSummaryExtension
from mkdocs_cnnsummary.render import doctree, myst_ast
from mkdocs_cnnsummary.render.groups import FOLD_MODES
from mkdocs_cnnsummary.render.html import WORKED_MODES, render_summary
from mkdocs_cnnsummary.render.markdown import render_markdown
from mkdocs_cnnsummary.render.reference import find_example, layer_types
from mkdocs_cnnsummary.render.svg import render_svg
from mkdocs_cnnsummary.render.text import STYLES, render_text

ROOT = Path(__file__).resolve().parent.parent
DIAGRAMS = ("vertical", "horizontal layered", "vertical unfolded", "only horizontal auto")
SEEDS = seed_specs()

# the engine and the renderers -----------------------------------------------------------------------


def drawing(summary, diagram: str) -> str:
    """The diagram as SVG; a drawing with too many boxes is the documented ValueError, shown as text."""
    try:
        return render_svg(summary, diagram, standalone=True)
    except ValueError as exc:
        if type(exc) is not ValueError or "boxes" not in str(exc):
            raise
        return str(exc)


def render_all(summary, pick: int | None = None) -> list[str]:
    """The summary through every renderer, style, worked mode, fold and diagram (or the one numbered ``pick``)."""
    jobs = [*((lambda s=style, w=worked, f=fold: render_text(summary, style=s, worked=w, fold=f))
              for style in STYLES for worked in (False, True) for fold in FOLD_MODES),
            *((lambda f=fold: render_markdown(summary, worked=True, fold=f)) for fold in FOLD_MODES),
            *((lambda w=mode, f=fold: render_summary(summary, worked=w, fold=f))
              for mode in WORKED_MODES for fold in FOLD_MODES),
            *((lambda d=diagram: drawing(summary, d)) for diagram in DIAGRAMS),
            lambda: str(doctree.render(summary, worked="table")),
            lambda: str(myst_ast.render(summary, worked="expanded"))]
    if pick is not None:
        jobs = [jobs[pick % len(jobs)]]
    return [job() for job in jobs]


def check_outputs(outputs: list[str], given: str, rows: int) -> str | None:
    """Text and Markdown keep the author's control characters escaped; no output grows faster than the input
    and the rows it expands to (``repeat:`` makes many layers of a few lines)."""
    for out in outputs:
        if not out.lstrip().startswith("<") and UNPRINTABLE.search(out.replace("\t", "")):
            return f"a control character in the output: {shorten(out, 200)}"
        if len(out) > 2_000 * len(given) + 5_000 * rows + 200_000:
            return f"{len(out):,} characters of output for {len(given):,} of input and {rows:,} rows"
    return None


def computed_and_rendered(pick_all: bool = False):
    def run(case: tuple[str, str | None]) -> tuple[object, list[str]]:
        text, framework = case
        summary = summarize(text, framework=framework)
        return summary, render_all(summary, None if pick_all else zlib.crc32(text.encode("utf-8", "replace")))

    return run


def result_check(result: tuple[object, list[str]], case: tuple[str, str | None]) -> str | None:
    summary, outputs = result
    return check_outputs(outputs, case[0], len(summary.layers) + len(summary.inputs))  # type: ignore[attr-defined]


def spec_error_check(error: BaseException, case: tuple[str, str | None]) -> str | None:
    from fuzzing import check_message

    return check_message(error, case[0])


def describe_case(case: tuple[str, str | None]) -> str:
    return shorten(case[0], 300)


def run_specs(cases, *, pick_all: bool = False, min_passed: int = 0):
    return check_only_spec_errors(computed_and_rendered(pick_all), cases, check_error=spec_error_check,
                                  check_result=result_check, describe=describe_case, min_passed=min_passed)


#: specs of each kind of input that broke the engine once
HOSTILE_SPECS = {
    "count beyond a float": f"input: [{10**200}]\nlayers:\n  - Dense: {10**200}\n",
    "hex beyond str()": "input: [0x" + "f" * 4000 + "]\nlayers:\n  - Dense: 2\n",
    "binary and base 60": "input: [0b" + "1" * 5000 + ", 190:20:30]\nlayers:\n  - Flatten\n",
    "product beyond 64 bits": "input: [" + ", ".join(["4294967296"] * 3) + "]\nlayers:\n  - Flatten\n  - Dense: 3\n",
    "flatten over 1,000 sizes": "input: [" + ", ".join(["1"] * 1000) + "]\nlayers:\n  - Flatten\n",
    "concatenate 1,000 inputs": ("inputs: {" + ", ".join(f"i{k}: [2]" for k in range(1000)) + "}\nlayers:\n"
                                 "  - Concatenate:\n    inputs: [" + ", ".join(f"i{k}" for k in range(1000)) + "]\n"),
    "cat of 1,000 inputs": ("framework: pytorch\ninputs: {" + ", ".join(f"i{k}: [2]" for k in range(1000)) + "}\n"
                            "layers:\n  - cat(dim=1):\n    inputs: [" + ", ".join(f"i{k}" for k in range(1000))
                            + "]\n"),
    "1,000 stacked LSTMs": "framework: pytorch\ninput: [5, 4]\nlayers:\n  - LSTM(4, 4, num_layers=1000)\n",
    "10**8 stacked LSTMs": "framework: pytorch\ninput: [5, 4]\nlayers:\n  - LSTM(4, 4, num_layers=100000000)\n",
    "unhashable dict key": "input: [4]\nlayers:\n  - 'Dense(2, x={[1]: 2})'\n",
    "** in a call": "input: [4]\nlayers:\n  - 'Dense(2, **{})'\n",
    "** in a dict": "input: [4]\nlayers:\n  - 'Dense(2, x={**{}})'\n",
    "5,000 operators": "input: [4]\nlayers:\n  - 'Dense(" + "1+" * 5000 + "1)'\n",
    "900 operators": "input: [4]\nlayers:\n  - 'Dense(" + "1+" * 900 + "1)'\n",
    "3,000 dots": "input: [4]\nlayers:\n  - '" + ".".join(["a"] * 3000) + "(2)'\n",
    "!!bool maybe": "input: [4]\nlayers:\n  - Dense: {units: 2, use_bias: !!bool maybe}\n",
    "!!int empty": "input: [4]\nlayers:\n  - Dense: !!int \"\"\n",
    "!!map of a list": "input: !!map [4]\nlayers: [Flatten]\n",
    "whole document tagged": "!!bool maybe\n",
    "Upsample(inf)": "framework: pytorch\ninput: [3, 4, 4]\nlayers:\n  - Upsample: {scale_factor: .inf}\n",
    "Upsample(nan)": "framework: pytorch\ninput: [3, 4, 4]\nlayers:\n  - Upsample: {scale_factor: .nan}\n",
    "Upsample(1e308)": "framework: pytorch\ninput: [3, 4, 4]\nlayers:\n  - Upsample: {scale_factor: 1.0e+308}\n",
    "Embedding(padding_idx='x')": "framework: pytorch\ninput: [4]\nlayers:\n  - Embedding(10, 3, padding_idx='x')\n",
    "LayerNorm(())": "framework: pytorch\ninput: [4]\nlayers:\n  - LayerNorm(())\n",
    "GroupNormalization over a prime": "input: [4, 1000000007]\nlayers:\n  - GroupNormalization(groups=3)\n",
    "GroupNormalization over 2^62": f"input: [1, {2**62}]\nlayers:\n  - GroupNormalization(groups=3)\n",
    "billion laughs": ("input: [4]\nlayers: [Dense(2)]\ndescription:\n  a: &a [x,x,x,x,x,x,x,x,x]\n"
                       + "".join(f"  {c}: &{c} [{', '.join(['*' + p] * 9)}]\n" for p, c in zip("abcdefgh", "bcdefghi",
                                                                                             strict=True))),
    "merge-key laughs": ("a: &a {a1: 1, a2: 2, a3: 3, a4: 4, a5: 5, a6: 6, a7: 7, a8: 8, a9: 9}\n"
                         + "".join(f"{c}: &{c} {{<<: [{', '.join(['*' + p] * 9)}]}}\n"
                                   for p, c in zip("abcdefg", "bcdefgh", strict=True))),
    "recursive alias": "input: &a [*a]\nlayers: [Flatten]\n",
    "200,000-value tuple": "input: [4]\nlayers:\n  - Reshape: [[" + ",".join(["1"] * 200_000) + "]]\n",
    "terminal escapes": 'input: [4]\nlayers:\n  - "Dense\\e[2J\\e[31m": 2\n  - name: "\\e]0;x\\a"\n    Dense: 2\n',
    "non-ASCII index": ("input: [10, 4]\nlayers:\n  - LSTM: {units: 3, return_state: true}\n    name: l\n"
                        "  - Dense: 2\n    inputs: 'l[١]'\n"),
    "huge index": ("input: [10, 4]\nlayers:\n  - LSTM: {units: 3, return_state: true}\n    name: l\n"
                   "  - Dense: 2\n    inputs: 'l[" + "9" * 5000 + "]'\n"),
    "brackets in a name": "input: [4]\nlayers:\n  - name: '" + "[" * 20_000 + "'\n    Dense: 2\n",
    "long name": "input: [4]\nlayers:\n  - name: '" + "n" * 100_000 + "'\n    Dense: 2\n",
    "long type": "input: [4]\nlayers:\n  - " + "Dense" * 20_000 + "\n",
    "nested wrappers": "input: [4, 4]\nlayers:\n  - " + "TimeDistributed(" * 150 + "Dense(2)" + ")" * 150 + "\n",
    "a cycle of 2,000": "input: [4]\nlayers:\n" + "".join(
        f"  - name: l{k}\n    Dense: 2\n    inputs: l{(k + 1) % 2000}\n" for k in range(2000)),
}


def test_hostile_specs_raise_only_spec_errors():
    run_specs([(text, None) for text in HOSTILE_SPECS.values()], pick_all=True, min_passed=3)


CONTEXTS = (
    "input: [{x}]\nlayers:\n  - Dense: 2\n",
    "input: [4]\nlayers:\n  - Dense: {x}\n",
    "input: [8, 8, 3]\nlayers:\n  - Conv2D({x}, 3)\n",
    "input: [4]\nlayers:\n  - name: {x}\n    Dense: 2\n",
    "framework: pytorch\ninput: [3, 8, 8]\nlayers:\n  - Upsample(scale_factor={x})\n",
    "input: [10, 4]\nlayers:\n  - LSTM: {{units: 3, return_state: true}}\n    name: l\n  - Dense: 2\n    inputs: {x}\n",
    "{x}",
)


@pytest.mark.parametrize("context", range(len(CONTEXTS)))
def test_hostile_values_in_every_place_raise_only_spec_errors(context):
    template = CONTEXTS[context]
    run_specs([(template.replace("{x}", piece).replace("{{", "{").replace("}}", "}"), None)
               for piece in hostile_texts()])


def test_mutations_of_every_spec_raise_only_spec_errors():
    run_specs(list(mutants(SEEDS, seed=11, count=scaled(600), mutate=mutate_case)), min_passed=10)


def test_specs_with_other_numbers_compute_or_raise_spec_errors():
    """Mostly valid networks with other sizes: every worked step evaluates to the number it shows."""
    cases = list(mutants(computing_seeds(), seed=12, count=scaled(300),
                         mutate=lambda c, r: (nudge_numbers(c[0], r), c[1])))

    def run(case: tuple[str, str | None]) -> tuple[object, list[str]]:
        summary = summarize(case[0], framework=case[1])
        check_steps(summary)
        return summary, render_all(summary, zlib.crc32(case[0].encode("utf-8", "replace")))

    # a nudged number often breaks the seed on purpose (its expect: values, a kernel that no longer fits), and
    # how often depends on which pages and test strings are seeds: about a third of the cases go through
    check_only_spec_errors(run, cases, check_error=spec_error_check, check_result=result_check,
                           describe=describe_case, min_passed=len(cases) // 4)


def computing_seeds() -> list[tuple[str, str | None]]:
    """The seeds that are valid networks (many test strings are wrong on purpose)."""
    out = []
    for text, framework in SEEDS:
        try:
            summarize(text, framework=framework)
        except SpecError:
            continue
        out.append((text, framework))
    return out


def mutate_case(case: tuple[str, str | None], rng) -> tuple[str, str | None]:
    return mutate(case[0], rng), case[1]


#: argument values (Python literals) tried one at a time on every argument of every layer type
ARGUMENT_VALUES = (
    "0", "1", "-1", "2", "7", "-5", "4096", "3000000000", "9223372036854775807", "9223372036854775808",
    "0x" + "f" * 40, "0.5", "2.0", "1e308", "-1e-320", "True", "False", "None", "''", "'x'", "'same'", "'valid'",
    "'causal'", "'full'", "'channels_first'", "'relu'", "'bogus'", "'\\x1b[2J'", "'x' * 3", "()", "(0,)", "(1, 1)",
    "(2, 2, 2)", "(-1, 4)", "(0, 0, 0, 0, 0, 0)", "(3, 3, 3, 3, 3, 3, 3, 3)", "[3, [4]]", "[[1, 2], [3, 4]]", "{}",
    "{'a': 1}", "{1: 2}", "LSTM(2)", "Dense(0)", "ReLU()", "Conv2d(3, 4, 3)", "1j", "b'x'", "...", "{1, 2}", "x.y",
)


def argument_cases(framework: str, per_argument: int, seed: int) -> list[tuple[str, str | None]]:
    """For every layer type: its reference example with one argument set to each of a few hostile values."""
    rng = rng_for(seed)
    cases = []
    for cls in layer_types(framework):
        example = find_example(cls)
        if example is not None:
            base = parse_call(example.call)
            shapes = [list(s[1:]) for s in example.inputs]
        else:
            base = parse_call(f"{cls.type_name}()")
            shapes = [[8, 8, 3] if framework == "keras" else [3, 8, 8]]
        positional = [a.name for a in cls.arguments if not a.keyword_only]
        given = {**dict(zip(positional, map(repr, base.args), strict=False)),
                 **{k: repr(v) for k, v in base.kwargs.items()}}
        names = [f"x{k}" for k in range(len(shapes))]
        declared = ", ".join(f"{n}: {s}" for n, s in zip(names, shapes, strict=True))
        head = f"framework: {framework}\ninputs: {{{declared}}}\nlayers:\n"
        for arg in cls.all_arguments():
            for value in sample(ARGUMENT_VALUES, per_argument, rng):
                call = f"{cls.type_name}({', '.join(f'{k}={v}' for k, v in {**given, arg.name: value}.items())})"
                cases.append((head + f"  - {json.dumps(call)}: null\n    inputs: [{', '.join(names)}]\n", None))
    return cases


def odd_input_cases(framework: str) -> list[tuple[str, str | None]]:
    """Every layer type's reference example on inputs with unknown, zero, one and huge sizes, one more and
    one fewer dimension."""
    cases = []
    for cls in layer_types(framework):
        example = find_example(cls)
        call, shapes = (example.call, [list(s[1:]) for s in example.inputs]) if example else (
            f"{cls.type_name}()", [[8, 8, 3]])
        variants = [[[None] * len(x) for x in shapes], [[0] * len(x) for x in shapes], [[1] * len(x) for x in shapes],
                    [[2**31] * len(x) for x in shapes], [[*x, 2] for x in shapes], [x[1:] for x in shapes],
                    [[None, *x[1:]] for x in shapes]]
        for variant in variants:
            names = [f"x{k}" for k in range(len(variant))]
            declared = ", ".join(f"{n}: {json.dumps(s)}" for n, s in zip(names, variant, strict=True))
            cases.append((f"framework: {framework}\ninputs: {{{declared}}}\nlayers:\n  - {json.dumps(call)}: null\n"
                          f"    inputs: [{', '.join(names)}]\n", None))
    return cases


@pytest.mark.parametrize("framework", ["keras", "pytorch", "lasagne"])
def test_every_layer_type_on_odd_inputs(framework):
    run_specs(odd_input_cases(framework), pick_all=FUZZ_SCALE > 1)


@pytest.mark.parametrize("framework", ["keras", "pytorch", "lasagne"])
def test_one_value_per_argument_of_every_layer_type(framework):
    cases = argument_cases(framework, per_argument=2 * FUZZ_SCALE, seed=23)
    report = run_specs(cases, min_passed=len(cases) // 20)
    assert report.total == len(cases)


# the command -------------------------------------------------------------------------------------------


def run_cli(args: list[str], stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, timeout: float = 60
            ) -> tuple[int, str, str]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    proc = subprocess.run([sys.executable, "-m", "mkdocs_cnnsummary", *args], stdin=stdin, stdout=stdout,
                          stderr=subprocess.PIPE, timeout=timeout, env=env)
    out = proc.stdout.decode("utf-8", "replace") if isinstance(proc.stdout, bytes) else ""
    return proc.returncode, out, proc.stderr.decode("utf-8", "replace")


def check_cli(status: int, out: str, err: str, name: str) -> None:
    assert status in (0, 1, 2), (status, err)
    assert "Traceback" not in err and len(err) < 5_000, err
    assert not UNPRINTABLE.search(err.replace("\n", "").replace("\t", "")), err
    if status == 1:  # FILE:LINE: ..., or (a drawing too large) cnnsummary: FILE: ...
        assert (err.startswith(name) or name in err.split("\n")[0][:len(name) + 40]) and err.count("\n") == 1, err
    if status:
        assert err.strip(), "an error without a message"


def test_the_command_on_hostile_and_mutated_specs(tmp_path):
    rng = rng_for(5)
    texts = [HOSTILE_SPECS[k] for k in ("count beyond a float", "terminal escapes", "billion laughs",
                                         "5,000 operators")]
    texts += [text for text, _ in mutants(SEEDS, seed=6, count=scaled(4), mutate=mutate_case)]
    for i, text in enumerate(texts):
        path = tmp_path / f"spec{i}.yaml"
        path.write_text(text, encoding="utf-8", errors="surrogatepass")
        fmt = rng.choice(["text", "json", "markdown", "svg"])
        status, out, err = run_cli([str(path), "-f", fmt, *(["-w"] if rng.random() < 0.5 else [])])
        check_cli(status, out, err, str(path))


@pytest.mark.parametrize("streams", ["/dev/zero", "closed stdin", "closed stdout", "/dev/full", "binary"])
def test_the_command_with_hostile_streams(tmp_path, streams):
    spec = tmp_path / "net.yaml"
    spec.write_text("input: [4]\nlayers:\n  - Dense: 2\n", encoding="utf-8")
    if streams == "/dev/zero":
        result = run_cli(["/dev/zero"])
    elif streams == "closed stdin":
        result = run_cli(["-"], stdin=None if os.name == "nt" else subprocess.DEVNULL)
        proc = subprocess.run(f"{sys.executable} -m mkdocs_cnnsummary - <&-", shell=True, capture_output=True,
                              timeout=60, env={**os.environ, "PYTHONPATH": str(ROOT)})
        result = (proc.returncode, "", proc.stderr.decode())
    elif streams == "closed stdout":
        proc = subprocess.run(f"{sys.executable} -m mkdocs_cnnsummary {spec} >&-", shell=True, stderr=subprocess.PIPE,
                              timeout=60, env={**os.environ, "PYTHONPATH": str(ROOT)})
        result = (proc.returncode, "", proc.stderr.decode())
    elif streams == "/dev/full":
        with open("/dev/full", "wb") as full:
            result = run_cli([str(spec)], stdout=full)
    else:
        (tmp_path / "bin.yaml").write_bytes(b"\xff\xfe\x00\x01" * 100)
        result = run_cli([str(tmp_path / "bin.yaml")])
    status, _out, err = result
    check_cli(status, _out, err, "")
    assert status in (1, 2) and err.strip()


# the Markdown extension ------------------------------------------------------------------------------------

SETUPS = {"fenced_code": ["fenced_code", "admonition"],
          "superfences": ["pymdownx.superfences", "admonition", "pymdownx.tabbed", "attr_list"]}
_CACHE: dict = {}


def convert_page(setup: str):
    def run(text: str) -> tuple[str, list]:
        problems: list = []
        ext = CnnSummaryExtension(report=lambda problem, line: problems.append((line, problem.describe())),
                                  cache=_CACHE)
        html = markdown.markdown(text, extensions=[*SETUPS[setup], ext])
        return html, problems

    return run


def page_check(result: tuple[str, list], page: str) -> str | None:
    """Every problem has a line of the page (or none) and a bounded, printable message; a ``cnn`` block that
    ends up as a literal code block was reported."""
    html, problems = result
    lines = page.count("\n") + 1
    for line, message in problems:
        if line is not None and not 1 <= line <= lines + 1:
            return f"problem on line {line} of a page of {lines}: {message}"
        if len(message) > 2_500 or UNPRINTABLE.search(message):
            return f"unbounded or raw message: {shorten(message)}"
    if ('class="language-cnn"' in html or 'class="language-cnn-reference"' in html) and not problems:
        return "a cnn block became a literal code block and nothing was reported"
    return None


HOSTILE_PAGES = {
    "tabs": "".join(f"line {i}\twith\ttabs\n\n" for i in range(2000)) + "```cnn\ninput: [4]\nlayers: [Dense(1)]\n```\n",
    "40,000 spaces": "```cnn" + " " * 40_000 + "x\ninput: [4]\nlayers:\n  - Dense: 2\n```\n",
    "a line of spaces": " " * 40_000 + "x\n",
    "unclosed": "```cnn\n" * 3000,
    "unclosed of growing length": "".join("`" * (3 + i % 50) + "cnn\n" for i in range(3000)),
    "indented": "para\n" + "    ```cnn\n" * 3000,
    "indented under lists": "- item\n\n        ```cnn\n" * 1500,
    "quotes": "".join(">" * (i % 30) + " ```cnn\n" for i in range(3000)),
    "many blocks": "```cnn\ninput: [4]\nlayers:\n  - Dense: 2\n```\n\n" * 1000,
    "unclosed quote in the header": '```cnn title="abc\ninput: [4]\nlayers:\n  - Dense: 2\n```\n',
    "reference with a bad option": '```cnn-reference framework="kears"\n```\n\n```cnn-reference bogus\n```\n',
    "hidden by an unclosed fence": "````\n\n```cnn\ninput: [4]\nlayers:\n  - Dense: 2\n```\n",
    "internal error text": "```cnn\n\x00\x1b[2J\n```\n",
}


@pytest.mark.parametrize("setup", SETUPS)
def test_hostile_pages_render(setup):
    check_only_spec_errors(convert_page(setup), list(HOSTILE_PAGES.values()), allowed=(), check_result=page_check)


@pytest.mark.parametrize("setup", SETUPS)
def test_mutations_of_every_page_render(setup):
    pages = seed_pages()
    check_only_spec_errors(convert_page(setup), list(mutants(pages, seed=31, count=scaled(25), mutate=mutate)),
                           allowed=(), check_result=page_check, min_passed=1)


def test_the_fuzzers_see_every_seed():
    assert len(SEEDS) > 100 and len(seed_pages()) > 10
    assert all(isinstance(text, str) and text for text, _ in SEEDS)
    with pytest.raises(SpecError):
        summarize("\x00")


# the code reader: the same kit on Python input --------------------------------------------------------------

CODE_CONTEXTS = (
    "import keras\nmodel = keras.Sequential([keras.Input(({x},)), keras.layers.Dense(2)])\n",
    "import keras\nmodel = keras.Sequential([keras.Input((8, 8, 3)), keras.layers.Conv2D({x}, 3)])\n",
    "import torch.nn as nn\nmodel = nn.Sequential(nn.Linear(4, {x}), nn.ReLU())\n",
    "import keras\nx = {x}\nmodel = keras.Sequential([keras.layers.Dense(x)])\n",
    "{x}",
)


#: PyTorch code: a hostile value in a module's arguments, in forward()'s operations and in the code around them
TORCH_CONTEXT = """\
import torch
import torch.nn as nn
import torch.nn.functional as F


class Net(nn.Module):
    def __init__(self, width=WIDTH, depth=DEPTH):
        super().__init__()
        self.convs = nn.ModuleList([nn.Conv2d(3 if i == 0 else width, width, 3, padding=1) for i in range(depth)])
        self.scale = nn.Parameter(torch.ones(1, width, 1, 1))
        self.fc = nn.Linear(width, 10)

    def forward(self, x):
        for conv in self.convs:
            x = F.relu(conv(x)) * self.scale
        x = torch.cat(torch.chunk(x, CHUNKS, dim=1), dim=1)
        x = x.view(x.size(0), x.size(1), VIEW).mean(-1)
        return self.fc(x[:, INDEX])
"""
TORCH_PLACES = {"WIDTH": "8", "DEPTH": "2", "CHUNKS": "2", "VIEW": "-1", "INDEX": ":"}


@pytest.mark.parametrize("place", sorted(TORCH_PLACES))
def test_the_pytorch_code_reader_on_hostile_values_raises_only_spec_errors(place):
    def text_with(piece: str) -> str:
        text = TORCH_CONTEXT
        for key, value in TORCH_PLACES.items():
            text = text.replace(key, piece if key == place else value)
        return text

    def run(text: str) -> tuple[int, list[str]]:
        summary = summarize(text, format="code", model="Net()", inputs=[[3, 8, 8]])
        return len(summary.layers), render_all(summary, zlib.crc32(text.encode("utf-8", "replace")))

    valid = summarize(text_with(TORCH_PLACES[place]), format="code", model="Net()", inputs=[[3, 8, 8]])
    assert valid.total_params == 224 + 584 + 8 + 90  # conv1, conv2, scale, fc
    # a sample per place: a huge depth makes 100,000 modules before the loop bound stops it (3 s each)
    pieces = sample(hostile_texts(), scaled(30), rng_for(sorted(TORCH_PLACES).index(place)))
    check_only_spec_errors(run, [text_with(piece) for piece in pieces],
                           check_result=lambda result, text: check_outputs(result[1], text, result[0]))


def test_mutations_of_pytorch_code_raise_only_spec_errors():
    from code_fuzz import mutate_pytorch, pytorch_samples

    samples = list(mutants(pytorch_samples(), seed=43, count=scaled(150), mutate=mutate_pytorch))
    run = lambda sample: render_all(summarize(sample[0], **sample[1]), zlib.crc32(sample[0].encode()))  # noqa: E731
    check_only_spec_errors(run, samples, check_error=lambda exc, sample: check_message(exc, sample[0]),
                           check_result=lambda outputs, sample: check_outputs(outputs, sample[0], 0),
                           describe=lambda sample: shorten(sample[0]), min_passed=1)


@pytest.mark.parametrize("context", range(len(CODE_CONTEXTS)))
def test_the_code_reader_on_hostile_values_raises_only_spec_errors(context):
    from code_fuzz import code_samples

    template = CODE_CONTEXTS[context]
    texts = [template.replace("{x}", piece) for piece in hostile_texts()]
    if context == 0:
        texts += list(mutants(code_samples(), seed=41, count=scaled(100)))
    run = lambda text: render_all(summarize(text, format="code"), zlib.crc32(text.encode("utf-8", "replace")))  # noqa: E731
    check_only_spec_errors(run, texts, check_result=lambda outputs, text: check_outputs(outputs, text, 0))

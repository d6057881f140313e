"""Seeded mutations of real model code, for the check that bad code only ever raises SpecError.

The samples are every piece of model code the tests and the example site hold: the seeds' code, the
corpus of real model files, the example site's model files and its pasted code blocks, and forty of the
generated programs of the differential tests; PyTorch code comes with the ``model=`` and input shapes it
is read with (``pytorch_samples``), so that its mutations reach ``forward()``.  A mutation is
one to three edits that real pasting and typing produce, and a few that an attacker would try: numbers,
names, keywords, deleted, repeated or swapped lines, changed indentation, stray brackets and operators.
"""

from __future__ import annotations

import random
import re
from pathlib import Path

from spec_fuzz import edit_lines

from mkdocs_cnnsummary.code.detect import detect_format, split_code
from mkdocs_cnnsummary.engine.layer import catalog
from mkdocs_cnnsummary.markdown.extension import find_fences

ROOT = Path(__file__).resolve().parent.parent
NUMBER = re.compile(r"(?<![\w.])-?\d+(?:\.\d+)?")
NAME = re.compile(r"\b[A-Za-z_][A-Za-z0-9_]*\b")
NUMBERS = ["0", "-1", "1", "3", "2.5", "1e9", "10 ** 12", "9 ** 9 ** 9", "None", "True", "'x'", "()", "[]",
           "(1,)", "[None]", "x_train.shape[1:]", "-0.0", "float('inf')"]
NAMES = ["None", "self", "x", "model", "layers", "keras", "tf", "Input", "Model", "Sequential", "print", "range",
         "len", "__import__", "__class__", "open", "eval", "lambda", "super", "yield", "np", "K", "lasagne"]
GARBAGE = ["(", ")", "[", "]", "{", "}", ":", ",", "'", '"', "=", "#", "*", "**", ".", "\\", "\n", "    ", "\t",
           "lambda: 0", "__import__('os')", ".__class__", "while True: pass\n", "yield ", "await ", "@", "...",
           "\x00", "é", " if 1 else ", " for i in range(3)", "not ", "-", "+= 1", "global x\n", "del x\n"]


def code_samples() -> list[str]:
    """Model code of the seeds, the corpus, the example site's model files and its code blocks."""
    paths = [*sorted((ROOT / "tests" / "code_seeds").rglob("*.py")),
             *sorted((ROOT / "tests" / "code_corpus").rglob("*.py")),
             *sorted((ROOT / "example_site" / "models").glob("*.py"))]
    out = [p.read_text(encoding="utf-8") for p in paths]
    for page in sorted((ROOT / "example_site").rglob("*.md")):
        for fence in find_fences(page.read_text(encoding="utf-8").splitlines()):
            body = "\n".join(fence.body)
            if fence.lang == "cnn" and detect_format(split_code(body)[0]) == "code":
                out.append(body)
    from keras_programs import random_program  # the generated programs of the differential tests

    out.extend(random_program(seed).text for seed in range(40))
    return out


#: words PyTorch code is made of, for mutations of PyTorch code
TORCH_NAMES = ["nn", "F", "torch", "forward", "super", "__init__", "view", "reshape", "cat", "stack", "chunk", "split",
               "size", "shape", "permute", "flatten", "mean", "expand", "ModuleList", "ModuleDict", "Sequential",
               "Parameter", "register_buffer", "add_module", "setattr", "training", "downsample", "expansion",
               "_make_layer", "in_planes", "dim", "inplace", "weight", "bias"]


def pytorch_samples() -> list[tuple[str, dict]]:
    """PyTorch code with what reading it needs (``model``, ``inputs``, ``path``): the corpus, the example site's
    ResNet, and twenty of the random programs of the differential tests."""
    from torch_corpus import entries
    from torch_programs import random_program

    out = [(e.text(), e.summarize_kwargs()) for e in entries() if not e.long]
    resnet = ROOT / "example_site" / "models" / "resnet.py"
    out.append((resnet.read_text(encoding="utf-8"), {"format": "code", "model": "resnet20()",
                                                     "inputs": [[3, 32, 32]], "path": str(resnet)}))
    out.extend((p.text, p.summarize_kwargs()) for p in map(random_program, range(20)))
    return out


def mutate_pytorch(sample: tuple[str, dict], rng: random.Random) -> tuple[str, dict]:
    """One to three random edits of PyTorch code, with PyTorch's words; what reading it needs stays."""
    text, kwargs = sample
    return mutate(text, rng, sorted(catalog("pytorch")) + TORCH_NAMES), kwargs


def mutate(text: str, rng: random.Random, types: list[str] | None = None) -> str:
    """One to three random edits (``types``: the words to put in; the Keras and Lasagne layer types)."""
    if types is None:
        types = sorted({name for fw in ("keras", "lasagne") for name in catalog(fw)})
    for _ in range(rng.randint(1, 3)):
        lines = text.split("\n")
        kind = rng.randrange(8)
        if kind == 0 and (numbers := list(NUMBER.finditer(text))):
            m = rng.choice(numbers)
            text = text[:m.start()] + rng.choice(NUMBERS) + text[m.end():]
        elif kind == 1 and (names := list(NAME.finditer(text))):
            m = rng.choice(names)
            text = text[:m.start()] + rng.choice(NAMES + types) + text[m.end():]
        elif kind in (2, 3, 4, 5):
            text = edit_lines(text, rng, kind, GARBAGE)
        elif kind == 6:
            i = rng.randrange(len(lines))
            lines[i] = ("    " + lines[i]) if rng.random() < 0.5 else lines[i].lstrip()
            text = "\n".join(lines)
        else:  # a keyword argument renamed or given a strange value
            calls = list(re.finditer(r"(\w+)=", text))
            if calls:
                m = rng.choice(calls)
                text = text[:m.start()] + rng.choice(["padding=", "name=", "shape=", "input_shape=", "pad=",
                                                      "trainable=", "inputs=", "x="]) + text[m.end():]
    return text

"""Seeds for the fuzzers: every spec and page the tests and the example site hold, and their mutations."""

from __future__ import annotations

import ast
import random
from functools import lru_cache
from pathlib import Path

from fuzzing import mutate_text

from mkdocs_cnnsummary.block import split_header
from mkdocs_cnnsummary.engine.errors import SpecError
from mkdocs_cnnsummary.engine.layer import catalog
from mkdocs_cnnsummary.markdown.extension import find_fences

ROOT = Path(__file__).resolve().parent.parent
FRAMEWORKS = ("keras", "pytorch", "lasagne")


def _header(info: str) -> dict[str, str]:
    try:
        return split_header(info)
    except SpecError:
        return {}


@lru_cache(maxsize=1)
def _test_strings() -> tuple[str, ...]:
    """The string constants of the test modules (the specs and pages written inline in the tests)."""
    out = []
    for path in sorted((ROOT / "tests").glob("test_*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                out.append(node.value)
    return tuple(out)


def seed_pages() -> list[str]:
    """The Markdown pages of the example site and the pages written in the tests."""
    pages = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "example_site").rglob("*.md"))]
    return pages + [s for s in _test_strings() if "```cnn" in s or "~~~cnn" in s]


def seed_specs() -> list[tuple[str, str | None]]:
    """(spec text, framework from the fence header) of tests/specs, the example site and the tests' own specs."""
    out: list[tuple[str, str | None]] = [(p.read_text(encoding="utf-8"), None)
                                         for p in sorted((ROOT / "tests" / "specs").glob("*.yaml"))]
    for page in sorted((ROOT / "example_site").rglob("*.md")):
        for fence in find_fences(page.read_text(encoding="utf-8").splitlines()):
            if fence.lang == "cnn" and "".join(fence.body).strip():  # not a block of source=
                out.append(("\n".join(fence.body), _header(fence.info).get("framework")))
    seen = {text for text, _ in out}
    for text in _test_strings():
        if "layers:" in text and "```" not in text and text not in seen:
            seen.add(text)
            out.append((text, None))
    return out


@lru_cache(maxsize=1)
def vocabulary() -> tuple[str, ...]:
    """Layer types of every framework, top-level keys and item keys: what a mutation swaps words for."""
    types = sorted({name for fw in FRAMEWORKS for name in catalog(fw)})
    return (*types, "name", "inputs", "outputs", "input", "layers", "trainable", "framework", "expect",
            "total_params", "params", "output_shape", "pytorch", "lasagne", "keras")


def mutate(text: str, rng: random.Random) -> str:
    """One to three random edits: numbers, layer types and keys, lines, stray characters, repeated regions."""
    return mutate_text(text, rng, vocabulary())


def edit_lines(text: str, rng: random.Random, kind: int, garbage: list[str]) -> str:
    """A line deleted (kind 2), two swapped (3), a stray piece inserted (4) or a line repeated (other kinds)."""
    lines = text.split("\n")
    if kind == 2 and len(lines) > 1:
        del lines[rng.randrange(len(lines))]
    elif kind == 3:
        i, j = rng.randrange(len(lines)), rng.randrange(len(lines))
        lines[i], lines[j] = lines[j], lines[i]
    elif kind == 4:
        i = rng.randrange(len(text) + 1)
        return text[:i] + rng.choice(garbage) + text[i:]
    else:
        lines.insert(rng.randrange(len(lines)), lines[rng.randrange(len(lines))])
    return "\n".join(lines)

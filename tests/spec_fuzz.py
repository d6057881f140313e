"""Seeded mutations of real specs, for the check that bad input only ever raises SpecError."""

from __future__ import annotations

import random
import re
from pathlib import Path

from mkdocs_cnnsummary.block import split_header
from mkdocs_cnnsummary.engine.layer import catalog
from mkdocs_cnnsummary.markdown.extension import find_fences

ROOT = Path(__file__).resolve().parent.parent
NUMBER = re.compile(r"-?\d+(?:\.\d+)?")
TYPE = re.compile(r"\b[A-Z][A-Za-z0-9]+\b")
REPLACEMENTS = ["0", "-1", "1", "2.5", "1e9", "99999999999", "null", "abc", "[]", "{}", "True", "''", "[1, [2]]",
                "-0.0", ".nan", ".inf", "(1,)", "[null]", "'l[1]'", "x[-9]"]
GARBAGE = ["(", ")", "[", "]", "{", "}", ":", ",", "'", '"', "=", "#", "- ", "\n", "\t", "*", "&a", "!!int",
           "lambda: 0", "__import__('os')", "\x00", "é", "  ", "..."]


def seed_specs() -> list[tuple[str, str | None]]:
    """(spec text, framework from the fence header) of tests/specs and the example site."""
    out: list[tuple[str, str | None]] = [(p.read_text(encoding="utf-8"), None)
                                         for p in sorted((ROOT / "tests" / "specs").glob("*.yaml"))]
    for page in sorted((ROOT / "example_site").rglob("*.md")):
        for fence in find_fences(page.read_text(encoding="utf-8").splitlines()):
            if fence.lang == "cnn":
                out.append(("\n".join(fence.body), split_header(fence.info).get("framework")))
    return out


def mutate(text: str, rng: random.Random) -> str:
    """One to three random edits: numbers, layer types, lines, stray characters."""
    types = sorted({name for fw in ("keras", "pytorch", "lasagne") for name in catalog(fw)})
    for _ in range(rng.randint(1, 3)):
        kind = rng.randrange(6)
        if kind == 0 and (nums := list(NUMBER.finditer(text))):
            m = rng.choice(nums)
            text = text[:m.start()] + rng.choice(REPLACEMENTS) + text[m.end():]
        elif kind == 1 and (names := list(TYPE.finditer(text))):
            m = rng.choice(names)
            text = text[:m.start()] + rng.choice(types) + text[m.end():]
        else:
            text = edit_lines(text, rng, kind, GARBAGE)
    return text


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

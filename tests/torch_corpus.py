"""The PyTorch code corpus (tests/code_corpus/pytorch): real model code written by others, and what to build."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from torch_truth import LONG, Job

ROOT = Path(__file__).parent / "code_corpus" / "pytorch"


@dataclass(frozen=True)
class Entry:
    """One model of the corpus (see the comments at the top of manifest.yaml)."""

    id: str
    file: str
    model: str
    inputs: tuple[tuple[int, ...], ...]
    dtypes: tuple[str, ...] | None = None
    long: bool = False
    refused: str | None = None

    def text(self) -> str:
        return (ROOT / self.file).read_text()

    def header(self) -> dict[str, str]:
        """The file's ``# Source:``, ``# Licence:`` and ``# Cut:`` lines (continued on the next ``#`` lines)."""
        out: dict[str, str] = {}
        key = None
        for line in self.text().splitlines():
            if not line.startswith("#"):
                break
            m = re.match(r"# (Source|Licence|Cut): (.*)", line)
            if m:
                key = m.group(1).lower()
                out[key] = m.group(2)
            elif key:
                out[key] += " " + line[1:].strip()
        return out

    def job(self) -> Job:
        return Job(self.text(), self.model, self.inputs, self.dtypes, filename=self.file)

    def summarize_kwargs(self) -> dict[str, Any]:
        return {"format": "code", "framework": "pytorch", "model": self.model,
                "inputs": [list(s) for s in self.inputs], "path": str(ROOT / self.file)}


@cache
def entries() -> tuple[Entry, ...]:
    data = yaml.safe_load((ROOT / "manifest.yaml").read_text())
    out = []
    for raw in data["entries"]:
        raw = dict(raw)
        raw["inputs"] = tuple(tuple(s) for s in raw["inputs"])
        if raw.get("dtypes"):
            raw["dtypes"] = tuple(raw["dtypes"])
        out.append(Entry(**raw))
    return tuple(out)


def selected() -> list[Entry]:
    """The entries of this run: all of them in the long run, the quick ones by default."""
    return [e for e in entries() if LONG or not e.long]

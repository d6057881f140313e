"""The code corpus (tests/code_corpus): real model code written by others, and what to ask of each file."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from keras_truth import LONG, Job

ROOT = Path(__file__).parent / "code_corpus"


@dataclass(frozen=True)
class Entry:
    """One model of the corpus (see the comments at the top of manifest.yaml)."""

    id: str
    file: str
    framework: str
    model: str | None
    source: str
    licence: str
    truth: str | None = None
    inputs: tuple[tuple[int | None, ...], ...] | None = None
    modern: str | None = None
    read: str = "original"
    prelude: str = ""
    long: bool = False
    total_params: int | None = None
    expected: tuple[tuple[Any, ...], ...] = ()
    printed: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)

    def original_text(self) -> str:
        return (ROOT / self.file).read_text()

    def text(self) -> str:
        """The code the reader reads."""
        return (ROOT / (self.modern if self.read == "modern" else self.file)).read_text()

    def truth_job(self) -> Job:
        """The real-Keras run: the modern variant where Keras 3 refuses the original."""
        path = self.modern or self.file
        return Job((ROOT / path).read_text(), self.model or self.truth, self.inputs, filename=path,
                   prelude=self.prelude)

    def original_job(self) -> Job:
        return Job(self.original_text(), self.model or self.truth, self.inputs, filename=self.file,
                   prelude=self.prelude)

    def summarize_kwargs(self) -> dict[str, Any]:
        inputs = [list(s) for s in self.inputs] if self.inputs else None
        return {"format": "code", "framework": self.framework, "model": self.model, "inputs": inputs}


@cache
def entries() -> tuple[Entry, ...]:
    data = yaml.safe_load((ROOT / "manifest.yaml").read_text())
    out = []
    for raw in data["entries"]:
        raw = dict(raw)
        if raw.get("inputs") is not None:
            raw["inputs"] = tuple(tuple(s) for s in raw["inputs"])
        raw["expected"] = tuple(tuple(r) for r in raw.get("expected", ()))
        out.append(Entry(**raw))
    return tuple(out)


def selected(framework: str) -> list[Entry]:
    """The entries of a framework in this run: all of them in the long run, the quick ones by default."""
    return [e for e in entries() if e.framework == framework and (LONG or not e.long)]

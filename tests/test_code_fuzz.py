"""Seeded mutations of every piece of model code in the tests and on the example site: the reader raises
SpecError (with a message) or computes a summary whose worked steps hold, never anything else.

The default run reads 1,500 mutations; ``CNNSUMMARY_LONG=1`` reads 30,000 (see tests/README.md).
"""

from __future__ import annotations

import os
import random

import pytest
from arith import check_steps
from code_fuzz import code_samples, mutate

from mkdocs_cnnsummary import SpecError, summarize

SAMPLES = code_samples()
CHUNK = 100
RUNS = 30_000 if os.environ.get("CNNSUMMARY_LONG") else 1_500


def test_samples_are_found():
    assert len(SAMPLES) > 40


@pytest.mark.parametrize("start", range(0, RUNS, CHUNK))
def test_mutated_code_raises_only_spec_errors(start: int) -> None:
    for seed in range(start, start + CHUNK):
        rng = random.Random(seed)
        mutated = mutate(rng.choice(SAMPLES), rng)
        model = rng.choice([None, None, "model", "build()", "build_unet()"])
        inputs = rng.choice([None, None, [[28, 28, 1]], [[1, 28, 28]]])
        try:
            summary = summarize(mutated, format="code", model=model, inputs=inputs)
        except SpecError as exc:
            assert str(exc), (seed, mutated)
        else:
            check_steps(summary)

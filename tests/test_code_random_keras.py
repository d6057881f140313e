"""Random Keras programs (seeded) read statically and run for real in Keras, compared layer by layer.

Every layer's name, type, output shape and three counts, the nesting of models used as layers, the
inputs and the totals must be Keras' own.  A failure names its seed and shows the program:
``random_program(seed)`` writes it again.  The default run takes a fast sample of seeds; the long run
(CNNSUMMARY_LONG=1) takes 400.  The ground truth alone is checked by test_keras_truth.py.
"""

from __future__ import annotations

import pytest
from arith import check_steps
from code_compare import differences, truth_table
from keras_programs import random_program
from keras_truth import LONG, run

from mkdocs_cnnsummary import summarize

SEEDS = range(400) if LONG else range(60)


@pytest.mark.parametrize("seed", SEEDS)
def test_random_program_reads_as_keras_builds_it(seed: int) -> None:
    program = random_program(seed)
    truth = run(program.job())
    assert truth["ok"], f"seed {seed}: Keras refused the generated program: {truth['error']}\n{program.text}"
    where = f"seed {seed} ({program.family}, model={program.model!r}):\n{program.text}"
    try:
        summary = summarize(program.text, format="code", model=program.model)
        check_steps(summary)
    except Exception as exc:  # show the program, so the failure can be reproduced and read
        pytest.fail(f"{where}\n{type(exc).__name__}: {exc}\n{truth_table(truth)}")
    diffs = differences(summary, truth)
    if diffs:
        pytest.fail(where + "\n" + "\n".join(diffs) + "\n" + truth_table(truth))

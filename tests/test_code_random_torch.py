"""Random PyTorch programs (seeded) read statically and run for real in PyTorch, compared row by row.

Every module's qualified name, class, output shape of each call, parent and depth; the parameters and
buffers counted once (a module called twice and tied weights); the functional operations as torch.fx
names them; the inputs and the totals (``torch_compare`` says exactly what is compared).  A failure
names its seed and shows the program and what PyTorch did: ``random_program(seed)`` writes it again.
The default run takes 60 seeds; the long run (CNNSUMMARY_LONG=1) takes 400.  The ground truth alone
is checked by test_torch_truth.py.
"""

from __future__ import annotations

import pytest
from torch_compare import assert_reads_as_pytorch
from torch_programs import random_program
from torch_truth import LONG, run

SEEDS = range(400) if LONG else range(60)


@pytest.mark.parametrize("seed", SEEDS)
def test_random_program_reads_as_pytorch_runs_it(seed: int) -> None:
    program = random_program(seed)
    truth = run(program.job())
    assert truth["ok"], f"seed {seed}: PyTorch refused the generated program: {truth['error']}\n{program.text}"
    where = (f"seed {seed} ({program.family}, model={program.model!r}, inputs={[list(s) for s in program.inputs]})"
             f":\n{program.text}")
    assert_reads_as_pytorch(program.text, truth, where, **program.summarize_kwargs())

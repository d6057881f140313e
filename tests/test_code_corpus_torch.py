"""Real PyTorch model code written by others (tests/code_corpus/pytorch) read statically, against real PyTorch.

Each model of the manifest is built from its file's text with its ``model=`` expression and inputs;
the summary must show what PyTorch does with it, row by row (``torch_compare``): modules by qualified
name with each call's output shape, parameters and buffers counted once, functional operations named
as torch.fx names them (where torch.fx can trace the model), and the totals.  A model whose code
PyTorch refuses (a bug in the original) must be refused by the reader too.  The default run leaves
out the models marked ``long``; CNNSUMMARY_LONG=1 runs them too.
"""

from __future__ import annotations

import pytest
from torch_compare import assert_reads_as_pytorch
from torch_corpus import Entry, entries, selected
from torch_truth import run

from mkdocs_cnnsummary import SpecError, summarize


def _where(entry: Entry) -> str:
    return f"{entry.id} ({entry.file}, model={entry.model!r}, inputs={[list(s) for s in entry.inputs]})"


@pytest.mark.parametrize("entry", [e for e in selected() if not e.refused], ids=lambda e: e.id)
def test_corpus_model_reads_as_pytorch_runs_it(entry: Entry) -> None:
    truth = run(entry.job())
    assert truth["ok"], f"{_where(entry)}: the corpus file does not run in PyTorch: {truth['error']}"
    assert_reads_as_pytorch(entry.text(), truth, _where(entry) + ":", **entry.summarize_kwargs())


@pytest.mark.parametrize("entry", [e for e in entries() if e.refused], ids=lambda e: e.id)
def test_corpus_model_that_pytorch_refuses_is_refused(entry: Entry) -> None:
    with pytest.raises(SpecError):
        summarize(entry.text(), **entry.summarize_kwargs())


def test_a_channel_count_made_by_a_division_points_at_floor_division() -> None:
    """ShuffleNetG2 computes ``mid_planes = out_planes/4`` (a float, which nn.Conv2d refuses): the message
    names the line and the value, and says how to write it."""
    entry = next(e for e in entries() if e.id == "cifar_shufflenet_g2")
    with pytest.raises(SpecError) as err:
        summarize(entry.text(), **entry.summarize_kwargs())
    assert err.value.line == 33
    assert "got 44.0" in str(err.value) and "use // where it is computed" in str(err.value)

"""Real model code written by others (tests/code_corpus) read statically, against real Keras and Lasagne's rules.

Keras files: every layer's name, type, output shape, three counts, nesting and the totals must be what
real Keras 3 builds from the same file (its modern variant where Keras 3 refuses the original; the
reader reads the original, old spellings included, unless the manifest says `read: modern`).
Lasagne and nolearn files: the rows after the input must follow Lasagne's rules, as the manifest lists
them (nolearn's printed tables where the source has them).  The default run leaves out the models
marked `long` (slow to build for real); CNNSUMMARY_LONG=1 runs them too.
"""

from __future__ import annotations

import pytest
from arith import check_steps
from code_compare import differences, truth_table
from corpus_manifest import Entry, entries, selected
from keras_truth import run

from mkdocs_cnnsummary import summarize


def _read(entry: Entry, text: str | None = None):
    try:
        summary = summarize(entry.text() if text is None else text, **entry.summarize_kwargs())
        check_steps(summary)
    except Exception as exc:
        pytest.fail(f"{entry.id} ({entry.file}, model={entry.model!r}): {type(exc).__name__}: {exc}")
    return summary


@pytest.mark.parametrize("entry", selected("keras"), ids=lambda e: e.id)
def test_corpus_model_reads_as_keras_builds_it(entry: Entry) -> None:
    truth = run(entry.truth_job())
    assert truth["ok"], f"{entry.id}: the corpus file does not run in Keras: {truth['error']}"
    summary = _read(entry)
    diffs = differences(summary, truth)
    if diffs:
        pytest.fail(f"{entry.id} ({entry.file}, model={entry.model!r}):\n" + "\n".join(diffs) + "\n"
                    + truth_table(truth))


@pytest.mark.parametrize("entry", [e for e in entries() if e.read == "modern"], ids=lambda e: e.id)
def test_corpus_original_that_keras_refuses_is_refused(entry: Entry) -> None:
    """Where the modern variant changes the network, the original is an error, as it is for Keras 3."""
    with pytest.raises(ValueError):
        summarize(entry.original_text(), **entry.summarize_kwargs())


@pytest.mark.parametrize("entry", selected("lasagne"), ids=lambda e: e.id)
def test_corpus_lasagne_model_follows_lasagne(entry: Entry) -> None:
    summary = _read(entry)
    rows = [(r.name, *r.output_shape, r.params) for r in summary.layers]
    assert len(rows) == len(entry.expected), (entry.id, rows)
    for ours, expected in zip(rows, entry.expected, strict=True):
        name, *rest = expected
        assert list(ours[1:]) == rest, (entry.id, ours, expected)
        if name is not None:  # nolearn printed the names
            assert ours[0] == name, (entry.id, ours, expected)
    assert summary.total_params == entry.total_params
    assert summary.trainable_params == entry.total_params
    if entry.printed:
        assert summary.inputs[0].name == entry.printed["sizes"][0][0]

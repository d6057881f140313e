"""The cells' markup written in Python (``render/cell_markup.py``) escapes every value it writes."""

from __future__ import annotations

import pytest

from mkdocs_cnnsummary.engine.records import replace
from mkdocs_cnnsummary.engine.summary import Notice
from mkdocs_cnnsummary.render import cell_markup
from mkdocs_cnnsummary.render.columns import COLUMNS, Cell, StepView

EVIL = "<img src=x onerror='alert(1)'>&\""
ESCAPED = "&lt;img src=x onerror=&#39;alert(1)&#39;&gt;&amp;&#34;"


def clean(html: str) -> None:
    assert "<img" not in html and "'alert" not in html
    assert ESCAPED in html


@pytest.mark.parametrize("key", ["layer", "output_shape", "connected_to", "params", "macs"])
def test_cell_lines_type_and_steps_are_escaped(key: str) -> None:
    steps = [StepView(EVIL, EVIL, EVIL, EVIL, EVIL), StepView(EVIL, EVIL, None, None, EVIL, kind="macs")]
    html = cell_markup.cell_html(key, Cell([EVIL, EVIL], steps, type_name=EVIL), cell_markup.warn_mark([]))
    clean(html)
    assert html.count("cnnsummary__cell-step") == 2


@pytest.mark.parametrize("step", [StepView(EVIL, EVIL, EVIL, EVIL, EVIL), StepView(EVIL, EVIL, None, None, EVIL),
                                  StepView(EVIL, EVIL, None, None, EVIL, kind="receptive_field")])
def test_worked_steps_are_escaped(step: StepView) -> None:
    html = cell_markup.worked_step(step)
    clean(html)
    assert html.count(ESCAPED) >= 2


def test_warning_marks_and_column_labels_are_escaped() -> None:
    mark = cell_markup.warn_mark([Notice(EVIL), Notice("second")])
    assert f'title="{ESCAPED}; second"' in mark
    columns = [replace(col, header=EVIL) for col in COLUMNS[:3]]
    openers = cell_markup.openers(columns, "layer")
    assert openers["layer"] == '<th scope="row" class="cnnsummary__col-layer">'
    assert openers["index"] == f'<td data-label="{ESCAPED}" class="cnnsummary__col-index cnnsummary__num">'


def test_notices_are_escaped_and_quote_code() -> None:
    notice = Notice(f"{EVIL} `{EVIL}`", line=3, layer=EVIL, hint=f"`{EVIL}` {EVIL}", kind=EVIL)
    html = cell_markup.notice_item(notice)
    clean(html)
    assert html.count(f"<code>{ESCAPED}</code>") == 2
    assert html.count(ESCAPED) == 6  # message (2), hint (2), layer, kind


def _tables() -> list[str]:
    from mkdocs_cnnsummary import summarize
    from mkdocs_cnnsummary.render.html import render_summary

    specs = [{"input": [size, size, 3], "layers": [f"Conv2D({8 * k}, 3, padding='same')", "MaxPooling2D(2)",
                                                  "GlobalAveragePooling2D", f"Dense({k})"]}
             for size in (9, 16, 33) for k in (1, 2)]
    return [render_summary(summarize(spec), worked=worked, columns=columns)
            for spec in specs for worked in ("collapsed", "table")
            for columns in (None, "layer output_shape connected_to params")]


def test_remembered_lines_and_steps_write_what_a_first_writing_does(monkeypatch: pytest.MonkeyPatch) -> None:
    """Lines, types and worked steps are remembered across tables; a table written from memory is the one
    written afresh, its phone-width estimate (the stackable class) included."""
    for memo in (cell_markup._WRITTEN, cell_markup._TYPES, cell_markup._ITEMS):
        memo.clear()
    first = _tables()
    assert cell_markup._WRITTEN and cell_markup._TYPES and cell_markup._ITEMS
    assert _tables() == first  # from memory
    monkeypatch.setattr(cell_markup, "MEMO_SIZE", 0)  # forgotten at every new line: written again
    assert _tables() == first


def test_the_memory_of_written_lines_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cell_markup, "MEMO_SIZE", 5)
    cell_markup._WRITTEN.clear()
    for k in range(50):
        cell_markup._line("layer", f"layer_{k}", 0)
        assert len(cell_markup._WRITTEN) <= 5

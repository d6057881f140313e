"""A computed summary (or a spec error) as docutils nodes: a real table, the totals and the worked steps.

For the builders that do not write our HTML (LaTeX/PDF, text, epub, man, texinfo ...): every
one of them knows how to write a docutils ``table``, ``paragraph``, ``literal`` and
``literal_block``.  The content is that of the HTML (see :mod:`.structured`); worked
calculations that the HTML folds under each row follow the table as a list per layer.

>>> from mkdocs_cnnsummary import summarize
>>> [n.tagname for n in render(summarize("input: [4]\\nlayers:\\n  - Dense: 2\\n"), title="Tiny")]
['container']
"""

from __future__ import annotations

from typing import Any

from docutils import nodes

from ..engine.errors import SpecError
from ..engine.summary import Summary
from ..i18n import _
from .structured import CellView, ErrorView, Line, TableView, view

#: CSS-like classes, so themes and LaTeX styles can tell our nodes apart
CLASS = "cnnsummary"
#: the class of the colspecs and entries of columns of numbers (right-aligned in the HTML)
NUMERIC = f"{CLASS}-num"


def inline(line: Line) -> list[nodes.Node]:
    """Text runs as docutils inline nodes."""
    out: list[nodes.Node] = []
    for kind, text in line:
        if kind == "code":
            out.append(nodes.literal(text, text))
        elif kind == "strong":
            out.append(nodes.strong(text, text))
        elif kind == "muted":
            out.append(nodes.emphasis(text, text))
        else:
            out.append(nodes.Text(text))
    return out


def _paragraph(line: Line, **attributes: Any) -> nodes.paragraph:
    return nodes.paragraph("", "", *inline(line), **attributes)


def _entry(cell: CellView) -> nodes.entry:
    entry = nodes.entry()
    if cell.numeric:
        entry["classes"].append(NUMERIC)
    if not cell.lines:
        entry += nodes.paragraph()
    for line in cell.lines:
        entry += _paragraph(line)
    return entry


def _row(cells: tuple[CellView, ...]) -> nodes.row:
    row = nodes.row()
    for cell in cells:
        row += _entry(cell)
    return row


#: characters that plain-text writers add around a run (``"code"``, ``**strong**``, ``*emphasis*``)
_MARKUP = {"code": 2, "strong": 4, "muted": 2}


def _widths(table: TableView) -> list[int]:
    """Column widths in characters (docutils' colwidth), from the longest line of each column as text."""
    widths = []
    for i in range(len(table.header)):
        cells = [table.header[i], *(row[i] for row in table.rows)]
        longest = max((sum(len(text) + _MARKUP.get(kind, 0) for kind, text in line)
                       for cell in cells for line in cell.lines), default=1)
        widths.append(max(1, min(longest, 60)))
    return widths


def table_nodes(table: TableView) -> list[nodes.Node]:
    """The caption and table, the totals, the notes and (worked collapsed or expanded) the calculations."""
    node = nodes.table(classes=[CLASS, f"{CLASS}-table"])
    node += nodes.title(table.caption, table.caption)
    group = nodes.tgroup(cols=len(table.header))
    node += group
    for width, cell in zip(_widths(table), table.header, strict=True):
        group += nodes.colspec(colwidth=width, classes=[NUMERIC] if cell.numeric else [])
    head = nodes.thead()
    head += _row(table.header)
    body = nodes.tbody()
    for cells in table.rows:
        body += _row(cells)
    group += [head, body]
    out: list[nodes.Node] = [node]
    out += [_paragraph(line, classes=[f"{CLASS}-total"]) for line in table.totals]
    out += [_paragraph((("muted", note),), classes=[f"{CLASS}-note"]) for note in table.notes]
    if table.calculations:
        out.append(nodes.rubric(_("Worked calculations"), _("Worked calculations")))
        steps = nodes.definition_list(classes=[f"{CLASS}-calculations"])
        for calculation in table.calculations:
            items = nodes.bullet_list()
            for step in calculation.steps:
                items += nodes.list_item("", _paragraph(step))
            steps += nodes.definition_list_item("", nodes.term("", "", *inline(calculation.title)),
                                                nodes.definition("", items))
        out.append(steps)
    return out


def error_nodes(error: ErrorView) -> list[nodes.Node]:
    """An admonition titled "Error" (or "Expected error"): where, what, the hint and the marked spec."""
    classes = [CLASS, f"{CLASS}-error"] + ([f"{CLASS}-error-expected"] if error.expected else [])
    body = nodes.container()  # not the admonition's own paragraphs: the text builder would run them together
    if error.title:
        body += _paragraph((("strong", error.title),))
    where = error.where[:1].upper() + error.where[1:] + ": " if error.where else ""
    body += _paragraph((("text", where + error.message),))
    if error.hint:
        body += _paragraph((("strong", "Hint:"), ("text", " " + error.hint)))
    if error.source:
        text = "\n".join(error.numbered())
        body += nodes.literal_block(text, text, language="none", classes=[f"{CLASS}-source"])
    return [nodes.admonition("", nodes.title(error.label, error.label), body, classes=classes)]


def render(result: Summary | SpecError, **options: Any) -> list[nodes.Node]:
    """Nodes for whatever the engine produced, with the options the HTML was rendered with
    (``BlockResult.view``); a container holds them so that a block stays one node."""
    shown = view(result, **options)
    children = error_nodes(shown) if isinstance(shown, ErrorView) else table_nodes(shown)
    return [nodes.container("", *children, classes=[CLASS])]

"""A computed summary (or a spec error) as MyST AST nodes (JSON-ready dicts), for mystmd and Jupyter Book 2.

The nodes are those of the MyST spec that every mystmd export knows: a ``container`` of kind
``table`` with its ``caption`` and ``table`` (``tableRow``, ``tableCell``), paragraphs for the
totals, an admonition (a dropdown for ``worked="collapsed"``) with each layer's worked steps,
and an ``admonition`` of kind ``error`` with the marked spec as a ``code`` node for a wrong spec.
The content is that of the HTML (see :mod:`.structured`).

>>> from mkdocs_cnnsummary import summarize
>>> [n["type"] for n in render(summarize("input: [4]\\nlayers:\\n  - Dense: 2\\n"), title="Tiny")]
['container', 'paragraph', 'paragraph', 'paragraph', 'paragraph', 'admonition']
"""

from __future__ import annotations

from typing import Any

from ..engine.errors import SpecError
from ..engine.summary import Summary
from ..i18n import _
from .structured import CellView, ErrorView, Line, TableView, view

Node = dict[str, Any]
#: the class every block carries, for themes and custom CSS
CLASS = "cnnsummary"


def text(value: str) -> Node:
    return {"type": "text", "value": value}


def inline(line: Line) -> list[Node]:
    """Text runs as MyST inline nodes."""
    out: list[Node] = []
    for kind, value in line:
        if kind == "code":
            out.append({"type": "inlineCode", "value": value})
        elif kind == "strong":
            out.append({"type": "strong", "children": [text(value)]})
        elif kind == "muted":
            out.append({"type": "emphasis", "children": [text(value)]})
        else:
            out.append(text(value))
    return out


def paragraph(line: Line) -> Node:
    return {"type": "paragraph", "children": inline(line)}


def _cell(cell: CellView, header: bool = False) -> Node:
    children: list[Node] = []
    for i, line in enumerate(cell.lines):
        if i:
            children.append({"type": "break"})
        children += inline(line)
    node: Node = {"type": "tableCell", "children": children}
    if header:
        node["header"] = True
    if cell.numeric:
        node["align"] = "right"
    return node


def table_nodes(table: TableView) -> list[Node]:
    """The captioned table, the totals, the notes and (worked collapsed or expanded) the calculations."""
    rows = [{"type": "tableRow", "children": [_cell(cell, header=True) for cell in table.header]}]
    rows += [{"type": "tableRow", "children": [_cell(cell) for cell in cells]} for cells in table.rows]
    out: list[Node] = [{
        "type": "container", "kind": "table", "class": CLASS,
        "children": [{"type": "caption", "children": [paragraph((("text", table.caption),))]},
                     {"type": "table", "children": rows}],
    }]
    out += [paragraph(line) for line in table.totals]
    out += [paragraph((("muted", note),)) for note in table.notes]
    if table.calculations:
        items = [{"type": "listItem", "spread": False, "children": [
            paragraph(calculation.title),
            {"type": "list", "ordered": False, "spread": False,
             "children": [{"type": "listItem", "spread": False, "children": [paragraph(step)]}
                          for step in calculation.steps]},
        ]} for calculation in table.calculations]
        out.append({"type": "admonition", "kind": "note",
                    "class": CLASS + (" dropdown" if table.worked == "collapsed" else ""), "children": [
            {"type": "admonitionTitle", "children": [text(_("Worked calculations"))]},
            {"type": "list", "ordered": False, "spread": False, "children": items},
        ]})
    return out


def error_nodes(error: ErrorView) -> list[Node]:
    """An admonition (kind ``error``, or ``note`` for an expected error): where, what, the hint, the spec
    numbered from 1 as the message counts its lines."""
    children: list[Node] = [{"type": "admonitionTitle", "children": [text(error.label)]}]
    if error.title:
        children.append(paragraph((("strong", error.title),)))
    where = error.where[:1].upper() + error.where[1:] + ": " if error.where else ""
    children.append(paragraph((("text", where + error.message),)))
    if error.hint:
        children.append(paragraph((("strong", "Hint:"), ("text", " " + error.hint))))
    if error.source:
        code: Node = {"type": "code", "lang": "yaml", "value": "\n".join(error.source), "showLineNumbers": True}
        if error.marked is not None:
            code["emphasizeLines"] = [error.marked]
        children.append(code)
    return [{"type": "admonition", "kind": "note" if error.expected else "error", "class": CLASS,
             "children": children}]


def render(result: Summary | SpecError, **options: Any) -> list[Node]:
    """Nodes for whatever the engine produced, with the options the HTML was rendered with
    (``BlockResult.view``)."""
    shown = view(result, **options)
    if isinstance(shown, ErrorView):
        return error_nodes(shown)
    return table_nodes(shown)

"""The layer reference as docutils nodes: what ``templates/reference.html`` says, for every Sphinx builder.

Each function gives the body under one heading of :func:`.reference.reference_sections` (the
section's ``subject``): paragraphs, tables of arguments and of formulas, and links to the
sections' ids, so LaTeX, text and epub get the reference and the search indexes its words.

>>> from mkdocs_cnnsummary.render.reference import reference_sections
>>> first_layer = reference_sections(("lasagne",))[2]
>>> [n.tagname for n in body(first_layer.subject)][:2]
['paragraph', 'table']
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from docutils import nodes

from ..engine.layer import describe_shape
from .formatting import code_parts
from .reference import WORDS, ArgumentDoc, FamilyDoc, FrameworkDoc, LayerDoc

CLASS = "cnnsummary-reference"
Cell = Sequence[nodes.Node]


def _code(text: str) -> nodes.literal:
    return nodes.literal(text, text)


def _joined(parts: Iterable[Sequence[nodes.Node]], separator: str) -> list[nodes.Node]:
    out: list[nodes.Node] = []
    for i, part in enumerate(parts):
        if i:
            out.append(nodes.Text(separator))
        out.extend(part)
    return out


def _link(text: str, anchor: str, strong: bool = False) -> nodes.reference:
    label = nodes.strong(text, text) if strong else nodes.Text(text)
    return nodes.reference("", "", label, internal=True, refid=anchor)


def _index(layers: Sequence[LayerDoc]) -> list[nodes.Node]:
    return _joined(([_link(layer.type_name, layer.anchor)] for layer in layers), " · ")


def _table(caption: str, header: Sequence[str], rows: Sequence[Sequence[Cell]], widths: Sequence[int]) -> nodes.table:
    table = nodes.table(classes=[CLASS])
    table += nodes.title(caption, caption)
    group = nodes.tgroup(cols=len(header))
    table += group
    group += [nodes.colspec(colwidth=width) for width in widths]
    head = nodes.thead()
    head += nodes.row("", *(nodes.entry("", nodes.paragraph(text, text)) for text in header))
    body = nodes.tbody()
    body += [nodes.row("", *(nodes.entry("", nodes.paragraph("", "", *cell)) for cell in row)) for row in rows]
    group += [head, body]
    return table


def framework_intro(fw: FrameworkDoc) -> list[nodes.Node]:
    """How many layer types and families, the arguments every layer takes, and an index of the families."""
    families = fw.families
    out = [nodes.paragraph("", "", nodes.Text(f"{len(fw.layers)} layer types of "), _code(f"framework: {fw.name}"),
                           nodes.Text(f", in {len(families)} families. {WORDS['computed']}"))]
    if fw.common_arguments:
        common = _joined(([_code(a.name), *([nodes.Text(f" ({a.doc})")] if a.doc else [])]
                          for a in fw.common_arguments), ", ")
        out.append(nodes.paragraph("", "", nodes.Text(f"Every {fw.title} layer also accepts "), *common,
                                   nodes.Text(".")))
    out += [nodes.paragraph("", "", _link(family.title, family.anchor, strong=True), nodes.Text(": "),
                            *_index(family.layers)) for family in families]
    return out


def family_intro(family: FamilyDoc) -> list[nodes.Node]:
    return [nodes.paragraph("", "", *_index(family.layers))]


def _argument_row(arg: ArgumentDoc) -> list[Cell]:
    return [[_code(arg.name)], [_code(arg.default)], [nodes.Text(arg.doc)]]


def _example(layer: LayerDoc) -> list[nodes.Node]:
    ex = layer.example
    assert ex is not None
    inputs = _joined(([_code(describe_shape(s))] for s in ex.inputs), " and ")
    sentence = nodes.paragraph("", "", nodes.Text("Example: "), _code(ex.call),
                               *([nodes.Text(" on "), *inputs] if inputs else []), nodes.Text(" gives "),
                               _code(ex.output),
                               nodes.Text(f" with {ex.params:,} parameter{'' if ex.params == 1 else 's'}."))
    if not ex.steps:
        text = WORDS["no_calculation"]
        return [sentence, nodes.paragraph(text, text)]
    rows: list[Sequence[Cell]] = []
    for step in ex.steps:
        result = f"{step.result:,}" if step.result is not None else "unknown"
        rows.append([[nodes.strong(step.quantity, step.quantity)], [nodes.Text(step.formula)],
                     [nodes.Text(step.substituted if step.substituted is not None else "—")],
                     [nodes.Text(result + (f" ({step.note})" if step.note else ""))]])
    formulas = _table(WORDS["formulas_caption"].format(type_name=layer.type_name), WORDS["formula_headers"], rows,
                      [16, 30, 30, 12])
    return [sentence, formulas]


def layer_body(layer: LayerDoc) -> list[nodes.Node]:
    """The summary, the arguments (those that matter in a table), the example and its formulas."""
    aliases = (_joined(([_code(a)] for a in layer.aliases), ", ") if layer.aliases else [])
    out: list[nodes.Node] = [nodes.paragraph("", "", *(_code(part) if code else nodes.Text(part)
                                                                   for code, part in code_parts(layer.summary, "``")),
                                             *([nodes.Text(" Also written "), *aliases, nodes.Text(".")]
                                               if aliases else []))]
    used = [a for a in layer.arguments if a.affects]
    unused = [a for a in layer.arguments if not a.affects]
    if used:
        out.append(_table(WORDS["arguments_caption"].format(type_name=layer.type_name), WORDS["argument_headers"],
                          [_argument_row(a) for a in used], [20, 16, 44]))
    if unused:
        out.append(nodes.paragraph("", "", nodes.Text(WORDS["unused"]),
                                   *_joined(([_code(a.name)] for a in unused), ", "), nodes.Text(".")))
    if layer.example is not None:
        out += _example(layer)
    else:
        text = WORDS["input"] if layer.is_input else WORDS["no_example"]
        out.append(nodes.paragraph(text, text))
    return out


def body(subject: FrameworkDoc | FamilyDoc | LayerDoc) -> list[nodes.Node]:
    """The nodes under the heading of a framework, a family or a layer type."""
    if isinstance(subject, FrameworkDoc):
        return framework_intro(subject)
    if isinstance(subject, FamilyDoc):
        return family_intro(subject)
    return layer_body(subject)

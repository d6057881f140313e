"""The ``cnn-reference`` directive: the layer reference, generated when the page is read.

reStructuredText (no body; the argument is a fence header or framework names)::

    .. cnn-reference::
       :framework: keras

    .. cnn-reference:: framework="keras, pytorch"

MyST Markdown: ```` ```{cnn-reference} framework="keras" ````, and with
``myst_fence_as_directive = ["cnn", "cnn-reference"]`` the ```` ```cnn-reference ```` fences of
MkDocs pages.  Each framework, family and layer type becomes a docutils section whose id is the
one MkDocs pages give it (``ref-keras``, ``ref-keras-convolution-layers``, ``ref-keras-conv2d``),
so the page's table of contents, the search and links reach every layer.  Under each heading,
HTML builders write the HTML of MkDocs pages and the other builders the docutils nodes of
:mod:`..render.reference_doctree`.
"""

from __future__ import annotations

from typing import Any, ClassVar

from docutils import nodes
from docutils.parsers.rst import directives

from ..block import REFERENCE_OPTIONS, reference_error, reference_frameworks, split_header
from ..engine.errors import SpecError
from ..engine.framework import FRAMEWORK_MODULES
from ..render import doctree
from .directive import CnnDirective, cnnsummary_block

#: ``env.temp_data`` key: framework -> line of the directive that shows it, on the page being read
SHOWN = "cnnsummary_reference_shown"


def read_header(argument: str | None, options: dict[str, str]) -> dict[str, str]:
    """The header's options: the argument read as a fence header, or names of frameworks (``keras pytorch``)."""
    header: dict[str, str] = {}
    if argument and argument.strip():
        header = split_header(argument) if "=" in argument else {"framework": argument}
    header.update(options)
    return header


class CnnReferenceDirective(CnnDirective):
    """The reference of the asked frameworks (every one by default) as sections, or an error box."""

    has_content = False
    option_spec: ClassVar[dict[str, Any]] = dict.fromkeys(REFERENCE_OPTIONS, directives.unchanged)

    def run(self) -> list[nodes.Node]:
        try:
            header = read_header(self.arguments[0] if self.arguments else None, self.options)
            asked = reference_frameworks(header)
            self.check_once(asked or tuple(FRAMEWORK_MODULES))
        except SpecError as exc:
            result = reference_error(exc)
            assert result.problem is not None and result.outcome is not None
            self.report(result.problem)
            node = cnnsummary_block(html=result.html, classes=["cnnsummary"])
            node += doctree.render(result.outcome, **result.view)
            self.set_source_info(node)
            return [node]
        return self.sections(asked)

    def check_once(self, frameworks: tuple[str, ...]) -> None:
        """A framework's reference once per page: twice would repeat its headings and ids."""
        shown: dict[str, int] = self.env.temp_data.setdefault(SHOWN, {})
        again = [name for name in frameworks if name in shown]
        if again:
            raise SpecError(f"the {again[0]} reference is already on this page (line {shown[again[0]]}); "
                            "show each framework's reference once")
        shown.update((name, self.lineno) for name in frameworks)

    def sections(self, frameworks: tuple[str, ...] | None) -> list[nodes.Node]:
        """Nested sections (framework, family, layer type), each with its title, id and body."""
        from ..render import reference_doctree  # the reference's catalogs load when a page has one
        from ..render.reference import reference_sections

        document = self.state.document
        out: list[nodes.Node] = []
        open_sections: list[tuple[int, nodes.section]] = []
        # the tables are the theme's own, as Sphinx themes style them (``table.docutils``)
        for section in reference_sections(frameworks, table_class="docutils align-default"):
            content = cnnsummary_block(html=section.html, classes=["cnnsummary-reference"])
            if section.subject is not None:
                content += reference_doctree.body(section.subject)
            self.set_source_info(content)
            if section.title is None:  # the introduction of a one-framework reference, under the page's heading
                out.append(content)
                continue
            node = nodes.section("", nodes.title(section.title, section.title), content)
            if section.anchor not in document.ids:
                node["ids"].append(section.anchor)
                document.ids[section.anchor] = node
            else:  # a page's own target took the id: docutils makes another one
                document.set_id(node)
            self.set_source_info(node)
            while open_sections and open_sections[-1][0] >= section.level:
                open_sections.pop()
            (open_sections[-1][1] if open_sections else out).append(node)
            open_sections.append((section.level, node))
        return out

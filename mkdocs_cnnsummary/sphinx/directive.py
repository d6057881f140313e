"""The ``cnn`` directive: the body and options of a ```` ```cnn ```` fence, as a docutils directive.

reStructuredText::

    .. cnn::
       :title: LeNet-ish
       :worked: table

       input: [28, 28, 1]
       layers:
         - Conv2D: [32, 5]

MyST Markdown: ```` ```{cnn} ```` with the same ``:title:`` lines, or the fence header of
MkDocs pages (```` ```{cnn} title="LeNet-ish" worked="table" ````, and ```` ```cnn title=... ````
with ``myst_fence_as_directive = ["cnn"]``): the directive's argument is read like a fence header.
"""

from __future__ import annotations

from typing import Any, ClassVar

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx import addnodes
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

from ..block import OPTION_NAMES, BlockRenderer, BlockResult, FenceOptions, Problem, argument_header, parse_options
from ..engine.errors import SpecError
from ..render import doctree

log = logging.getLogger(__name__)


class cnnsummary_block(nodes.container):  # docutils names node classes in lower case
    """One block: ``html`` is what HTML builders write; the children (a docutils table, the totals and
    the worked steps, or an error admonition) are what every other builder writes."""


def option_spec() -> dict[str, Any]:
    """Every option a fence header takes (``expect_error`` also as ``expect-error``), as text."""
    spec: dict[str, Any] = {}
    for name in OPTION_NAMES:
        spec[name] = directives.unchanged
        spec[name.replace("_", "-")] = directives.unchanged
    return spec


class CnnDirective(SphinxDirective):
    """A network spec in, its summary table (with worked calculations) or its error box out."""

    has_content = True
    required_arguments = 0
    optional_arguments = 1
    final_argument_whitespace = True
    option_spec: ClassVar[dict[str, Any]] = option_spec()

    def run(self) -> list[nodes.Node]:
        source = "\n".join(self.content)
        header = argument_header(self.arguments[0]) if self.arguments else {}
        header.update(self.options)
        result = BlockRenderer(self.defaults(), base_dir=self.env.app.confdir).render(source, header)
        if result.problem is not None:
            self.report(result.problem)
        note_dependencies(self.env, result)
        node = cnnsummary_block(html=result.html, classes=["cnnsummary"])
        if result.outcome is not None:
            node += doctree.render(result.outcome, **result.view)
            align_numbers(node)
        self.set_source_info(node)
        return [node]

    def defaults(self) -> FenceOptions:
        """``cnnsummary_defaults`` of conf.py (checked when the build starts); the language is the project's
        (Sphinx's ``language``) unless they name one, English when there is no catalog for it."""
        from ..i18n import normalize

        settings = dict(self.config.cnnsummary_defaults or {})
        if "language" not in settings and self.config.language:
            settings["language"] = normalize(str(self.config.language)) or "en"
        try:
            return parse_options(settings)
        except SpecError:
            return FenceOptions()

    def location(self, line: int | None) -> str:
        """``path:line`` of line ``line`` of the body (1 = its first line), in the page or in the file
        included into it; the directive's own location without a line."""
        if line is None:
            return self.get_location()
        if _is_myst(self.state):  # MyST gives the body's offset from the fence line
            lineno = self.lineno + self.content_offset + line
        else:  # docutils the 0-based offset of the body in the input
            lineno = self.content_offset + line
        source, srcline = self.state_machine.get_source_and_line(lineno)
        return f"{source}:{srcline}"

    def report(self, problem: Problem) -> None:
        """A warning at ``page:line`` (the spec line at fault), so ``sphinx-build -W`` fails."""
        line = None if problem.file is not None else problem.line  # a file's line is named in the message
        log.warning("cnn block: %s", problem.describe(), location=self.location(line),
                    type="cnnsummary", subtype="block")


def align_numbers(node: nodes.Element) -> None:
    """LaTeX: numbers right-aligned as in the HTML, for tables whose cells are one paragraph each (tabulary's
    ``R`` and ``L`` columns); other tables keep Sphinx's columns, which take several paragraphs."""
    for table in list(node.findall(nodes.table)):
        if any(len(entry.children) > 1 for entry in table.findall(nodes.entry)):
            continue
        spec = "".join("R" if doctree.NUMERIC in col["classes"] else "L" for col in table.findall(nodes.colspec))
        table.parent.insert(table.parent.index(table), addnodes.tabular_col_spec(spec=spec))


def note_dependencies(env: Any, result: BlockResult) -> None:
    """Rebuild the page when a file the block read (``source=``) changes."""
    for path in result.files:
        env.note_dependency(path)


def _is_myst(state: Any) -> bool:
    try:
        from myst_parser.mocking import MockState
    except ImportError:
        return False
    return isinstance(state, MockState)

"""Sphinx extension ``mkdocs_cnnsummary.sphinx``: registers the ``cnn`` and ``cnn-reference`` directives.

HTML builders write the block's HTML (the same as on MkDocs pages) and link the stylesheet on
the pages that have a block; epub, LaTeX, text and every other builder write the docutils
table, totals and worked steps the block also carries.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.errors import ConfigError

from .. import __version__
from .directive import CnnDirective, cnnsummary_block
from .reference import CnnReferenceDirective

CSS_FILE = "cnnsummary.css"

#: pdflatex knows none of the characters of worked steps; xelatex and lualatex take them from the font
LATEX_PREAMBLE = r"""
% mkdocs_cnnsummary: characters of worked calculations and error boxes (pdflatex)
\ifdefined\DeclareUnicodeCharacter
  \DeclareUnicodeCharacter{2212}{\ensuremath{-}}
  \DeclareUnicodeCharacter{00D7}{\ensuremath{\times}}
  \DeclareUnicodeCharacter{230A}{\ensuremath{\lfloor}}
  \DeclareUnicodeCharacter{230B}{\ensuremath{\rfloor}}
  \DeclareUnicodeCharacter{2308}{\ensuremath{\lceil}}
  \DeclareUnicodeCharacter{2309}{\ensuremath{\rceil}}
  \DeclareUnicodeCharacter{2192}{\ensuremath{\rightarrow}}
  \DeclareUnicodeCharacter{25B6}{\ensuremath{\triangleright}}
\fi
"""


def _writes_our_html(builder: Any) -> bool:
    """HTML builders (html, dirhtml, singlehtml, json ...) but not epub, whose XHTML gets the docutils table."""
    return builder.format == "html" and "epub" not in builder.name


def visit_block_html(self: Any, node: cnnsummary_block) -> None:
    if not _writes_our_html(self.builder):
        self.visit_container(node)
        return
    self.body.append(node["html"])
    raise nodes.SkipNode


def depart_block_html(self: Any, node: cnnsummary_block) -> None:
    self.depart_container(node)  # reached by epub only


def check_defaults(app: Sphinx, config: Any) -> None:
    """``cnnsummary_defaults`` must be options a fence header takes, with values they take."""
    from ..block import parse_options
    from ..engine.errors import SpecError

    defaults = config.cnnsummary_defaults
    if not isinstance(defaults, dict):
        raise ConfigError("cnnsummary_defaults must be a dict of block options, e.g. {'worked': 'table'}")
    try:
        parse_options({str(k): v for k, v in defaults.items()})
    except SpecError as exc:
        raise ConfigError(f"cnnsummary_defaults: {exc.describe()}") from None


def add_latex_preamble(app: Sphinx) -> None:
    if app.builder.format == "latex":
        app.builder.context["preamble"] = app.builder.context.get("preamble", "") + LATEX_PREAMBLE


def add_stylesheet(app: Sphinx, pagename: str, templatename: str, context: dict[str, Any],
                   doctree: nodes.document | None) -> None:
    """Link the stylesheet from the pages that show a block, and from no other."""
    if doctree is not None and _writes_our_html(app.builder) and next(doctree.findall(cnnsummary_block), None):
        app.add_css_file(CSS_FILE)


def stylesheet() -> str:
    """The tables' stylesheet and, in a section of its own, what Sphinx themes need on top of it."""
    from ..render.html import stylesheet as shared

    themes = resources.files(__package__).joinpath("static", "cnnsummary-sphinx.css").read_text(encoding="utf-8")
    return shared() + "\n" + themes


def write_stylesheet(app: Sphinx, exception: Exception | None) -> None:
    if exception is None and _writes_our_html(app.builder):
        static = Path(app.builder.outdir) / "_static"
        static.mkdir(parents=True, exist_ok=True)
        (static / CSS_FILE).write_text(stylesheet(), encoding="utf-8")


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_config_value("cnnsummary_defaults", {}, "env", types=frozenset({dict}))
    app.add_node(cnnsummary_block, html=(visit_block_html, depart_block_html))
    app.add_directive("cnn", CnnDirective)
    app.add_directive("cnn-reference", CnnReferenceDirective)
    app.connect("config-inited", check_defaults)
    app.connect("builder-inited", add_latex_preamble)
    app.connect("html-page-context", add_stylesheet)
    app.connect("build-finished", write_stylesheet)
    return {"version": __version__, "env_version": 1, "parallel_read_safe": True, "parallel_write_safe": True}

"""Sphinx example: the pages of the MkDocs example site (read by MyST) and Sphinx's own syntaxes.

Build it (furo by default; ``-D html_theme=...`` for alabaster, pydata_sphinx_theme, sphinx_rtd_theme,
sphinx_book_theme):  sphinx-build -W -b html example_sphinx example_sphinx/_build/html
"""

import mkdocs_cnnsummary

project = "mkdocs-cnnsummary on Sphinx"
version = mkdocs_cnnsummary.__version__
copyright = "mkdocs-cnnsummary authors"
extensions = ["myst_parser", "mkdocs_cnnsummary.sphinx"]

# ```cnn title="..." and ```cnn-reference fences, exactly as on MkDocs pages, are the directives
myst_fence_as_directive = ["cnn", "cnn-reference"]
# {title="..."} on the line before a fence, and ::: fences for directives that hold Markdown
myst_enable_extensions = ["attrs_block", "colon_fence"]
# headings of the MkDocs pages get anchors, as MkDocs' toc extension gives them
myst_heading_anchors = 3

exclude_patterns = ["_build"]
html_theme = "furo"
html_title = project

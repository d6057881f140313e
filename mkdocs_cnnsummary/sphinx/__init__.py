"""Sphinx: the ``cnn`` directive, in reStructuredText and in MyST Markdown.

```python
# conf.py
extensions = ["mkdocs_cnnsummary.sphinx"]        # with "myst_parser" for Markdown pages
myst_fence_as_directive = ["cnn"]                # optional: ```cnn title="..." fences as in MkDocs
cnnsummary_defaults = {"worked": "collapsed"}    # optional: defaults for every block's options
```
"""

from __future__ import annotations

from .extension import setup

__all__ = ["setup"]

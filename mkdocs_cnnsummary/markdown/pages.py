"""Which page a Markdown conversion renders, when the platform says, and where its Markdown starts in the file.

Python-Markdown itself knows no pages, but the platforms put the page into the Markdown instance
they make for it: Zensical a ``ContextPreprocessor`` whose ``page.path`` is the file under
``docs_dir`` (``config["root_dir"]`` and ``config["docs_dir"]`` say where), MkDocs and ProperDocs
tree processors that carry the page's ``file`` and the site ``config``.  Both hand over the page
without its front matter, so lines are shifted by the front matter's length.
"""

from __future__ import annotations

import os
import posixpath
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class PageLocation:
    """A page's name for messages (``docs/index.md``; None when unknown) and its front-matter lines."""

    name: str | None = None
    offset: int = 0
    platform: str | None = None  # "zensical" or "mkdocs": who said which page it is

    def where(self, line: int | None) -> str:
        """``docs/index.md:9``, ``docs/index.md``, ``line 6`` or ``""``."""
        if self.name is None:
            return f"line {line}" if line is not None else ""
        return self.name if line is None else f"{self.name}:{line + self.offset}"


def front_matter_lines(content: str, markdown: str) -> int:
    """How many lines of the file ``content`` come before the Markdown the platform renders."""
    content = content.replace("\r\n", "\n").replace("\r", "\n")
    markdown = markdown.replace("\r\n", "\n").replace("\r", "\n")
    body = markdown.strip("\n")
    if not body or content.startswith(markdown):
        return 0
    lead = len(markdown) - len(markdown.lstrip("\n"))
    index = content.find(body)
    if index < 0:  # the platform changed the text: align the first line that is not blank
        first = body.split("\n", 1)[0]
        lines = content.split("\n")
        index_line = next((i for i, line in enumerate(lines) if line == first), None)
        return max(index_line - lead, 0) if index_line is not None else 0
    return max(content.count("\n", 0, index) - lead, 0)


def _zensical_page(md: Any) -> tuple[str, Path] | None:
    """(name for messages, file) of the page Zensical is rendering with ``md``, or None."""
    for processor in getattr(md, "preprocessors", ()):
        page, config = getattr(processor, "page", None), getattr(processor, "config", None)
        path = getattr(page, "path", None)
        if not isinstance(path, str) or not isinstance(config, dict):
            continue
        root, docs = config.get("root_dir"), config.get("docs_dir")
        if not isinstance(root, str) or not isinstance(docs, str):
            continue
        file = Path(root, docs, path)
        name = posixpath.join(Path(docs).as_posix(), path)
        if Path(docs).is_absolute():
            try:
                name = file.relative_to(root).as_posix()
            except ValueError:
                name = file.as_posix()
        return name, file
    return None


def _mkdocs_page(md: Any) -> tuple[str, Path] | None:
    """(name relative to the folder of mkdocs.yml, file) of the page MkDocs renders with ``md``, or None."""
    for processor in getattr(md, "treeprocessors", ()):
        file, config = getattr(processor, "file", None), getattr(processor, "config", None)
        path = getattr(file, "abs_src_path", None)
        if not isinstance(path, str) or config is None:
            continue
        config_file = getattr(config, "config_file_path", None)
        base = os.path.dirname(config_file) if isinstance(config_file, str) and config_file else os.getcwd()
        return Path(os.path.relpath(path, base)).as_posix(), Path(path)
    return None


def locate_page(md: Any, source_lines: list[str]) -> PageLocation:
    """The page ``md`` renders, with its front matter counted, as far as the platform tells."""
    for platform, find in (("zensical", _zensical_page), ("mkdocs", _mkdocs_page)):
        found = find(md)
        if found is None:
            continue
        name, file = found
        try:
            content = file.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError):
            return PageLocation(name, platform=platform)
        return PageLocation(name, front_matter_lines(content, "\n".join(source_lines)), platform)
    return PageLocation()

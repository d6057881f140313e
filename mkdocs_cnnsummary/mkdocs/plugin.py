"""MkDocs plugin ``cnnsummary``: adds the Markdown extension, ships the CSS, reports problems by page and line.

```yaml
plugins:
  - cnnsummary:
      worked: collapsed      # collapsed | expanded | table | none
      columns: []            # e.g. [index, layer, output_shape, params]
      framework: keras       # for specs without a framework key
      style: auto            # keras | torchinfo | nolearn; auto = the framework's own
      batch: 1               # samples the operation counts and memory are for
      dtype: float32         # memory estimate: float32 | float16 | bfloat16 | int8 | float64
      units: MiB             # MB (10⁶ bytes) or MiB (2²⁰ bytes)
      warnings: "on"         # design warnings: on, off, or "-dominant_layer -heavy_dropout" to silence kinds
      diagram: none          # none | above | below | only, and vertical | horizontal, auto | layered
      fold: blocks           # blocks | open | none: block instances of compact specs as foldable rows
      language: zh           # en | zh; default: the theme's language (Material's theme.language) when it has one
      depth: 3               # PyTorch module trees: rows deeper than this start folded (torchinfo's depth)
```
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator, MutableMapping
from typing import Any

from mkdocs.config import config_options as c
from mkdocs.config.base import Config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

from ..engine.errors import printable

EXTENSION = "cnnsummary"
CSS_PATH = "assets/cnnsummary.css"

log = logging.getLogger("mkdocs.plugins.cnnsummary")


class CnnSummaryConfig(Config):
    """Site-wide defaults of the fence options."""

    worked = c.Choice(("collapsed", "expanded", "table", "none"), default="collapsed")
    columns = c.ListOfItems(c.Type(str), default=[])
    framework = c.Choice(("keras", "pytorch", "lasagne"), default="keras")
    style = c.Choice(("auto", "keras", "torchinfo", "nolearn"), default="auto")
    batch = c.Type(int, default=1)
    dtype = c.Choice(("float32", "float16", "bfloat16", "int8", "float64"), default="float32")
    units = c.Choice(("MiB", "MB"), default="MiB")
    warnings = c.Type(str, default="on")
    diagram = c.Type(str, default="none")
    fold = c.Choice(("blocks", "open", "none"), default="blocks")
    depth = c.Optional(c.Type(int))
    cache = c.Type(bool, default=True)
    language = c.Optional(c.Type(str))


class CnnSummaryPlugin(BasePlugin[CnnSummaryConfig]):
    """Renders ``cnn`` fences on every page of the site."""

    def __init__(self) -> None:
        self.cache: dict[Any, Any] = {}
        self._used: set[Any] = set()
        self.page: Page | None = None
        self.page_offset = 0
        self.config_dir = ""
        self.watched: set[str] = set()  # files blocks read (model code and its imports)
        self.server: Any = None
        self._serving: set[str] = set()

    def on_startup(self, *, command: str, dirty: bool) -> None:
        """Nothing to prepare; defining this event keeps the plugin (and its cache) alive between rebuilds."""

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        from ..engine.errors import SpecError
        from ..render.columns import parse_columns
        from ..render.diagram.options import parse_diagram

        try:
            parse_columns(self.config.columns)
        except SpecError as exc:
            raise PluginError(f"cnnsummary: columns: {printable(exc.describe())}") from None
        try:
            parse_diagram(self.config.diagram)
        except SpecError as exc:
            raise PluginError(f"cnnsummary: diagram: {printable(exc.describe())}") from None
        settings_language = self._language(config)
        self.config_dir = os.path.dirname(config.config_file_path or "") or os.getcwd()
        if EXTENSION not in config.markdown_extensions:
            config.markdown_extensions.append(EXTENSION)
        settings = dict(config.mdx_configs.get(EXTENSION) or {})
        settings.setdefault("worked", self.config.worked)
        settings.setdefault("framework", self.config.framework)
        if self.config.style != "auto":
            settings.setdefault("style", self.config.style)
        if self.config.fold != "blocks":
            settings.setdefault("fold", self.config.fold)
        if self.config.depth is not None:
            settings.setdefault("depth", str(self.config.depth))
        if self.config.columns:
            settings.setdefault("columns", list(self.config.columns))
        if self.config.batch < 1:
            raise PluginError(f"cnnsummary: batch must be a positive whole number, got {self.config.batch}")
        settings.setdefault("batch", str(self.config.batch))
        settings.setdefault("dtype", self.config.dtype)
        settings.setdefault("units", self.config.units)
        try:
            from ..engine.checks import silenced

            silenced(self.config.warnings)
        except SpecError as exc:
            raise PluginError(f"cnnsummary: warnings: {exc.describe()}") from None
        settings.setdefault("warnings", self.config.warnings)
        if self.config.diagram.strip() not in ("", "none"):
            settings.setdefault("diagram", self.config.diagram)
        if settings_language != "en":
            settings.setdefault("language", settings_language)
        settings["report"] = self._report
        settings["base_dir"] = self.config_dir
        settings["watch"] = self._watch
        settings.setdefault("stylesheet", "none")  # linked from every page instead (extra_css)
        settings["cache"] = _TrackingCache(self.cache, self._used) if self.config.cache else ""
        config.mdx_configs[EXTENSION] = settings
        if CSS_PATH not in [str(css) for css in config.extra_css]:
            config.extra_css.insert(0, CSS_PATH)
        return config

    def _language(self, config: MkDocsConfig) -> str:
        """The plugin's ``language``, else the theme's (``theme.language`` of Material, ``locale`` of MkDocs'
        themes) when there is a catalog for it; English otherwise."""
        from ..engine.errors import SpecError
        from ..i18n import check_language, normalize

        if self.config.language:
            try:
                return check_language(self.config.language)
            except SpecError as exc:
                raise PluginError(f"cnnsummary: language: {printable(exc.describe())}") from None
        theme = config.theme
        for key in ("language", "locale"):
            value = theme.get(key) if hasattr(theme, "get") else None
            if value:
                return normalize(str(value)) or "en"
        return "en"

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        from ..render.html import stylesheet

        if files.get_file_from_path(CSS_PATH) is None:
            files.append(File.generated(config, CSS_PATH, content=stylesheet()))
        return files

    def on_page_markdown(self, markdown: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        from ..markdown.pages import front_matter_lines

        self.page = page
        self.page_offset = front_matter_lines(page.file.content_string, markdown)
        return markdown

    def on_page_content(self, html: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        self.page = None
        return html

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        """Forget blocks no page used in this build (edited or deleted ones); watch files new blocks read."""
        for key in set(self.cache) - self._used:
            del self.cache[key]
        self._used.clear()
        if self.server is not None:
            self._serve_watch()

    def on_serve(self, server: Any, *, config: MkDocsConfig, builder: Any) -> Any:
        """``mkdocs serve`` rebuilds when a file a block read changes (``source=`` files and their imports)."""
        self.server = server
        self._serve_watch()
        return server

    def _watch(self, paths: list[str]) -> None:
        self.watched.update(paths)

    def _serve_watch(self) -> None:
        for path in sorted(self.watched):
            if path not in self._serving:
                self.server.watch(path)
                self._serving.add(path)

    def _report(self, problem: Any, line: int | None) -> None:
        """``docs/unet.md:42: cnn block: layer 'c' (Conv2D): ...`` (a warning, so ``--strict`` fails)."""
        where = "?"
        if self.page is not None:
            path = self.page.file.abs_src_path or self.page.file.src_uri
            try:
                where = os.path.relpath(path, self.config_dir).replace(os.sep, "/")
            except ValueError:  # another drive
                where = str(path)
            if line is not None:
                where += f":{line + self.page_offset}"
        log.warning("%s: cnn block: %s", printable(where), problem.describe())


class _TrackingCache(MutableMapping):
    """The plugin's cache as the extension sees it: remembers which blocks pages used."""

    def __init__(self, store: dict[Any, Any], used: set[Any]) -> None:
        self.store = store
        self.used = used

    def __getitem__(self, key: Any) -> Any:
        self.used.add(key)
        return self.store[key]

    def __setitem__(self, key: Any, value: Any) -> None:
        self.used.add(key)
        self.store[key] = value

    def __delitem__(self, key: Any) -> None:
        del self.store[key]

    def __iter__(self) -> Iterator[Any]:
        return iter(self.store)

    def __len__(self) -> int:
        return len(self.store)


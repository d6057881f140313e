"""Real ``mkdocs build`` runs of small sites using the ``cnnsummary`` plugin."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup

from mkdocs_cnnsummary import summarize

SPEC = """\
name: small
input: [28, 28, 1]
layers:
  - Conv2D: [8, 3]
  - Flatten
  - Dense: 10
"""

BAD = """\
input: [4, 4, 1]
layers:
  - Conv2D: {filters: 3, kernel_size: 5, name: too_big}
"""


def fence(spec: str, header: str = "", indent: str = "", marker: str = "```") -> str:
    text = f"{marker}cnn{' ' + header if header else ''}\n{spec}{marker}\n"
    return textwrap.indent(text, indent, lambda line: True)


NESTED_PAGE = "\n".join([
    "# Nested", "",
    fence(SPEC, 'title="top"'),
    "- a list item", "", fence(SPEC, 'title="in a list"', "    "),
    "!!! note", "", fence(SPEC, 'title="in a note"', "    ", "~~~"),
    "````markdown", fence(SPEC, 'title="example only"'), "````", "",
    "```python", "print('cnn')", "```", "",
])

TABS_PAGE = "\n".join([
    "# Tabs", "",
    '=== "Keras"', "", fence(SPEC, 'title="in a tab" worked="table"', "    "),
    '=== "Expected failure"', "", fence(BAD, 'title="fails" expect_error="does not fit"', "    "),
])


@dataclass
class Build:
    returncode: int
    log: str
    site: Path

    def page(self, name: str) -> BeautifulSoup:
        return BeautifulSoup((self.site / name / "index.html" if name != "index" else
                              self.site / "index.html").read_text(encoding="utf-8"), "html.parser")


def build(tmp_path: Path, pages: dict[str, str], *, theme: str = "material", extensions: list | None = None,
          plugin: dict | None = None, strict: bool = True) -> Build:
    docs = tmp_path / "docs"
    docs.mkdir()
    for name, text in pages.items():
        (docs / name).write_text(text, encoding="utf-8")
    config = {
        "site_name": "Test", "theme": {"name": theme}, "use_directory_urls": True,
        "plugins": [{"cnnsummary": plugin} if plugin else "cnnsummary"],
        "markdown_extensions": extensions or [],
    }
    (tmp_path / "mkdocs.yml").write_text(yaml.safe_dump(config), encoding="utf-8")
    cmd = [sys.executable, "-m", "mkdocs", "build", "-f", str(tmp_path / "mkdocs.yml"), "-d", str(tmp_path / "site")]
    if strict:
        cmd.append("--strict")
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "NO_COLOR": "1"}
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=tmp_path, env=env, timeout=120)
    return Build(proc.returncode, proc.stdout + proc.stderr, tmp_path / "site")


def captions(soup: BeautifulSoup) -> list[str]:
    return [c.get_text() for c in soup.select("table.cnnsummary__table > caption")]


def assert_css_linked(result: Build, soup: BeautifulSoup, href_prefix: str = "") -> None:
    css = result.site / "assets" / "cnnsummary.css"
    assert css.is_file() and ".cnnsummary__scroll" in css.read_text(encoding="utf-8")
    links = [link["href"] for link in soup.find_all("link", rel="stylesheet")]
    assert any(h.endswith("assets/cnnsummary.css") for h in links), links


def test_material_with_superfences(tmp_path):
    result = build(tmp_path, {"index.md": NESTED_PAGE, "tabs.md": TABS_PAGE}, extensions=[
        "admonition", "pymdownx.superfences", {"pymdownx.tabbed": {"alternate_style": True}}])
    assert result.returncode == 0, result.log
    index = result.page("index")
    assert captions(index) == ["top", "in a list", "in a note"]
    assert index.select_one("table.cnnsummary__table").find_parent("div", class_="md-typeset__table") is None
    assert index.find(string=lambda s: s and 'title="example only"' in s) is not None
    assert_css_linked(result, index)
    tabs = result.page("tabs")
    assert captions(tabs) == ["in a tab"]
    assert tabs.select_one("div.tabbed-set div.cnnsummary-error--expected") is not None
    summary = summarize(SPEC)
    rows = tabs.select("tr.cnnsummary__row")
    assert rows[-1].find_all(["th", "td"])[-1].get_text(" ", strip=True).endswith(f"{summary.layers[-1].params:,}")


@pytest.mark.parametrize("theme", ["mkdocs", "readthedocs"])
def test_builtin_themes_without_superfences(tmp_path, theme):
    result = build(tmp_path, {"index.md": NESTED_PAGE}, theme=theme, extensions=["admonition"],
                   plugin={"worked": "expanded"})
    assert result.returncode == 0, result.log
    index = result.page("index")
    assert captions(index) == ["top", "in a list", "in a note"]
    assert index.select_one("div.admonition table.cnnsummary__table") is not None
    assert all(d.has_attr("open") for d in index.select("details.cnnsummary__toggle"))
    assert index.find("code", string=lambda s: s and 'title="example only"' in s) is not None
    assert_css_linked(result, index)


PAGE_WITH_ERROR = "\n".join([
    "---", "title: Broken", "---", "", "# Broken", "",
    fence(SPEC, 'title="before"'),
    "Text between.", "",
    fence(BAD),
    fence(SPEC, 'title="after"'),
])


def _error_line() -> int:
    lines = PAGE_WITH_ERROR.splitlines()
    return lines.index("  - Conv2D: {filters: 3, kernel_size: 5, name: too_big}") + 1


def test_strict_build_fails_naming_page_line_and_layer(tmp_path):
    result = build(tmp_path, {"index.md": "# Home\n", "broken.md": PAGE_WITH_ERROR},
                   extensions=["pymdownx.superfences"])
    assert result.returncode != 0
    assert f"docs/broken.md:{_error_line()}: cnn block: layer 'too_big' (Conv2D)" in result.log
    assert "does not fit" in result.log


def test_non_strict_build_shows_the_error_box_in_place(tmp_path):
    result = build(tmp_path, {"index.md": "# Home\n", "broken.md": PAGE_WITH_ERROR}, theme="mkdocs", strict=False)
    assert result.returncode == 0, result.log
    assert f"WARNING -  docs/broken.md:{_error_line()}:" in result.log
    page = result.page("broken")
    assert captions(page) == ["before", "after"]
    box = page.select_one("div.cnnsummary-error")
    assert "too_big" in box.get_text() and box.select_one("mark") is not None
    assert page.find("p", string="Text between.") is not None


def test_expect_and_expect_error_in_a_build(tmp_path):
    summary = summarize(SPEC)
    wrong = SPEC + f"expect:\n  total_params: {summary.total_params - 1}\n"
    right = SPEC + f"expect:\n  total_params: {summary.total_params}\n  dense: {{output_shape: [null, 10]}}\n"
    page = "\n".join(["# Expect", "", fence(right, 'title="right"'), fence(wrong),
                      fence(SPEC, 'title="should fail" expect_error')])
    result = build(tmp_path, {"index.md": page}, extensions=["pymdownx.superfences"], strict=False)
    assert result.returncode == 0, result.log
    warnings = [line for line in result.log.splitlines() if line.startswith("WARNING")]
    assert len(warnings) == 2, result.log
    line_of_wrong = page.splitlines().index(f"  total_params: {summary.total_params - 1}") + 1
    assert f"docs/index.md:{line_of_wrong}: cnn block: expect: total_params is" in warnings[0]
    assert "expect_error: the network was expected to fail" in warnings[1]
    assert captions(result.page("index")) == ["right", "should fail"]


def test_titles_and_layer_names_are_escaped(tmp_path):
    evil = "<script>alert(1)</script>"
    img = "<img src=x onerror=alert(1)>"
    spec = f'input: [4]\nlayers:\n  - Dense: {{units: 2, name: "{img}"}}\n'
    page = fence(spec, f'title="{evil}"') + "\n" + fence(BAD.replace("too_big", f'"{img}"'), f"title='{img}'")
    result = build(tmp_path, {"index.md": page}, extensions=["pymdownx.superfences"], strict=False)
    html = (result.site / "index.html").read_text(encoding="utf-8")
    assert "<script>alert(1)" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html


def test_plugin_options_are_validated(tmp_path):
    result = build(tmp_path, {"index.md": "# Home\n"}, plugin={"columns": ["layer", "parms"]})
    assert result.returncode != 0
    assert "unknown column 'parms'" in result.log and "did you mean 'params'?" in result.log

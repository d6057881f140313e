"""The Markdown extension on its own: bare Python-Markdown, MkDocs without the plugin, ProperDocs and Zensical.

Nothing here may depend on a MkDocs plugin event: the tables bring their stylesheet, problems are
warnings on ``mkdocs.plugins.cnnsummary`` naming the page and its line where the platform tells the
page, and ``strict: true`` stops the build at the first bad block (Zensical has no working --strict).
"""

from __future__ import annotations

import base64
import logging
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import markdown
import pytest
import yaml
from bs4 import BeautifulSoup

from mkdocs_cnnsummary import summarize
from mkdocs_cnnsummary.markdown.extension import LOGGER, StrictBuildError
from mkdocs_cnnsummary.markdown.pages import PageLocation, front_matter_lines
from mkdocs_cnnsummary.render.html import stylesheet

SPEC = "input: [28, 28, 1]\nlayers:\n  - Conv2D: [8, 3]\n  - Flatten\n  - Dense: 10\n"
BAD = "input: [4, 4, 1]\nlayers:\n  - Conv2D: {filters: 3, kernel_size: 5, name: too_big}\n"
PAGE = "---\ntitle: Broken\n---\n\n# Broken\n\n```cnn title=\"good\"\n" + SPEC + "```\n\n```cnn\n" + BAD + "```\n"
BAD_LINE = PAGE.splitlines().index("  - Conv2D: {filters: 3, kernel_size: 5, name: too_big}") + 1  # 14
SETUPS = {"fenced_code": ["fenced_code"], "superfences": ["pymdownx.superfences"]}
ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "DISABLE_MKDOCS_2_WARNING": "true", "NO_COLOR": "1"}


def fence(spec: str, header: str = "") -> str:
    return f"```cnn {header}\n{spec}```\n"


def stylesheet_links(html: str) -> list[str]:
    soup = BeautifulSoup(html, "html.parser")
    return [link["href"] for link in soup.select("link.cnnsummary-stylesheet")]


def decoded(href: str) -> str:
    assert href.startswith("data:text/css;base64,")
    return base64.b64decode(href.split(",", 1)[1]).decode("utf-8")


# --- bare Python-Markdown --------------------------------------------------------------------------------

@pytest.mark.parametrize("setup", list(SETUPS))
def test_the_first_block_of_each_page_brings_the_stylesheet(setup):
    md = markdown.Markdown(extensions=["cnnsummary", *SETUPS[setup]])
    for _ in range(2):  # one Markdown instance converting two pages (reset between them, as Python-Markdown asks)
        html = md.reset().convert(fence(SPEC, 'title="one"') + "\n" + fence(SPEC, 'title="two"'))
        (href,) = stylesheet_links(html)
        assert decoded(href) == stylesheet()
        assert html.index("cnnsummary-stylesheet") < html.index("cnnsummary__table")
    assert stylesheet_links(md.reset().convert("no block here")) == []


def test_stylesheet_none_leaves_it_to_the_site():
    html = markdown.markdown(fence(SPEC), extensions=["cnnsummary"], extension_configs={
        "cnnsummary": {"stylesheet": "none"}})
    assert "cnnsummary__table" in html and stylesheet_links(html) == []
    with pytest.raises(ValueError, match="stylesheet must be one of inline, none"):
        markdown.markdown(fence(SPEC), extensions=["cnnsummary"], extension_configs={
            "cnnsummary": {"stylesheet": "link"}})


def test_the_stylesheet_adds_no_text_for_search_indexes():
    html = markdown.markdown(fence(SPEC), extensions=["cnnsummary"])
    text = BeautifulSoup(html, "html.parser").get_text()
    assert "cnnsummary__" not in text and "{" not in text


@pytest.mark.parametrize("setup", list(SETUPS))
def test_warnings_go_to_a_logger_mkdocs_strict_counts(setup, caplog):
    caplog.set_level(logging.WARNING)
    html = markdown.markdown(PAGE.split("---\n", 2)[2], extensions=["cnnsummary", *SETUPS[setup]])
    assert "cnnsummary-error" in html
    (record,) = [r for r in caplog.records if r.name == LOGGER]
    assert LOGGER.startswith("mkdocs.")  # MkDocs' --strict counts warnings of the 'mkdocs' logger tree
    line = BAD_LINE - 3  # no page, no front matter: the line in the text converted
    assert record.getMessage().startswith(f"line {line}: cnn block: layer 'too_big' (Conv2D): a 5×5 kernel")


@pytest.mark.parametrize("setup", list(SETUPS))
def test_strict_stops_at_the_first_bad_block(setup):
    md = markdown.Markdown(extensions=["cnnsummary", *SETUPS[setup]],
                           extension_configs={"cnnsummary": {"strict": True}})
    assert "cnnsummary__table" in md.convert(fence(SPEC))
    with pytest.raises(StrictBuildError, match=r"line 4: cnn block: layer 'too_big' .* strict: true stops the build"):
        md.convert(fence(BAD) + "\n" + fence(SPEC))
    if setup == "superfences":  # SuperFences turns any other exception of a formatter into a code paragraph
        from pymdownx.superfences import SuperFencesException

        with pytest.raises(SuperFencesException):
            md.convert(fence(BAD))


def test_a_hand_written_custom_fence_with_string_references():
    """What zensical.toml (or plain Python-Markdown) can write: no ``!!python/name:``, no listed extension."""
    from mkdocs_cnnsummary.markdown import fence_format, validator

    entry = {"name": "cnn", "class": "cnnsummary", "validator": validator, "format": fence_format}
    md = markdown.Markdown(extensions=["pymdownx.superfences"],
                           extension_configs={"pymdownx.superfences": {"custom_fences": [entry]}})
    for _ in range(2):
        html = md.reset().convert(fence(SPEC, 'title="one" worked="table"') + "\n" + fence(SPEC, 'title="two"'))
        soup = BeautifulSoup(html, "html.parser")
        assert [c.get_text() for c in soup.select("table.cnnsummary__table caption")] == ["one", "two"]
        assert len(stylesheet_links(html)) == 1


def test_front_matter_lines():
    assert front_matter_lines("---\ntitle: x\n---\n# A\n\ntext\n", "# A\n\ntext\n") == 3
    assert front_matter_lines("---\ntitle: x\n---\n\n# A\n", "# A\n") == 4
    assert front_matter_lines("# A\n", "# A\n") == 0
    assert front_matter_lines("---\na: 1\n---\n# A\r\n\ttext\n", "# A\n    text\n") == 3  # changed text
    assert PageLocation("docs/x.md", 3).where(6) == "docs/x.md:9"
    assert PageLocation().where(6) == "line 6" and PageLocation().where(None) == ""


# --- real builds -----------------------------------------------------------------------------------------

def write_site(tmp_path: Path, config: dict, pages: dict[str, str], name: str = "mkdocs.yml") -> Path:
    docs = tmp_path / "docs"
    docs.mkdir(exist_ok=True)
    for page, text in pages.items():
        (docs / page).write_text(text, encoding="utf-8")
    (tmp_path / name).write_text(yaml.safe_dump(config) if name.endswith(".yml") else config, encoding="utf-8")
    return tmp_path


def run(tool: str, project: Path, *args: str, config: str = "mkdocs.yml") -> subprocess.CompletedProcess:
    pytest.importorskip(tool)
    command = [sys.executable, "-m", tool, "build", "-f", config, *args]
    return subprocess.run(command, cwd=project, capture_output=True, text=True, env=ENV, timeout=300)


def page_soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def assert_numbers(soup: BeautifulSoup) -> None:
    """The good block's rows say what the engine computes, and the page carries the stylesheet."""
    summary = summarize(SPEC)
    table = soup.select_one("table.cnnsummary__table")
    assert table.caption.get_text() == "good"
    rows = table.select("tbody tr.cnnsummary__row")
    params = [r.select_one("td.cnnsummary__col-params").get_text(strip=True) for r in rows[1:]]
    assert params == [f"{layer.params:,}" for layer in summary.layers]
    assert f"{summary.total_params:,}" in soup.select_one(".cnnsummary__totals").get_text()
    assert soup.select_one(".cnnsummary-error") is not None
    styles = stylesheet_links(str(soup)) or [link["href"] for link in soup.select("link[rel=stylesheet]")
                                              if link["href"].endswith("cnnsummary.css")]
    assert len(styles) == 1, styles


@pytest.mark.parametrize("tool", ["mkdocs", "properdocs"])
def test_mkdocs_and_properdocs_without_the_plugin(tmp_path, tool):
    config = {"site_name": "T", "theme": {"name": "material"}, "markdown_extensions": ["cnnsummary"]}
    project = write_site(tmp_path, config, {"index.md": "# Home\n", "broken.md": PAGE})
    strict = run(tool, project, "--strict")
    assert strict.returncode == 1
    assert f"docs/broken.md:{BAD_LINE}: cnn block: layer 'too_big' (Conv2D)" in strict.stderr
    assert "strict mode" in strict.stdout + strict.stderr and "Traceback" not in strict.stderr
    lax = run(tool, project)
    assert lax.returncode == 0, lax.stderr
    assert_numbers(page_soup(project / "site" / "broken" / "index.html"))


def test_mkdocs_extension_strict_setting_ends_the_build_cleanly(tmp_path):
    config = {"site_name": "T", "theme": {"name": "mkdocs"}, "plugins": ["cnnsummary"],
              "markdown_extensions": ["pymdownx.superfences", {"cnnsummary": {"strict": True}}]}
    project = write_site(tmp_path, config, {"index.md": "# Home\n", "broken.md": PAGE})
    done = run("mkdocs", project)
    assert done.returncode == 1
    assert f"docs/broken.md:{BAD_LINE}: cnn block: layer 'too_big'" in done.stderr  # the plugin's warning
    assert "strict: true stops the build" in done.stderr and "Aborted with a BuildError!" in done.stdout + done.stderr
    assert "Traceback" not in done.stderr


ZENSICAL_TOML = """\
[project]
site_name = "T"
docs_dir = "docs"
site_dir = "site"

[project.markdown_extensions.pymdownx.superfences]
custom_fences = [
  { name = "cnn", class = "cnnsummary", validator = "mkdocs_cnnsummary.markdown.validator", \
format = "mkdocs_cnnsummary.markdown.fence_format" },
]
"""


def test_zensical_with_the_extension_in_mkdocs_yml(tmp_path):
    config = {"site_name": "T", "site_dir": "site", "plugins": ["cnnsummary"],  # Zensical skips the plugin
              "markdown_extensions": ["admonition", "pymdownx.superfences", "cnnsummary"]}
    project = write_site(tmp_path, config, {"index.md": "# Home\n", "broken.md": PAGE})
    done = run("zensical", project, "--clean", "--strict")
    assert done.returncode == 0, done.stderr  # Zensical 0.0.73 takes --strict and ignores it: hence strict: true
    output = done.stdout + done.stderr
    assert f"docs/broken.md:{BAD_LINE}: cnn block: layer 'too_big' (Conv2D)" in output
    assert_numbers(page_soup(project / "site" / "broken" / "index.html"))


def test_zensical_strict_setting_stops_every_build(tmp_path):
    config = {"site_name": "T", "site_dir": "site",
              "markdown_extensions": ["pymdownx.superfences", {"cnnsummary": {"strict": True}}]}
    project = write_site(tmp_path, config, {"index.md": "# Home\n", "broken.md": PAGE})
    for _ in range(2):  # Zensical caches the pages it rendered; a failed page is rendered (and fails) again
        done = run("zensical", project)
        assert done.returncode == 1
        assert f"Aborted: docs/broken.md:{BAD_LINE}: cnn block: layer 'too_big' (Conv2D)" in done.stderr
        assert "Traceback" not in done.stderr


def test_zensical_toml_with_string_references(tmp_path):
    project = write_site(tmp_path, ZENSICAL_TOML, {"index.md": "# Home\n", "broken.md": PAGE}, "zensical.toml")
    done = run("zensical", project, "--clean", config="zensical.toml")
    assert done.returncode == 0, done.stderr
    assert "cnn block: layer 'too_big' (Conv2D)" in done.stdout + done.stderr
    assert_numbers(page_soup(project / "site" / "broken" / "index.html"))
    strict = ZENSICAL_TOML + "\n[project.markdown_extensions.cnnsummary]\nstrict = true\n"
    (project / "zensical.toml").write_text(strict, encoding="utf-8")
    done = run("zensical", project, "--clean", config="zensical.toml")
    assert done.returncode == 1 and f"docs/broken.md:{BAD_LINE}: cnn block" in done.stderr
    assert "Traceback" not in done.stderr


def test_write_css_for_extra_css(tmp_path):
    from mkdocs_cnnsummary.cli import main

    assert main(["--write-css", str(tmp_path / "docs" / "assets" / "cnnsummary.css")]) == 0
    assert (tmp_path / "docs" / "assets" / "cnnsummary.css").read_text(encoding="utf-8") == stylesheet()
    config = {"site_name": "T", "theme": {"name": "mkdocs"}, "extra_css": ["assets/cnnsummary.css"],
              "markdown_extensions": [{"cnnsummary": {"stylesheet": "none"}}]}
    project = write_site(tmp_path, config, {"index.md": "# Home\n", "broken.md": PAGE})
    assert run("mkdocs", project).returncode == 0
    assert_numbers(page_soup(project / "site" / "broken" / "index.html"))


def test_readme_documents_every_platform():
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    for text in ("### Zensical", "### ProperDocs", "### Python-Markdown", "strict: true", "--strict",
                 "cnnsummary --write-css", textwrap.dedent(ZENSICAL_TOML.split("\n\n")[1]).strip().split("\n")[0]):
        assert text in readme, text

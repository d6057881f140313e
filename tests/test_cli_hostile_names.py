"""Names with line breaks, terminal escapes or Markdown syntax keep every text format intact."""

from __future__ import annotations

import json
import re

import pytest

from mkdocs_cnnsummary.cli import main

SPEC = """\
name: "Evil\\n# Heading \\e[2J"
inputs:
  "in\\r\\nput": [4]
layers:
  - Dense: {units: 2, name: "two\\nlines | &lt;b&gt; ~~x~~"}
  - Dense: {units: 3, name: "tab\\there\\u202e"}
"""


@pytest.fixture
def spec(tmp_path):
    path = tmp_path / "hostile.yaml"
    path.write_text(SPEC, encoding="utf-8")
    return str(path)


@pytest.mark.parametrize("style", ["keras", "torchinfo", "nolearn"])
def test_text_rows_stay_on_one_line(spec, capsys, style):
    assert main([spec, "--style", style, "--worked"]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\r" not in out and "\t" not in out and "\u202e" not in out
    if style == "torchinfo":  # rows show types; the model's name heads the tree
        assert "Evil\\n# Heading \\x1b[2J" in out
    else:
        assert "two\\nlines | &lt;b&gt; ~~x~~" in out and "tab\\there\\u202e" in out and "in\\r\\nput" in out
    if style == "keras":
        assert 'Model: "Evil\\n# Heading \\x1b[2J"' in out
        table = [line for line in out.splitlines() if line[:1] in "┏┃┡│├└"]
        assert len({len(line) for line in table}) == 1


def test_markdown_rows_stay_rows_and_entities_stay_text(spec, capsys):
    assert main([spec, "-f", "markdown", "--worked"]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert not any(line.startswith("#") for line in lines)  # no heading smuggled in by a name
    table = [line for line in lines if line.startswith("|")]
    assert len(table) == 2 + 3  # header, alignment, one input and two layers
    assert len({len(re.findall(r"(?<!\\)\|", line)) for line in table}) == 1  # same number of cells
    assert "two\\\\nlines \\| \\&lt;b\\&gt; \\~\\~x\\~\\~ (Dense)" in out
    assert "**Evil\\\\n# Heading \\\\x1b\\[2J**" in out


def test_json_keeps_the_names_exactly(spec, capsys):
    assert main([spec, "-f", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["name"] == "Evil\n# Heading \x1b[2J"
    assert [layer["name"] for layer in data["layers"]] == ["two\nlines | &lt;b&gt; ~~x~~", "tab\there\u202e"]

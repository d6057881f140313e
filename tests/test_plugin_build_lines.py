"""``mkdocs build --strict`` names the line as written when front matter and snippets move the text."""

from __future__ import annotations

import subprocess
import sys

import yaml

PAGE = """\
---
title: Lines
---
# Lines

```cnn
input: [4]
layers:
--8<-- "layers.yaml"
```

```cnn title="bad"
input: [4, 4, 1]
layers:
  - Conv2D: {filters: 3, kernel_size: 5, name: too_big}
```
"""


def test_strict_build_reports_the_line_of_the_file(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "index.md").write_text(PAGE, encoding="utf-8")
    (tmp_path / "layers.yaml").write_text("  - Dense: 2\n  - Dense: 3\n  - Dense: 4\n", encoding="utf-8")
    config = {"site_name": "T", "theme": {"name": "mkdocs"}, "plugins": ["cnnsummary"],
              "markdown_extensions": ["pymdownx.superfences", {"pymdownx.snippets": {"base_path": [str(tmp_path)]}}]}
    (tmp_path / "mkdocs.yml").write_text(yaml.safe_dump(config), encoding="utf-8")
    run = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(tmp_path / "mkdocs.yml"),
                          "-d", str(tmp_path / "site")], capture_output=True, text=True, timeout=120)
    assert run.returncode == 1
    assert "docs/index.md:15: cnn block: layer 'too_big' (Conv2D)" in run.stderr
    assert "Traceback" not in run.stderr

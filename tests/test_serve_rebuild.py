"""``mkdocs serve``: a rebuild after editing one block computes that block only.

The rebuilds are done as ``mkdocs serve`` does them (MkDocs 1.6 ``commands/serve.py``): the
configuration is loaded again for each build, ``on_startup`` once, and plugins that define it are
kept between builds; the computations are counted where every block is computed.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from mkdocs_cnnsummary import block as block_module


def network(filters: int) -> str:
    return f"input: [28, 28, 1]\nlayers:\n  - Conv2D({filters}, 3)\n  - Flatten\n  - Dense(10)\n"


def page(i: int, filters: tuple[int, int]) -> str:
    return "\n".join([f"# Page {i}", "", *(f"```cnn\n{network(f)}```\n" for f in filters)])


def test_a_rebuild_computes_only_the_edited_block(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("mkdocs")
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    docs = tmp_path / "docs"
    docs.mkdir()
    (tmp_path / "mkdocs.yml").write_text("site_name: serve\ntheme: mkdocs\nplugins:\n  - cnnsummary\n")
    pages = {i: (8 + 2 * i, 9 + 2 * i) for i in range(3)}
    for i, filters in pages.items():
        (docs / f"p{i}.md").write_text(page(i, filters))

    computed: list[str] = []
    real = block_module.render_block

    def counting(source: str, options: block_module.FenceOptions) -> block_module.BlockResult:
        computed.append(source)
        return real(source, options)

    monkeypatch.setattr(block_module, "render_block", counting)

    def get_config():
        return load_config(config_file=str(tmp_path / "mkdocs.yml"), site_dir=str(tmp_path / "site"))

    config = get_config()
    config.plugins.on_startup(command="serve", dirty=False)
    build(config)
    assert len(computed) == 6

    build(get_config())  # nothing edited: nothing computed
    assert len(computed) == 6

    (docs / "p1.md").write_text(page(1, (10, 42)))  # one block of one page edited
    build(get_config())
    assert [s.strip() for s in computed[6:]] == [network(42).strip()]
    html = (tmp_path / "site" / "p1" / "index.html").read_text(encoding="utf-8")
    assert "(3 × 3 × 1 + 1) × 42" in html and "(3 × 3 × 1 + 1) × 10" in html

"""Building the example site for tests that look at it: with MkDocs, ProperDocs or Zensical."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "example_site"
BUILDERS = ("mkdocs", "properdocs", "zensical")


def build_example_site(out: Path, builder: str = "mkdocs") -> Path:
    """The example site built into ``out`` (Zensical: into ``out/project/site``, which is returned) by MkDocs or
    ProperDocs with ``--strict`` and the plugin, or by Zensical, which runs no plugins (the Markdown extension
    listed in mkdocs.yml renders the blocks) and has no working --strict (no warning may appear either).
    Fails the test with the builder's output if it fails."""
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3", "NO_MKDOCS_2_WARNING": "1", "DISABLE_MKDOCS_2_WARNING": "true"}
    if builder == "zensical":  # its docs_dir and site_dir must lie under the folder of the configuration file
        project = out / "project"
        shutil.copytree(DOCS, project / "docs")
        config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8").replace("docs_dir: example_site", "docs_dir: docs")
        (project / "mkdocs.yml").write_text(config + "site_dir: site\n", encoding="utf-8")
        command, cwd, out = [sys.executable, "-m", "zensical", "build", "--clean", "-f", "mkdocs.yml"], project, \
            project / "site"
    else:
        command, cwd = [sys.executable, "-m", builder, "build", "--strict", "-f", "mkdocs.yml", "-d", str(out)], ROOT
    proc = subprocess.run(command, cwd=cwd, capture_output=True, text=True, env=env, timeout=600)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "cnn block" not in proc.stdout + proc.stderr  # no block needs fixing
    return out

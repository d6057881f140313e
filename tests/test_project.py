"""Project basics: README's test command is what CI runs; the engine stays light to import."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HEAVY = ("tensorflow", "torch", "keras", "mkdocs", "markdown", "jinja2")


def bash_blocks(text: str) -> list[str]:
    return re.findall(r"^```bash\n(.*?)^```", text, flags=re.MULTILINE | re.DOTALL)


def commands(script: str) -> list[str]:
    """The command lines of a shell snippet (comments, blank lines, shebang, set and cd left out)."""
    out = []
    for line in script.splitlines():
        line = line.strip()
        if not line or line.startswith("#") or line.startswith(("set ", "cd ")):
            continue
        out.append(line)
    return out


def test_readme_test_command_is_what_ci_runs():
    blocks = bash_blocks((ROOT / "README.md").read_text(encoding="utf-8"))
    assert len(blocks) >= 2
    readme = commands(blocks[1])
    ci = commands((ROOT / ".ci" / "run").read_text(encoding="utf-8"))
    assert readme, "README's second bash block has no command"
    assert readme == ci


def test_readme_test_command_runs_pytest_in_parallel():
    (command,) = commands(bash_blocks((ROOT / "README.md").read_text(encoding="utf-8"))[1])
    assert "pytest -n 2" in command and "torch==2.13.0" in command


def loaded_modules(code: str) -> set[str]:
    probe = code + "\nimport json, sys\nprint(json.dumps(sorted({m.split('.')[0] for m in sys.modules})))\n"
    proc = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    return set(json.loads(proc.stdout.splitlines()[-1]))


def test_importing_the_package_imports_nothing_heavy():
    loaded = loaded_modules("import mkdocs_cnnsummary")
    assert not loaded & set(HEAVY), sorted(loaded & set(HEAVY))


def test_computing_and_rendering_text_imports_nothing_heavy():
    loaded = loaded_modules(
        "from mkdocs_cnnsummary import summarize\n"
        "from mkdocs_cnnsummary.render import render_markdown, render_text\n"
        "import mkdocs_cnnsummary.cli\n"
        "s = summarize('input: [28, 28, 1]\\nlayers:\\n  - Conv2D: [32, 3]\\n  - Flatten\\n  - Dense: 10\\n')\n"
        "render_text(s, worked=True); render_markdown(s, worked=True)\n")
    assert not loaded & set(HEAVY), sorted(loaded & set(HEAVY))

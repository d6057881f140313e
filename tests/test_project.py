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
    ci = [c for c in commands((ROOT / ".ci" / "run").read_text(encoding="utf-8"))
          if not c.startswith("bash .ci/")]  # helpers that install system packages (Chromium) come first
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


def readme_section(title: str) -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    start = text.index(f"\n## {title}\n")
    end = text.find("\n## ", start + 1)
    return text[start:end if end != -1 else None]


def fenced(section: str, lang: str) -> list[str]:
    return re.findall(rf"^```{lang}\n(.*?)^```", section, flags=re.MULTILINE | re.DOTALL)


def test_readme_spec_example_computes():
    from mkdocs_cnnsummary import summarize

    (example,) = fenced(readme_section("The spec format"), "yaml")
    summary = summarize(example)
    assert summary.name == "Small encoder"
    assert summary.layer("merge").inputs == ["enc", "side"]
    assert summary.layer("dense").non_trainable_params == 130
    assert summary.outputs == ["flatten", "dense"]


def test_readme_json_example_is_real_output():
    from mkdocs_cnnsummary import summarize

    (example,) = fenced(readme_section("JSON output"), "json")
    assert json.loads(example) == summarize("input: [28, 28, 1]\nlayers:\n  - Conv2D: [32, 3]\n").to_dict()


def test_readme_command_line_example_is_real_output():
    section = readme_section("Command line and Python API")
    (console,) = fenced(section, "console")
    command, _, shown = console.partition("\n")
    assert command == "$ cnnsummary conv.yaml"
    from mkdocs_cnnsummary import summarize
    from mkdocs_cnnsummary.render import render_text

    spec = (ROOT / "tests" / "specs" / "seed_002_conv2d.yaml").read_text(encoding="utf-8")
    assert render_text(summarize(spec)) == shown


def test_readme_python_example_runs():
    (code,) = fenced(readme_section("Command line and Python API"), "python")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[0] == "conv2d (None, None, None, 16) 448"
    assert lines[1] == "448 448 0"
    assert ("line 3, layer 'conv2d' (Conv2D): unknown argument 'kernel'; did you mean 'kernel_size'?"
            in lines)

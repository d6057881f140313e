"""Project basics: README's test command is what CI runs; the engine stays light to import."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

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
    assert "torchvision==0.28.0" in command  # the gallery is compared with torchvision (tests/torchvision_compat.py)


def run_python(code: str) -> str:
    """The standard output of ``python -c code`` in a fresh process (its imports are its own), which must succeed."""
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def last_json(code: str) -> object:
    """The JSON that ``code`` prints on its last line."""
    return json.loads(run_python(code).splitlines()[-1])


def loaded_modules(code: str) -> set[str]:
    listing = "\nimport json, sys\nprint(json.dumps(sorted({m.split('.')[0] for m in sys.modules})))\n"
    return set(last_json(code + listing))


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

    example = fenced(readme_section("The spec format"), "yaml")[0]  # the compact form's example follows
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
    lines = run_python(code).splitlines()
    assert lines[0] == "conv2d (None, None, None, 16) 448"
    assert lines[1] == "448 448 0"
    assert ("line 3, layer 'conv2d' (Conv2D): unknown argument 'kernel'; did you mean 'kernel_size'?"
            in lines)


@pytest.mark.parametrize("framework", ["keras", "pytorch"])
def test_layer_module_index_matches_the_registered_layers(framework):
    import importlib

    from mkdocs_cnnsummary.engine.framework import FRAMEWORK_MODULES
    from mkdocs_cnnsummary.engine.layer import catalog

    index = importlib.import_module(FRAMEWORK_MODULES[framework]).LAYER_MODULES
    registered = {key: cls.__module__.rsplit(".", 1)[-1] for key, cls in catalog(framework).items()}
    assert registered == index, "update LAYER_MODULES in the framework's __init__.py"


def test_a_network_loads_only_the_catalog_modules_it_uses():
    engine = "mkdocs_cnnsummary.engine."
    probe = ("import json, sys\nimport mkdocs_cnnsummary\n"
             "before = sorted(m for m in sys.modules if m.startswith('mkdocs_cnnsummary.engine.keras.'))\n"
             "mkdocs_cnnsummary.summarize('input: [28, 28, 1]\\nlayers:\\n  - Conv2D(8, 3)\\n  - Flatten\\n"
             "  - Dense(10)\\n')\n"
             "after = sorted(m for m in sys.modules if m.startswith('mkdocs_cnnsummary.engine.'))\n"
             "print(json.dumps([before, after]))\n")
    before, after = last_json(probe)
    assert before == []  # importing the package loads no layer catalog
    catalogs = {m[len(engine):] for m in after if m.count(".") == 3}
    assert catalogs == {"keras.base", "keras.conv", "keras.core"}, catalogs  # not recurrent, attention ...
    assert engine + "expect" not in after  # the spec expects nothing


def test_the_command_on_a_keras_spec_loads_only_what_it_needs(tmp_path: Path) -> None:
    """``cnnsummary resnet50.yaml`` (the gallery's compact spec: blocks, calls, ${...}) starts fast: no PyYAML,
    ast, dataclasses, typing or argparse, no code reader, no PyTorch or Lasagne catalog."""
    from mkdocs_cnnsummary.markdown.extension import find_fences

    lines = (ROOT / "example_site" / "gallery" / "resnet50.md").read_text(encoding="utf-8").splitlines()
    spec = tmp_path / "resnet50.yaml"
    spec.write_text("\n".join(next(f for f in find_fences(lines) if f.lang == "cnn").body), encoding="utf-8")
    probe = ("import json, runpy, sys\n"
             "bare = sorted(m for m in sys.modules if m.startswith('mkdocs_cnnsummary'))\n"
             "import mkdocs_cnnsummary\n"
             "package = sorted(m for m in sys.modules if m.startswith('mkdocs_cnnsummary'))\n"
             f"sys.argv = ['cnnsummary', {str(spec)!r}]\n"
             "try:\n    runpy.run_module('mkdocs_cnnsummary', run_name='__main__')\nexcept SystemExit:\n    pass\n"
             "print(json.dumps([bare, package, sorted(sys.modules)]))\n")
    out = run_python(probe)
    assert "Total params: 25,636,712" in out
    bare, package, loaded = json.loads(out.splitlines()[-1])
    assert package == [*bare, "mkdocs_cnnsummary"]  # the package's names are imported on first use
    tops = {m.split(".")[0] for m in loaded}
    assert not tops & {*HEAVY, "yaml", "ast", "dataclasses", "typing", "argparse", "inspect", "fractions"}, tops
    ours = {m for m in loaded if m.startswith("mkdocs_cnnsummary.")}
    for unneeded in ("code", "engine.pytorch", "engine.lasagne", "engine.yaml_loader", "markdown", "render.html",
                     # a table without analysis columns, folding or another style
                     "engine.memory", "render.analysis", "render.groups", "render.styles"):
        assert not {m for m in ours if m.startswith(f"mkdocs_cnnsummary.{unneeded}")}, unneeded
    assert "mkdocs_cnnsummary.engine.keras.recurrent" not in ours
    assert "encodings.utf_8_sig" not in loaded and "unicodedata" not in loaded  # the text is UTF-8, ASCII tables
    # the receptive-field rules are only for the analyses, which a plain table does not show (engine/lazy.py)
    assert "mkdocs_cnnsummary.engine.receptive" not in ours


def test_the_receptive_field_rules_load_on_first_use_in_any_thread():
    """The catalogs' stand-in for engine/receptive.py imports it when a name is first read, also when threads
    read names at once (the analyses of blocks rendered in threads)."""
    probe = ("import sys, threading\nfrom mkdocs_cnnsummary.engine.lazy import receptive\n"
             "assert 'mkdocs_cnnsummary.engine.receptive' not in sys.modules\nfound = []\n"
             "threads = [threading.Thread(target=lambda: found.append(receptive.input_field)) for _ in range(8)]\n"
             "[t.start() for t in threads]; [t.join() for t in threads]\n"
             "real = sys.modules['mkdocs_cnnsummary.engine.receptive']\n"
             "assert found == [real.input_field] * 8 and receptive.Field is real.Field\n"
             "try:\n    receptive.no_such_name\nexcept AttributeError:\n    print('ok')\n")
    assert run_python(probe).strip() == "ok"

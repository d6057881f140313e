"""Hostile code: refused or bounded with a clear message, and nothing of it ever runs.

Every case is read in a child process (so a hang or a crash could not take the test run with it)
that then reports what it saw: the error, and whether any file appeared or any module was imported.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

#: (name, code, words the message must contain)
CASES = [
    ("__import__", "__import__('os').system('touch {marker}')", ("__import__", "never runs code")),
    ("open", "open('{marker}', 'w').write('x')", ("open()", "files")),
    ("eval", "eval(\"__import__('os').system('touch {marker}')\")", ("eval()",)),
    ("exec", "exec('x = 1')", ("exec()",)),
    ("compile", "compile('1', 'f', 'eval')", ("compile()",)),
    ("dunder class", "().__class__.__bases__[0].__subclasses__()", ("__class__", "Python itself")),
    ("dunder globals", "def f():\n    pass\nf.__globals__['__builtins__']", ("__globals__",)),
    ("getattr dunder", "getattr((), '__class__')", ("__class__",)),
    ("builtins name", "__builtins__['open']('{marker}', 'w')", ("__builtins__",)),
    ("type", "type('X', (), {{}})", ("type()",)),
    ("globals", "globals()['x'] = 1", ("globals()",)),
    ("format attribute", "'{{0.__class__}}'.format(1)", ("format field",)),
    ("format width", "'{{:>99999999}}'.format(1)", ("width",)),
    ("percent width", "'%99999999d' % 1", ("width",)),
    ("while True", "while True:\n    pass", ("more than 100,000 times",)),
    ("while True in try", "try:\n    while True:\n        pass\nexcept BaseException:\n    pass",
     ("more than 100,000 times",)),
    ("recursion", "def f(n):\n    return f(n + 1)\nf(0)", ("nest more than", "recursion")),
    ("mutual recursion", "def a(n):\n    return b(n)\ndef b(n):\n    return a(n)\na(1)", ("nest more than",)),
    ("huge power", "x = 9 ** 9 ** 9", ("integer", "bits")),
    ("huge shift", "x = 1 << 10 ** 8", ("integer",)),
    ("huge range loop", "for i in range(10 ** 12):\n    pass", ("more than 100,000 times",)),
    ("huge list", "x = list(range(10 ** 12))", ("1,000,000,000,000 items",)),
    ("huge sum", "x = sum(range(10 ** 12))", ("items",)),
    ("huge string", "x = 'a' * 10 ** 9", ("characters",)),
    ("huge repeat", "x = [0] * 10 ** 9", ("items",)),
    ("growing list", "x = [0]\nwhile True:\n    x = x + x", ("items",)),
    ("string doubling", "s = 'ab'\nfor _ in range(100):\n    s = s + s", ("characters",)),
    ("join bomb", "x = 'a' * 50000\ny = x.join([x] * 3)", ("characters",)),
    ("replace bomb", "x = ('a' * 1000).replace('a', 'b' * 1000)", ("characters",)),
    ("self-containing list", "x = []\nx.append(x)\ny = str(x)", ("too deeply", "nest")),
    ("comprehension bomb", "x = [[0] * 100000 for _ in range(100000)]", ("in all",)),
    ("deep nesting", "x = " + "-" * 400 + "1", ("nested", "deep")),
    ("deeper nesting", "x = " + "-" * 5000 + "1", ("nested too deeply",)),
    ("math factorial", "import math\nx = math.factorial(10 ** 6)", ("math.factorial",)),
    ("match", "match 1:\n    case 1:\n        pass", ("match statement",)),
    ("yield at top", "x = (yield)", ("yield",)),
]


def _child(code: str, marker: Path) -> dict:
    script = textwrap.dedent(f"""
        import json, sys
        before = set(sys.modules)
        from mkdocs_cnnsummary import SpecError, summarize
        loaded = set(sys.modules)
        result = {{}}
        try:
            summarize({code!r}, format="code")
            result["error"] = None
        except SpecError as exc:
            result["error"] = str(exc)
            result["line"] = exc.line
        result["imported"] = sorted(set(sys.modules) - loaded)
        print(json.dumps(result))
    """)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120, env=env,
                          cwd=marker.parent)
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize(("name", "template", "words"), CASES, ids=[c[0] for c in CASES])
def test_hostile_code_is_refused_or_bounded(name: str, template: str, words: tuple[str, ...], tmp_path: Path) -> None:
    marker = tmp_path / "executed"
    code = template.format(marker=marker)
    result = _child(code, marker)
    assert result["error"], f"{name}: read without error"
    for word in words:
        assert word in result["error"], result["error"]
    if name != "deeper nesting":  # Python's own parser gives up without a line
        assert result.get("line") is not None, result["error"]
    assert not marker.exists(), f"{name}: the code ran"
    assert list(tmp_path.iterdir()) == [], f"{name}: files appeared"


def test_nothing_is_imported_or_executed(tmp_path: Path) -> None:
    """Imports of the system and of the project become unknown values; no module is imported, no file written."""
    marker = tmp_path / "executed"
    project = tmp_path / "evil_project_module.py"
    project.write_text(f"import os\nos.system('touch {marker}')\nimport subprocess\n"
                       f"subprocess.run(['touch', '{marker}'])\n")
    code = textwrap.dedent(f"""
        import os, subprocess, shutil, socket, ctypes
        import evil_project_module
        import keras, tensorflow as tf, lasagne, torch
        os.system('touch {marker}')
        subprocess.call(['touch', '{marker}'])
        shutil.rmtree('{tmp_path}')
        model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2)])
    """)
    script = textwrap.dedent(f"""
        import json, sys
        from mkdocs_cnnsummary import summarize
        loaded = set(sys.modules)
        summary = summarize({code!r}, format="code", path={str(tmp_path / "model.py")!r}, root={str(tmp_path)!r})
        new = sorted(set(sys.modules) - loaded)
        print(json.dumps({{"params": summary.total_params, "imported": new,
                           "warnings": [w.message for w in summary.warnings]}}))
    """)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120, env=env,
                          cwd=tmp_path)
    assert done.returncode == 0, done.stderr[-2000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["params"] == 10
    heavy = {"keras", "tensorflow", "lasagne", "torch", "evil_project_module", "subprocess", "socket", "ctypes",
             "shutil"}
    assert heavy.isdisjoint(name.split(".")[0] for name in result["imported"]), result["imported"]
    assert not marker.exists()
    assert project.exists() and sorted(p.name for p in tmp_path.iterdir()) == ["evil_project_module.py"]
    assert any("skipped" in w and "os.system" in w for w in result["warnings"])

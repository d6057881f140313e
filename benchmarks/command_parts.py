"""Where ``cnnsummary resnet50.yaml`` spends its instructions, part by part, counted by valgrind's callgrind.

    .venv/bin/python benchmarks/command_parts.py

A script does the command's work on the gallery's compact ResNet-50 up to the end of one part and stops;
it runs under callgrind once per part, and a part's instructions are the difference between two
consecutive stops.  The parts: the interpreter (starting, reading the spec file, exiting), importing the
command's modules (engine, command, text table), the compact-spec reader, the Keras catalog modules the
network uses, reading the spec, computing the network (design checks included) and writing the text table.
As the command does (``mkdocs_cnnsummary.__main__.run``), the garbage collector is off and the objects are
frozen at exit; bytecode is kept in a temporary directory, as in ``compact_speed.py``.  The parts' sum is
about the command's count (``compact_speed.py --instructions``), which also has ``runpy`` and the argument
handling.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from build_speed import build_env, instructions
from compact_speed import ROOT, resnet50_spec

PARTS = ("the interpreter (start, reading the file, exit)", "importing the command's modules",
         "importing the compact-spec reader", "the Keras catalog modules it uses", "reading the spec",
         "computing (design checks included)", "the text table")

STAGES = """\
import gc
gc.disable()
import sys
stage = int(sys.argv[1])
text = open(sys.argv[2], encoding="utf-8").read()
if stage >= 1:
    import mkdocs_cnnsummary.cli.main
if stage >= 2:
    import mkdocs_cnnsummary.engine.blocks
    import mkdocs_cnnsummary.reading
if stage >= 3:
    for module in sys.argv[3].split():
        __import__("mkdocs_cnnsummary.engine.keras." + module)
if stage >= 4:
    from mkdocs_cnnsummary.engine import parse_spec
    net = parse_spec(text)
if stage >= 5:
    from mkdocs_cnnsummary.engine.expect import check_expectations
    from mkdocs_cnnsummary.engine.network import build_summary
    summary = build_summary(net, None, 1)
    check_expectations(summary, net.expect, net.expect_line)
if stage >= 6:
    from mkdocs_cnnsummary.engine.checks import silenced, without
    from mkdocs_cnnsummary.render.text import render_text
    sys.stdout.write(render_text(without(summary, silenced("on")), style=None))
gc.freeze()
"""

PROBE = ("import sys, mkdocs_cnnsummary\nmkdocs_cnnsummary.summarize(open(sys.argv[1]).read())\n"
         "print(' '.join(sorted(m.rsplit('.', 1)[1] for m in sys.modules "
         "if m.startswith('mkdocs_cnnsummary.engine.keras.'))))\n")


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        env = build_env(tmp / "pycache")
        env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH", "")) if p)
        spec = tmp / "resnet50.yaml"
        spec.write_text(resnet50_spec(), encoding="utf-8")
        script = tmp / "stages.py"
        script.write_text(STAGES, encoding="utf-8")
        catalogs = subprocess.run([sys.executable, "-c", PROBE, str(spec)], capture_output=True, text=True,
                                  check=True, env=env).stdout.strip()
        counts = []
        for stage in range(len(PARTS)):
            command = [sys.executable, str(script), str(stage), str(spec), catalogs]
            subprocess.run(command, check=True, env=env, stdout=subprocess.DEVNULL)  # bytecode written
            count = instructions(command, env, tmp)
            if count is None:
                print("valgrind is not installed")
                return 1
            counts.append(count)
    print(f"cnnsummary on ResNet-50, by part (catalog modules: {catalogs}):")
    for part, before, after in zip(PARTS, [0, *counts], counts, strict=False):
        print(f"  {part:<50} {(after - before) / 1e6:6.1f} M")
    print(f"  {'total':<50} {counts[-1] / 1e6:6.1f} M")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Speed of compact specs and of the command, as ratios measured in one run.

    .venv/bin/python benchmarks/compact_speed.py [--runs 9] [--keras] [--instructions]

Reports, each against its target:

- the gallery's compact ResNet-50 summarised in-process (median of ``--runs``; target < 20 ms);
- a generated 10,000-layer residual network written with ``repeat:`` (target < 1 s);
- the same network written out as 10,000 plain YAML items, against libyaml alone
  (``yaml.load(text, yaml.CSafeLoader)``) loading that text: median of the per-pair ratios, the two
  timed alternately (target ≤ 3);
- growth: 10,000 plain items against 5,000 (target ≤ 2.2; linear would be 2);
- ``cnnsummary`` on ResNet-50, a whole process, against ``python -c pass`` (alternately, median of
  the per-pair ratios; target ≤ 2.5) and, with ``--keras``, against a process that imports Keras,
  builds ``keras.applications.ResNet50(weights=None)`` and prints ``model.summary()`` (target ≥ 60);
  with ``--instructions``, the same two processes counted in instructions by valgrind's callgrind,
  which does not depend on the machine's load;
- which catalog modules summarising ResNet-50 imports.

Times are CPU times of this process (in-process figures) or wall times of child processes; Python's
bytecode is kept in a temporary directory, as an installed package keeps it.
"""

from __future__ import annotations

import argparse
import gc
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
from build_speed import build_env
from engine_speed import residual_network

from mkdocs_cnnsummary import summarize

ROOT = Path(__file__).resolve().parent.parent

REPEATED = """\
name: Residual CNN, written with repeat
input: [32, 32, 3]
blocks:
  residual:
    layers:
      - Conv2D(16, 3, padding="same", use_bias=False)
      - BatchNormalization
      - ReLU
      - Conv2D(16, 3, padding="same", use_bias=False)
      - BatchNormalization(name="bn2")
      - name: add
        Add: null
        inputs: [block_input, bn2]
      - ReLU
layers:
  - Conv2D(16, 3, padding="same", name="stem")
  - residual: null
    repeat: {blocks}
  - Activation: linear
    repeat: {rest}
"""


def repeated_network(n_layers: int) -> str:
    """The residual network of ``engine_speed.py`` with ``n_layers`` layers, written with ``repeat:``."""
    blocks = (n_layers - 1) // 7
    return REPEATED.format(blocks=blocks, rest=n_layers - 1 - 7 * blocks)


def resnet50_spec() -> str:
    from mkdocs_cnnsummary.markdown.extension import find_fences

    lines = (ROOT / "example_site" / "gallery" / "resnet50.md").read_text(encoding="utf-8").splitlines()
    return "\n".join(next(f for f in find_fences(lines) if f.lang == "cnn").body)


def cpu_ms(fn: Callable[[], Any]) -> float:
    gc.collect()
    start = time.process_time()
    fn()
    return (time.process_time() - start) * 1000


def median_cpu_ms(fn: Callable[[], Any], runs: int) -> float:
    return statistics.median(cpu_ms(fn) for _ in range(runs))


def paired_ratio(a: Callable[[], Any], b: Callable[[], Any], runs: int) -> tuple[float, float, float]:
    """Median of a/b over alternating runs, and the medians of a and b (ms)."""
    times_a, times_b, ratios = [], [], []
    for run in range(runs):
        if run % 2:
            tb, ta = cpu_ms(b), cpu_ms(a)
        else:
            ta, tb = cpu_ms(a), cpu_ms(b)
        times_a.append(ta)
        times_b.append(tb)
        ratios.append(ta / tb)
    return statistics.median(ratios), statistics.median(times_a), statistics.median(times_b)


def wall_s(command: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=True, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def instructions(command: list[str], env: dict[str, str], tmp: Path) -> int | None:
    """Instructions counted by callgrind for a whole process (None without valgrind)."""
    if shutil.which("valgrind") is None:
        return None
    proc = subprocess.run(["valgrind", "--tool=callgrind", f"--callgrind-out-file={tmp / 'callgrind.out'}",
                           *command], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                          check=True)
    m = re.search(r"Collected : (\d+)", proc.stderr)
    return int(m.group(1)) if m else None


KERAS_SCRIPT = """\
import os
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
import keras
keras.applications.ResNet50(weights=None).summary()
"""


def check(value: float, target: float, below: bool = True) -> str:
    ok = value <= target if below else value >= target
    return f"{'ok' if ok else 'MISSED'} (target {'≤' if below else '≥'} {target:g})"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--keras", action="store_true", help="also time import keras + ResNet50 + summary()")
    parser.add_argument("--instructions", action="store_true", help="also count instructions with callgrind")
    args = parser.parse_args(argv)
    runs = args.runs

    resnet = resnet50_spec()
    assert summarize(resnet).total_params == 25_636_712
    ms = median_cpu_ms(lambda: summarize(resnet), runs)
    print(f"compact ResNet-50 in-process: {ms:.1f} ms CPU (median of {runs})  {check(ms, 20)}")

    repeated = repeated_network(10_000)
    assert len(summarize(repeated).layers) == 10_000
    ms = median_cpu_ms(lambda: summarize(repeated), max(3, runs // 3))
    print(f"10,000 layers written with repeat: {ms:.0f} ms CPU  {check(ms, 1000)}")

    texts = {n: yaml.safe_dump(residual_network(n), sort_keys=False) for n in (5_000, 10_000)}
    ratio, ours, libyaml = paired_ratio(lambda: summarize(texts[10_000]),
                                        lambda: yaml.load(texts[10_000], Loader=yaml.CSafeLoader), max(3, runs // 3))
    print(f"10,000 plain items: summarize {ours:.0f} ms, libyaml alone {libyaml:.0f} ms CPU; "
          f"ratio {ratio:.2f}  {check(ratio, 3)}")
    growth, big, small = paired_ratio(lambda: summarize(texts[10_000]), lambda: summarize(texts[5_000]),
                                      max(3, runs // 3))
    print(f"growth: 10,000 items {big:.0f} ms, 5,000 items {small:.0f} ms; ratio {growth:.2f}  {check(growth, 2.2)}")

    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        env = build_env(tmp / "pycache")
        env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH", "")) if p)
        spec = tmp / "resnet50.yaml"
        spec.write_text(resnet, encoding="utf-8")
        cli = [sys.executable, "-m", "mkdocs_cnnsummary", str(spec)]
        bare = [sys.executable, "-c", "pass"]
        for command in (cli, bare):
            wall_s(command, env)  # bytecode written, files cached
        pairs = []
        for run in range(runs):
            order = (cli, bare) if run % 2 == 0 else (bare, cli)
            t = {tuple(c): wall_s(c, env) for c in order}
            pairs.append((t[tuple(cli)], t[tuple(bare)]))
        ratio = statistics.median(c / b for c, b in pairs)
        cli_s = statistics.median(c for c, _ in pairs)
        bare_s = statistics.median(b for _, b in pairs)
        print(f"cnnsummary ResNet-50: {cli_s * 1000:.0f} ms, python -c pass: {bare_s * 1000:.0f} ms (wall); "
              f"ratio {ratio:.2f}  {check(ratio, 2.5)}")
        if args.instructions:
            ours_i, bare_i = instructions(cli, env, tmp), instructions(bare, env, tmp)
            if ours_i and bare_i:
                print(f"  in instructions: {ours_i / 1e6:.0f} M against {bare_i / 1e6:.0f} M; "
                      f"ratio {ours_i / bare_i:.2f}")
        if args.keras:
            script = tmp / "keras_summary.py"
            script.write_text(KERAS_SCRIPT, encoding="utf-8")
            keras_s = statistics.median(wall_s([sys.executable, str(script)], env) for _ in range(3))
            print(f"import keras + ResNet50 + summary(): {keras_s:.1f} s (wall, median of 3); "
                  f"{keras_s / cli_s:.0f}× cnnsummary  {check(keras_s / cli_s, 60, below=False)}")

    probe = ("import sys, mkdocs_cnnsummary\nmkdocs_cnnsummary.summarize(open(sys.argv[1]).read())\n"
             "print(' '.join(sorted(m.rsplit('.', 1)[1] for m in sys.modules "
             "if m.startswith('mkdocs_cnnsummary.engine.keras.'))))\n")
    with tempfile.NamedTemporaryFile("w", suffix=".yaml", delete=False) as handle:
        handle.write(resnet)
    try:
        out = subprocess.run([sys.executable, "-c", probe, handle.name], capture_output=True, text=True, check=True,
                             env={**os.environ, "PYTHONPATH": str(ROOT)})
    finally:
        os.unlink(handle.name)
    print(f"Keras catalog modules ResNet-50 imports: {out.stdout.strip()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

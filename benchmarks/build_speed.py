"""How much `cnn` blocks add to `mkdocs build`.

Generates two sites that differ only in the fence language of their blocks:
one with N ```cnn blocks, one with the same bodies as plain ```yaml fences.
Each site is built with `mkdocs build` in a fresh process (so nothing is
cached between builds), alternating the two sites, several times; the median
of the per-pair ratios (cnn time / yaml time) is reported.  Target: ≤ 1.1, judged on
the instruction counts when ``--instructions`` is given (wall time varies with the machine's load and,
for the same instructions, with how well they run: the plain site's highlighting is mostly pattern
matching in C, the blocks are Python), otherwise on the wall-time ratio.

The builds keep Python's bytecode (in a temporary cache directory), as an
installed package does, even when PYTHONDONTWRITEBYTECODE is set.  Besides the
wall time, the CPU time of each build process is reported: it varies less
when other jobs load the machine.  With ``--instructions``, one build of each
site is also counted in instructions by valgrind's callgrind, which the load
does not change.

    .venv/bin/python benchmarks/build_speed.py [--blocks 100] [--runs 7] [--theme material] [--instructions]
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BLOCKS_PER_PAGE = 10

MKDOCS_YML = """\
site_name: build speed
docs_dir: docs
theme:
  name: {theme}
markdown_extensions:
  - admonition
  - pymdownx.superfences
  - pymdownx.tabbed:
      alternate_style: true
plugins:
  - cnnsummary
"""


def network(i: int) -> str:
    """A different small CNN for each block (so no two blocks share a spec)."""
    size = 28 + i % 40
    filters = 8 + 8 * (i % 5)
    return (
        f"input: [{size}, {size}, {1 + i % 3}]\n"
        "layers:\n"
        f"  - Conv2D({filters}, 3, activation=\"relu\", padding=\"same\")\n"
        "  - MaxPooling2D(2)\n"
        f"  - Conv2D({2 * filters}, 3, activation=\"relu\")\n"
        "  - MaxPooling2D(2)\n"
        "  - Flatten\n"
        f"  - Dense({32 + i % 64}, activation=\"relu\")\n"
        "  - Dropout(0.5)\n"
        "  - Dense(10, activation=\"softmax\")\n"
    )


def page(index: int, blocks: range, language: str) -> str:
    parts = [f"# Page {index}\n"]
    for i in blocks:
        parts.append(f"## Network {i}\n\nSome prose before network {i}.\n\n```{language}\n{network(i)}```\n")
    return "\n".join(parts)


def make_site(root: Path, language: str, blocks: int, theme: str) -> Path:
    """A site with ``blocks`` fences of ``language`` spread over pages of ten."""
    (root / "docs").mkdir(parents=True)
    (root / "mkdocs.yml").write_text(MKDOCS_YML.format(theme=theme))
    (root / "docs" / "index.md").write_text("# Build speed\n")
    for p in range(0, blocks, BLOCKS_PER_PAGE):
        rng = range(p, min(p + BLOCKS_PER_PAGE, blocks))
        (root / "docs" / f"page_{p // BLOCKS_PER_PAGE:02d}.md").write_text(page(p // BLOCKS_PER_PAGE, rng, language))
    return root


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def build_command(site: Path) -> list[str]:
    return [sys.executable, "-m", "mkdocs", "build", "--quiet", "--strict", "-f", str(site / "mkdocs.yml"),
            "-d", str(site / "site")]


def build_seconds(site: Path, env: dict[str, str] | None = None) -> tuple[float, float]:
    """Wall time and CPU time of one `mkdocs build` in a new process."""
    cpu = _children_cpu()
    start = time.perf_counter()
    subprocess.run(build_command(site), check=True, env=env)
    return time.perf_counter() - start, _children_cpu() - cpu


def instructions(command: list[str], env: dict[str, str], tmp: Path) -> int | None:
    """Instructions counted by callgrind for a whole process (None without valgrind)."""
    if shutil.which("valgrind") is None:
        return None
    proc = subprocess.run(["valgrind", "--tool=callgrind", f"--callgrind-out-file={tmp / 'callgrind.out'}",
                           *command], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                          check=True)
    m = re.search(r"Collected : (\d+)", proc.stderr)
    return int(m.group(1)) if m else None


def build_env(cache_dir: Path) -> dict[str, str]:
    """The environment of the builds: bytecode written to and read from ``cache_dir``, no theme notices."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = str(cache_dir)
    env["NO_MKDOCS_2_WARNING"] = "1"  # mkdocs-material's notice on stderr
    return env


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--blocks", type=int, default=100)
    parser.add_argument("--runs", type=int, default=7, help="builds of each site (alternating)")
    parser.add_argument("--theme", default="material", help="mkdocs theme of both sites (material, mkdocs ...)")
    parser.add_argument("--instructions", action="store_true", help="also count one build of each with callgrind")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory() as tmp:
        cnn = make_site(Path(tmp) / "cnn", "cnn", args.blocks, args.theme)
        yaml = make_site(Path(tmp) / "yaml", "yaml", args.blocks, args.theme)
        env = build_env(Path(tmp) / "pycache")
        build_seconds(cnn, env)  # warm the OS file cache and bytecode for both
        build_seconds(yaml, env)
        times: dict[str, list[float]] = {"cnn": [], "yaml": []}
        cpu: dict[str, list[float]] = {"cnn": [], "yaml": []}
        for run in range(args.runs):
            order = [("cnn", cnn), ("yaml", yaml)] if run % 2 == 0 else [("yaml", yaml), ("cnn", cnn)]
            for name, site in order:
                wall, used = build_seconds(site, env)
                times[name].append(wall)
                cpu[name].append(used)
        html = (cnn / "site" / "page_00" / "index.html").read_text()
        if "<table" not in html:
            print("the cnn site rendered no table: is the plugin installed?", file=sys.stderr)
            return 1
        counted = {name: instructions(build_command(site), env, Path(tmp)) for name, site in
                   (("cnn", cnn), ("yaml", yaml))} if args.instructions else {}

    ratios = [c / y for c, y in zip(times["cnn"], times["yaml"], strict=True)]
    cpu_ratios = [c / y for c, y in zip(cpu["cnn"], cpu["yaml"], strict=True)]
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"{args.blocks} blocks, theme {args.theme}, {args.runs} alternating runs of `mkdocs build` "
          f"(load average {load:.1f} at the end)")
    for name in ("cnn", "yaml"):
        print(f"  {name:>4}: median {statistics.median(times[name]):.2f} s wall, "
              f"{statistics.median(cpu[name]):.2f} s CPU  (wall runs: {', '.join(f'{t:.2f}' for t in times[name])})")
    median_ratio = statistics.median(ratios)
    print(f"  median ratio cnn/yaml: {median_ratio:.2f} wall, {statistics.median(cpu_ratios):.2f} CPU")
    judged = median_ratio
    if counted.get("cnn") and counted.get("yaml"):
        judged = counted["cnn"] / counted["yaml"]
        print(f"  in instructions (one build each, callgrind): {counted['cnn'] / 1e6:,.0f} M against "
              f"{counted['yaml'] / 1e6:,.0f} M; ratio {judged:.3f}")
    print(f"  target ≤ 1.1 ({'instructions' if judged is not median_ratio else 'wall time'}): "
          f"{'met' if judged <= 1.1 else 'missed'}")
    return 0 if judged <= 1.1 else 2


if __name__ == "__main__":
    raise SystemExit(main())

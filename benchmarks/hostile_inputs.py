"""What hostile pages and specs cost: the extension against Markdown alone, and the engine on its worst inputs.

Each case runs in its own process with a time limit (so that a quadratic "before" cannot run for
hours), and reports the CPU time of Markdown alone and of Markdown with the ``cnnsummary`` extension
(with Python-Markdown's ``fenced_code`` and with ``pymdownx.superfences``), or of one engine call.
Run it on two checkouts (``PYTHONPATH=<checkout>``) to compare before and after.

    .venv/bin/python benchmarks/hostile_inputs.py [--limit 120] [--case tabs ...]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

SPEC = "```cnn\ninput: [4]\nlayers:\n  - Dense: 2\n```\n"
#: conversions per measurement; the least CPU time counts
REPEAT = 3

PAGES = {
    "tabs (5,200 lines)": lambda: "".join(f"line {i}\twith\ttabs\n\n" for i in range(2600)) + SPEC,
    "fence line + 40,000 spaces": lambda: "```cnn" + " " * 40_000 + "x\n" + SPEC,
    "5,000 unclosed openers": lambda: "```cnn\n" * 5000,
    "5,000 indented openers": lambda: "para\n" + "    ```cnn\n" * 5000,
    "1,000 blocks": lambda: (SPEC + "\n") * 1000,
    "no cnn block (README)": lambda: (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8"),
}


def laughs() -> str:
    """Nine aliases to a list of nine aliases to ... (9^9 values), used as the input shape."""
    rows = "".join(f"  {c}: &{c} [{', '.join(['*' + p] * 9)}]\n" for p, c in zip("abcdefgh", "bcdefghi", strict=True))
    return "description:\n  a: &a [x,x,x,x,x,x,x,x,x]\n" + rows + "input: *i\nlayers: [Dense(2)]\n"


ENGINE = {
    "billion laughs (9 levels, 430 bytes)": "laughs",
    "40,000 layers, torchinfo text": "torchinfo",
    "40,000 layers, keras text": "keras",
    "GroupNormalization over 1,000,000,007 channels": "groupnorm",
    "LSTM(num_layers=10**8)": "lstm",
}


def cpu() -> float:
    return time.process_time()


def run_page(name: str) -> dict[str, float]:
    import markdown

    from mkdocs_cnnsummary.markdown.extension import CnnSummaryExtension

    text = PAGES[name]()
    out = {}
    for setup in ("fenced_code", "pymdownx.superfences"):
        for label, extra in (("Markdown", []), ("+ cnnsummary", [CnnSummaryExtension(report=lambda p, line: None)])):
            markdown.markdown("warm up\n\n" + SPEC, extensions=[setup, *extra])
            times = []
            for _ in range(REPEAT):
                start = cpu()
                markdown.markdown(text, extensions=[setup, *extra])
                times.append(cpu() - start)
                if times[-1] > 10:  # one run is enough to see it
                    break
            out[f"{setup}: {label}"] = min(times)
    return out


def run_engine(name: str) -> dict[str, float]:
    from mkdocs_cnnsummary import SpecError, summarize

    kind = ENGINE[name]
    start = cpu()
    try:
        if kind == "laughs":
            summarize(laughs())
        elif kind in ("torchinfo", "keras"):
            from mkdocs_cnnsummary.render.text import render_text

            summary = summarize({"framework": "pytorch", "input": [4], "layers": ["Linear(4, 4)"] * 40_000})
            start = cpu()
            render_text(summary, style=kind)
        elif kind == "groupnorm":
            summarize("input: [4, 1000000007]\nlayers:\n  - GroupNormalization(groups=3)\n")
        else:
            summarize("framework: pytorch\ninput: [5, 4]\nlayers:\n  - LSTM(4, 4, num_layers=100000000)\n")
    except (SpecError, ValueError, RecursionError, OverflowError):
        pass
    return {"engine": cpu() - start}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=float, default=120, help="seconds of wall time per case")
    parser.add_argument("--case", action="append", help="run only the cases whose name starts with this")
    parser.add_argument("--one", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        result = run_page(args.one) if args.one in PAGES else run_engine(args.one)
        print(json.dumps(result))
        return
    for name in [*PAGES, *ENGINE]:
        if args.case and not any(name.startswith(c) for c in args.case):
            continue
        try:
            proc = subprocess.run([sys.executable, __file__, "--one", name], capture_output=True, text=True,
                                  timeout=args.limit)
            ok = proc.returncode == 0
            result = json.loads(proc.stdout.strip().splitlines()[-1]) if ok else {"error": proc.stderr[-300:]}
        except subprocess.TimeoutExpired:
            result = {"timeout": args.limit}
        print(f"{name:48s} " + "  ".join(f"{k} {v:.2f}" if isinstance(v, float) else f"{k} {v}"
                                         for k, v in result.items()), flush=True)


if __name__ == "__main__":
    main()

"""Screenshots of the example site on every HTML platform, in headless Chromium or Firefox, with layout and
contrast checks.

    python scripts/screenshots.py                                # every target, 1280 and 390 px wide
    python scripts/screenshots.py --only material-dark zensical --widths 390
    python scripts/screenshots.py --paths "guide/::.cnnsummary-error"      # from the first match on
    python scripts/screenshots.py --targets sphinx-targets.json  # more targets, e.g. Sphinx themes
    python scripts/screenshots.py --browser firefox --only material material-dark
    python scripts/screenshots.py --list

A target is a site command, the URL paths to shoot and the colour schemes to emulate.  Each target is
built into a temporary directory, served on 127.0.0.1 and opened once per width and scheme; the PNGs go
to ``--out`` (default ``screenshots/``, not committed) as ``TARGET-SCHEME-WIDTH-PAGE-N.png`` (with a
``-firefox`` before ``.png`` in Firefox), in tiles
of ``--tile`` CSS pixels, and ``report.json`` there lists, per page, every summary table that scrolls
sideways, every number or shape not fully inside its table's visible box, whether the page itself is
wider than the screen, and the lowest contrast ratio (WCAG 2) of each kind of text of the blocks.

A target in a ``--targets`` JSON file::

    {"name": "furo", "command": ["{python}", "-m", "sphinx", "-b", "html", "docs", "{site}"],
     "cwd": "{root}", "paths": ["index.html", "guide.html"], "schemes": ["light", "dark"]}

``{site}`` is the directory to build into, ``{root}`` the repository, ``{python}`` this interpreter and
``{work}`` a scratch directory of the target.  Instead of ``command``, ``mkdocs`` (a dict of settings laid
over the example site's ``mkdocs.yml``) builds with ``tool``: ``mkdocs`` (default), ``properdocs`` or
``zensical``.  ``--browser`` picks the engine: ``chromium`` (default; Debian's package, ``apt-get install -y
chromium``) or ``firefox`` (``apt-get install -y firefox-esr``, driven through WebDriver BiDi).
"""

from __future__ import annotations

import argparse
import functools
import http.server
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from browser import BLOCKED, ENGINES, Browser, Firefox, launch  # the tests' drivers of Chromium and Firefox
from table_checks import CHECKS  # what the tests measure in the browser

ROOT = Path(__file__).resolve().parent.parent
PAGES = ["", "guide/", "questions/unet-up-convolution/", "questions/denoiser-output-size/",
         "questions/lasagne-mnist/", "reference/", "reference/keras/"]

MATERIAL = {"name": "material", "features": ["content.tabs.link", "navigation.sections"]}


@dataclass
class Target:
    """A site to build and the pages to look at."""

    name: str
    paths: list[str] = field(default_factory=lambda: list(PAGES))
    schemes: list[str] = field(default_factory=lambda: ["light"])
    command: list[str] | None = None
    cwd: str = "{root}"
    mkdocs: dict[str, Any] | None = None
    tool: str = "mkdocs"


TARGETS = [
    Target("material-light", mkdocs={"theme": {**MATERIAL, "palette": {"scheme": "default"}}}),
    Target("material-dark", mkdocs={"theme": {**MATERIAL, "palette": {"scheme": "slate"}}}, schemes=["dark"]),
    Target("mkdocs", mkdocs={"theme": {"name": "mkdocs", "color_mode": "auto"}}, schemes=["light", "dark"]),
    Target("readthedocs", mkdocs={"theme": {"name": "readthedocs"}}),
    Target("shadcn", mkdocs={"theme": {"name": "shadcn"}}, schemes=["light", "dark"]),
    # the Markdown extension without the plugin: MkDocs' own theme, and Zensical (which runs no plugins)
    Target("mkdocs-extension-only", mkdocs={"theme": {"name": "mkdocs"}, "plugins": ["search"]},
           paths=["", "questions/denoiser-output-size/"]),
    Target("zensical", tool="zensical", schemes=["light", "dark"], mkdocs={"theme": {
        "features": ["content.tabs.link", "navigation.sections"],
        "palette": [{"media": "(prefers-color-scheme: light)", "scheme": "default"},
                    {"media": "(prefers-color-scheme: dark)", "scheme": "slate"}]}}),
]



def fill(value: str, places: dict[str, str]) -> str:
    for key, replacement in places.items():
        value = value.replace("{" + key + "}", replacement)
    return value


def merged(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in over.items():
        out[key] = value
    return out


def build(target: Target, work: Path) -> Path:
    """Build the target's site; its directory."""
    site = work / "site"
    places = {"site": str(site), "root": str(ROOT), "python": sys.executable, "work": str(work)}
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "DISABLE_MKDOCS_2_WARNING": "true", "NO_COLOR": "1"}
    if target.command is not None:
        command, cwd = [fill(part, places) for part in target.command], fill(target.cwd, places)
    else:
        config = merged(yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8")), target.mkdocs or {})
        # source= paths and snippets start at the folder of the configuration file: the model files go there
        shutil.copytree(ROOT / config["docs_dir"] / "models", work / config["docs_dir"] / "models")
        if target.tool == "zensical":  # its docs_dir must lie inside the project folder
            shutil.copytree(ROOT / config["docs_dir"], work / "docs")
            config.update(docs_dir="docs", site_dir="site")
        else:
            config["docs_dir"] = str(ROOT / config["docs_dir"])
        config_file = work / "mkdocs.yml"
        config_file.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
        cwd = str(work)
        tool = [sys.executable, "-m", target.tool] if target.tool != "zensical" else [
            str(Path(sys.executable).with_name("zensical"))]
        command = [*tool, "build", "-f", str(config_file)] + (["-d", str(site)] if target.tool != "zensical" else [])
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=900)
    if done.returncode != 0:
        raise SystemExit(f"{target.name}: {' '.join(command)} failed:\n{done.stdout}{done.stderr}")
    return site


@contextmanager
def serve(directory: Path) -> Iterator[str]:
    """The site on http://127.0.0.1 (some themes load assets from absolute paths, which files cannot)."""
    handler = functools.partial(QuietHandler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


def slug(path: str) -> str:
    path, _, selector = path.partition("::")
    name = path.strip("/").replace("/", "_").replace(".html", "") or "home"
    return name + ("-" + "".join(c if c.isalnum() else "_" for c in selector).strip("_") if selector else "")


def shoot(target: Target, browser: Browser | Firefox, base: str, widths: list[int], out: Path, tile: int,
          tiles: int) -> list[dict[str, Any]]:
    reports = []
    for scheme in target.schemes:
        for width in widths:
            for entry in target.paths:
                path, _, selector = entry.partition("::")
                page = path + "index.html" if path == "" or path.endswith("/") else path
                browser.open(base + page, width=width, dark=scheme == "dark")
                browser.evaluate("document.fonts.ready.then(() => new Promise(r => setTimeout(r, 300)))")
                report = browser.evaluate(CHECKS)
                top, height = 0, min(report["height"], tile * tiles)
                if selector:  # from the first element the selector finds on
                    box = browser.evaluate(f"(() => {{ const e = document.querySelector({json.dumps(selector)});"
                                           " if (!e) return null; const r = e.getBoundingClientRect();"
                                           " return [r.top + scrollY, r.height]; })()")
                    if box is None:
                        raise SystemExit(f"{target.name}: nothing matches {selector!r} on /{path}")
                    top = max(int(box[0]) - 24, 0)  # one tile at least
                    height = min(max(int(box[1]) + 48, tile), tile * tiles, report["height"] - top)
                files = []
                for i, start in enumerate(range(top, top + height, tile)):
                    engine = "" if browser.name == "chromium" else f"-{browser.name}"
                    name = f"{target.name}-{scheme}-{width}-{slug(entry)}-{i + 1}{engine}.png"
                    clip = {"x": 0, "y": start, "width": width, "height": min(tile, top + height - start)}
                    (out / name).write_bytes(browser.screenshot(clip=clip))
                    files.append(name)
                reports.append({"target": target.name, "browser": browser.name, "scheme": scheme, "width": width,
                                "path": entry, "files": files, **report})
    return reports


def summary_line(report: dict[str, Any]) -> str:
    scrolling = [t for t in report["tables"] if t["scrolls"]]
    cut = [t for t in report["tables"] if t["cut"] and not t["scrolls"]]
    worst = min(report["contrast"].items(), key=lambda kv: kv[1]["ratio"], default=None)
    parts = [f"{report['target']:>22} {report['scheme']:<5} {report['width']:>4} /{report['path']:<34}",
             f"{len(report['tables']):>2} tables", f"{len(scrolling):>2} scroll"]
    if cut:
        parts.append(f"CUT without scrolling: {[t['caption'] for t in cut]}")
    if report["page_wider_than_screen"]:
        ours = [o["element"] for o in report["overflowing"] if o["ours"]]
        theirs = [o["element"] for o in report["overflowing"] if not o["ours"]]
        parts.append(f"PAGE WIDER THAN SCREEN (ours: {ours[:3]}, the theme's: {theirs[:3]})")
    if worst:
        parts.append(f"lowest contrast {worst[1]['ratio']}:1 ({worst[0]})")
    if report.get("duplicate_labels"):
        parts.append(f"duplicate labels {report['duplicate_labels'][:3]}")
    return "  ".join(parts)


def load_targets(files: list[str]) -> list[Target]:
    targets = list(TARGETS)
    for name in files:
        for item in json.loads(Path(name).read_text(encoding="utf-8")):
            targets.append(Target(**item))
    return targets


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--targets", nargs="*", default=[], help="JSON files with more targets")
    parser.add_argument("--only", nargs="*", help="names of the targets to shoot (default: all)")
    parser.add_argument("--paths", nargs="*", help="URL paths instead of each target's own")
    parser.add_argument("--widths", type=lambda s: [int(w) for w in s.split(",")], default=[1280, 390])
    parser.add_argument("--out", type=Path, default=ROOT / "screenshots")
    parser.add_argument("--tile", type=int, default=1400, help="height of one PNG, in CSS pixels")
    parser.add_argument("--tiles", type=int, default=3, help="PNGs per page at most")
    parser.add_argument("--browser", choices=sorted(ENGINES), default="chromium", help="the engine to shoot in")
    parser.add_argument("--list", action="store_true", help="list the targets and exit")
    args = parser.parse_args(argv)
    targets = load_targets(args.targets)
    if args.list:
        for t in targets:
            print(f"{t.name}: {t.tool if t.command is None else ' '.join(t.command)}; schemes {t.schemes}; {t.paths}")
        return 0
    if args.only:
        unknown = set(args.only) - {t.name for t in targets}
        if unknown:
            parser.error(f"unknown targets {sorted(unknown)}; --list shows them")
        targets = [t for t in targets if t.name in args.only]
    args.out.mkdir(parents=True, exist_ok=True)
    reports: list[dict[str, Any]] = []
    failed: list[str] = []
    with launch(args.browser) as browser:
        # the browser reaches nothing but the local server (no theme web fonts from the network; Firefox's
        # profile sends every request but the local server's to a closed port)
        if isinstance(browser, Browser):
            browser.call("Network.setBlockedURLs", session=True, urls=[u for u in BLOCKED if u != "http://*"])
        for target in targets:
            if args.paths:
                target.paths = args.paths
            with tempfile.TemporaryDirectory(prefix=f"shot-{target.name}-") as work:
                try:
                    site = build(target, Path(work))
                except SystemExit as failure:  # a theme not installed here: the other targets still go
                    print(failure, file=sys.stderr, flush=True)
                    failed.append(target.name)
                    continue
                with serve(site) as base:
                    for report in shoot(target, browser, base, args.widths, args.out, args.tile, args.tiles):
                        print(summary_line(report), flush=True)
                        reports.append(report)
    (args.out / "report.json").write_text(json.dumps(reports, indent=1, ensure_ascii=False), encoding="utf-8")
    print(f"{sum(len(r['files']) for r in reports)} screenshots ({args.browser}) and report.json in {args.out}")
    if failed:
        print(f"not built: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

"""Screenshots of the Sphinx example (``example_sphinx/``) in each theme, light and dark, at 1280 and 390 px.

    python scripts/sphinx_screenshots.py                       # every theme, scheme, width and page
    python scripts/sphinx_screenshots.py --themes furo --widths 390 --pages syntaxes.html

Each theme's site is built with ``sphinx-build -W`` into ``--out``/sites (so the pages are the
ones the tests check) and each page is opened in headless Chromium (Debian's ``chromium``
package: ``apt-get install -y chromium``; ``CHROMIUM`` names another binary) with the colour
scheme emulated; PNGs go to ``--out`` (default ``screenshots/sphinx``, not committed) as
``THEME-SCHEME-WIDTH-PAGE.png``.  Needs the themes: ``pip install -e ".[sphinx-example]"``.
``scripts/sphinx-targets.json`` describes the same builds (name, command, pages, colour schemes) for
screenshot tools that take a list of sites.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "example_sphinx"
#: theme -> the colour schemes it has (those with a dark scheme follow the browser's preference by default)
THEMES = {
    "furo": ("light", "dark"),
    "pydata_sphinx_theme": ("light", "dark"),
    "sphinx_book_theme": ("light", "dark"),
    "sphinx_rtd_theme": ("light",),
    "alabaster": ("light",),
}
PAGES = ["syntaxes.html", "restructuredtext.html", "questions/unet.html", "questions/denoiser.html"]
WIDTHS = [1280, 390]
HEIGHT = 2400
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync", "--hide-scrollbars"]
#: Blink's preferredColorScheme setting: 0 is dark, 1 is light
SCHEMES = {"dark": 0, "light": 1}


def chromium() -> str:
    for name in (os.environ.get("CHROMIUM"), "chromium", "chromium-browser"):
        if name and shutil.which(name):
            return shutil.which(name) or name
    sys.exit("Chromium not found: apt-get install -y chromium (or set CHROMIUM)")


def build(theme: str, site: Path) -> None:
    command = [sys.executable, "-m", "sphinx", "-W", "-q", "-b", "html", "-D", f"html_theme={theme}",
               str(EXAMPLE), str(site)]
    subprocess.run(command, check=True, cwd=ROOT)


def shoot(browser: str, page: Path, png: Path, width: int, scheme: str) -> None:
    with tempfile.TemporaryDirectory(prefix="cnnsummary-chromium-") as profile:
        command = [browser, *FLAGS, f"--user-data-dir={profile}", f"--window-size={width},{HEIGHT}",
                   f"--blink-settings=preferredColorScheme={SCHEMES[scheme]}", f"--screenshot={png}",
                   page.as_uri()]
        subprocess.run(command, check=True, capture_output=True, timeout=120)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--themes", nargs="+", default=list(THEMES), choices=list(THEMES))
    parser.add_argument("--schemes", nargs="+", default=list(SCHEMES), choices=list(SCHEMES))
    parser.add_argument("--widths", nargs="+", type=int, default=WIDTHS)
    parser.add_argument("--pages", nargs="+", default=PAGES)
    parser.add_argument("--out", type=Path, default=ROOT / "screenshots" / "sphinx")
    args = parser.parse_args(argv)
    browser = chromium()
    args.out.mkdir(parents=True, exist_ok=True)
    for theme in args.themes:
        site = args.out / "sites" / theme
        build(theme, site)
        for scheme in (s for s in args.schemes if s in THEMES[theme]):
            for width in args.widths:
                for page in args.pages:
                    png = args.out / f"{theme}-{scheme}-{width}-{page.replace('/', '-').removesuffix('.html')}.png"
                    shoot(browser, site / page, png, width, scheme)
                    print(png.relative_to(ROOT) if png.is_relative_to(ROOT) else png)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

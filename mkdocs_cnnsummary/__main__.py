"""``python -m mkdocs_cnnsummary SPEC``: the same as the ``cnnsummary`` command."""

from __future__ import annotations

import sys

from .cli import main

if __name__ == "__main__":
    sys.exit(main(prog="python -m mkdocs_cnnsummary"))

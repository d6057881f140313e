"""``python -m mkdocs_cnnsummary SPEC``: the same as the ``cnnsummary`` command, whose process starts in
:func:`run` too."""

from __future__ import annotations

import gc
import sys

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import NoReturn


def run(prog: str = "cnnsummary") -> NoReturn:
    """The command as a whole process: :func:`~mkdocs_cnnsummary.cli.main` run and the process ended.

    The cyclic garbage collector stays off for the process's short life: importing the engine and the
    catalogs makes thousands of objects and frees almost none, so each collection would walk a growing
    heap for nothing (reading and computing pause it anyway, see ``engine.collector_paused``).  The
    objects left at the end are frozen, which spares the interpreter's last full collection of every
    object before it exits (reference counting still frees them; the operating system the rest).
    Both are about the process: ``cli.main``, which tests and other programs call, leaves the
    collector as it finds it.
    """
    gc.disable()
    from .cli import main

    status = main(prog=prog)
    gc.freeze()
    sys.exit(status)


if __name__ == "__main__":
    run("python -m mkdocs_cnnsummary")

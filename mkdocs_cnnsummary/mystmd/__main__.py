"""``python -m mkdocs_cnnsummary.mystmd``: the same as ``cnnsummary-myst``."""

from .plugin import main

raise SystemExit(main())

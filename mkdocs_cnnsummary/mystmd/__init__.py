"""mystmd and Jupyter Book 2: the ``cnnsummary-myst`` executable plugin (``cnn`` directive and fences).

```yaml
# myst.yml
project:
  plugins:
    - type: executable
      path: .venv/bin/cnnsummary-myst
```
"""

from __future__ import annotations

from .plugin import PLUGIN_SPEC, main, run_directive, run_transform

__all__ = ["PLUGIN_SPEC", "main", "run_directive", "run_transform"]

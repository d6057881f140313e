"""The ```` ```cnn-reference ```` fence: the layer reference, generated when the page is built.

Usage in a page (the body is empty)::

    ```cnn-reference
    ```

    ```cnn-reference framework="keras"
    ```

``validator`` and ``formatter`` follow the SuperFences custom-fence conventions;
``FENCE`` is ready to be registered next to the ``cnn`` fence.
"""

from __future__ import annotations

from typing import Any

from .engine.framework import FRAMEWORK_MODULES
from .reference import render_reference

NAME = "cnn-reference"
OPTIONS = ("framework",)


def parse_frameworks(value: str | None) -> tuple[str, ...] | None:
    """``"keras, pytorch"`` -> ("keras", "pytorch"); ValueError names an unknown one."""
    if not value:
        return None
    names = tuple(n.strip().lower() for n in value.replace(",", " ").split())
    for name in names:
        if name not in FRAMEWORK_MODULES:
            raise ValueError(f"unknown framework {name!r} in the cnn-reference fence; "
                             f"use one of {', '.join(FRAMEWORK_MODULES)}")
    return names


def validator(language: str, inputs: dict[str, str], options: dict[str, Any], attrs: dict[str, Any],
             md: Any = None) -> bool:
    """Accept only the known options (SuperFences rejects a fence that leaves ``attrs`` filled)."""
    for key, value in inputs.items():
        if key not in OPTIONS:
            return False
        try:
            parse_frameworks(value)
        except ValueError:
            return False
        options[key] = value
    return True


def formatter(src: str = "", language: str = NAME, class_name: str = "", options: dict[str, Any] | None = None,
              md: Any = None, **_kwargs: Any) -> str:
    """The reference HTML for the fence's frameworks (all installed ones by default).

    Works called positionally as a ``custom_fences`` formatter ``(src, language, class_name, options, md)``
    and with keywords as an ``extend_super_fences`` one.
    """
    return render_reference(parse_frameworks((options or {}).get("framework")))


#: what a SuperFences ``custom_fences`` entry or ``extend_super_fences`` call needs
FENCE = {"name": NAME, "class": "cnnsummary-reference", "validator": validator, "format": formatter}

"""One entry for every face: a YAML spec or model code in, a computed :class:`Summary` out.

``summarize`` is the public function; :func:`read` also returns what a docs platform needs to keep
pages in sync with code (the files read, to watch them and to key caches on their contents).
"""

from __future__ import annotations

from pathlib import Path

from .engine import SpecError, Summary, collector_paused
from .engine import summarize as summarize_spec
from .engine.records import field, record
from .i18n import _

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

FORMATS = ("auto", "spec", "code")
#: keys allowed in the YAML section after a line ``---`` that ends model code
CODE_SECTION_KEYS = ("expect",)


@record
class Reading:
    """A computed network and where it came from."""

    summary: Summary
    format: str  # "spec" or "code"
    files: list[Path] = field(default_factory=list)  # files read (code from files and its imports)


def summarize(text: str | dict[str, Any], *, framework: str | None = None, format: str = "auto",
              model: str | None = None, inputs: list[Any] | None = None, path: str | Path | None = None,
              root: str | Path | None = None, batch: int = 1, assume: dict[str, int] | str | None = None) -> Summary:
    """Compute the network of a YAML spec (text or dict) or of Python model code.

    ``batch``: the samples the operation counts and memory are for (default 1).  ``assume``: values of
    the names in a spec's input sizes (``input: [H, W, 3]``), e.g. ``{"H": 224}`` or ``"H=224"``.

    ``format``: ``auto`` (a YAML mapping with ``layers:`` is a spec; text that parses as Python is
    code), ``spec`` or ``code``.  ``framework``: the default for a spec without ``framework:``; for
    code it overrides the framework found in the imports.  For code only: ``model`` is a Python
    expression naming what to summarise (``"model"``, ``"build_unet(filters=32)"``), ``inputs`` the
    input shapes (without the batch axis) of a model that does not state them, ``path`` the file the
    code comes from (messages name it; the project's own imports are read from ``root``, by default
    its directory).  Model code may end with a line ``---`` and a YAML ``expect:`` section.

    Raises :class:`SpecError` (with ``line``, ``file``, ``layer`` and ``hint``) when the text cannot
    be computed, and when a value under ``expect:`` differs from the computed one.
    """
    return read(text, framework=framework, format=format, model=model, inputs=inputs, path=path,
                root=root, batch=batch, assume=assume).summary


def read(text: str | dict[str, Any], *, framework: str | None = None, format: str = "auto",
         model: str | None = None, inputs: list[Any] | None = None, path: str | Path | None = None,
         root: str | Path | None = None, default_framework: str | None = None, batch: int = 1,
         assume: dict[str, int] | str | None = None) -> Reading:
    """:func:`summarize`, also returning the format and the files that were read.

    ``default_framework`` is a site-wide default: for a spec without ``framework:``, and for code whose
    imports and names say nothing (``framework`` overrides what code says; it is a fence's own option).
    """
    if format not in FORMATS:
        raise SpecError(_("unknown format {format!r}", format=format), hint=_("use auto, spec or code"))
    if isinstance(text, dict):
        kind = "spec"
    elif format == "auto":
        from .code.detect import detect_format

        kind = detect_format(text)
    else:
        kind = format
    if kind == "spec":
        if model is not None:
            raise SpecError(_("model= picks a model in code; this text is a spec"),
                            hint=_('remove model=, or write format="code" if the text is Python'))
        return Reading(summarize_spec(text, framework=framework or default_framework, batch=batch, assume=assume),
                       "spec")
    return _read_code(str(text), framework, model, inputs, path, root, default_framework, batch)


def _read_code(text: str, framework: str | None, model: str | None, inputs: list[Any] | None,
               path: str | Path | None, root: str | Path | None, default_framework: str | None = None,
               batch: int = 1) -> Reading:
    from .code import read_code
    from .code.detect import split_code
    from .engine.expect import check_expectations
    from .engine.network import build_summary

    code, section, offset = split_code(text)
    expect, expect_line = _code_section(section, offset) if section is not None else (None, None)
    with collector_paused():  # bounded work (the reader's budgets), as for specs
        reading = read_code(code, model=model, framework=framework, inputs=_shapes(inputs), path=path, root=root,
                            default_framework=default_framework)
        try:
            summary = build_summary(reading.network, reading.framework, batch)
        except SpecError as exc:
            if exc.file is None:
                exc.file = reading.origins.get(exc.layer or "", reading.file)
                exc.args = (exc.describe(),)
            raise
    summary.warnings = [*reading.warnings, *summary.warnings]
    check_expectations(summary, expect, expect_line)
    return Reading(summary, "code", list(reading.files))


def apply_section(summary: Summary, text: str) -> None:
    """Check a ``source=`` block's body against the summary: YAML with ``expect:`` (a first line ``---``
    is allowed, as after pasted code)."""
    lines = text.split("\n")
    offset = next((i + 1 for i, line in enumerate(lines) if line.strip() == "---"), 0)
    if offset and any(line.strip() and not line.lstrip().startswith("#") for line in lines[:offset - 1]):
        raise SpecError(_("a source= block holds only the expect: section (the code is in the file)"), line=1,
                        hint=_("remove the code from the block, or remove source="))
    expect, line = _code_section("\n".join(lines[offset:]), offset)
    from .engine.expect import check_expectations

    check_expectations(summary, expect, line)


def _code_section(section: str, offset: int) -> tuple[Any, int | None]:
    """The YAML after ``---`` (lines counted in the whole text)."""
    from .engine.spec import load_yaml

    data = load_yaml("\n" * offset + section)
    if data is None:
        return None, None
    if not isinstance(data, dict):
        raise SpecError(_("the section after --- must be a YAML mapping such as expect: {total_params: 832}"),
                        line=offset + 1)
    for key in data:
        if key not in CODE_SECTION_KEYS:
            from .engine.errors import did_you_mean

            line = getattr(data, "key_lines", {}).get(key, offset + 1)
            raise SpecError(_("unknown key {key!r} after ---", key=key), line=line,
                            hint=(did_you_mean(str(key), CODE_SECTION_KEYS) or _(
                                    "the section after the code holds expect: (the numbers the code must give)")))
    return data.get("expect"), getattr(data, "key_lines", {}).get("expect")


def _shapes(inputs: list[Any] | None) -> list[tuple[int | None, ...]] | None:
    """``[[28, 28, 1]]`` (or one shape ``[28, 28, 1]``) -> a list of shapes."""
    if inputs is None:
        return None
    if not isinstance(inputs, list | tuple) or not inputs:
        raise SpecError(_("inputs must be a list of shapes such as [[28, 28, 1]], got {inputs!r}", inputs=inputs))
    if all(d is None or (isinstance(d, int) and not isinstance(d, bool)) for d in inputs):
        inputs = [inputs]
    shapes = []
    for shape in inputs:
        if not isinstance(shape, list | tuple) or not all(
                d is None or (isinstance(d, int) and not isinstance(d, bool) and d >= 0) for d in shape):
            raise SpecError(_("an input shape must be a list of sizes (null for unknown), got {shape!r}", shape=shape),
                            hint=_("e.g. [28, 28, 1], without the batch axis"))
        shapes.append(tuple(shape))
    return shapes

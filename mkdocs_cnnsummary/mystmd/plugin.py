"""``cnnsummary-myst``: an executable plugin for mystmd (and so Jupyter Book 2).

mystmd runs the program without arguments to learn what it offers (the JSON of
:data:`PLUGIN_SPEC` on standard output), then once per block:

- ``--directive cnn``: the directive's data (``{"name", "arg", "options", "body", "node"}``) as
  JSON on standard input; standard output gets the list of MyST AST nodes that replace it;
- ``--transform cnn-fences``: a page's whole tree on standard input; standard output gets the
  tree with each ```` ```cnn ```` code block (written as on MkDocs pages) replaced the same way.
  mystmd keeps only the language of a fence, so its header (``title="..."``) is read from the
  Markdown file under the current folder that has this fence on that line.

The protocol has no channel for warnings: a block that needs fixing shows its error box, and
its message (``line 12: cnn block: ...``) goes to standard error, which ``myst build -d`` shows.
With ``CNNSUMMARY_STRICT=1`` in the environment the program exits with status 1 instead, which
mystmd reports as an error on the page (``myst build --strict`` then fails): for CI.
"""

from __future__ import annotations

import json
import os
import re
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, TextIO

from ..block import OPTION_NAMES, BlockRenderer, argument_header, split_header

DIRECTIVE = "cnn"
TRANSFORM = "cnn-fences"
STRICT_ENV = "CNNSUMMARY_STRICT"
#: how deep a page's tree may nest before the transform stops looking (a bound, not a limit in practice)
MAX_DEPTH = 200
#: bounds of the search for a fence's header in the project's Markdown files
MAX_FILES = 5000
MAX_FILE_BYTES = 2_000_000
_SKIPPED_DIRS = {"_build", "node_modules", "site-packages", "__pycache__"}
_FENCE = re.compile(r"^\s*(?:>\s*)*(`{3,}|~{3,})\s*cnn(?:\s+(?P<header>.*?))?\s*$")

_OPTION_DOCS = {
    "title": "The table's caption (default: the spec's name).",
    "worked": "collapsed, expanded, table or none: how the worked calculations are shown.",
    "columns": "Columns in order, e.g. 'index layer output_shape params'.",
    "framework": "keras, pytorch or lasagne, for a spec without a framework key.",
    "style": "keras, torchinfo or nolearn: labels and shape writing.",
    "expect_error": "The block documents a failing network; optional text the error must contain.",
    "depth": "PyTorch module trees: rows deeper than this start folded (torchinfo's depth, 3 by default).",
    "input": "Model code: the input shape without the batch axis, e.g. [3, 224, 224].",
}

PLUGIN_SPEC: dict[str, Any] = {
    "name": "cnnsummary",
    "directives": [{
        "name": DIRECTIVE,
        "doc": "A network spec (YAML) becomes its exact summary table with the worked calculations.",
        "arg": {"type": "string", "doc": 'Options as in a fence header: title="U-Net" worked="table".'},
        "options": {name: {"type": "string", "doc": _OPTION_DOCS.get(name, "As in a fence header.")}
                    for name in OPTION_NAMES},
        "body": {"type": "string", "required": True, "doc": "The network spec."},
    }],
    "transforms": [{
        "name": TRANSFORM,
        "doc": "```cnn code blocks, written as on MkDocs pages, become summary tables.",
        "stage": "document",
    }],
}


class StrictFailure(Exception):
    """A block needs fixing and CNNSUMMARY_STRICT asks to stop."""


def _strict() -> bool:
    return os.environ.get(STRICT_ENV, "").strip().lower() not in ("", "0", "false", "no")


def render(source: str, header: dict[str, str], first_line: int | None, errors: TextIO) -> list[dict[str, Any]]:
    """The nodes of one block; its problem, if any, goes to ``errors`` with the page line
    (``first_line`` is the page line of the spec's first line; a problem of the whole block gets the line before)."""
    result = BlockRenderer().render(source, header)
    if result.problem is not None:
        line = None
        if first_line is not None:
            line = first_line + (result.problem.line or 0) - 1
        message = f"{f'line {line}: ' if line is not None else ''}cnn block: {result.problem.describe()}"
        if _strict():
            raise StrictFailure(message)
        print(message, file=errors)
    from ..render import myst_ast

    return myst_ast.render(result.outcome, **result.view) if result.outcome is not None else []


def _line(node: dict[str, Any]) -> int | None:
    line = ((node.get("position") or {}).get("start") or {}).get("line")
    return line if isinstance(line, int) else None


def run_directive(data: dict[str, Any], errors: TextIO) -> list[dict[str, Any]]:
    """The nodes for one ``cnn`` directive, from the data mystmd sends."""
    header = argument_header(str(data.get("arg") or ""))
    for name, value in (data.get("options") or {}).items():
        header[name] = "" if value is True else str(value)
    node = data.get("node") or {}
    first = next((_line(c) for c in node.get("children") or () if c.get("type") == "mystDirectiveBody"), None)
    if first is None and _line(node) is not None:
        first = _line(node) + 1
    return render(str(data.get("body") or ""), header, first, errors)


def _cnn_fences(node: dict[str, Any], depth: int = 0) -> Iterator[tuple[list[Any], int]]:
    """(parent's children, index) of every ```` ```cnn ```` code block in the tree."""
    children = node.get("children")
    if not isinstance(children, list) or depth > MAX_DEPTH:
        return
    for i, child in enumerate(children):
        if not isinstance(child, dict):
            continue
        if child.get("type") == "code" and child.get("lang") == DIRECTIVE:
            yield children, i
        else:
            yield from _cnn_fences(child, depth + 1)


def _markdown_files(root: Path) -> Iterator[Path]:
    """The project's Markdown files (bounded; build output and hidden folders left out)."""
    count = 0
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d not in _SKIPPED_DIRS)
        for name in sorted(files):
            if name.endswith(".md"):
                count += 1
                if count > MAX_FILES:
                    return
                yield Path(folder, name)


def fence_headers(line: int, body: str, root: Path) -> set[str]:
    """The headers (``title="x" worked="table"``) of the ```` ```cnn ```` fences that open on ``line`` with
    ``body`` in the Markdown files under ``root``.

    mystmd keeps only the language of a fence's info string, so the header is read from the page itself.
    """
    wanted = [text.strip() for text in body.split("\n")]
    found = set()
    for path in _markdown_files(root):
        try:
            if path.stat().st_size > MAX_FILE_BYTES:
                continue
            lines = path.read_text(encoding="utf-8").split("\n")
        except (OSError, UnicodeDecodeError):
            continue
        m = _FENCE.match(lines[line - 1]) if 0 < line <= len(lines) else None
        if m and [text.strip() for text in lines[line:line + len(wanted)]] == wanted:
            found.add(m.group("header") or "")
    return found


def run_transform(tree: dict[str, Any], errors: TextIO, root: Path | None = None) -> dict[str, Any]:
    """The page's tree with its ```` ```cnn ```` code blocks replaced by their tables (last first, so
    that the indexes of earlier ones stay valid)."""
    for children, i in reversed(list(_cnn_fences(tree))):
        code = children[i]
        start, body = _line(code), str(code.get("value") or "")
        headers = fence_headers(start, body, root or Path.cwd()) if start is not None else set()
        if len(headers) > 1:
            print(f"line {start}: cnn fence: its header is not known (fences with this body on this line "
                  "differ between pages); the block is shown with the default options", file=errors)
        header = split_header(headers.pop()) if len(headers) == 1 else {}
        children[i:i + 1] = render(body, header, None if start is None else start + 1, errors)
    return tree


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``cnnsummary-myst`` (see the module docstring for the protocol)."""
    import argparse

    parser = argparse.ArgumentParser(prog="cnnsummary-myst", description=__doc__.split("\n\n")[0])
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--directive", help="run a directive: its data as JSON on stdin")
    group.add_argument("--transform", help="run a transform: a page's tree as JSON on stdin")
    group.add_argument("--role", help="(this plugin has no roles)")
    args = parser.parse_args(argv)
    runs = {("directive", DIRECTIVE): run_directive, ("transform", TRANSFORM): run_transform}
    kind, name = next(((k, getattr(args, k)) for k in ("directive", "transform", "role")
                       if getattr(args, k) is not None), (None, None))
    if kind is None:
        out: Any = PLUGIN_SPEC
    elif (kind, name) not in runs:
        print(f"cnnsummary-myst: unknown {kind} {name!r}", file=sys.stderr)
        return 2
    else:
        try:
            data = json.loads(sys.stdin.buffer.read())  # bytes: UTF-8 whatever the locale
            out = runs[kind, name](data, sys.stderr)
        except StrictFailure as exc:
            print(exc, file=sys.stderr)
            return 1
        except (ValueError, TypeError, AttributeError) as exc:  # not the JSON mystmd sends
            print(f"cnnsummary-myst: cannot read the input: {exc}", file=sys.stderr)
            return 2
    json.dump(out, sys.stdout)  # ASCII with escapes: readable whatever the locale
    sys.stdout.write("\n")
    return 0

"""``cnnsummary SPEC``: print a network's summary as text, JSON or Markdown, or draw it as SVG.

Exit status: 0 on success, 1 when the spec is wrong (the message goes to
stderr as ``FILE:LINE: layer 'x' (Conv2D): ...``), 2 on a usage error.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from ..engine import SpecError, summarize
from ..engine.framework import FRAMEWORK_MODULES
from ..render.text import STYLES

EXIT_OK, EXIT_SPEC_ERROR, EXIT_USAGE = 0, 1, 2
STDIN_NAME = "<stdin>"


class UsageError(Exception):
    """The command was called wrongly (a file that cannot be opened ...): exit status 2."""


def build_parser(prog: str = "cnnsummary") -> argparse.ArgumentParser:
    """The command-line parser."""
    parser = argparse.ArgumentParser(
        prog=prog,
        description="Output shapes, parameter counts and their worked calculations for a network "
                    "described in YAML.",
        epilog="Exit status: 0 ok, 1 wrong spec, 2 wrong usage.",
    )
    parser.add_argument("spec", metavar="SPEC", nargs="?", help="a .yaml file describing the network, or - for stdin")
    parser.add_argument("-f", "--format", choices=("text", "json", "markdown", "svg"), default="text",
                        help="output format (default: text, a table like Keras' model.summary()); "
                             "svg: the network drawn as a standalone SVG file")
    parser.add_argument("-w", "--worked", action="store_true",
                        help="add each layer's worked calculation (text and markdown formats)")
    parser.add_argument("-s", "--style", choices=STYLES, default=None,
                        help="text table style: keras (model.summary()), torchinfo or nolearn "
                             "(default: the one of the spec's framework)")
    parser.add_argument("--fold", choices=("none", "blocks", "open"), default="none",
                        help="compact specs: show each block instance as one row with its totals (blocks), "
                             "followed by its layers (open), or every layer only (none, the default)")
    parser.add_argument("--diagram", metavar="WORDS", default=None,
                        help="svg format: layout words, e.g. 'horizontal', 'vertical layered', 'unfolded' "
                             "(default: vertical, a U for encoder-decoder networks, repeated blocks folded)")
    parser.add_argument("--framework", choices=tuple(FRAMEWORK_MODULES), default=None,
                        help="conventions used when the spec has no 'framework:' key (default: keras)")
    parser.add_argument("--write-css", metavar="PATH",
                        help="write the stylesheet of the HTML tables to PATH (for a site's extra_css) and exit")
    return parser


def write_css(path: str) -> None:
    """Write the tables' stylesheet to ``path`` (folders are made); UsageError when it cannot be written."""
    from ..render.html import stylesheet

    target = Path(path)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(stylesheet(), encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"{path}: cannot write: {exc.strerror or exc}") from None


def read_spec(source: str) -> tuple[str, str]:
    """(display name, text) of SPEC; UsageError if it cannot be opened, SpecError if it is not text."""
    if source == "-":
        name, data = STDIN_NAME, sys.stdin.buffer.read()
    else:
        name, path = source, Path(source)
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            raise UsageError(f"{name}: no such file") from None
        except IsADirectoryError:
            raise UsageError(f"{name}: is a directory, not a spec file") from None
        except PermissionError:
            raise UsageError(f"{name}: permission denied") from None
        except OSError as exc:
            raise UsageError(f"{name}: cannot read: {exc.strerror or exc}") from None
    if b"\x00" in data:
        raise SpecError("not a text file (it contains NUL bytes)", hint="give a YAML file")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise SpecError(f"not UTF-8 text (byte 0x{data[exc.start]:02x} cannot be decoded)", line=line,
                        hint="save the spec as UTF-8") from None
    return name, text


def render(summary, fmt: str, worked: bool, style: str | None = None, diagram: str | None = None,
           fold: str = "none") -> str:
    """The summary in the requested format."""
    if fmt == "svg":
        from ..render.svg import render_svg

        return render_svg(summary, diagram, standalone=True)
    if fmt == "json":
        import json

        return json.dumps(summary.to_dict(), indent=2, ensure_ascii=False) + "\n"
    if fmt == "markdown":
        from ..render.markdown import render_markdown

        return render_markdown(summary, worked=worked, fold=fold)
    from ..render.text import render_text

    return render_text(summary, worked=worked, style=style, fold=fold)


def main(argv: Sequence[str] | None = None, prog: str = "cnnsummary") -> int:
    """Run the command; returns the exit status."""
    parser = build_parser(prog)
    args = parser.parse_args(argv)  # exits with status 2 on a usage error
    if args.write_css is None and args.spec is None:
        parser.error("the following arguments are required: SPEC (or --write-css PATH)")
    name = STDIN_NAME if args.spec == "-" else args.spec
    try:
        if args.write_css is not None:
            write_css(args.write_css)
            if args.spec is None:
                return EXIT_OK
        name, text = read_spec(args.spec)
        if args.diagram is not None:
            from ..render.diagram.options import parse_diagram

            try:
                parse_diagram(args.diagram)
            except SpecError as exc:
                raise UsageError(f"--diagram: {exc.describe()}") from None
        summary = summarize(text, framework=args.framework)
    except UsageError as exc:
        parser.print_usage(sys.stderr)
        print(f"{prog}: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except SpecError as exc:
        print(exc.in_file(name), file=sys.stderr)
        return EXIT_SPEC_ERROR
    except KeyboardInterrupt:
        return 130
    try:
        output = render(summary, args.format, args.worked, args.style, args.diagram, args.fold)
    except ValueError as exc:  # a drawing too large to read
        print(f"{prog}: {name}: {exc}", file=sys.stderr)
        return EXIT_SPEC_ERROR
    try:
        if hasattr(sys.stdout, "reconfigure"):
            sys.stdout.reconfigure(errors="replace")
        sys.stdout.write(output)
        sys.stdout.flush()
    except BrokenPipeError:  # piped into a command that stopped reading (head ...)
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    return EXIT_OK

"""``cnnsummary FILE``: print the summary of a network (a YAML spec or model code) as text, JSON or
Markdown, or draw it as SVG.

Exit status: 0 on success, 1 when the spec or code is wrong (the message goes to
stderr as ``FILE:LINE: layer 'x' (Conv2D): ...``; also, with "internal error",
when it meets a defect of the engine), 2 on a usage error or when the input
cannot be read or the output cannot be written (a closed stream, a full disk).
It never ends with a traceback.
"""

from __future__ import annotations

import codecs
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from ..engine import SpecError
from ..engine.errors import printable
from ..engine.framework import FRAMEWORK_MODULES
from ..i18n import _
from ..render.text import STYLES

TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse
    from typing import Any

EXIT_OK, EXIT_SPEC_ERROR, EXIT_USAGE = 0, 1, 2
STDIN_NAME = "<stdin>"
#: the largest spec read (a spec is a few kilobytes; /dev/zero is endless)
MAX_SPEC_BYTES = 16 * 2**20


class UsageError(Exception):
    """The command was called wrongly (a file that cannot be opened ...): exit status 2."""


def build_parser(prog: str = "cnnsummary") -> argparse.ArgumentParser:
    """The command-line parser."""
    import argparse

    parser = argparse.ArgumentParser(
        prog=prog, formatter_class=_formatter(), add_help=False,
        description=_("Output shapes, parameter counts and their worked calculations for a network described in YAML "
                      "or built by Keras, Lasagne or nolearn code (read, never run)."),
        epilog=_("Exit status: 0 ok, 1 wrong spec or code, 2 wrong usage."),
    )
    parser.add_argument("-h", "--help", action="help", help=_("show this help message and exit"))
    parser.add_argument("spec", metavar="FILE", nargs="?",
                        help=_("a .yaml spec or a .py file of model code, or - for stdin (spec or code is detected)"))
    parser.add_argument("-f", "--format", choices=("text", "json", "markdown", "svg"),
                        help=_("output format (default: text, a table like Keras' model.summary()); svg: the network "
                               "drawn as a standalone SVG file"))
    parser.add_argument("-w", "--worked", action="store_true",
                        help=_("add each layer's worked calculation (text and markdown formats)"))
    parser.add_argument("-s", "--style", choices=STYLES,
                        help=_("text table style: keras (model.summary()), torchinfo or nolearn (default: the one of "
                               "the network's framework)"))
    parser.add_argument("--fold", choices=("none", "blocks", "open"),
                        help=_("compact specs: show each block instance as one row with its totals (blocks), followed "
                               "by its layers (open), or every layer only (none, the default)"))
    parser.add_argument("--diagram", metavar="WORDS",
                        help=_("svg format: layout words, e.g. 'horizontal', 'vertical layered', 'unfolded' (default: "
                               "vertical, a U for encoder-decoder networks, repeated blocks folded)"))
    parser.add_argument("--framework", choices=tuple(FRAMEWORK_MODULES),
                        help=_("a spec's framework when it has no 'framework:' key (default: keras); for code, "
                               "instead of the one its imports name"))
    parser.add_argument("--read", choices=("auto", "spec", "code"),
                        help=_("what FILE holds (default: auto, from the extension and the text)"))
    parser.add_argument("-m", "--model", metavar="EXPR",
                        help=_("code: the model to summarise, a Python expression such as model or "
                               "'build_unet(filters=32)' (default: the last model the code builds)"))
    parser.add_argument("-i", "--input", metavar="SHAPE", action="append",
                        help=_("code: an input shape without the batch axis, e.g. '[28, 28, 1]', for a model that "
                               "does not state it (repeat for several inputs)"))
    parser.add_argument("--to-spec", action="store_true",
                        help=_("code: print the equivalent YAML spec instead of the summary"))
    parser.add_argument("--language", "--lang", metavar="LANG",
                        help=_("the language of headings, worked steps and messages: en (default) or zh; the "
                               "names of layers and arguments stay as the frameworks spell them"))
    parser.add_argument("--write-css", metavar="PATH",
                        help=_("write the stylesheet of the HTML tables to PATH (for a site's extra_css) and exit"))
    parser.add_argument("-c", "--columns",
                        help=_("analysis columns added to the text and markdown tables, with their totals: "
                               "macs, flops, other_ops, activations, receptive_field (comma or space separated)"))
    parser.add_argument("--batch", type=_positive,
                        help=_("samples the operation counts and memory are for (default: 1)"))
    parser.add_argument("--assume", action="append", metavar="NAME=VALUE",
                        help=_("a value for a name in the spec's input sizes (input: [H, W, 3]), e.g. H=224; "
                               "repeat it or separate with commas (over the spec's own assume:)"))
    parser.add_argument("--dtype", choices=("float32", "float16", "bfloat16", "int8", "float64"),
                        help=_("how values are stored, for the memory estimate (default: float32)"))
    parser.add_argument("--units", choices=("MiB", "MB"),
                        help=_("memory units: MiB = 2^20 bytes (default) or MB = 10^6 bytes"))
    parser.add_argument("--warnings", metavar="SETTING",
                        help=_("design warnings: on (default), off, or '-kind -kind' to silence some "
                               "(lossy_rounding, kernel_larger_than_input, bias_before_norm, dense_on_feature_map, "
                               "dominant_layer, heavy_dropout)"))
    parser.set_defaults(**DEFAULTS)  # every default, in one place
    return parser


def _positive(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        import argparse

        raise argparse.ArgumentTypeError(_("must be a positive whole number, got {text!r}", text=text))
    return int(text)


#: every option's value when it is not given (the parser's defaults)
DEFAULTS = {"format": "text", "worked": False, "style": None, "fold": "none", "diagram": None, "framework": None,
            "read": "auto", "model": None, "input": None, "to_spec": False, "write_css": None, "columns": "",
            "batch": 1, "assume": [], "dtype": "float32", "units": "MiB", "warnings": "on", "language": None}


def plain_call(argv: Sequence[str]) -> argparse.Namespace | None:
    """The arguments of ``cnnsummary FILE`` (the usual call) with every option at its default, read without
    argparse, whose import and parser cost more than reading a spec; None for any other call."""
    if len(argv) != 1 or argv[0].startswith("-"):
        return None
    from types import SimpleNamespace

    return SimpleNamespace(spec=argv[0], **{**DEFAULTS, "assume": []})  # type: ignore[return-value]


def write_css(path: str) -> None:
    """Write the tables' stylesheet to ``path`` (folders are made); UsageError when it cannot be written."""
    from ..render.html import stylesheet

    target = Path(path)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(stylesheet(), encoding="utf-8")
    except OSError as exc:
        raise UsageError(_("{path}: cannot write: {value}", path=path, value=exc.strerror or exc)) from None


def read_spec(source: str) -> tuple[str, str]:
    """(display name, text) of SPEC; UsageError if it cannot be read, SpecError if it is not text.

    At most :data:`MAX_SPEC_BYTES` are read, so that an endless file fails at once.
    """
    if source == "-":
        name = STDIN_NAME
        stream = getattr(sys.stdin, "buffer", None)
        if stream is None:
            raise UsageError(_("there is no standard input to read the spec from"))
        try:
            data = stream.read(MAX_SPEC_BYTES + 1)
        except (OSError, ValueError) as exc:
            raise UsageError(_("{name}: cannot read: {value}", name=name, value=getattr(exc, 'strerror',
                                                                                        None) or exc)) from None
    else:
        name, path = source, Path(source)
        try:
            with path.open("rb") as file:
                data = file.read(MAX_SPEC_BYTES + 1)
        except FileNotFoundError:
            raise UsageError(_("{name}: no such file", name=name)) from None
        except IsADirectoryError:
            raise UsageError(_("{name}: is a directory, not a spec file", name=name)) from None
        except PermissionError:
            raise UsageError(_("{name}: permission denied", name=name)) from None
        except (OSError, ValueError) as exc:
            raise UsageError(_("{name}: cannot read: {value}", name=name, value=getattr(exc, 'strerror',
                                                                                        None) or exc)) from None
    if len(data) > MAX_SPEC_BYTES:
        raise UsageError(_("{name}: larger than {value} MB, which no spec is", name=name,
                           value=MAX_SPEC_BYTES // 2**20))
    if b"\x00" in data:
        raise SpecError(_("not a text file (it contains NUL bytes)"), hint=_("give a YAML file"))
    if data.startswith(codecs.BOM_UTF8):  # dropped as the utf-8-sig codec drops it (a codec module to import)
        data = data[len(codecs.BOM_UTF8):]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise SpecError(_("not UTF-8 text (byte 0x{data:02x} cannot be decoded)", data=data[exc.start]), line=line,
                        hint=_("save the spec as UTF-8")) from None
    return name, text


def _say(text: str) -> None:
    """A line on stderr, with the author's control characters escaped; nothing if stderr is gone."""
    try:
        if sys.stderr is not None:
            sys.stderr.write(printable(text) + "\n")
            sys.stderr.flush()
    except (OSError, ValueError):
        pass


def _write(output: str) -> None:
    """The output on stdout; OSError (a full disk, a closed pipe) or ValueError when it cannot be written."""
    if sys.stdout is None:
        raise OSError(_("standard output is closed"))
    if hasattr(sys.stdout, "reconfigure"):
        sys.stdout.reconfigure(errors="replace")
    sys.stdout.write(output)
    sys.stdout.flush()


def _drop_stdout() -> None:
    """Point stdout at /dev/null, so that Python's own flush at exit does not fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass


def render(summary, fmt: str, worked: bool, style: str | None = None, diagram: str | None = None,
           fold: str = "none", columns: tuple[str, ...] = (), dtype: str = "float32", units: str = "MiB") -> str:
    """The summary in the requested format (JSON has every column anyway)."""
    if fmt == "svg":
        from ..render.svg import render_svg

        return render_svg(summary, diagram, standalone=True)
    if fmt == "json":
        import json

        return json.dumps(summary.to_dict(), indent=2, ensure_ascii=False) + "\n"
    if fmt == "markdown":
        from ..render.markdown import render_markdown

        return render_markdown(summary, worked=worked, fold=fold, columns=columns, dtype=dtype, units=units)
    from ..render.text import render_text

    return render_text(summary, worked=worked, style=style, fold=fold, columns=columns, dtype=dtype, units=units)


def _columns(text: str) -> tuple[str, ...]:
    """The analysis columns asked for (the usual columns are always there in the text tables)."""
    if not text:
        return ()
    from ..render.analysis import extra_keys
    from ..render.columns import parse_columns

    return tuple(extra_keys(parse_columns(text)))


def _formatter() -> type[argparse.HelpFormatter]:
    """argparse's help formatter, with the words it adds itself in the current language (made when the
    parser is, so that the command's usual call does not import argparse)."""
    import argparse

    class Formatter(argparse.HelpFormatter):
        def add_usage(self, usage: Any, actions: Any, groups: Any, prefix: str | None = None) -> None:
            super().add_usage(usage, actions, groups, _("usage: ") if prefix is None else prefix)

        def start_section(self, heading: str | None) -> None:
            sections = {"options": _("options"), "positional arguments": _("positional arguments")}
            super().start_section(sections.get(heading or "", heading))

    return Formatter


def _language_argument(argv: Sequence[str]) -> str | None:
    """The value of ``--language`` (``--lang``) in ``argv``, read before the parser so that it speaks it."""
    for i, arg in enumerate(argv):
        if arg == "--":
            break
        for flag in ("--language", "--lang"):
            if arg == flag and i + 1 < len(argv):
                return argv[i + 1]
            if arg.startswith(flag + "="):
                return arg[len(flag) + 1:]
    return None


def main(argv: Sequence[str] | None = None, prog: str = "cnnsummary") -> int:
    """Run the command; returns the exit status."""
    from ..i18n import normalize, use_language

    argv = list(sys.argv[1:] if argv is None else argv)
    with use_language(normalize(_language_argument(argv))):
        return _main(argv, prog)


def _main(argv: Sequence[str], prog: str) -> int:
    args = plain_call(argv)
    parser = None
    if args is None:
        parser = build_parser(prog)
        args = parser.parse_args(argv)  # exits with status 2 on a usage error
    if getattr(args, "language", None) is not None:
        from ..i18n import check_language

        try:
            check_language(args.language)
        except SpecError as exc:
            (parser or build_parser(prog)).error(exc.describe())
    if args.write_css is None and args.spec is None:
        (parser or build_parser(prog)).error(_("the following arguments are required: SPEC (or --write-css PATH)"))
    name = STDIN_NAME if args.spec == "-" else args.spec
    from ..engine.checks import silenced, without

    try:
        columns = _columns(args.columns)
    except SpecError as exc:
        (parser or build_parser(prog)).error(f"--columns: {exc.describe()}")
    try:
        quiet = silenced(args.warnings)
    except SpecError as exc:
        (parser or build_parser(prog)).error(f"--warnings: {exc.describe()}")
    try:
        if args.write_css is not None:
            write_css(args.write_css)
            if args.spec is None:
                return EXIT_OK
        inputs = [_shape(text) for text in args.input] if args.input else None
        name, text = read_spec(args.spec)
        if args.diagram is not None:
            from ..render.diagram.options import parse_diagram

            try:
                parse_diagram(args.diagram)
            except SpecError as exc:
                raise UsageError(_("--diagram: {describe}", describe=exc.describe())) from None
        kind = _kind(args.read, name, text)
        if args.to_spec:
            output = _to_spec(text, kind, args, inputs, name)
        else:
            summary = _summarize(text, kind, args, inputs, name)
            output = render(without(summary, quiet), args.format, args.worked, args.style, args.diagram,
                            args.fold, columns, args.dtype, args.units)
    except UsageError as exc:
        if sys.stderr is not None:
            (parser or build_parser(prog)).print_usage(sys.stderr)
        _say(_("{prog}: error: {exc}", prog=prog, exc=exc))
        return EXIT_USAGE
    except SpecError as exc:
        _say(exc.in_file(name))
        return EXIT_SPEC_ERROR
    except KeyboardInterrupt:
        return 130
    except ValueError as exc:  # a drawing too large to read
        _say(f"{prog}: {name}: {exc}")
        return EXIT_SPEC_ERROR
    except Exception as exc:  # a defect of the engine or a renderer: a message, never a traceback
        _say(_("{name}: internal error ({kind}: {exc}); please report it with this spec", name=name,
               kind=type(exc).__name__, exc=printable(str(exc), 200)))
        return EXIT_SPEC_ERROR
    try:
        _write(output)
    except BrokenPipeError:  # piped into a command that stopped reading (head ...)
        _drop_stdout()
    except (OSError, ValueError) as exc:  # a closed stdout, a full disk
        _drop_stdout()
        _say(_("{prog}: error: cannot write the output: {value}", prog=prog, value=getattr(exc, 'strerror',
            None) or exc))
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130
    return EXIT_OK


def _shape(text: str) -> list[int | None]:
    """``'[28, 28, 1]'`` (also ``28,28,1`` and ``[null, 3]``) -> a shape; UsageError otherwise."""
    import yaml

    raw = text.strip()
    if not raw.startswith("["):
        raw = f"[{raw}]"
    try:
        shape = yaml.safe_load(raw.replace("None", "null"))
    except yaml.YAMLError:
        shape = None
    if not isinstance(shape, list) or not shape or not all(
            d is None or (isinstance(d, int) and not isinstance(d, bool) and d >= 0) for d in shape):
        raise UsageError(_("--input {text!r}: expected a shape such as '[28, 28, 1]' (sizes, null for unknown)",
                           text=text))
    return shape


def _kind(read: str, name: str, text: str) -> str:
    """spec or code: as asked, from the file's extension, else from the text."""
    if read != "auto":
        return read
    suffix = Path(name).suffix.lower()
    if suffix == ".py":
        return "code"
    if suffix in (".yaml", ".yml", ".json"):
        return "spec"
    from ..code.detect import detect_format

    return detect_format(text)


def _location(name: str) -> tuple[str | None, str | None]:
    """(path, root) for code read from a file: imports of the project are read from the current directory
    when the file is under it, else from the file's own directory."""
    if name == STDIN_NAME:
        return None, os.getcwd()
    path = Path(name).resolve()
    cwd = Path.cwd().resolve()
    root = cwd if os.path.commonpath([str(path), str(cwd)]) == str(cwd) else path.parent
    return name, str(root)


def _summarize(text: str, kind: str, args: argparse.Namespace, inputs: list | None, name: str):
    from ..reading import read

    if kind == "spec" and (args.model is not None or inputs is not None):
        raise UsageError(_("--model and --input are for code; this file is a spec"))
    path, root = _location(name) if kind == "code" else (None, None)  # where code's own imports are read
    assume = ",".join(args.assume) or None
    if assume is not None and kind != "spec":
        raise UsageError(_("--assume gives values to the names in a spec's input sizes; this file is code"))
    return read(text, framework=args.framework, format=kind, model=args.model, inputs=inputs, path=path,
                root=root, batch=args.batch, assume=assume).summary


def _to_spec(text: str, kind: str, args: argparse.Namespace, inputs: list | None, name: str) -> str:
    if kind != "code":
        raise UsageError(_("--to-spec writes the spec of code; this file is already a spec"))
    from ..code import read_code
    from ..code.detect import split_code
    from ..code.to_spec import to_yaml
    from ..reading import _shapes

    path, root = _location(name)
    code, _ignored, _ignored = split_code(text)
    reading = read_code(code, model=args.model, framework=args.framework, inputs=_shapes(inputs), path=path,
                        root=root)
    notes = [f"{n.kind or 'note'}: " + (f"line {n.line}: " if n.line else "") + n.message for n in reading.warnings]
    where = _("read from {name}{value}", name=name, value=f" (model={args.model})" if args.model else "")
    return to_yaml(reading.network, reading.framework, [where, *notes])

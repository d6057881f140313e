"""Reading YAML with PyYAML, keeping line numbers and within bounds: the reference reader of specs.

:mod:`.plain_yaml` reads the usual subset of YAML without importing PyYAML; everything else (anchors
and aliases, tags, multi-line values, errors ...) is read here, so that values, lines and messages are
those of PyYAML's ``SafeLoader``.
"""

from __future__ import annotations

import yaml
from yaml.composer import Composer
from yaml.constructor import SafeConstructor
from yaml.resolver import Resolver

from ..i18n import N_, _
from .errors import SpecError, shown
from .limits import MAX_ALIAS_VALUES, MAX_DEPTH, MAX_INT
from .plain_yaml import LineDict, LineList

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


class _Bounded:
    """Composes within bounds (mixed into both loaders): nesting depth, and what aliases expand to.

    Counting aliases is not enough: nine aliases to a list of nine aliases to ... (the "billion
    laughs") is a few hundred bytes that expand to billions of values. So every node's size with
    its aliases expanded is worked out as it is composed, and the values aliases add are bounded.
    """

    def compose_document(self) -> Any:
        self._sizes: dict[int, int] = {}  # id(node) -> values in it, aliases expanded
        self._added = 0  # values that aliases added so far
        self._depth = 0
        return super().compose_document()  # type: ignore[misc]

    def construct_document(self, node: yaml.Node) -> Any:
        return _construct(self, node)  # type: ignore[arg-type]  # a whole document such as '!!int ten' too

    def compose_node(self, parent: Any, index: Any) -> Any:
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent):
            node = super().compose_node(parent, index)  # type: ignore[misc]
            self._added += self._sizes.get(id(node), 1)
            if self._added > MAX_ALIAS_VALUES:
                raise SpecError(_("the aliases (*name) expand to more than {MAX_ALIAS_VALUES:,} values",
                                  MAX_ALIAS_VALUES=MAX_ALIAS_VALUES),
                                line=event.start_mark.line + 1, hint=_("write the values out, or use fewer aliases"))
            return node
        self._depth += 1
        if self._depth > MAX_DEPTH:
            raise SpecError(_("lists and mappings are nested more than {MAX_DEPTH} deep", MAX_DEPTH=MAX_DEPTH),
                            line=event.start_mark.line + 1, hint=_("a spec needs only a few levels"))
        node = super().compose_node(parent, index)  # type: ignore[misc]
        self._depth -= 1
        if isinstance(node, yaml.SequenceNode):
            self._sizes[id(node)] = 1 + sum(self._sizes.get(id(child), 1) for child in node.value)
        elif isinstance(node, yaml.MappingNode):
            self._sizes[id(node)] = 1 + sum(self._sizes.get(id(k), 1) + self._sizes.get(id(v), 1)
                                            for k, v in node.value)
        return node


class _LineLoader(_Bounded, yaml.SafeLoader):
    """SafeLoader whose mappings and sequences carry line numbers (pure Python: the reference)."""


try:
    from yaml.cyaml import CParser
except ImportError:  # PyYAML without libyaml
    CParser = None

_FastLineLoader: type | None = None
if CParser is not None:

    class _FastLineLoader(_Bounded, Composer, CParser, SafeConstructor, Resolver):  # type: ignore[no-redef]
        """:class:`_LineLoader` with libyaml's scanner and parser (its slow part in pure Python).

        Composing (aliases, line numbers from the events' marks) and constructing run the same
        Python code, so both loaders give the same values and lines.
        """

        def __init__(self, stream: str) -> None:
            CParser.__init__(self, stream)
            Composer.__init__(self)
            SafeConstructor.__init__(self)
            Resolver.__init__(self)


_KIND = {"ScalarNode": "a value", "SequenceNode": "a list", "MappingNode": "a mapping"}


def _tag_name(node: yaml.Node) -> str:
    return node.tag.rsplit(":", 1)[-1] if node.tag.startswith("tag:yaml.org,2002:") else node.tag


def _construct(loader: SafeConstructor, node: yaml.Node) -> Any:
    """One value; a tagged value that does not read as its tag (``!!int ten``) is an error on its line."""
    try:
        return loader.construct_object(node, deep=True)
    except (SpecError, yaml.YAMLError):
        raise
    except Exception:  # whatever a constructor raises on an odd value: !!bool maybe, !!int ""
        what = shown(node.value) if isinstance(node, yaml.ScalarNode) else _KIND.get(type(node).__name__, "a value")
        raise SpecError(_("invalid YAML: {what} cannot be read as {tag_name}", what=what, tag_name=_tag_name(node)),
                        line=node.start_mark.line + 1, hint=_("remove the !!tag or write a value of that kind")
                        ) from None


def _expect_node(node: yaml.Node, kind: type, what: str) -> None:
    if not isinstance(node, kind):
        raise SpecError(_("invalid YAML: !!{tag_name} needs {what}, got {get}", tag_name=_tag_name(node), what=what,
                          get=_KIND.get(type(node).__name__)),
                        line=node.start_mark.line + 1, hint=_("remove the !!tag"))


def _construct_mapping(loader: SafeConstructor, node: yaml.MappingNode) -> LineDict:
    _expect_node(node, yaml.MappingNode, "a mapping")
    loader.flatten_mapping(node)
    out = LineDict()
    out.line = node.start_mark.line + 1
    out.key_lines = {}
    for key_node, value_node in node.value:
        key = _construct(loader, key_node)
        if not isinstance(key, str | int | float | bool) and key is not None:
            raise SpecError(_("a mapping key must be a plain value, got {key}", key=shown(key)),
                            line=key_node.start_mark.line + 1)
        if key in out:
            raise SpecError(_("key {key} appears twice in the same mapping", key=shown(key)),
                            line=key_node.start_mark.line + 1,
                            hint=_("remove one of them"))
        out[key] = _construct(loader, value_node)
        out.key_lines[key] = key_node.start_mark.line + 1
    return out


def _construct_sequence(loader: SafeConstructor, node: yaml.SequenceNode) -> LineList:
    _expect_node(node, yaml.SequenceNode, "a list")
    out = LineList(_construct(loader, child) for child in node.value)
    out.line = node.start_mark.line + 1
    out.item_lines = [child.start_mark.line + 1 for child in node.value]
    return out


def _scalar_text(loader: SafeConstructor, node: yaml.Node) -> str:
    _expect_node(node, yaml.ScalarNode, "a single value")
    return loader.construct_scalar(node)


def _construct_int(loader: SafeConstructor, node: yaml.ScalarNode) -> int:
    """YAML 1.1 integers, without the readings nobody means in a spec: ``3:3`` (base 60) and ``010`` (octal)."""
    text = _scalar_text(loader, node)
    if len(text) < 19 and text.isascii() and text.isdigit() and (text[0] != "0" or text == "0"):
        return int(text)  # the usual case: a plain decimal within 64 bits
    digits = text.replace("_", "").lstrip("+-")
    line = node.start_mark.line + 1
    if ":" in digits:
        raise SpecError(_("YAML reads {text} as a base-60 number", text=shown(text)), line=line,
                        hint=_("write a pair as [3, 3], or quote the text"))
    if len(digits) > 1 and digits[0] == "0" and digits[1] not in "xb":
        raise SpecError(_("YAML reads {text} as an octal number", text=shown(text)), line=line,
                        hint=_("write the number without the leading zero"))
    if len(digits) > 70:  # no need to convert: beyond MAX_INT in any base
        value = None
    else:
        value = SafeConstructor.construct_yaml_int(loader, node)
    if value is None or abs(value) > MAX_INT:
        raise SpecError(_("the integer {text} is too large", text=shown(text, 30)), line=line,
                        hint=_("sizes and counts must fit in 64 bits (at most {MAX_INT:,})", MAX_INT=MAX_INT))
    return value


def _construct_float(loader: SafeConstructor, node: yaml.ScalarNode) -> float:
    text = _scalar_text(loader, node)
    if ":" in text:
        raise SpecError(_("YAML reads {text} as a base-60 number", text=shown(text)), line=node.start_mark.line + 1,
                        hint=_("quote the text"))
    return SafeConstructor.construct_yaml_float(loader, node)


def _construct_timestamp(loader: SafeConstructor, node: yaml.ScalarNode) -> str:
    """``2024-01-01`` stays the text it is (YAML 1.1 would make it a date, which no spec value is)."""
    return _scalar_text(loader, node)


def _unsupported(loader: SafeConstructor, node: yaml.Node) -> Any:
    raise SpecError(_("invalid YAML: the !!{tag_name} tag is not supported in a spec", tag_name=_tag_name(node)),
                    line=node.start_mark.line + 1, hint=_("write plain values, lists and mappings"))


_CONSTRUCTORS = {
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG: _construct_mapping,
    yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG: _construct_sequence,
    "tag:yaml.org,2002:int": _construct_int,
    "tag:yaml.org,2002:float": _construct_float,
    "tag:yaml.org,2002:timestamp": _construct_timestamp,
    **{f"tag:yaml.org,2002:{tag}": _unsupported for tag in ("binary", "set", "omap", "pairs")},
}
for _loader in (_LineLoader, _FastLineLoader):
    if _loader is not None:
        for _tag, _constructor in _CONSTRUCTORS.items():
            _loader.add_constructor(_tag, _constructor)
del _loader


_YAML_WORDS = {"<stream end>": "the end of the spec", "<block end>": "the end of the block",
               "<block mapping start>": "a new mapping", "<block sequence start>": "a new list",
               "unexpected end of stream": "the end of the spec too early", "end of stream": "the end of the spec"}
_YAML_HINTS = {
    "mapping values are not allowed": N_("a value containing ': ' must be quoted, e.g. - \"Conv2D(8, 3)\""),
    "found character '\\t'": N_("indent with spaces, not tabs"),
    "flow mapping": N_("check that every '{' has its '}' and items are separated by commas"),
    "flow sequence": N_("check that every '[' has its ']' and items are separated by commas"),
    "quoted scalar": N_("close the quote"),
    "block": N_("check the indentation: items of one list or mapping start in the same column"),
    "constructor for the tag": N_("tags such as !!python/... are not allowed; write plain values"),
}


def _yaml_error(exc: yaml.MarkedYAMLError) -> SpecError:
    """A YAML syntax error in words, located where the reader can fix it."""
    problem = exc.problem or exc.context or "invalid YAML"
    for raw, word in _YAML_WORDS.items():
        problem = problem.replace(f"'{raw}'", word).replace(raw, word)
    mark = exc.problem_mark or exc.context_mark
    line = mark.line + 1 if mark else None
    message = _("invalid YAML: {problem}", problem=problem)
    if exc.context and exc.context_mark and exc.problem and exc.context_mark.line + 1 != line:
        message += _(" ({context} that starts on line {line})", context=exc.context, line=exc.context_mark.line + 1)
        if "the end of the spec" in problem:  # an unclosed bracket or quote: point at where it opens
            line = exc.context_mark.line + 1
    text = f"{exc.context or ''} {exc.problem or ''}"
    hint = next((_(h) for key, h in _YAML_HINTS.items() if key in text), None)
    return SpecError(message, line=line, hint=hint)


#: libyaml accepts tabs as separators, '?' inside flow collections and byte order marks past the
#: start, which the pure-Python loader refuses (or reads otherwise)
_LIBYAML_LENIENT = ("\t", "?", "\ufeff")


def load_yaml_full(text: str) -> Any:
    """Parse YAML safely, keeping line numbers; a syntax error becomes a SpecError with its line.

    With libyaml (PyYAML usually has it) the text is read by :class:`_FastLineLoader`; text it
    does not accept, or may accept where the pure-Python loader does not, is read by the
    pure-Python loader, so the same text gives the same values, lines and messages either way.
    """
    if _FastLineLoader is not None and not any(c in text for c in _LIBYAML_LENIENT):
        try:
            return yaml.load(text, Loader=_FastLineLoader)
        except SpecError:
            raise
        except Exception:  # a wrong spec: the reference loader below says what is wrong, in its words
            pass
    try:
        return yaml.load(text, Loader=_LineLoader)
    except SpecError:
        raise
    except yaml.MarkedYAMLError as exc:
        raise _yaml_error(exc) from None
    except yaml.reader.ReaderError as exc:
        line = text[: exc.position].count("\n") + 1 if isinstance(exc.position, int) else None
        char = exc.character if isinstance(exc.character, int) else ord(str(exc.character)[:1] or "\0")
        raise SpecError(_("invalid YAML: the control character U+{char:04X} is not allowed", char=char), line=line,
                        hint=_("remove control characters; the spec must be plain text")) from None
    except yaml.YAMLError as exc:
        raise SpecError(_("invalid YAML: {exc}", exc=shown(str(exc), 200))) from None

"""The YAML most specs are written in, read without PyYAML; anything else is left to the full loader.

Importing PyYAML costs more than everything else a ``cnnsummary`` run does (it compiles its regular
expressions and imports its emitter and representer on every start), so a spec written in the usual
subset is read here, in one linear pass over its lines:

- block mappings (``key: value``) and block lists (``- item``, ``- key: value`` items, and lists under
  a key at the key's own indentation);
- lists and mappings in brackets (``[224, 224, 3]``, ``{filters: 64, stride: 1}``) on one line;
- plain values on one line, and single- or double-quoted ones without backslash escapes;
- comments and blank lines.

The values and line numbers are those the PyYAML loader gives (YAML 1.1 as ``SafeLoader`` reads it):
``tests/test_yaml_loader.py`` checks the two readers agree on the test specs, the gallery and many
edited specs.  Whatever this reader does not know exactly (anchors and aliases, tags, multi-line
values, escapes, numbers other than plain decimals, duplicate keys, tabs, deep nesting, wrong
indentation ...) raises :class:`NotPlain`, and the full loader reads the text: its values, bounds and
error messages are the reference.  So this reader never reports an error of its own.
"""

from __future__ import annotations

from .limits import MAX_DEPTH


class NotPlain(Exception):
    """The text is outside the subset read here (or wrong): the full loader must read it."""


class LineDict(dict):
    """A mapping that remembers the line of each key (1-based)."""

    line: int | None = None
    key_lines: dict


class LineList(list):
    """A sequence that remembers the line of each item (1-based)."""

    line: int | None = None
    item_lines: list[int]


#: characters of a mapping key read here (others, quoted keys included, go to the full loader)
_KEY_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.$")
#: characters of YAML 1.1 integers and floats after the sign (0x1F, 0b10, 1_000, 3:25:45, 1.5e+3)
_NUMBER_CHARS = frozenset("0123456789_:.eE+-xXabcdefABCDEF")
_BOOLS = {"yes": True, "Yes": True, "YES": True, "no": False, "No": False, "NO": False,
          "true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False,
          "on": True, "On": True, "ON": True, "off": False, "Off": False, "OFF": False}
_NULLS = frozenset(("~", "null", "Null", "NULL"))
#: characters that cannot start a plain value (or start one this reader leaves to the full loader)
_NOT_PLAIN_START = frozenset("?:,[]{}#&*!|>'\"%@`<=")
_FLOW_END = frozenset(",[]{}")


def read_plain(text: str) -> LineDict | LineList:
    """The mapping or list of ``text``; :class:`NotPlain` when the full loader must read it."""
    lines = text.split("\n")
    rows: list[tuple[int, int, str]] = []  # (line number, indentation, text) of the lines that hold something
    for number, line in enumerate(lines, 1):
        if not line.isprintable():  # tabs, \r, control characters, byte order marks: the full loader's rules
            raise NotPlain
        content = line.lstrip(" ")
        if content and content[0] != "#":
            if content.startswith(("---", "...", "%")):  # documents and directives
                raise NotPlain
            rows.append((number, len(line) - len(content), content))
    if not rows:
        raise NotPlain
    reader = _Reader(rows)
    value = reader.node(0, -1, 1)
    if reader.at != len(rows):  # a line left over: wrong indentation, a second document ...
        raise NotPlain
    return value


class _Reader:
    """The block structure of the rows, one node at a time."""

    def __init__(self, rows: list[tuple[int, int, str]]) -> None:
        self.rows = rows
        self.at = 0  # the next row to read

    def node(self, at: int, parent: int, depth: int) -> LineDict | LineList:
        """The mapping or list starting on row ``at``, more indented than ``parent``."""
        _, indent, content = self.rows[at]
        if indent <= parent:
            raise NotPlain
        if content[0] == "-" and (len(content) == 1 or content[1] == " "):
            return self.sequence(at, indent, depth)
        key = _key(content)
        if key is None:
            raise NotPlain  # a value on a line of its own: a document that is one value, a multi-line value
        return self.mapping(at, indent, content, depth)

    def sequence(self, at: int, column: int, depth: int) -> LineList:
        """A block list whose ``-`` are in ``column``."""
        if depth >= MAX_DEPTH:
            raise NotPlain  # the full loader says how deep is too deep
        rows = self.rows
        out = LineList()
        out.line = rows[at][0]
        out.item_lines = []
        while at < len(rows):
            number, indent, content = rows[at]
            if indent != column or content[0] != "-" or not (len(content) == 1 or content[1] == " "):
                break
            rest = content[1:].lstrip(" ")
            if not rest or rest[0] == "#":  # the item on the following lines
                if at + 1 >= len(rows) or rows[at + 1][1] <= column:
                    raise NotPlain  # an empty item
                value = self.node(at + 1, column, depth + 1)
                out.item_lines.append(rows[at + 1][0])
                at = self.at
            elif rest[0] == "-" and (len(rest) == 1 or rest[1] == " "):
                raise NotPlain  # - - a list in a list on one line
            elif _key(rest) is not None:
                value = self.mapping(at, len(content) - len(rest) + column, rest, depth + 1)
                out.item_lines.append(number)
                at = self.at
            else:
                value = _inline(rest, number, depth + 1)
                out.item_lines.append(number)
                at += 1
                if at < len(rows) and rows[at][1] > column:
                    raise NotPlain  # a value continued on the next line
            out.append(value)
        self.at = at
        return out

    def mapping(self, at: int, column: int, first: str, depth: int) -> LineDict:
        """A block mapping whose keys are in ``column``; ``first`` is the text of its first entry."""
        if depth >= MAX_DEPTH:
            raise NotPlain
        rows = self.rows
        out = LineDict()
        out.line = rows[at][0]
        out.key_lines = {}
        content = first
        while True:
            number = rows[at][0]
            key = _key(content)
            if key is None:
                raise NotPlain
            name, rest = key
            name_value = _resolve(name)
            if name_value in out:  # a duplicate key: the full loader's error
                raise NotPlain
            rest = rest.lstrip(" ")
            at += 1
            if not rest or rest[0] == "#":  # the value on the following lines, or none
                if at < len(rows) and rows[at][1] > column:
                    value = self.node(at, column, depth + 1)
                    at = self.at
                elif at < len(rows) and rows[at][1] == column and rows[at][2][0] == "-" and (
                        len(rows[at][2]) == 1 or rows[at][2][1] == " "):
                    value = self.sequence(at, column, depth + 1)  # a list at the key's indentation
                    at = self.at
                else:
                    value = None
            else:
                value = _inline(rest, number, depth + 1)
                if at < len(rows) and rows[at][1] > column:
                    raise NotPlain  # a value continued on the next line
            out[name_value] = value
            out.key_lines[name_value] = number
            if at >= len(rows) or rows[at][1] != column:
                break
            content = rows[at][2]
        self.at = at
        return out


def _key(content: str) -> tuple[str, str] | None:
    """``(key, rest)`` when ``content`` starts a mapping entry (``key:`` then a space or the end); None when
    it is a value; NotPlain for a key this reader does not read."""
    if content[0] in "'\"[{":
        return None  # a quoted or bracketed value (followed by ': ', the full loader reads it)
    comment = content.find(" #")
    head = content if comment < 0 else content[:comment].rstrip(" ")
    colon = head.find(": ")
    if colon < 0:
        if not head.endswith(":"):
            return None
        colon = len(head) - 1
    name = head[:colon]
    if not name or len(name) > 200 or not _KEY_CHARS.issuperset(name) or name[0] == "-":
        raise NotPlain
    return name, content[colon + 1:]


def _after(text: str, end: int) -> None:
    """Only spaces or a comment may follow a value on its line."""
    rest = text[end:]
    if rest and (rest[0] != " " or rest.lstrip(" ")[:1] not in ("", "#")):
        raise NotPlain


def _inline(text: str, line: int, depth: int) -> object:
    """A value written on one line after ``key:`` or ``-``."""
    if depth >= MAX_DEPTH:
        raise NotPlain
    first = text[0]
    if first in "[{":
        value, end = _flow(text, 0, line, depth)
        _after(text, end)
        return value
    if first in "'\"":
        value, end = _quoted(text, 0)
        _after(text, end)
        return value
    comment = text.find(" #")
    if comment >= 0:
        text = text[:comment]
    text = text.rstrip(" ")
    if first in _NOT_PLAIN_START or _is_dash(text) or text.endswith(":") or ": " in text:
        raise NotPlain
    return _resolve(text)


def _flow(text: str, at: int, line: int, depth: int) -> tuple[object, int]:
    """The list or mapping in brackets starting at ``text[at]``, and the index after it."""
    if depth >= MAX_DEPTH:
        raise NotPlain
    closing = "]" if text[at] == "[" else "}"
    out: LineList | LineDict
    if closing == "]":
        out = LineList()
        out.item_lines = []
    else:
        out = LineDict()
        out.key_lines = {}
    out.line = line
    at = _skip(text, at + 1)
    if text[at:at + 1] == closing:
        return out, at + 1
    while True:
        if closing == "}":
            end = text.find(": ", at)
            if end < 0:
                raise NotPlain
            name = text[at:end].rstrip(" ")
            if not name or not _KEY_CHARS.issuperset(name) or name[0] == "-":
                raise NotPlain
            key = _resolve(name)
            if key in out:
                raise NotPlain
            value, at = _flow_value(text, _skip(text, end + 2), line, depth + 1)
            out[key] = value  # type: ignore[index]
            out.key_lines[key] = line  # type: ignore[union-attr]
        else:
            value, at = _flow_value(text, at, line, depth + 1)
            out.append(value)  # type: ignore[union-attr]
            out.item_lines.append(line)  # type: ignore[union-attr]
        at = _skip(text, at)
        mark = text[at:at + 1]
        if mark == closing:
            return out, at + 1
        if mark != ",":
            raise NotPlain
        at = _skip(text, at + 1)
        if text[at:at + 1] in (closing, ""):
            raise NotPlain  # a trailing comma, or the list goes on on the next line


def _is_dash(text: str) -> bool:
    """Whether ``text`` starts with a list item's ``-`` (a plain value may start with ``-1``, not ``- 1``)."""
    return text[0] == "-" and (len(text) == 1 or text[1] == " ")


def _skip(text: str, at: int) -> int:
    while text[at:at + 1] == " ":
        at += 1
    return at


def _flow_value(text: str, at: int, line: int, depth: int) -> tuple[object, int]:
    """A value inside brackets, and the index after it."""
    first = text[at:at + 1]
    if first in ("[", "{"):
        return _flow(text, at, line, depth)
    if first in ("'", '"'):
        return _quoted(text, at)
    end = at
    while end < len(text) and text[end] not in _FLOW_END:
        end += 1
    value = text[at:end].rstrip(" ")
    if not value or value[0] in _NOT_PLAIN_START or _is_dash(value) or ":" in value or "#" in value:
        raise NotPlain
    return _resolve(value), end


def _quoted(text: str, at: int) -> tuple[str, int]:
    """A quoted value on one line without escapes, and the index after its closing quote."""
    quote = text[at]
    if quote == '"':
        end = text.find('"', at + 1)
        if end < 0 or "\\" in text[at + 1:end]:
            raise NotPlain
        return text[at + 1:end], end + 1
    parts = []
    start = at + 1
    while True:
        end = text.find("'", start)
        if end < 0:
            raise NotPlain
        parts.append(text[start:end])
        if text[end + 1:end + 2] != "'":
            return "'".join(parts), end + 1
        start = end + 2


def _resolve(text: str) -> object:
    """A plain value as YAML 1.1 reads it: None, a boolean, a decimal integer or float, or text."""
    if text in _BOOLS:
        return _BOOLS[text]
    if text in _NULLS:
        return None
    body = text[1:] if text[0] in "+-" else text
    if body and (body[0].isdigit() or body[0] == "."):
        if body.isdigit() and body.isascii() and len(body) < 18 and (body[0] != "0" or body == "0"):
            return -int(body) if text[0] == "-" else int(body)
        whole, dot, fraction = body.partition(".")
        if dot and whole.isdigit() and (fraction.isdigit() or not fraction) and body.isascii() and len(body) < 40:
            return -float(body) if text[0] == "-" else float(body)
        if _NUMBER_CHARS.issuperset(body) or body.lower() in (".inf", ".nan"):
            raise NotPlain  # 0x1F, 1_000, 3:25, 1.5e+3, 010, .inf ...: the full loader's readings and errors
    return text

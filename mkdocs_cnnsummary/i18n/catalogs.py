"""The catalog files: marked messages found in the sources, ``.po`` files read and written, ``.mo`` compiled.

Pure Python and standard library only (``ast`` for the sources, the ``.mo`` layout of GNU gettext), so a
translator needs no gettext tools: ``python -m mkdocs_cnnsummary.i18n update`` adds new messages to every
``.po`` file and compiles them.
"""

from __future__ import annotations

import ast
import re
import struct
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from . import DOMAIN, STEP_CONTEXT

PACKAGE = Path(__file__).resolve().parent.parent
LOCALE = PACKAGE / "locale"
TEMPLATE = LOCALE / f"{DOMAIN}.pot"
#: the marking functions and the context each gives its messages
MARKERS = {"_": None, "N_": None, "S_": STEP_CONTEXT}
PLURAL_MARKERS = ("ngettext",)
#: ``_("...")`` in a Jinja template
_TEMPLATE_CALL = re.compile(r"""\b_\(\s*(?:"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)')\s*[,)]""")
FIELD = re.compile(r"\{(\w*)(?:![rsa])?(?::[^{}]*)?\}")


@dataclass
class Entry:
    """One message: its context, English text (and plural), translations and where it is used."""

    msgid: str
    context: str | None = None
    plural: str | None = None
    strings: list[str] = field(default_factory=list)
    places: list[str] = field(default_factory=list)
    fuzzy: bool = False

    @property
    def key(self) -> tuple[str | None, str]:
        return (self.context, self.msgid)

    @property
    def translated(self) -> bool:
        return bool(self.strings) and all(self.strings) and not self.fuzzy


# finding the marked messages -----------------------------------------------------------------------------

def extract(root: Path = PACKAGE) -> dict[tuple[str | None, str], Entry]:
    """Every marked message of the package's modules and templates, in the order met."""
    found: dict[tuple[str | None, str], Entry] = {}

    def add(entry: Entry, place: str) -> None:
        entry = found.setdefault(entry.key, entry)
        if place not in entry.places:
            entry.places.append(place)

    for path in sorted(root.rglob("*.py")):
        where = path.relative_to(root.parent).as_posix()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            for entry in _marked(node):
                add(entry, f"{where}:{node.lineno}")
    for path in sorted((root / "templates").glob("*")):
        text = path.read_text(encoding="utf-8")
        for m in _TEMPLATE_CALL.finditer(text):
            raw = m.group(1) if m.group(1) is not None else m.group(2)
            line = text.count("\n", 0, m.start()) + 1
            add(Entry(raw.encode().decode("unicode_escape")), f"{path.relative_to(root.parent).as_posix()}:{line}")
    return found


def _marked(node: ast.AST) -> Iterator[Entry]:
    if not isinstance(node, ast.Call):
        return
    name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", None)
    texts = [a.value for a in node.args if isinstance(a, ast.Constant) and isinstance(a.value, str)]
    if name in MARKERS and len(node.args) == 1 and len(texts) == 1:
        yield Entry(texts[0], MARKERS[name])
    elif name in PLURAL_MARKERS and len(texts) >= 2 and len(node.args) == 3:
        yield Entry(texts[0], None, texts[1])


def placeholders(text: str) -> set[str]:
    """The named fields of a template: ``{name!r} of {n:,}`` -> ``{"name", "n"}``."""
    return {m.group(1) for m in FIELD.finditer(text.replace("{{", "").replace("}}", ""))}


# .po files -----------------------------------------------------------------------------------------------

def read_po(path: Path, *, obsolete: bool = False) -> tuple[str, dict[tuple[str | None, str], Entry]]:
    """(header, entries) of a ``.po`` file; with ``obsolete=True`` the entries kept as ``#~`` lines instead
    (translations of messages the code no longer marks, or does not mark yet)."""
    entries: dict[tuple[str | None, str], Entry] = {}
    header = ""
    current: Entry | None = None
    target: tuple[str, int] | None = None
    flags: list[str] = []
    places: list[str] = []

    def finish() -> None:
        nonlocal current, header
        if current is None:
            return
        if current.msgid == "" and current.context is None:
            header = current.strings[0] if current.strings else ""
        else:
            entries[current.key] = current
        current = None

    for raw in path.read_text(encoding="utf-8").splitlines():
        if raw.startswith("#~") != obsolete and not (obsolete and not raw.strip()):
            continue
        line = raw[2:].strip() if obsolete else raw.strip()
        if not line:
            continue
        if line.startswith("#,"):
            finish()
            flags = [f.strip() for f in line[2:].split(",")]
            continue
        if line.startswith("#:"):
            finish()
            places += line[2:].split()
            continue
        if line.startswith("#"):
            continue
        keyword, _, rest = line.partition(" ")
        if keyword.startswith('"'):
            value, keyword = _unquote(line), ""
        else:
            value = _unquote(rest)
        if keyword == "msgctxt" or (keyword == "msgid" and (current is None or target is None
                                                            or target[0] != "msgctxt")):
            finish()
            current = Entry("", fuzzy="fuzzy" in flags, places=places)
            flags, places = [], []
        if current is None:
            raise ValueError(f"{path}: a string outside an entry: {raw!r}")
        if keyword == "msgctxt":
            current.context, target = value, ("msgctxt", 0)
        elif keyword == "msgid":
            current.msgid, target = value, ("msgid", 0)
        elif keyword == "msgid_plural":
            current.plural, target = value, ("msgid_plural", 0)
        elif keyword.startswith("msgstr"):
            index = int(keyword[7:-1]) if keyword.startswith("msgstr[") else 0
            while len(current.strings) <= index:
                current.strings.append("")
            current.strings[index], target = value, ("msgstr", index)
        elif keyword == "" and target is not None:
            kind, index = target
            if kind == "msgctxt":
                current.context = (current.context or "") + value
            elif kind == "msgid":
                current.msgid += value
            elif kind == "msgid_plural":
                current.plural = (current.plural or "") + value
            else:
                current.strings[index] += value
        else:
            raise ValueError(f"{path}: cannot read {raw!r}")
    finish()
    return header, entries


_ESCAPES = {"n": "\n", "t": "\t", '"': '"', "\\": "\\", "r": "\r"}


def _unquote(text: str) -> str:
    text = text.strip()
    if len(text) < 2 or text[0] != '"' or text[-1] != '"':
        raise ValueError(f"not a quoted string: {text!r}")
    return re.sub(r"\\(.)", lambda m: _ESCAPES.get(m.group(1), "\\" + m.group(1)), text[1:-1])


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t") + '"'


def write_po(path: Path, header: str, entries: Iterable[Entry], obsolete: Iterable[Entry] = ()) -> None:
    """Write a ``.po`` file (``msgstr ""`` for what is not translated yet; ``obsolete`` entries as ``#~`` lines)."""
    out = ['msgid ""', "msgstr " + _quote(header), ""]
    for entry in entries:
        if entry.places:
            out.append("#: " + " ".join(entry.places[:4]))
        if entry.fuzzy:
            out.append("#, fuzzy")
        if "{" in entry.msgid:
            out.append("#, python-brace-format")
        if entry.context is not None:
            out.append("msgctxt " + _quote(entry.context))
        out.append("msgid " + _quote(entry.msgid))
        if entry.plural is not None:
            out.append("msgid_plural " + _quote(entry.plural))
            strings = entry.strings or ["", ""]
            out += [f"msgstr[{i}] " + _quote(s) for i, s in enumerate(strings)]
        else:
            out.append("msgstr " + _quote(entry.strings[0] if entry.strings else ""))
        out.append("")
    for entry in obsolete:
        if entry.context is not None:
            out.append("#~ msgctxt " + _quote(entry.context))
        out.append("#~ msgid " + _quote(entry.msgid))
        out.append("#~ msgstr " + _quote(entry.strings[0] if entry.strings else ""))
        out.append("")
    path.write_text("\n".join(out), encoding="utf-8")


# .mo files -----------------------------------------------------------------------------------------------

def compile_mo(header: str, entries: Iterable[Entry]) -> bytes:
    """The GNU ``.mo`` bytes of the translated entries (what :mod:`gettext` reads)."""
    pairs = {b"": header.encode("utf-8")}
    for entry in entries:
        if not entry.translated:
            continue
        key = entry.msgid if entry.plural is None else entry.msgid + "\x00" + entry.plural
        if entry.context is not None:
            key = entry.context + "\x04" + key
        pairs[key.encode("utf-8")] = "\x00".join(entry.strings).encode("utf-8")
    keys = sorted(pairs)
    count = len(keys)
    originals_at = 7 * 4
    translations_at = originals_at + count * 8
    data_at = translations_at + count * 8
    originals, translations, data = [], [], b""
    for key in keys:
        originals.append((len(key), data_at + len(data)))
        data += key + b"\x00"
    for key in keys:
        value = pairs[key]
        translations.append((len(value), data_at + len(data)))
        data += value + b"\x00"
    head = struct.pack("<7I", 0x950412DE, 0, count, originals_at, translations_at, 0, data_at)
    tables = b"".join(struct.pack("<2I", *p) for p in originals + translations)
    return head + tables + data


def po_files(root: Path = LOCALE) -> list[Path]:
    """Every language's ``.po`` file."""
    return sorted(root.glob(f"*/LC_MESSAGES/{DOMAIN}.po"))


def compile_file(po: Path) -> Path:
    """Compile ``po`` into the ``.mo`` beside it."""
    header, entries = read_po(po)
    mo = po.with_suffix(".mo")
    mo.write_bytes(compile_mo(header, entries.values()))
    return mo


POT_HEADER = ("Project-Id-Version: mkdocs-cnnsummary\nMIME-Version: 1.0\n"
              "Content-Type: text/plain; charset=UTF-8\nContent-Transfer-Encoding: 8bit\n")


def update(root: Path = LOCALE) -> list[Path]:
    """Write the template of every marked message and bring each ``.po`` up to date with it: new messages
    are added (with the translation an obsolete entry holds for them, else untranslated), messages no longer
    marked become obsolete entries; then compile each ``.po``."""
    found = extract()
    write_po(root / f"{DOMAIN}.pot", POT_HEADER, found.values())
    written = []
    for po in po_files(root):
        header, entries = read_po(po)
        kept = {**read_po(po, obsolete=True)[1], **{k: e for k, e in entries.items() if e.translated}}
        merged = []
        for key, entry in found.items():
            old = entries.get(key) if key in entries and entries[key].translated else kept.get(key)
            merged.append(Entry(entry.msgid, entry.context, entry.plural, old.strings if old else [],
                                entry.places, old.fuzzy if old else False))
        obsolete = [e for k, e in sorted(kept.items(), key=lambda item: (item[0][0] or "", item[0][1]))
                    if k not in found and e.plural is None and e.translated]
        write_po(po, header, merged, obsolete)
        written.append(compile_file(po))
    return written


def new_language(name: str, root: Path = LOCALE) -> Path:
    """Start the ``.po`` of a new language from the template (then translate it and run ``update``)."""
    folder = root / name / "LC_MESSAGES"
    folder.mkdir(parents=True, exist_ok=True)
    po = folder / f"{DOMAIN}.po"
    if po.exists():
        raise FileExistsError(po)
    header = POT_HEADER + f"Language: {name}\nPlural-Forms: nplurals=2; plural=(n != 1);\n"
    write_po(po, header, extract().values())
    return po

"""The state of one reading: budget, notes, the files read, imports and the framework bindings.

Imports are resolved here, in this order: the reader's own safe modules (``math``), a framework
binding's modules (``keras``, ``tensorflow``, ``lasagne``, ``nolearn`` ...), the project's own
modules (files under the root, read and interpreted, never imported), and anything else, which
becomes an :class:`~.runtime.Opaque` module: usable by statements that build nothing, an error
when it would take part in the network.
"""

from __future__ import annotations

import ast
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..engine.errors import did_you_mean
from ..engine.summary import Notice
from ..i18n import _, ngettext
from .builtins import BUILTINS, math_module
from .limits import Budget, Limits
from .runtime import Function, Module, Opaque
from .stdlib import standard_module

if TYPE_CHECKING:
    from .bindings import Binding
    from .interpreter import Interpreter, Scope

#: modules of data, plotting and training tools: their calls build nothing
DATA_MODULES = frozenset({
    "numpy", "pandas", "matplotlib", "seaborn", "sklearn", "scipy", "cv2", "PIL", "skimage", "imageio", "os", "sys",
    "glob", "json", "pickle", "time", "datetime", "random", "pathlib", "shutil", "h5py", "tqdm", "argparse",
    "logging", "warnings", "collections", "itertools", "functools", "csv", "re", "gc", "tensorflow_datasets",
    "wandb", "mlflow", "pydot", "graphviz", "IPython", "google", "requests", "urllib", "zipfile", "tarfile",
    "typing", "dataclasses", "abc", "copy", "pprint", "io", "subprocess", "platform", "socket", "struct",
})


@dataclass
class SourceFile:
    """A file (or the block's text) being read: its path for messages, text, tree and module name."""

    path: str | None
    text: str
    tree: ast.Module
    module_name: str = "__main__"
    location: Path | None = None  # the file on disk (for relative imports)
    package: str | None = None  # the package it belongs to (``torchvision.models``), for relative imports


@dataclass
class Skipped:
    text: str
    line: int | None
    file: str | None


@dataclass
class Session:
    """Everything one reading shares: the budget, notes, files, modules and bindings."""

    limits: Limits = field(default_factory=Limits)
    root: Path | None = None  # the project directory imports may be read from
    framework: str | None = None  # the framework of the code (detected or given)
    bindings: dict[str, Binding] = field(default_factory=dict)
    notices: list[Notice] = field(default_factory=list)
    skipped_statements: list[Skipped] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)
    modules: dict[str, Any] = field(default_factory=dict)
    main: SourceFile | None = None
    main_scope: Scope | None = None
    definitions: list[tuple[str, Any, int, str | None]] = field(default_factory=list)
    built_count: int = 0  # models built so far, by every binding

    def __post_init__(self) -> None:
        self.budget = Budget(self.limits)
        self._seen: set[tuple[Any, ...]] = set()
        self._loading: set[str] = set()
        self._undefined: set[str] = set()

    # notes ---------------------------------------------------------------------------------------------
    def notice(self, message: str, line: int | None, file: str | None, *, hint: str | None = None,
               kind: str | None = None, layer: str | None = None) -> None:
        """A warning or note for the reader's result (each once)."""
        key = (message, line, file)
        if key in self._seen:
            return
        self._seen.add(key)
        if file is not None and self.main is not None and file != self.main.path:
            message = f"{file}: {message}"
        self.notices.append(Notice(message, line, hint, layer, kind))

    def skip(self, text: str, line: int | None, file: str | None) -> None:
        self.skipped_statements.append(Skipped(text, line, file))

    def skipped_notice(self) -> Notice | None:
        """One note listing the statements that built nothing (``model.compile (line 40)`` ...)."""
        if not self.skipped_statements:
            return None
        seen: dict[tuple[str, str | None], list[int]] = {}
        for s in self.skipped_statements:
            seen.setdefault((s.text, s.file), [])
            if s.line is not None and s.line not in seen[(s.text, s.file)]:
                seen[(s.text, s.file)].append(s.line)
        parts = []
        for (text, file), lines in list(seen.items())[:12]:
            where = ", ".join(str(n) for n in lines[:4]) + (" ..." if len(lines) > 4 else "")
            prefix = f"{file}: " if file and self.main and file != self.main.path else ""
            on = ngettext("{prefix}{text} (line {where})", "{prefix}{text} (lines {where})", len(lines))
            parts.append(on.format(prefix=prefix, text=text, where=where) if lines else text)
        more = _(" and {count} more", count=len(seen) - 12) if len(seen) > 12 else ""
        first = next((s.line for s in self.skipped_statements if s.line is not None), None)
        return Notice(_("skipped, as they build nothing: {parts}{more}", parts="; ".join(parts), more=more), first,
                      _("they change no shape or count"), None, "skipped")

    # names -----------------------------------------------------------------------------------------------
    def builtin(self, name: str) -> Any:
        return BUILTINS.get(name)

    def binding_order(self) -> list[Binding]:
        """The bindings, the code's own framework first."""
        bindings = list(self.bindings.values())
        bindings.sort(key=lambda b: b.name != self.framework)
        return bindings

    def missing_name(self, name: str, interp: Interpreter, node: ast.AST) -> Any:
        """A name used without its import that is plainly the framework's (``DepthwiseConv2D``)."""
        for binding in self.binding_order():
            if self.framework is not None and binding.name != self.framework:
                continue
            value = binding.missing_name(name, interp, node)
            if value is not None:
                return value
        return None

    def undefined(self, name: str, scope: Scope, interp: Interpreter, node: ast.AST) -> Opaque:
        """A name the code never defines: unknown, and an error only where the network needs it (pasted
        code often leaves out the lines that load data, such as the ``X`` of ``X.shape[1]``)."""
        names: set[str] = set(BUILTINS)
        s: Scope | None = scope
        while s is not None:
            names.update(s.vars)
            s = s.parent
        close = did_you_mean(name, sorted(names))
        reason = _("is not defined in the code{value}", value=f" ({close})" if close else "")
        line = getattr(node, "lineno", None)
        if name in self._undefined:
            return Opaque(name, line, interp.file, reason)
        self._undefined.add(name)
        self.notice(_("`{name}` is not defined in the code; what depends on it is not known", name=name), line,
                    interp.file,
                    hint=_("{value}paste the definition of {name} (or its import)", value=f"{close} " if close else "",
                           name=name),
                    kind="undefined")
        return Opaque(name, line, interp.file, reason)

    def expression_statement(self, value: Any, stmt: ast.Expr, interp: Interpreter) -> None:
        if interp.source is not self.main:
            return
        for binding in self.bindings.values():
            binding.expression_statement(value, stmt, interp)

    def defined(self, name: str, value: Any, stmt: ast.stmt, scope: Scope, interp: Interpreter) -> None:
        """Remember the functions the main file defines at top level (the candidates to summarise)."""
        if scope is self.main_scope and isinstance(value, Function):
            self.definitions = [d for d in self.definitions if d[0] != name]
            self.definitions.append((name, value, stmt.lineno, interp.file))

    # imports ---------------------------------------------------------------------------------------------
    def import_module(self, dotted: str, level: int, interp: Interpreter, node: ast.AST) -> Any:
        """The module an ``import`` names (a binding's, a project file, or an opaque one)."""
        if level:
            return self._relative_module(dotted, level, interp, node)
        if dotted in self.modules:
            return self.modules[dotted]
        module = self._find_module(dotted, interp, node)
        self.modules[dotted] = module
        return module

    def _find_module(self, dotted: str, interp: Interpreter, node: ast.AST) -> Any:
        top = dotted.split(".")[0]
        if dotted == "math":
            return math_module()
        standard = standard_module(dotted)
        if standard is not None:
            return standard
        if top == "__future__":
            return Module("__future__", {}, getter=lambda name: True)
        for binding in self.binding_order():
            module = binding.module(dotted, interp, node)
            if module is not None:
                return module
        found = self._project_file(dotted, interp)
        if found is not None:
            return self._load_file(found, dotted, interp, node)
        reason = (_("is data, plotting or training code that the reader does not run") if top in DATA_MODULES else
                  _("is not part of the code the reader was given"))
        return Opaque(dotted, getattr(node, "lineno", None), interp.file, reason)

    def _relative_module(self, dotted: str, level: int, interp: Interpreter, node: ast.AST) -> Any:
        source = interp.source
        here = source.location.parent if source is not None and source.location is not None else None
        text = "." * level + dotted
        if here is None or self.root is None:
            return Opaque(text, getattr(node, "lineno", None), interp.file,
                          _('is a relative import, which the reader can follow only for a file (write '
                            'source="path/to/model.py" instead of pasting the code)'))
        base = here
        for _ignored in range(level - 1):
            base = base.parent
        if not dotted:  # from . import blocks: the package's modules, read when named
            package_name = source.module_name.rsplit(".", 1)[0] if "." in source.module_name else "."
            return Module(package_name, {}, getter=lambda name: self._relative_module(name, level, interp, node),
                          path=self.display(base / "__init__.py"))
        target = base.joinpath(*dotted.split(".")) if dotted else base
        package = _parent_package(source, level)
        name = ".".join(p for p in (package, dotted) if p) or text
        if package:  # a module of a framework's package may have a stand-in (torchvision's weight registry)
            for binding in self.binding_order():
                module = binding.module(name, interp, node)
                if module is not None:
                    return module
        found = _module_file(target)
        if found is None or not self._inside_root(found):
            return Opaque(text, getattr(node, "lineno", None), interp.file,
                          _("is not a file under {name}/ that the reader can read", name=self.root.name))
        key = str(found)
        if key in self.modules:
            return self.modules[key]
        module = self._load_file(found, name, interp, node)
        self.modules[key] = module
        return module

    def _project_file(self, dotted: str, interp: Interpreter) -> Path | None:
        if self.root is None:
            return None
        parts = dotted.split(".")
        places = []
        source = interp.source
        if source is not None and source.location is not None:
            places.append(source.location.parent)
        places.append(self.root)
        for place in places:
            found = _module_file(place.joinpath(*parts))
            if found is not None and self._inside_root(found):
                return found
        return None

    def _inside_root(self, path: Path) -> bool:
        if self.root is None:
            return False
        try:
            resolved = path.resolve()
            root = self.root.resolve()
        except OSError:
            return False
        return os.path.commonpath([resolved, root]) == str(root)

    def _load_file(self, path: Path, name: str, interp: Interpreter, node: ast.AST) -> Module:
        """Read a project file and interpret it as a module (once per reading)."""
        key = str(path.resolve())
        for existing in self.modules.values():
            if isinstance(existing, Module) and existing.path == self.display(path):
                return existing
        if key in self._loading:
            raise interp.error(node, _("the modules import each other in a cycle ({display})",
                                       display=self.display(path)),
                               hint=_("import the module that defines the model from one file only"))
        if len(self.files) >= self.limits.files:
            raise interp.error(node, _("the code imports more than {files} files of the project",
                                       files=self.limits.files))
        from .interpreter import Scope, parse_python

        try:
            raw = path.read_bytes()
        except OSError as exc:
            raise interp.error(node, _("cannot read {display}: {value}", display=self.display(path),
                                       value=exc.strerror or exc)) from None
        if len(raw) > self.limits.source_size:
            raise interp.error(node, _("{display} is larger than the {source_size:,} characters the reader reads",
                                       display=self.display(path), source_size=self.limits.source_size))
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise interp.error(node, _("{display} is not UTF-8 text", display=self.display(path))) from None
        self.files.append(path.resolve())
        display = self.display(path)
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        source = SourceFile(display, text, parse_python(text, display, self.limits.nesting), name, path,
                            package or None)
        module = Module(name, {}, path=display)
        scope = Scope("module", None, source)
        self._loading.add(key)
        try:
            interp.run_module(source, scope)
        finally:
            self._loading.discard(key)
        module.members = scope.vars
        for binding in self.bindings.values():
            binding.loaded(module, interp)
        return module

    def import_path(self, path: Path, name: str, interp: Interpreter, node: ast.AST) -> Module:
        """A file read as the module ``name`` (once per reading)."""
        key = str(path.resolve())
        if key not in self.modules:
            self.modules[key] = self._load_file(path, name, interp, node)
        return self.modules[key]

    def definitions_of(self, path: Path, names: tuple[str, ...], interp: Interpreter, node: ast.AST) -> dict[str, Any]:
        """Only the functions ``names`` of a file (helpers of a module the reader does not read as a whole)."""
        from .interpreter import Scope, parse_python

        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise interp.error(node, _("cannot read {display}: {exc}", display=self.display(path), exc=exc)) from None
        display = self.display(path)
        tree = parse_python(text, display, self.limits.nesting)
        tree.body = [stmt for stmt in tree.body if isinstance(stmt, ast.FunctionDef) and stmt.name in names]
        source = SourceFile(display, text, tree, path.stem, path)
        scope = Scope("module", None, source)
        if path.resolve() not in self.files:
            self.files.append(path.resolve())
        interp.run_module(source, scope)
        return {name: scope.vars[name] for name in names if name in scope.vars}

    def display(self, path: Path) -> str:
        """A file's path as messages show it: relative to the root."""
        if self.root is not None:
            try:
                return path.resolve().relative_to(self.root.resolve()).as_posix()
            except ValueError:
                pass
        return path.name

    def import_name(self, module: Any, name: str, level: int, interp: Interpreter, node: ast.AST) -> Any:
        """``from module import name``: a member, or a submodule of a package."""
        if isinstance(module, Opaque):
            return module.derived(f"{module.origin}.{name}", interp)
        if isinstance(module, Module):
            value = module.get(name)
            from .runtime import _MISSING

            if value is not _MISSING:
                return value
            if module.path is not None:  # a package: the submodule
                sub = self.import_module(name, 1, interp, node) if module.path.endswith("__init__.py") else None
                if sub is not None and not isinstance(sub, Opaque):
                    return sub
            raise interp.error(node, _("cannot import {name!r} from {name2}", name=name, name2=module.name),
                               hint=(did_you_mean(name, module.public_names()) or _("check what {name} defines",
                                                                                    name=module.name)))
        raise interp.error(node, _("cannot import from {module!r}", module=module))

    def star_names(self, module: Any, interp: Interpreter, node: ast.AST) -> dict[str, Any]:
        """The names ``from module import *`` brings."""
        if isinstance(module, Opaque):
            interp.note(node, f"`from {module.origin} import *` brings names the reader does not know",
                        kind="unknown-import")
            return {}
        if isinstance(module, Module):
            names = getattr(module, "star", None)
            if callable(names):
                return names()
            return {k: v for k, v in module.members.items() if not k.startswith("_")}
        raise interp.error(node, _("cannot import * from this module"))


def _parent_package(source: SourceFile, level: int) -> str:
    """The package ``from .`` (level 1), ``from ..`` (level 2) ... names in ``source``; "" when not known."""
    package = source.package
    if package is None:
        package = source.module_name.rsplit(".", 1)[0] if "." in source.module_name else ""
    parts = package.split(".") if package else []
    if level - 1 > len(parts):
        return ""
    return ".".join(parts[:len(parts) - (level - 1)])


def package_of(path: Path) -> tuple[Path, str | None]:
    """The directory of the top package a file is in (each directory up to it has an ``__init__.py``) and
    the file's package name (``torchvision.models``); the file's own directory and None outside a package."""
    directory = path.parent
    if not (directory / "__init__.py").is_file():
        return directory, None
    parts = []
    while (directory / "__init__.py").is_file() and directory.parent != directory:
        parts.append(directory.name)
        directory = directory.parent
    top = path.parent
    for _level in range(len(parts) - 1):
        top = top.parent
    return top, ".".join(reversed(parts))


def _module_file(base: Path) -> Path | None:
    """``pkg/mod`` -> ``pkg/mod.py`` or ``pkg/mod/__init__.py`` when it exists."""
    for candidate in (base.with_name(base.name + ".py"), base / "__init__.py"):
        try:
            if candidate.is_file():
                return candidate
        except OSError:
            continue
    return None


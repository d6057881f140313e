"""The layer reference: every registered layer type, its arguments and its formulas.

The data comes from the engine's registry, so the reference cannot drift from
the code.  Formulas are shown by computing one small example per layer type:
the class's ``example`` (a call and input shapes) when it has one, otherwise an
example found by trying common argument values on a few typical input shapes.
Adding a layer type therefore needs nothing here.

Layer types are grouped in families, one per catalog module (``keras/conv.py``
holds the convolution layers), and the reference is a list of sections (heading,
anchor, HTML body) so that a platform can make real headings of them: a table of
contents, ids to link to, one search entry per layer.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from ..engine import SpecError, Summary, summarize
from ..engine.args import REQUIRED, Arg
from ..engine.framework import FRAMEWORK_MODULES, Framework, get_framework
from ..engine.layer import Layer, catalog, describe_shape
from ..engine.summary import Shape, Step

#: values tried for required arguments, by argument name (source text of a call argument)
GUESSES: dict[str, tuple[str, ...]] = {
    "filters": ("8",), "num_filters": ("8",), "out_channels": ("8",),
    "units": ("4",), "num_units": ("4",), "out_features": ("4",), "hidden_size": ("4",),
    "kernel_size": ("3",), "filter_size": ("3",), "pool_size": ("2",), "size": ("2",),
    "scale_factor": ("2",), "upscale_factor": ("2",), "strides": ("2",), "stride": ("2",),
    "rate": ("0.5",), "p": ("0.5",), "activation": ("'relu'",), "nonlinearity": ("'relu'",),
    "target_shape": ("(-1,)", "(4, -1)"), "shape": ("(-1,)",), "dims": ("(2, 1)",), "n": ("3",),
    "cropping": ("1",), "padding": ("1",), "axes": ("-1",), "axis": ("-1",),
    "input_dim": ("100",), "output_dim": ("4",), "num_embeddings": ("100",), "embedding_dim": ("4",),
    "num_heads": ("2",), "key_dim": ("4",), "embed_dim": ("{c}",), "groups": ("1",), "num_groups": ("1",),
    "layer": ("LSTM(4)", "Dense(4)"), "cell": ("LSTMCell(4)",), "incoming": ("None",),
    "epsilon": ("0.001",), "momentum": ("0.99",), "mode": ("'nearest'",),
    "stddev": ("0.1",), "scale": ("0.5",), "output_size": ("2",), "value": ("0.0",), "threshold": ("0.1",),
    "norm_type": ("2",), "downscale_factor": ("2",), "nhead": ("1",), "dim": ("1",),
    "unflattened_size": ("(2, 3)",),
}
#: required arguments that must equal the input's channel count (channels axis)
CHANNEL_ARGS = ("in_channels", "num_features", "num_channels", "input_size", "embed_dim")
#: required arguments that must equal the input's last axis
FEATURE_ARGS = ("in_features", "in1_features", "in2_features", "normalized_shape", "d_model")
#: arguments whose presence makes a flat (batch, features) input the first try
FLAT_HINTS = ("units", "num_units", "out_features", "in_features", "hidden_size", "output_dim")

#: candidate inputs (batch excluded) with the channel count C in the framework's channel position
_SPATIAL = ((8, 8), (10,), (6, 6, 6), ())
CHANNELS = 3
MAX_TRIES = 64


@dataclass(frozen=True)
class ArgumentDoc:
    """One constructor argument as the reference shows it."""

    name: str
    default: str
    affects: bool  # changes a shape or a parameter count
    doc: str


@dataclass(frozen=True)
class ExampleDoc:
    """A computed example: the call, its inputs, output and the worked steps."""

    call: str
    inputs: list[Shape]
    output: str
    params: int
    steps: list[Step]


#: family titles by catalog module, in the order the reference shows them
FAMILIES: dict[str, str] = {
    "core": "Core layers", "linear": "Linear layers", "layers": "Layers",
    "conv": "Convolution layers", "pooling": "Pooling layers", "normalization": "Normalization layers",
    "norm": "Normalization layers", "recurrent": "Recurrent layers", "attention": "Attention layers",
    "embedding": "Embedding layers", "reshaping": "Reshaping layers", "reshape": "Reshaping layers",
    "merging": "Merging layers", "merge": "Merging layers", "regularization": "Regularization layers",
    "activations": "Activation layers", "activation": "Activation layers", "wrappers": "Wrappers",
    "tensor": "Tensor methods", "indexing": "Indexing and splitting", "reduction": "Reductions",
    "parameter": "Parameters and buffers",
}


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


@dataclass(frozen=True)
class LayerDoc:
    """Everything the reference says about one layer type."""

    framework: str
    type_name: str
    aliases: tuple[str, ...]
    summary: str
    arguments: list[ArgumentDoc]
    example: ExampleDoc | None
    has_weights: bool
    is_input: bool
    family: str = "layers"  # the catalog module that defines it

    @property
    def anchor(self) -> str:
        """``ref-pytorch-conv2d``; a function or method (a lowercase name: ``add``, ``flatten``) ends in
        ``-function``, apart from the module of the same name (``Add``, ``Flatten``)."""
        function = "-function" if self.type_name[:1].islower() else ""
        return f"ref-{self.framework}-{_slug(self.type_name)}{function}"

    @property
    def family_title(self) -> str:
        return FAMILIES.get(self.family, self.family.replace("_", " ").capitalize())

    @property
    def has_formulas(self) -> bool:
        return self.example is not None and bool(self.example.steps)


@dataclass(frozen=True)
class FamilyDoc:
    """The layer types of one family (one catalog module) of a framework."""

    framework: str
    title: str
    layers: list[LayerDoc]

    @property
    def anchor(self) -> str:
        return f"ref-{self.framework}-{_slug(self.title)}"


@dataclass(frozen=True)
class FrameworkDoc:
    """One framework's part of the reference."""

    name: str
    title: str
    common_arguments: list[ArgumentDoc]
    layers: list[LayerDoc]

    @property
    def families(self) -> list[FamilyDoc]:
        """The layers grouped by family, families in the order of :data:`FAMILIES`."""
        order = list(dict.fromkeys(FAMILIES.values()))
        groups: dict[str, list[LayerDoc]] = {}
        for layer in self.layers:
            groups.setdefault(layer.family_title, []).append(layer)
        titles = sorted(groups, key=lambda t: (order.index(t) if t in order else len(order), t))
        return [FamilyDoc(self.name, title, groups[title]) for title in titles]


@dataclass(frozen=True)
class Section:
    """One heading of the reference and what follows it: ``level`` 2 is a page's top section."""

    level: int
    title: str | None  # None: no heading (the framework's introduction on a one-framework page)
    anchor: str
    html: str
    subject: FrameworkDoc | FamilyDoc | LayerDoc | None = None  # what it describes, for other renderers


# the registry -------------------------------------------------------------------------------


def layer_types(framework: str) -> list[type[Layer]]:
    """The distinct layer classes of a framework (aliases folded), sorted by name."""
    unique = {cls.type_name: cls for cls in catalog(framework).values()}
    return [unique[name] for name in sorted(unique, key=str.lower)]


def has_weights(cls: type[Layer]) -> bool:
    """Whether the layer type can have parameters (it overrides ``build``)."""
    return cls.build is not Layer.build


def document_argument(arg: Arg, fw: Framework | None = None) -> ArgumentDoc:
    default = "required" if arg.default is REQUIRED else repr(arg.default)
    return ArgumentDoc(arg.name, default, arg.used, fw.argument_doc(arg) if fw is not None else arg.doc)


# examples -----------------------------------------------------------------------------------


def _channel_position(fw: Framework, shape: Sequence[int]) -> int:
    return 0 if fw.channels_first else len(shape) - 1


def candidate_inputs(cls: type[Layer], fw: Framework) -> list[tuple[int, ...]]:
    """Typical inputs (batch excluded), image-like first, flat first for dense-like layers."""
    shapes = []
    for spatial in _SPATIAL:
        if not spatial:
            shapes.append((6,))
        elif fw.channels_first:
            shapes.append((CHANNELS, *spatial))
        else:
            shapes.append((*spatial, CHANNELS))
    names = {a.name for a in cls.arguments}
    if names & set(FLAT_HINTS):
        shapes = [shapes[3], shapes[1], shapes[0], shapes[2]]
    return shapes


def _values_for(arg: Arg, fw: Framework, shape: tuple[int, ...]) -> tuple[str, ...]:
    if arg.name in FEATURE_ARGS:
        return (str(shape[-1]),)
    if arg.name in CHANNEL_ARGS:
        return (str(shape[_channel_position(fw, shape)]),)
    return tuple(v.replace("{c}", str(shape[_channel_position(fw, shape)])) for v in GUESSES.get(arg.name, ()))


def guessed_examples(cls: type[Layer], fw: Framework) -> Iterator[tuple[str, list[tuple[int, ...]]]]:
    """Calls with every required argument filled in, each with its inputs; then with one optional
    argument more (``Upsample`` needs ``size`` or ``scale_factor``)."""
    required = [a for a in cls.arguments if a.required]
    optional = [a for a in cls.arguments if not a.required and a.default is None and a.name in GUESSES]
    copies = max(cls.min_inputs, 1)
    for extra in [None, *optional]:
        chosen = [*required, extra] if extra is not None else required
        for shape in candidate_inputs(cls, fw):
            choices = [_values_for(a, fw, shape) for a in chosen]
            if any(not c for c in choices):
                return
            for values in itertools.product(*choices):
                call = f"{cls.type_name}({', '.join(f'{a.name}={v}' for a, v in zip(chosen, values, strict=True))})"
                yield call, [shape] * copies


def compute_example(cls: type[Layer], call: str, inputs: Sequence[Sequence[int | None]]) -> Summary:
    """Run one call on the given inputs (batch excluded); SpecError when it does not apply."""
    names = [f"x{i + 1}" for i in range(len(inputs))] if len(inputs) > 1 else ["input"]
    spec: dict[str, Any] = {
        "framework": cls.framework,
        "inputs": {n: list(s) for n, s in zip(names, inputs, strict=True)} if inputs else {"input": [1]},
        "layers": [{call: None, "inputs": names}] if len(inputs) > 1 else [call],
    }  # a layer without inputs (a PyTorch Parameter) still sits in a network with one
    return summarize(spec)


def find_example(cls: type[Layer]) -> ExampleDoc | None:
    """The class's own example, or the first guessed one that computes."""
    if cls.is_input:
        return None
    fw = get_framework(cls.framework)
    if cls.example is not None:
        call, *inputs = cls.example
        tries: Iterator[tuple[str, list]] = iter([(call, list(inputs))])
    else:
        tries = guessed_examples(cls, fw)
    for call, inputs in itertools.islice(tries, MAX_TRIES):
        try:
            summary = compute_example(cls, call, inputs)
        except SpecError:
            continue
        rec = summary.layers[-1]
        output = (", ".join(describe_shape(s) for s in rec.output_shape) if rec.multi_output
                  else describe_shape(rec.output_shape))
        shapes = [i.shape for i in summary.inputs] if cls.max_inputs != 0 else []
        return ExampleDoc(call, shapes, output, rec.params, list(rec.calculation))
    return None


# assembling -------------------------------------------------------------------------------------


def document_layer(cls: type[Layer]) -> LayerDoc:
    fw = get_framework(cls.framework)
    return LayerDoc(
        framework=cls.framework,
        type_name=cls.type_name,
        aliases=tuple(cls.aliases),
        summary=cls.summary_line(),
        arguments=[document_argument(a, fw) for a in cls.arguments],
        example=find_example(cls),
        has_weights=has_weights(cls),
        is_input=cls.is_input,
        family=cls.family or cls.__module__.rsplit(".", 1)[-1],
    )


def document_framework(name: str) -> FrameworkDoc:
    fw = get_framework(name)
    return FrameworkDoc(name, fw.title, [document_argument(a, fw) for a in fw.common_args],
                        [document_layer(cls) for cls in layer_types(name)])


def installed_frameworks() -> list[str]:
    """Frameworks whose layer catalog can be imported."""
    out = []
    for name in FRAMEWORK_MODULES:
        try:
            get_framework(name)
        except ModuleNotFoundError:
            continue
        out.append(name)
    return out


def build_reference(frameworks: Sequence[str] | None = None) -> list[FrameworkDoc]:
    """The reference of the given frameworks (all installed ones by default)."""
    return [document_framework(name) for name in (frameworks or installed_frameworks())]


#: the reference's sentences and headers, for its HTML template and its docutils nodes alike
WORDS = {
    "computed": "Every example below was computed by the engine while this page was built.",
    "arguments_caption": "Arguments of {type_name} that change shapes or parameter counts or are checked, "
                         "in constructor order",
    "argument_headers": ("Argument", "Default", "Meaning"),
    "unused": "Accepted, no effect on shapes or counts: ",
    "formulas_caption": "Formulas of {type_name}, worked on the example",
    "formula_headers": ("Quantity", "Formula", "With numbers", "Result"),
    "no_calculation": "No calculation: the output shape is the input shape and there are no parameters.",
    "input": "Declares a network input: it is listed among the inputs of the table and has no parameters.",
    "no_example": "No example could be computed for this layer type.",
}


@lru_cache(maxsize=1)
def _template() -> Any:
    from jinja2 import Environment, PackageLoader, select_autoescape

    from .cell_markup import breakable_name
    from .html import codespans

    env = Environment(loader=PackageLoader("mkdocs_cnnsummary", "templates"),
                      autoescape=select_autoescape(default=True, default_for_string=True),
                      trim_blocks=True, lstrip_blocks=True)
    env.filters["thousands"] = lambda n: f"{n:,}"
    env.filters["shape"] = describe_shape
    env.filters["breakable_name"] = breakable_name
    env.filters["inline_code"] = lambda text: codespans(text, "``")  # ``x`` in a docstring
    env.globals["words"] = WORDS
    return env.get_template("reference.html").module


@lru_cache(maxsize=8)
def reference_sections(frameworks: tuple[str, ...] | None = None,
                       table_class: str = "") -> tuple[Section, ...]:
    """The reference as sections: with one framework, a section per family (level 2) and per layer type
    (level 3) after an introduction without heading; with several, a level more, the frameworks first.
    ``table_class``: the class of its tables where the platform styles tables by class (Sphinx)."""
    docs = build_reference(frameworks)
    template = _template()
    top = 2 if len(docs) > 1 else 1
    out: list[Section] = []
    for fw in docs:
        intro = str(template.framework_intro(fw, anchor=top == 1))  # else the heading has the id
        out.append(Section(top, fw.title if top == 2 else None, f"ref-{fw.name}", intro, fw))
        for family in fw.families:
            out.append(Section(top + 1, family.title, family.anchor, str(template.family_intro(family)), family))
            out.extend(Section(top + 2, layer.type_name, layer.anchor,
                               str(template.layer_body(layer, table_class)), layer) for layer in family.layers)
    return tuple(out)


@lru_cache(maxsize=8)
def render_reference(frameworks: tuple[str, ...] | None = None) -> str:
    """The reference as one piece of HTML, headings included (Jinja2 template ``reference.html``, autoescaped)."""
    from markupsafe import escape

    parts = []
    for section in reference_sections(frameworks):
        if section.title is not None:
            parts.append(f'<h{section.level} id="{section.anchor}">{escape(section.title)}</h{section.level}>')
        parts.append(section.html)
    return "\n".join(parts)

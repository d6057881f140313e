"""Keras text preprocessing: TextVectorization turns strings into token indices or counts (no weights)."""

from __future__ import annotations

from ...i18n import N_, _
from ..args import Arg, boolean, one_of, positive_int
from ..errors import SpecError
from ..layer import Calc, register
from ..summary import Shape
from .base import KerasLayer, fmt

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


@register
class TextVectorization(KerasLayer):
    """Strings to token indices (``output_mode='int'``) or to one vector per text; its vocabulary is not a weight."""

    type_name = "TextVectorization"
    element_ops = (0, N_("turns strings into indices: no arithmetic"))
    arguments = (
        Arg("max_tokens", None, positive_int, doc="vocabulary size (the output size of the vector modes)"),
        Arg("standardize", "lower_and_strip_punctuation", used=False),
        Arg("split", "whitespace", used=False),
        Arg("ngrams", None, used=False),
        Arg("output_mode", "int", one_of("int", "multi_hot", "count", "tf_idf"),
            doc="'int': one token index per word; the others: one vector of max_tokens per text"),
        Arg("output_sequence_length", None, positive_int, doc="int mode: pad or cut every text to this length"),
        Arg("pad_to_max_tokens", False, boolean, used=False),
        Arg("vocabulary", None, used=False), Arg("idf_weights", None, used=False),
        Arg("sparse", False, boolean, used=False), Arg("ragged", False, boolean, used=False),
        Arg("encoding", "utf-8", used=False),
    )
    example = ("TextVectorization(max_tokens=1000, output_sequence_length=20)", (1,))

    @classmethod
    def validate(cls, config: dict[str, Any]) -> dict[str, Any]:
        if config["output_mode"] != "int" and config["max_tokens"] is None:
            raise SpecError(_("output_mode={config!r} needs max_tokens (the size of each vector)", config=config[
                    'output_mode']),
                            layer_type=cls.type_name, hint=_("give max_tokens=..., or the vocabulary"))
        return config

    def compute_output_shape(self, inputs: list[Shape], calc: Calc) -> Shape:
        (x,) = inputs
        if len(x) > 2 or (len(x) == 2 and x[1] not in (1, None)):
            raise calc.error(_("expects one string per example, (batch,) or (batch, 1), got {fmt}", fmt=fmt(x)))
        if self.cfg.output_mode == "int":
            return (x[0], self.cfg.output_sequence_length)
        return (x[0], self.cfg.max_tokens)

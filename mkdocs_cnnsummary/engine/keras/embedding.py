"""Keras Embedding: integer indices (N, T) -> vectors (N, T, output_dim)."""

from __future__ import annotations

from ...i18n import N_, S_
from ..args import REQUIRED, Arg, boolean, ignored, non_negative_int, positive_int
from ..expr import var
from ..layer import Calc, register
from ..summary import Shape
from .base import KerasLayer


@register
class Embedding(KerasLayer):
    """Looks up one trained vector of ``output_dim`` numbers per index; a table of input_dim × output_dim."""

    type_name = "Embedding"
    arguments = (
        Arg("input_dim", REQUIRED, positive_int, doc="vocabulary size (largest index + 1)"),
        Arg("output_dim", REQUIRED, positive_int, doc="size of each vector"),
        *ignored("embeddings_initializer", "embeddings_regularizer", "embeddings_constraint"),
        Arg("mask_zero", False, boolean, used=False, doc="index 0 is padding (masked); the table keeps its row"),
        Arg("weights", None, used=False, doc="initial table"),
        Arg("lora_rank", None, non_negative_int, doc="LoRA: the table is frozen, two small trained factors added"),
        Arg("lora_alpha", None, used=False),
        Arg("quantization_config", None, used=False),
        Arg("input_length", None, used=False, doc="deprecated in Keras 3 and ignored", keyword_only=True),
    )
    example = ("Embedding(1000, 64)", (20,))
    element_ops = (0, N_("a table lookup: no arithmetic"))

    def compute_output_shape(self, inputs: list[Shape], calc: Calc) -> Shape:
        return (*inputs[0], self.cfg.output_dim)

    def build(self, inputs: list[Shape], calc: Calc) -> None:
        v = var("V", self.cfg.input_dim, S_("the vocabulary size (input_dim)"))
        d = var("d", self.cfg.output_dim, S_("the vector size (output_dim)"))
        rank = self.cfg.lora_rank
        calc.weight("embeddings", (self.cfg.input_dim, self.cfg.output_dim), trainable=not rank)
        if not rank:
            calc.params(v * d)
            return
        calc.params(v * d, quantity=S_("params: embeddings"), note=S_("frozen by LoRA: non-trainable"))
        r = var("r", rank, S_("the LoRA rank"))
        calc.weight("lora_embeddings_a", (self.cfg.input_dim, rank))
        calc.weight("lora_embeddings_b", (rank, self.cfg.output_dim))
        calc.params(v * r + r * d, quantity=S_("params: LoRA factors"))

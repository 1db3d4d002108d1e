"""The base of every planted-bug network ("mutant") of the zoo.

Kept apart from :mod:`reference_nets.zoo` so that the catalogue can be split
over several modules (:mod:`reference_nets.zoo_layers` holds the bugs of the
softmax/tanh outputs, cross-entropy, leaky ReLU and ELU) without import cycles.
"""

from __future__ import annotations

from .mlp import MLP, MLPConfig

__all__ = ["Mutant"]


class Mutant(MLP):
    """An MLP whose backward pass carries one planted bug.

    Attributes
    ----------
    mutant_name : str
        Name in :data:`MUTANTS`.
    layer : int or None
        Layer the bug sits in (``None`` for whole-network bugs).

    Build mutants through :meth:`MutantSpec.build`, which validates the layer.
    """

    mutant_name = ""

    def __init__(self, config: MLPConfig, layer: int | None = None) -> None:
        super().__init__(config)
        self.layer = layer

    def __repr__(self) -> str:
        where = "" if self.layer is None else f", layer={self.layer}"
        return f"Mutant({self.mutant_name!r}, {self.config.label!r}{where})"

    def _at(self, layer: int) -> bool:
        """Does the bug sit in ``layer``? (``self.layer`` may be a tuple of layers.)"""
        return layer in self.layer if isinstance(self.layer, tuple) else layer == self.layer

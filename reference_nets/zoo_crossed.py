"""The zoo's bugs of a layer's step fed a neighbouring layer's cached value.

Course code keeps every layer's values in one cache (``Z1, A1, Z2, A2``) and, where two layers have
the same width, a step that reads the wrong one still runs::

    dZ2 = dA2 * (A1 > 0)                    # ReLU'(Z2) taken from the layer below: (Z2 > 0) belongs
    d2 = (d3 @ W3.T) * a1 * (1 - a1)        # sigmoid'(z2) from the layer below: a2 * (1 - a2) belongs
    db1 = np.sum(dZ2, axis=1, keepdims=True)  # layer 2's delta where layer 1's dZ1 belongs

Neither is a derivative at the wrong point of the layer's own values (:mod:`reference_nets.zoo`), so
none of the single-step bugs reproduces them: this module adds them. :mod:`~reference_nets.zoo_catalogue`
and :mod:`~reference_nets.zoo_cases` add the rows below (like :mod:`reference_nets.zoo_paths`). Numpy
only; never imports ``gradcheck``.
"""

from __future__ import annotations

from .config import MLPConfig
from .mutant import Mutant

__all__ = ["CROSSED_MUTANTS", "CROSSED_REQUIREMENTS", "CROSSED_PLACEMENTS"]


class _DerivativeFromLayerBelow(Mutant):
    """``dL/dz_l = dL/da_l * f_l'(z_{l-1})``: layer ``l``'s derivative read off the layer below's values.

    As code writes it: ``(A1 > 0)`` for a ReLU over a layer whose activation keeps the sign of its
    pre-activation (tanh, ReLU, leaky ReLU, ELU), ``A1 * (1 - A1)`` or ``1 - A1**2`` (the output-form
    helper handed the layer below's activation) over a layer of the same sigmoid or tanh.
    """

    mutant_name = "derivative-from-layer-below"
    multi_layer = True

    def _hidden_delta(self, layer, upstream_da, cache, params):
        if not self._at(layer):
            return super()._hidden_delta(layer, upstream_da, cache, params)
        return upstream_da * self.config.activation(layer).prime(cache.zs[layer - 2])


class _BiasFromLayerAbove(Mutant):
    """``dL/db_l = sum of delta_{l+1}``: a bias gradient summed from the delta of the layer above."""

    mutant_name = "bias-from-layer-above"
    multi_layer = True

    def _bias_grad(self, layer, delta):
        # the backward walks down: the delta of layer + 1 was handed here one call before (stamped with its layer,
        # so that no earlier batch's delta is ever reused)
        above = self.__dict__.pop("_above", None)
        self._above = (layer, delta)
        if self._at(layer) and above is not None and above[0] == layer + 1:
            return super()._bias_grad(layer, above[1])
        return super()._bias_grad(layer, delta)


def _hidden_above_equal_width(config: MLPConfig) -> list:
    # hidden layer l >= 2 whose width is the layer below's: a_{l-1} has z_l's shape
    s = config.sizes
    return [layer for layer in range(2, config.depth + 1) if s[layer - 1] == s[layer]]


def _bias_below_equal_width(config: MLPConfig) -> list:
    # a layer with a bias under a layer of the same width: delta_{l+1} has b_l's shape
    s = config.sizes
    return [layer for layer in range(1, config.n_layers) if config.bias and s[layer] == s[layer + 1]]


#: Rows of :class:`reference_nets.zoo.MutantSpec`: (name, description, code, layered, class, where, fix).
CROSSED_MUTANTS = [
    (
        "derivative-from-layer-below",
        "hidden layer l's derivative read off the layer below (f_l'(z_{l-1}): dZ2 = dA2 * (A1 > 0), or "
        "A1 * (1 - A1) for sigmoid layers) where its own pre-activation z_l belongs; runs only because the widths "
        "agree",
        "wrong_cached_tensor",
        True,
        _DerivativeFromLayerBelow,
        _hidden_above_equal_width,
        "Take layer {l}'s derivative at its own pre-activation: dZ{l} = dA{l} * {act}'(Z{l}) ((Z{l} > 0) for ReLU), "
        "not at the activation of the layer below.",
    ),
    (
        "bias-from-layer-above",
        "db_l summed from the delta of layer l+1 (db1 = sum(dZ2)) where layer l's own delta belongs; "
        "runs only because the two widths agree",
        "wrong_cached_tensor",
        True,
        _BiasFromLayerAbove,
        _bias_below_equal_width,
        "Sum layer {l}'s own delta for its bias: db{l} = sum of dZ{l} over the samples, not the delta of the layer "
        "above.",
    ),
]
CROSSED_REQUIREMENTS = {
    "derivative-from-layer-below": "needs two hidden layers of equal width",
    "bias-from-layer-above": "needs bias=True and a layer under one of the same width",
}
#: Benchmark placements, as in ``reference_nets.zoo``: (config name, layer).
CROSSED_PLACEMENTS = {
    "derivative-from-layer-below": [("tanh-mse-d2-square", 2), ("relu-mse-d2-square", 2)],
    "bias-from-layer-above": [("tanh-mse-d2-square", 1), ("relu-mse-d2-square", 1), ("sigmoid-bce-d3-square", 2)],
}

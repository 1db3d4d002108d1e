"""The zoo's bugs of a BCE loss backpropagated the long way: ``dL/dyhat``, then the sigmoid's backward.

Code written in that style (``dAL = -(Y / AL - (1 - Y) / (1 - AL))`` followed by a
``sigmoid_backward(dAL, Z)`` helper) gets the output derivative wrong in the same
ways as a hidden layer's: the helper's ``s * (1 - s)`` written ``Z * (1 - Z)`` on
the pre-activation, the z-form derivative taken at the activation, or the helper
skipped altogether.  The shortcut ``yhat - y`` of :mod:`reference_nets.heads` is
the product ``dL/dyhat * yhat (1 - yhat)``; each mutant swaps its second factor.

:mod:`~reference_nets.zoo_catalogue` and :mod:`~reference_nets.zoo_cases` add the rows below.
This module is numpy only and never imports ``gradcheck``.
"""

from __future__ import annotations

import numpy as np

from .config import MLPConfig
from .mutant import Mutant

__all__ = ["BCE_MUTANTS", "BCE_REQUIREMENTS", "BCE_PLACEMENTS"]


class _BceOutputPrime(Mutant):
    """BCE output delta ``dL/dyhat * g(z, yhat)`` with a wrong sigmoid derivative ``g``."""

    def _prime(self, z: np.ndarray, a: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def _output_delta(self, cache, Y):
        z, a = cache.zs[-1], cache.output
        d_yhat = super()._output_delta(cache, Y) / (a * (1 - a))  # the right delta is dL/dyhat * yhat(1 - yhat)
        return d_yhat * self._prime(z, a)


class _BceOutputDerivativeAtPreactivation(_BceOutputPrime):
    mutant_name = "bce-output-derivative-at-preactivation"

    def _prime(self, z, a):
        return z * (1 - z)  # the output form s(1 - s) applied to Z


class _BceOutputDerivativeAtActivation(_BceOutputPrime):
    mutant_name = "bce-output-derivative-at-activation"

    def _prime(self, z, a):
        s = 1 / (1 + np.exp(-a))
        return s * (1 - s)  # sigma'(yhat)


class _BceOutputDerivativeMissing(_BceOutputPrime):
    mutant_name = "bce-output-derivative-missing"

    def _prime(self, z, a):
        return np.ones_like(z)


def _bce_sigmoid(config: MLPConfig) -> list:
    return [None] if config.loss == "bce" and config.output == "sigmoid" else []


#: Rows of :class:`reference_nets.zoo.MutantSpec`: (name, description, code, layered, class, where, fix).
BCE_MUTANTS = [
    (
        "bce-output-derivative-at-preactivation",
        "BCE + sigmoid output, dL/dyhat then the sigmoid's backward: z_L(1 - z_L) where yhat(1 - yhat) belongs",
        "derivative_at_preactivation",
        False,
        _BceOutputDerivativeAtPreactivation,
        _bce_sigmoid,
        "The sigmoid's backward takes Z: s = sigmoid(Z); dZ = dA * s * (1 - s), not dA * Z * (1 - Z).",
    ),
    (
        "bce-output-derivative-at-activation",
        "BCE + sigmoid output, dL/dyhat then the sigmoid's backward: sigma'(yhat) where sigma'(z_L) belongs",
        "derivative_at_activation",
        False,
        _BceOutputDerivativeAtActivation,
        _bce_sigmoid,
        "The sigmoid's derivative at Z is yhat * (1 - yhat): take it at Z (or the output form at yhat), not at yhat.",
    ),
    (
        "bce-output-derivative-missing",
        "BCE + sigmoid output: dL/dyhat used as dL/dz_L, the sigmoid's derivative dropped",
        "missing_activation_derivative",
        False,
        _BceOutputDerivativeMissing,
        _bce_sigmoid,
        "dL/dyhat still needs the sigmoid's derivative: dZ = dA * yhat * (1 - yhat), which is yhat - y.",
    ),
]

BCE_REQUIREMENTS = {row[0]: "needs loss='bce' with output='sigmoid'" for row in BCE_MUTANTS}

#: mutant -> [(config name, layer)], configurations of :data:`reference_nets.zoo.ZOO_CONFIGS`.
BCE_PLACEMENTS: dict[str, list] = {
    row[0]: [("sigmoid-bce-d2", None), ("relu-bce-d1", None), ("tanh-bce-d3", None), ("sigmoid-bce-d1-l2", None)]
    for row in BCE_MUTANTS
}

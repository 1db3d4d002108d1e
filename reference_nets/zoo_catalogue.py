"""The zoo's catalogue: every mutant by name, with its diagnosis code, placements and fix.

:data:`MUTANTS` maps a stable kebab-case name to a :class:`MutantSpec`; the rows come from
:mod:`reference_nets.zoo_classic`, :mod:`reference_nets.zoo_layers`, :mod:`reference_nets.zoo_bce`,
:mod:`reference_nets.zoo_paths` and :mod:`reference_nets.zoo_crossed`. :func:`candidates` lists every applicable
(mutant, layer) of a configuration. This module is numpy only and never imports ``gradcheck``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .mlp import MLPConfig
from .mutant import Mutant
from .zoo_bce import BCE_MUTANTS, BCE_REQUIREMENTS
from .zoo_classic import (  # noqa: F401 - the catalogue's classes and placements
    _ActivationAsDerivative,
    _all_layers,
    _BceExtraSigmoidDerivative,
    _bias_layers,
    _BiasFirstSample,
    _BiasNotAveraged,
    _BiasNotSummed,
    _BiasSummedAll,
    _BiasWrongAxis,
    _DerivativeAtActivation,
    _DerivativeAtPreactivation,
    _DWFromPreactivation,
    _DWFromWrongLayer,
    _equal_width_layers,
    _GradientClipping,
    _has_bias,
    _hidden_layers,
    _L2Doubled,
    _L2GradientOnly,
    _L2Missing,
    _L2OnBias,
    _LayerSumOverBatch,
    _MissingActivationDerivative,
    _MissingOutputDerivative,
    _mse_sigmoid,
    _MseFactorDoubled,
    _MseFactorDropped,
    _OutputDerivativeAtActivation,
    _OutputDerivativeAtPreactivation,
    _ReluOnes,
    _ReluSign,
    _ReluThresholdOne,
    _SignFlipAll,
    _SignFlipTensor,
    _square_layers,
    _SumOverBatch,
    _TanhDerivativeMisparenthesised,
    _TensorScaled,
    _Transposed,
    _upper_layers,
    _whole,
    _wide_bias_layers,
    _WrongActivationDerivative,
    _ZeroGradient,
)
from .zoo_crossed import CROSSED_MUTANTS, CROSSED_REQUIREMENTS
from .zoo_layers import LATE_LAYER_MUTANTS, LAYER_MUTANTS, LAYER_REQUIREMENTS
from .zoo_paths import PATH_MUTANTS, PATH_REQUIREMENTS

#: The diagnosis-code vocabulary of DESIGN.md (mirrored here: no gradcheck import).
DIAGNOSIS_CODES = (
    "derivative_at_activation",
    "derivative_at_preactivation",
    "wrong_activation_derivative",
    "missing_activation_derivative",
    "extra_activation_derivative",
    "sign_flip",
    "uniform_scale",
    "missing_batch_mean",
    "missing_mse_factor",
    "tensor_scale",
    "bias_not_summed",
    "transposed",
    "zero_gradient",
    "wrong_cached_tensor",
    "regularization_mismatch",
    "forward_mismatch",
    "kink",
    "wrong_label_index",
)


# ======================================================================= specs
@dataclass(frozen=True)
class MutantSpec:
    """One kind of planted backprop bug.

    Attributes
    ----------
    name : str
        Stable kebab-case name (key of :data:`MUTANTS`).
    description : str
        One line saying what the buggy code computes.
    code : str
        The diagnosis code a correct diagnoser should report (DESIGN.md).
    layered : bool
        Whether the bug sits in one layer (``build`` then needs ``layer``).
    """

    name: str
    description: str
    code: str
    layered: bool
    cls: type = field(repr=False, compare=False, default=Mutant)
    where: Callable[[MLPConfig], list] = field(repr=False, compare=False, default=_all_layers)
    #: How to fix it, in the student's terms, where the code's general advice would not fit
    #: (``{l}``: the layer); empty for most.
    fix: str = field(repr=False, compare=False, default="")

    def layers(self, config: MLPConfig) -> list[int | None]:
        """Layers where the mutant applies and differs from the reference.

        Returns ``[]`` when it does not apply to ``config`` and ``[None]`` for
        a whole-network mutant that applies.
        """
        if not isinstance(config, MLPConfig):
            raise TypeError(f"config must be an MLPConfig, got {type(config).__name__}")
        return list(self.where(config))

    def applies(self, config: MLPConfig) -> bool:
        """Whether :meth:`layers` is non-empty."""
        return bool(self.layers(config))

    def build(self, config: MLPConfig, layer: int | None = None) -> Mutant:
        """The buggy network for ``config`` (at ``layer`` for layered mutants).

        Raises
        ------
        ValueError
            If the mutant does not apply to ``config`` or ``layer`` is not one
            of :meth:`layers`; the message names mutant, config and layer.
        """
        valid = self.layers(config)
        if isinstance(layer, tuple) and getattr(self.cls, "multi_layer", False):
            bad = [x for x in layer if x not in valid]
            if len(layer) < 2 or bad:
                raise ValueError(
                    f"mutant {self.name!r}: layers {layer!r} must be two or more of {valid} for config {config.label!r}"
                )
            return self.cls(config, tuple(int(x) for x in layer))
        if layer is not None and (isinstance(layer, bool) or not isinstance(layer, (int, np.integer))):
            raise ValueError(f"mutant {self.name!r}: layer must be an int or None, got {layer!r}")
        if not valid:
            raise ValueError(f"mutant {self.name!r} does not apply to config {config.label!r} ({self._requirement()})")
        if layer is None and self.layered:
            raise ValueError(f"mutant {self.name!r} needs a layer for config {config.label!r}; valid layers: {valid}")
        if layer is not None and not self.layered:
            raise ValueError(
                f"mutant {self.name!r} is not per-layer; got layer={layer!r} "
                f"for config {config.label!r} (pass layer=None)"
            )
        if layer not in valid:
            raise ValueError(
                f"mutant {self.name!r} does not apply at layer {layer!r} of config "
                f"{config.label!r}; valid layers: {valid}"
            )
        net = self.cls(config, None if layer is None else int(layer))
        return net

    def _requirement(self) -> str:
        return _REQUIREMENTS.get(self.name, "no layer where it differs from the reference")

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready ``{name, description, code, layered}``."""
        return {"name": self.name, "description": self.description, "code": self.code, "layered": self.layered}


_REQUIREMENTS = {
    "derivative-at-activation": "needs a sigmoid or tanh hidden layer",
    "derivative-at-preactivation": "needs a sigmoid or tanh hidden layer",
    "missing-activation-derivative": "needs a sigmoid or tanh hidden layer",
    "relu-derivative-threshold-one": "needs a relu hidden layer",
    "relu-derivative-ones": "needs a relu hidden layer",
    "output-derivative-at-activation": "needs loss='mse' with output='sigmoid'",
    "output-derivative-at-preactivation": "needs loss='mse' with output='sigmoid'",
    "missing-output-derivative": "needs loss='mse' with output='sigmoid'",
    "bce-extra-sigmoid-derivative": "needs loss='bce'",
    "mse-factor-dropped": "needs loss='mse'",
    "mse-factor-doubled": "needs loss='mse'",
    "bias-first-sample": "needs bias=True",
    "bias-not-summed": "needs bias=True",
    "bias-wrong-axis": "needs bias=True",
    "dW-from-wrong-layer": "needs two consecutive equal widths",
    "transposed": "needs a square weight layer wider than 1",
    "l2-missing": "needs l2 > 0",
    "l2-doubled": "needs l2 > 0",
    "l2-on-bias": "needs l2 > 0 and bias=True",
}

_SPECS = [
    MutantSpec(
        "derivative-at-activation",
        "hidden f'(f(z_l)): the z-form derivative evaluated at the activation",
        "derivative_at_activation",
        True,
        _DerivativeAtActivation,
        _hidden_layers("sigmoid", "tanh"),
    ),
    MutantSpec(
        "output-derivative-at-activation",
        "MSE + sigmoid output: sigma'(yhat) (z-form derivative at the output activation)",
        "derivative_at_activation",
        False,
        _OutputDerivativeAtActivation,
        _whole(_mse_sigmoid),
    ),
    MutantSpec(
        "derivative-at-preactivation",
        "hidden a(1-a) or 1-a^2 (output-form derivative) applied to z_l",
        "derivative_at_preactivation",
        True,
        _DerivativeAtPreactivation,
        _hidden_layers("sigmoid", "tanh"),
    ),
    MutantSpec(
        "output-derivative-at-preactivation",
        "MSE + sigmoid output: z_L(1-z_L) (output-form derivative applied to z_L)",
        "derivative_at_preactivation",
        False,
        _OutputDerivativeAtPreactivation,
        _whole(_mse_sigmoid),
    ),
    MutantSpec(
        "wrong-activation-derivative",
        "hidden layer uses another activation's derivative (sigmoid' for tanh, tanh' for sigmoid, sigmoid' for relu)",
        "wrong_activation_derivative",
        True,
        _WrongActivationDerivative,
        _hidden_layers("sigmoid", "tanh", "relu"),
    ),
    MutantSpec(
        "activation-as-derivative",
        "hidden sigmoid, tanh or ReLU whose 'derivative' is the activation itself (sigmoid_prime = sigmoid, "
        "relu_derivative returning np.maximum(0, z))",
        "wrong_activation_derivative",
        True,
        _ActivationAsDerivative,
        _hidden_layers("sigmoid", "tanh", "relu"),
        "The activation is not its own derivative: sigmoid'(z) = s * (1 - s), tanh'(z) = 1 - np.tanh(z)**2, "
        "relu'(z) = (z > 0).",
    ),
    MutantSpec(
        "tanh-derivative-misparenthesised",
        "hidden tanh derivative written (1 - a)**2 instead of 1 - a**2",
        "wrong_activation_derivative",
        True,
        _TanhDerivativeMisparenthesised,
        _hidden_layers("tanh"),
        "tanh'(z) = 1 - np.tanh(z)**2 = 1 - A**2: square the activation, not (1 - A).",
    ),
    MutantSpec(
        "relu-derivative-threshold-one",
        "relu'(z) = (z > 1) instead of (z > 0)",
        "wrong_activation_derivative",
        True,
        _ReluThresholdOne,
        _hidden_layers("relu"),
    ),
    MutantSpec(
        "relu-derivative-ones",
        "relu'(z) = 1 everywhere (also what dropping relu' gives)",
        "missing_activation_derivative",
        True,
        _ReluOnes,
        _hidden_layers("relu"),
    ),
    MutantSpec(
        "missing-activation-derivative",
        "hidden sigmoid/tanh f' dropped: delta_l = delta_{l+1} @ W_{l+1}.T (on relu this is relu-derivative-ones)",
        "missing_activation_derivative",
        True,
        _MissingActivationDerivative,
        _hidden_layers("sigmoid", "tanh"),
    ),
    MutantSpec(
        "missing-output-derivative",
        "MSE + sigmoid output: sigma'(z_L) dropped, delta_L = 2(yhat-y)/n",
        "missing_activation_derivative",
        False,
        _MissingOutputDerivative,
        _whole(_mse_sigmoid),
    ),
    MutantSpec(
        "bce-extra-sigmoid-derivative",
        "BCE + sigmoid shortcut (yhat-y)/n multiplied by sigma'(z_L) again",
        "extra_activation_derivative",
        False,
        _BceExtraSigmoidDerivative,
        _whole(lambda c: c.loss == "bce"),
    ),
    MutantSpec("sign-flip-tensor", "one weight gradient dW_l negated", "sign_flip", True, _SignFlipTensor, _all_layers),
    MutantSpec(
        "sign-flip-all",
        "every gradient negated (error = y - yhat, not compensated)",
        "sign_flip",
        False,
        _SignFlipAll,
        _whole(lambda c: True),
    ),
    MutantSpec(
        "sum-over-batch",
        "sum instead of mean over the batch: every data gradient x N (L2 term right)",
        "missing_batch_mean",
        False,
        _SumOverBatch,
        _whole(lambda c: c.over_samples == "mean"),
    ),
    MutantSpec(
        "mse-factor-dropped",
        "MSE derivative without the 2: data gradient x 1/2",
        "missing_mse_factor",
        False,
        _MseFactorDropped,
        _whole(lambda c: c.loss == "mse"),
    ),
    MutantSpec(
        "mse-factor-doubled",
        "MSE derivative with the 2 applied twice: data gradient x 2",
        "missing_mse_factor",
        False,
        _MseFactorDoubled,
        _whole(lambda c: c.loss == "mse"),
    ),
    MutantSpec(
        "tensor-scaled", "one weight gradient dW_l multiplied by 2", "tensor_scale", True, _TensorScaled, _all_layers
    ),
    MutantSpec(
        "bias-first-sample",
        "db_l = delta[0]: the first sample instead of the batch sum",
        "bias_not_summed",
        True,
        _BiasFirstSample,
        _bias_layers,
    ),
    MutantSpec(
        "bias-not-summed",
        "db_l = delta, unsummed: shape (N, out) instead of (out,)",
        "bias_not_summed",
        True,
        _BiasNotSummed,
        _bias_layers,
    ),
    MutantSpec(
        "bias-wrong-axis",
        "db_l = delta.sum(axis=1): shape (N,) instead of (out,)",
        "bias_not_summed",
        True,
        _BiasWrongAxis,
        _bias_layers,
    ),
    MutantSpec(
        "dW-from-preactivation",
        "dW_l = z_{l-1}.T @ delta instead of a_{l-1}.T @ delta",
        "wrong_cached_tensor",
        True,
        _DWFromPreactivation,
        _upper_layers,
    ),
    MutantSpec(
        "dW-from-wrong-layer",
        "dW_l = a_{l-2}.T @ delta (X for l=2) instead of a_{l-1}",
        "wrong_cached_tensor",
        True,
        _DWFromWrongLayer,
        _equal_width_layers,
    ),
    MutantSpec(
        "l2-missing",
        "weight-decay term l2*W missing from the weight gradients",
        "regularization_mismatch",
        False,
        _L2Missing,
        _whole(lambda c: c.l2 > 0),
    ),
    MutantSpec(
        "l2-doubled",
        "weight-decay term doubled: 2*l2*W (l2*sum W^2 differentiated)",
        "regularization_mismatch",
        False,
        _L2Doubled,
        _whole(lambda c: c.l2 > 0),
    ),
    MutantSpec(
        "l2-on-bias",
        "weight-decay term l2*b added to bias gradients that are not decayed",
        "regularization_mismatch",
        False,
        _L2OnBias,
        _whole(lambda c: c.l2 > 0 and c.bias),
    ),
    MutantSpec(
        "transposed",
        "dW_l = delta.T @ a_{l-1}: transposed, for a square layer",
        "transposed",
        True,
        _Transposed,
        _square_layers,
    ),
    MutantSpec(
        "zero-gradient",
        "layer l's dW and db left at zero (never computed)",
        "zero_gradient",
        True,
        _ZeroGradient,
        _all_layers,
    ),
]

# the bugs of the softmax/tanh outputs, cross-entropy, leaky ReLU and ELU (reference_nets.zoo_layers)
_SPECS += [MutantSpec(*row) for row in LAYER_MUTANTS]
_REQUIREMENTS.update(LAYER_REQUIREMENTS)
# BCE backpropagated as dL/dyhat then the sigmoid's backward (reference_nets.zoo_bce)
_SPECS += [MutantSpec(*row) for row in BCE_MUTANTS]
_REQUIREMENTS.update(BCE_REQUIREMENTS)

#: Every mutant by name, in catalogue order.
MUTANTS: dict[str, MutantSpec] = {s.name: s for s in _SPECS}


def get_mutant(name: str) -> MutantSpec:
    """Look up a mutant by name.

    Raises
    ------
    ValueError
        If ``name`` is unknown; the message lists the valid names.
    """
    if not isinstance(name, str) or name not in MUTANTS:
        raise ValueError(f"unknown mutant {name!r}; valid names: {', '.join(MUTANTS)}")
    return MUTANTS[name]


def candidates(config: MLPConfig) -> list[tuple[str, int | None, Mutant]]:
    """Every applicable ``(mutant name, layer, network)`` for ``config``.

    The fingerprints a diagnoser compares a failing gradient against, in
    catalogue order then layer order.
    """
    out = []
    for spec in MUTANTS.values():
        layers = spec.layers(config)
        out += [(spec.name, layer, spec.build(config, layer)) for layer in layers]
        if getattr(spec.cls, "multi_layer", False) and len(layers) >= 2:
            out.append((spec.name, tuple(layers), spec.build(config, tuple(layers))))
    return out


# clipping, weight decay, shapes, one layer's 1/N (reference_nets.zoo_classic)
_NEW_SPECS = [
    MutantSpec(
        "gradient-clipping",
        "every gradient entry clipped to [-c, c] (np.clip)",
        "gradient_clipping",
        False,
        _GradientClipping,
        _whole(lambda c: True),
    ),
    MutantSpec(
        "l2-gradient-only",
        "weight decay 0.01*W added to the weight gradients; the loss has no L2 term",
        "regularization_mismatch",
        False,
        _L2GradientOnly,
        _whole(lambda c: c.l2 == 0),
    ),
    MutantSpec(
        "bias-summed-all",
        "db_l = delta.sum(): a scalar summed over units and samples instead of shape (out,)",
        "shape_mismatch",
        True,
        _BiasSummedAll,
        _wide_bias_layers,
    ),
    MutantSpec(
        "layer-sum-over-batch",
        "one layer's dW_l, db_l not divided by N (the other layers are)",
        "missing_batch_mean",
        True,
        _LayerSumOverBatch,
        _all_layers,
    ),
]
MUTANTS.update({s.name: s for s in _NEW_SPECS})
_REQUIREMENTS.update(
    {
        "l2-gradient-only": "needs l2 == 0",
        "bias-summed-all": "needs bias=True and a layer wider than 1",
        "bias-not-averaged": "needs bias=True",
    }
)
# the error's path back to the hidden layers (reference_nets.zoo_paths)
MUTANTS.update({row[0]: MutantSpec(*row) for row in PATH_MUTANTS})
_REQUIREMENTS.update(PATH_REQUIREMENTS)
# a layer's step fed a neighbouring layer's cached value (reference_nets.zoo_crossed)
MUTANTS.update({row[0]: MutantSpec(*row) for row in CROSSED_MUTANTS})
_REQUIREMENTS.update(CROSSED_REQUIREMENTS)
# every layer's bias gradient left a sum over the batch
MUTANTS["bias-not-averaged"] = MutantSpec(
    "bias-not-averaged",
    "every db_l summed over the batch and not divided by N (every dW_l is)",
    "missing_batch_mean",
    False,
    _BiasNotAveraged,
    _has_bias,
    "Divide db by N as dW is (db = np.sum(dZ, axis=...) / m), or form the 1/N once, in the output delta.",
)
# the ReLU's output cached where a leaky ReLU's belongs (reference_nets.zoo_layers)
MUTANTS.update({row[0]: MutantSpec(*row) for row in LATE_LAYER_MUTANTS})
# relu'(z) written np.sign(z): -1, not 0, where z < 0
MUTANTS["relu-derivative-sign"] = MutantSpec(
    "relu-derivative-sign",
    "relu'(z) = np.sign(z): -1 instead of 0 where z < 0",
    "wrong_activation_derivative",
    True,
    _ReluSign,
    _hidden_layers("relu"),
    "Multiply by (Z > 0), or by np.maximum(np.sign(Z), 0).",
)
_REQUIREMENTS["relu-derivative-sign"] = "needs a relu hidden layer"
#: Codes added to the vocabulary (DESIGN.md: add, never rename).
DIAGNOSIS_CODES = (*DIAGNOSIS_CODES, "gradient_clipping", "shape_mismatch")

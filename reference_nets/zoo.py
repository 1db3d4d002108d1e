"""A catalogue of realistic backprop bugs ("mutants") planted in the reference MLP.

Each mutant is a subclass of :class:`~reference_nets.mlp.MLP` that overrides ONE
step of the backward pass (a hook such as ``_hidden_delta`` or ``_bias_grad``,
or a post-processing of :meth:`MLP.backward`).  The forward pass and the loss
are untouched, so ``loss()`` is the true loss and ``backward()`` returns the
buggy gradient: exactly what a gradient checker sees when it audits a student's
hand-written backward pass.

* :data:`MUTANTS` maps a stable kebab-case name to a :class:`MutantSpec`
  (description, expected diagnosis code from the DESIGN.md vocabulary, whether
  it takes a layer, where it applies, how to build it).
* :func:`candidates` lists every applicable (mutant, layer) for a config: the
  fingerprints a diagnoser compares a failing gradient against.
* :func:`zoo_cases` is the fixed benchmark: every mutant at two or more
  configurations, with a seeded batch and parameter point.

Layers are numbered from 1 as in :mod:`reference_nets.mlp`: "hidden layer l" is
the activation after ``W_l`` (``l <= depth``); weight layers run ``1 .. L``.
:meth:`MutantSpec.layers` only returns placements whose gradient really differs
from the reference (e.g. ``derivative-at-activation`` is never placed on a ReLU
layer, where ``relu'(relu(z)) == relu'(z)``).

This module is numpy only and never imports ``gradcheck``.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from . import heads
from .activations import get_activation, sigmoid_prime
from .datasets import head_targets
from .mlp import MLP, Cache, MLPConfig
from .mutant import Mutant
from .zoo_bce import BCE_MUTANTS, BCE_PLACEMENTS, BCE_REQUIREMENTS
from .zoo_layers import LAYER_CONFIGS, LAYER_MUTANTS, LAYER_PLACEMENTS, LAYER_REQUIREMENTS
from .zoo_paths import PATH_MUTANTS, PATH_PLACEMENTS, PATH_REQUIREMENTS

__all__ = [
    "DIAGNOSIS_CODES",
    "Mutant",
    "MutantSpec",
    "MUTANTS",
    "get_mutant",
    "candidates",
    "ZooCase",
    "ZOO_CONFIGS",
    "zoo_data",
    "zoo_cases",
]

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

_BATCH = 16


# =================================================================== mutant bases
class _HiddenDerivative(Mutant):
    """Replaces ``f_l'(z_l)`` of hidden layer ``self.layer`` by :meth:`_buggy_prime`.

    ``layer`` may also be a tuple of layers: a student who misuses a
    derivative helper usually does so in every hidden layer that uses it.
    """

    multi_layer = True

    def _buggy_prime(self, name: str, z: np.ndarray, a: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def _hidden_delta(self, layer, upstream_da, cache, params):
        layers = self.layer if isinstance(self.layer, tuple) else (self.layer,)
        if layer not in layers:
            return super()._hidden_delta(layer, upstream_da, cache, params)
        name = self.config.activation(layer).name
        return upstream_da * self._buggy_prime(name, cache.zs[layer - 1], cache.activations[layer])


class _DerivativeAtActivation(_HiddenDerivative):
    mutant_name = "derivative-at-activation"

    def _buggy_prime(self, name, z, a):
        return get_activation(name).prime(a)  # f'(f(z)) with the z-form helper


class _DerivativeAtPreactivation(_HiddenDerivative):
    mutant_name = "derivative-at-preactivation"

    def _buggy_prime(self, name, z, a):
        return get_activation(name).prime_from_output(z)  # a(1-a) / 1-a^2 applied to z


_WRONG_DERIVATIVE = {"tanh": "sigmoid", "sigmoid": "tanh", "relu": "sigmoid"}


class _WrongActivationDerivative(_HiddenDerivative):
    mutant_name = "wrong-activation-derivative"

    def _buggy_prime(self, name, z, a):
        return get_activation(_WRONG_DERIVATIVE[name]).prime(z)


class _ActivationAsDerivative(_HiddenDerivative):
    mutant_name = "activation-as-derivative"

    def _buggy_prime(self, name, z, a):
        return a  # sigmoid_prime = sigmoid: f(z) where f'(z) belongs


class _TanhDerivativeMisparenthesised(_HiddenDerivative):
    mutant_name = "tanh-derivative-misparenthesised"

    def _buggy_prime(self, name, z, a):
        return (1 - a) ** 2  # (1 - A)**2 where 1 - A**2 belongs


class _ReluThresholdOne(_HiddenDerivative):
    mutant_name = "relu-derivative-threshold-one"

    def _buggy_prime(self, name, z, a):
        return (z.real > 1).astype(z.dtype)


class _ReluOnes(_HiddenDerivative):
    mutant_name = "relu-derivative-ones"

    def _buggy_prime(self, name, z, a):
        return np.ones_like(z)


class _MissingActivationDerivative(_HiddenDerivative):
    mutant_name = "missing-activation-derivative"

    def _buggy_prime(self, name, z, a):
        return np.ones_like(z)  # delta_l = upstream_da: f' simply not multiplied in


# ------------------------------------------------------------- output-layer bugs
class _OutputDerivativeAtActivation(Mutant):
    mutant_name = "output-derivative-at-activation"

    def _output_delta(self, cache, Y):
        act = self.config.activation(self.config.n_layers)
        return heads.mse_output_grad(self.config, cache.output, Y) * act.prime(cache.output)  # sigma'(yhat)


class _OutputDerivativeAtPreactivation(Mutant):
    mutant_name = "output-derivative-at-preactivation"

    def _output_delta(self, cache, Y):
        act = self.config.activation(self.config.n_layers)
        return heads.mse_output_grad(self.config, cache.output, Y) * act.prime_from_output(cache.zs[-1])  # z(1-z)


class _MissingOutputDerivative(Mutant):
    mutant_name = "missing-output-derivative"

    def _output_delta(self, cache, Y):
        return heads.mse_output_grad(self.config, cache.output, Y)


class _BceExtraSigmoidDerivative(Mutant):
    mutant_name = "bce-extra-sigmoid-derivative"

    def _output_delta(self, cache, Y):
        return super()._output_delta(cache, Y) * sigmoid_prime(cache.zs[-1])


class _ScaledOutputDelta(Mutant):
    """Data gradient scaled by :meth:`_factor`; the L2 term stays right."""

    def _factor(self, Y: np.ndarray) -> float:
        raise NotImplementedError

    def _output_delta(self, cache, Y):
        return super()._output_delta(cache, Y) * self._factor(Y)


class _SumOverBatch(_ScaledOutputDelta):
    mutant_name = "sum-over-batch"

    def _factor(self, Y):
        return Y.shape[0]


class _MseFactorDropped(_ScaledOutputDelta):
    mutant_name = "mse-factor-dropped"

    def _factor(self, Y):
        return 0.5


class _MseFactorDoubled(_ScaledOutputDelta):
    mutant_name = "mse-factor-doubled"

    def _factor(self, Y):
        return 2.0


# ------------------------------------------------------------ tensor-level bugs
class _PostProcessed(Mutant):
    """Runs the reference backward, then corrupts the finished gradient dict."""

    def _corrupt(self, grads: dict[str, np.ndarray], params: dict[str, np.ndarray]) -> None:
        raise NotImplementedError

    def backward(self, params, cache, Y):
        grads = super().backward(params, cache, Y)
        self._corrupt(grads, self.check_params(params))
        return grads


class _SignFlipTensor(_PostProcessed):
    mutant_name = "sign-flip-tensor"

    def _corrupt(self, grads, params):
        grads[f"W{self.layer}"] = -grads[f"W{self.layer}"]


class _SignFlipAll(_PostProcessed):
    mutant_name = "sign-flip-all"

    def _corrupt(self, grads, params):
        for name in grads:
            grads[name] = -grads[name]


class _TensorScaled(_PostProcessed):
    mutant_name = "tensor-scaled"

    def _corrupt(self, grads, params):
        grads[f"W{self.layer}"] = 2 * grads[f"W{self.layer}"]


class _ZeroGradient(_PostProcessed):
    mutant_name = "zero-gradient"

    def _corrupt(self, grads, params):
        for name in (f"W{self.layer}", f"b{self.layer}"):
            if name in grads:
                grads[name] = np.zeros_like(grads[name])


class _L2OnBias(_PostProcessed):
    mutant_name = "l2-on-bias"

    def _corrupt(self, grads, params):
        for l in range(1, self.config.n_layers + 1):
            grads[f"b{l}"] = grads[f"b{l}"] + self.config.l2 * params[f"b{l}"]


class _Transposed(Mutant):
    mutant_name = "transposed"
    multi_layer = True

    def _weight_grad(self, layer, a_prev, delta):
        if not self._at(layer):
            return super()._weight_grad(layer, a_prev, delta)
        return delta.T @ a_prev


class _BiasFirstSample(Mutant):
    mutant_name = "bias-first-sample"
    multi_layer = True

    def _bias_grad(self, layer, delta):
        return delta[0] if self._at(layer) else super()._bias_grad(layer, delta)


class _BiasNotSummed(Mutant):
    mutant_name = "bias-not-summed"
    multi_layer = True

    def _bias_grad(self, layer, delta):
        return delta if self._at(layer) else super()._bias_grad(layer, delta)


class _BiasWrongAxis(Mutant):
    mutant_name = "bias-wrong-axis"
    multi_layer = True

    def _bias_grad(self, layer, delta):
        return delta.sum(axis=1) if self._at(layer) else super()._bias_grad(layer, delta)


class _WrongWeightInput(Mutant):
    """``dW_l`` built from another cached tensor than ``a_{l-1}``.

    The reference backward reads ``cache.activations[l - 1]`` only to form
    ``dW_l`` (deltas use ``cache.zs``; the output delta uses ``a_L``), so the
    bug is planted by handing it a cache whose ``activations[l - 1]`` is swapped.
    """

    def _wrong_input(self, cache: Cache, layer: int) -> np.ndarray:
        raise NotImplementedError

    def backward(self, params, cache, Y):
        acts = list(cache.activations)
        for layer in self.layer if isinstance(self.layer, tuple) else (self.layer,):
            acts[layer - 1] = self._wrong_input(cache, layer)
        return super().backward(params, Cache(list(cache.zs), acts), Y)


class _DWFromPreactivation(_WrongWeightInput):
    mutant_name = "dW-from-preactivation"
    multi_layer = True

    def _wrong_input(self, cache, layer):
        return cache.zs[layer - 2]  # z_{l-1} instead of a_{l-1}


class _DWFromWrongLayer(_WrongWeightInput):
    mutant_name = "dW-from-wrong-layer"

    def _wrong_input(self, cache, layer):
        return cache.activations[layer - 2]  # a_{l-2} (X for l = 2) instead of a_{l-1}


class _L2Missing(Mutant):
    mutant_name = "l2-missing"

    def _l2_grad(self, name, W):
        return np.zeros_like(W)


class _L2Doubled(Mutant):
    mutant_name = "l2-doubled"

    def _l2_grad(self, name, W):
        return 2 * self.config.l2 * W


# ============================================================ where they apply
def _hidden_layers(*acts: str) -> Callable[[MLPConfig], list]:
    def where(config: MLPConfig) -> list:
        return [l for l in range(1, config.depth + 1) if config.hidden[l - 1] in acts]

    return where


def _all_layers(config: MLPConfig) -> list:
    return list(range(1, config.n_layers + 1))


def _bias_layers(config: MLPConfig) -> list:
    return _all_layers(config) if config.bias else []


def _upper_layers(config: MLPConfig) -> list:
    return list(range(2, config.n_layers + 1))


def _equal_width_layers(config: MLPConfig) -> list:
    # a_{l-2} has the shape of a_{l-1} only when the widths agree
    s = config.sizes
    return [l for l in range(2, config.n_layers + 1) if s[l - 2] == s[l - 1]]


def _square_layers(config: MLPConfig) -> list:
    # a 1x1 matrix is its own transpose
    s = config.sizes
    return [l for l in range(1, config.n_layers + 1) if s[l - 1] == s[l] > 1]


def _whole(predicate: Callable[[MLPConfig], bool]) -> Callable[[MLPConfig], list]:
    def where(config: MLPConfig) -> list:
        return [None] if predicate(config) else []

    return where


def _mse_sigmoid(c: MLPConfig) -> bool:
    return c.loss == "mse" and c.output == "sigmoid"


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
        "hidden sigmoid or tanh whose 'derivative' is the activation itself (sigmoid_prime = sigmoid)",
        "wrong_activation_derivative",
        True,
        _ActivationAsDerivative,
        _hidden_layers("sigmoid", "tanh"),
        "The activation is not its own derivative: sigmoid'(z) = s * (1 - s), tanh'(z) = 1 - np.tanh(z)**2.",
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


# ======================================================================== zoo
def _cfg(sizes: tuple, hidden: Any, output: str, loss: str, **kw: Any) -> MLPConfig:
    return MLPConfig(sizes, hidden, output=output, loss=loss, **kw)


_D1, _D2, _D3 = (3, 5, 2), (3, 5, 4, 2), (3, 5, 4, 3, 2)

#: Named configurations of the zoo (``-sigout``: sigmoid output with MSE).
ZOO_CONFIGS: dict[str, MLPConfig] = {
    "sigmoid-mse-d1": _cfg(_D1, "sigmoid", "identity", "mse"),
    "tanh-mse-d2": _cfg(_D2, "tanh", "identity", "mse"),
    "relu-mse-d2": _cfg(_D2, "relu", "identity", "mse"),
    "sigmoid-bce-d2": _cfg(_D2, "sigmoid", "sigmoid", "bce"),
    "tanh-bce-d2": _cfg(_D2, "tanh", "sigmoid", "bce"),
    "relu-bce-d1": _cfg(_D1, "relu", "sigmoid", "bce"),
    "tanh-bce-d3": _cfg(_D3, "tanh", "sigmoid", "bce"),
    "mixed-relu-tanh-sigmoid-bce-d3": _cfg(_D3, ("relu", "tanh", "sigmoid"), "sigmoid", "bce"),
    "mixed-tanh-relu-mse-d2": _cfg(_D2, ("tanh", "relu"), "identity", "mse"),
    "sigmoid-mse-sigout-d1": _cfg(_D1, "sigmoid", "sigmoid", "mse"),
    "tanh-mse-sigout-d2": _cfg(_D2, "tanh", "sigmoid", "mse"),
    "relu-mse-sigout-d2": _cfg(_D2, "relu", "sigmoid", "mse"),
    "tanh-mse-d2-l2": _cfg(_D2, "tanh", "identity", "mse", l2=0.01),
    "sigmoid-bce-d1-l2": _cfg(_D1, "sigmoid", "sigmoid", "bce", l2=0.05),
    "relu-mse-sigout-d2-l2": _cfg(_D2, "relu", "sigmoid", "mse", l2=0.01),
    "tanh-mse-d2-nobias": _cfg(_D2, "tanh", "identity", "mse", bias=False),
    "tanh-mse-d2-square": _cfg((3, 3, 3, 2), "tanh", "identity", "mse"),
    "relu-mse-d2-square": _cfg((3, 3, 3, 2), "relu", "identity", "mse"),
    "sigmoid-bce-d3-square": _cfg((4, 4, 4, 4, 1), "sigmoid", "sigmoid", "bce"),
}

_MIX3, _MIX2 = "mixed-relu-tanh-sigmoid-bce-d3", "mixed-tanh-relu-mse-d2"

# mutant -> [(config name, layer)]: several activations / losses / depths / layers each
_ZOO_TABLE: dict[str, list[tuple[str, int | tuple[int, ...] | None]]] = {
    "derivative-at-activation": [
        ("tanh-bce-d2", 1),
        ("tanh-bce-d2", 2),
        ("tanh-bce-d2", (1, 2)),
        ("tanh-bce-d3", (1, 2, 3)),
        ("sigmoid-mse-d1", 1),
        (_MIX3, 2),
        (_MIX3, 3),
        ("tanh-mse-d2-l2", 1),
    ],
    "output-derivative-at-activation": [
        ("sigmoid-mse-sigout-d1", None),
        ("tanh-mse-sigout-d2", None),
        ("relu-mse-sigout-d2-l2", None),
    ],
    "derivative-at-preactivation": [
        ("sigmoid-bce-d2", 1),
        ("sigmoid-bce-d2", 2),
        ("sigmoid-bce-d2", (1, 2)),
        ("tanh-mse-d2", 2),
        (_MIX2, 1),
        (_MIX3, 3),
    ],
    "output-derivative-at-preactivation": [("sigmoid-mse-sigout-d1", None), ("relu-mse-sigout-d2", None)],
    "wrong-activation-derivative": [
        ("tanh-bce-d2", 1),
        ("sigmoid-mse-d1", 1),
        ("relu-mse-d2", 2),
        (_MIX3, 1),
        ("relu-bce-d1", 1),
    ],
    "activation-as-derivative": [("tanh-bce-d2", 1), ("sigmoid-mse-d1", 1), ("tanh-mse-d2", (1, 2)), (_MIX3, 3)],
    "tanh-derivative-misparenthesised": [("tanh-bce-d2", 1), ("tanh-mse-d2", (1, 2)), (_MIX3, 2)],
    "relu-derivative-threshold-one": [
        ("relu-mse-d2", 1),
        ("relu-mse-d2", 2),
        ("relu-bce-d1", 1),
        (_MIX3, 1),
        (_MIX2, 2),
    ],
    "relu-derivative-ones": [("relu-mse-d2", 1), ("relu-bce-d1", 1), (_MIX2, 2), ("relu-mse-sigout-d2", 2)],
    "missing-activation-derivative": [
        ("sigmoid-bce-d2", 1),
        ("sigmoid-bce-d2", 2),
        ("tanh-bce-d3", (1, 2, 3)),
        ("tanh-mse-d2", 1),
        ("tanh-bce-d3", 2),
        ("sigmoid-mse-sigout-d1", 1),
        ("tanh-mse-d2-nobias", 2),
    ],
    "missing-output-derivative": [
        ("sigmoid-mse-sigout-d1", None),
        ("tanh-mse-sigout-d2", None),
        ("relu-mse-sigout-d2", None),
    ],
    "bce-extra-sigmoid-derivative": [
        ("sigmoid-bce-d2", None),
        ("tanh-bce-d3", None),
        ("relu-bce-d1", None),
        ("sigmoid-bce-d1-l2", None),
    ],
    "sign-flip-tensor": [
        ("tanh-mse-d2", 1),
        ("tanh-mse-d2", 3),
        ("relu-bce-d1", 2),
        ("sigmoid-bce-d1-l2", 1),
        ("tanh-mse-d2-nobias", 2),
    ],
    "sign-flip-all": [("tanh-mse-d2", None), ("sigmoid-bce-d2", None), ("relu-bce-d1", None)],
    "sum-over-batch": [
        ("tanh-mse-d2", None),
        ("sigmoid-bce-d2", None),
        ("tanh-mse-d2-l2", None),
        ("relu-mse-sigout-d2", None),
    ],
    "mse-factor-dropped": [("tanh-mse-d2", None), ("sigmoid-mse-sigout-d1", None), ("tanh-mse-d2-l2", None)],
    "mse-factor-doubled": [("relu-mse-d2", None), ("tanh-mse-sigout-d2", None), ("tanh-mse-d2-l2", None)],
    "tensor-scaled": [("tanh-bce-d2", 2), ("sigmoid-mse-d1", 1), ("tanh-mse-d2-l2", 3), ("relu-mse-d2", 1)],
    "bias-first-sample": [
        ("tanh-mse-d2", 1),
        ("tanh-mse-d2", 3),
        ("sigmoid-bce-d2", 2),
        ("tanh-mse-d2", (1, 2, 3)),
        ("relu-bce-d1", 1),
    ],
    "bias-not-summed": [("tanh-mse-d2", 1), ("sigmoid-bce-d2", 3), ("relu-bce-d1", 2), ("relu-bce-d1", (1, 2))],
    "bias-wrong-axis": [("tanh-mse-d2", 2), ("sigmoid-bce-d2", 1), ("relu-bce-d1", 2)],
    "dW-from-preactivation": [
        ("tanh-mse-d2", 2),
        ("tanh-mse-d2", 3),
        ("sigmoid-bce-d2", 3),
        ("relu-bce-d1", 2),
        (_MIX3, 4),
    ],
    "dW-from-wrong-layer": [
        ("tanh-mse-d2-square", 2),
        ("tanh-mse-d2-square", 3),
        ("sigmoid-bce-d3-square", 3),
        ("sigmoid-bce-d3-square", 4),
        ("relu-mse-d2-square", 2),
    ],
    "l2-missing": [("tanh-mse-d2-l2", None), ("sigmoid-bce-d1-l2", None), ("relu-mse-sigout-d2-l2", None)],
    "l2-doubled": [("tanh-mse-d2-l2", None), ("sigmoid-bce-d1-l2", None), ("relu-mse-sigout-d2-l2", None)],
    "l2-on-bias": [("tanh-mse-d2-l2", None), ("sigmoid-bce-d1-l2", None), ("relu-mse-sigout-d2-l2", None)],
    "transposed": [
        ("tanh-mse-d2-square", 2),
        ("sigmoid-bce-d3-square", 1),
        ("sigmoid-bce-d3-square", 3),
        ("relu-mse-d2-square", 2),
    ],
    "zero-gradient": [("tanh-mse-d2", 1), ("sigmoid-bce-d2", 3), ("tanh-mse-d2-nobias", 2), ("relu-bce-d1", 2)],
}

# the newer layers' configurations and placements (reference_nets.zoo_layers), after the older ones
ZOO_CONFIGS.update(LAYER_CONFIGS)
for _name, _placements in (*LAYER_PLACEMENTS.items(), *BCE_PLACEMENTS.items()):
    _ZOO_TABLE[_name] = _ZOO_TABLE.get(_name, []) + _placements


def zoo_data(config_name: str, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """The fixed batch of a zoo configuration: 16 seeded standard-normal rows.

    Targets suit the loss: standard normal for MSE with identity output,
    uniform in (0, 1) for MSE with sigmoid output, 0/1 labels for BCE;
    class labels (integer or one-hot) for cross-entropy, uniform in (-0.9, 0.9)
    for a tanh output and target distributions for softmax + MSE
    (:func:`reference_nets.datasets.head_targets`).
    The same (config, seed) always gives the same batch.
    """
    if config_name not in ZOO_CONFIGS:
        raise ValueError(f"unknown zoo config {config_name!r}; valid names: {', '.join(ZOO_CONFIGS)}")
    config = ZOO_CONFIGS[config_name]
    rng = np.random.default_rng([seed, zlib.crc32(config_name.encode())])
    X = rng.normal(size=(_BATCH, config.sizes[0]))
    shape = (_BATCH, config.sizes[-1])
    if config.loss == "ce" or config.output in ("tanh", "softmax"):
        Y = head_targets(config, _BATCH, rng)
    elif config.loss == "bce":
        Y = rng.integers(0, 2, size=shape).astype(np.float64)
    elif config.output == "sigmoid":
        Y = rng.uniform(0.0, 1.0, size=shape)
    else:
        Y = rng.normal(size=shape)
    return X, Y


@dataclass(frozen=True, eq=False)
class ZooCase:
    """One mutant, at one layer, on one network, batch and parameter point.

    Attributes
    ----------
    name : str
        ``'<mutant>@<config name>'`` plus ``'/L<layer>'`` for layered mutants,
        e.g. ``'derivative-at-activation@tanh-bce-d2/L1'``.
    mutant : str
        Key of :data:`MUTANTS`.
    layer : int or None
    config : MLPConfig
    X, Y : numpy.ndarray
        The fixed batch.
    seed : int
        Seed of :meth:`MLP.init_params`.
    """

    name: str
    mutant: str
    layer: int | None
    config: MLPConfig
    X: np.ndarray
    Y: np.ndarray
    seed: int = 0

    @property
    def spec(self) -> MutantSpec:
        """The :class:`MutantSpec` of ``mutant``."""
        return get_mutant(self.mutant)

    @property
    def expected_code(self) -> str:
        """The diagnosis code a diagnoser should report."""
        return self.spec.code

    def net(self) -> Mutant:
        """The buggy network."""
        return self.spec.build(self.config, self.layer)

    def reference(self) -> MLP:
        """The correct reference network for ``config``."""
        return MLP(self.config)

    def params(self, dtype: object = np.float64) -> dict[str, np.ndarray]:
        """The parameter point ``MLP(config).init_params(seed, dtype)``."""
        return self.reference().init_params(seed=self.seed, dtype=dtype)

    def closures(self) -> tuple[Callable, Callable]:
        """``(loss_fn, buggy_grad_fn)``: the true loss and the mutant's gradient."""
        return self.net().closures(self.X, self.Y)

    def reference_closures(self) -> tuple[Callable, Callable]:
        """``(loss_fn, grad_fn)`` of the correct reference network."""
        return self.reference().closures(self.X, self.Y)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready summary (no arrays)."""
        return {
            "name": self.name,
            "mutant": self.mutant,
            "layer": self.layer,
            "config": self.config.label,
            "expected_code": self.expected_code,
            "description": self.spec.description,
            "seed": self.seed,
            "batch_size": int(self.X.shape[0]),
        }


def zoo_cases(seed: int = 0) -> list[ZooCase]:
    """The mutant benchmark: every mutant at two or more configurations.

    Parameters
    ----------
    seed : int
        Seeds the batches (:func:`zoo_data`) and the parameter points.

    Returns
    -------
    list of ZooCase
        Deterministic, in catalogue order, with unique names.
    """
    cases = []
    for mutant, placements in _ZOO_TABLE.items():
        spec = MUTANTS[mutant]
        for config_name, layer in placements:
            config = ZOO_CONFIGS[config_name]
            spec.build(config, layer)  # validates the placement
            X, Y = zoo_data(config_name, seed)
            suffix = "" if layer is None else "/L" + "+".join(map(str, np.atleast_1d(layer)))
            cases.append(ZooCase(f"{mutant}@{config_name}{suffix}", mutant, layer, config, X, Y, seed))
    return cases


# ============================================ clipping, weight decay, shapes, one layer's 1/N
# Appended as a block (the catalogue above is unchanged): each class overrides one step, as above.
class _GradientClipping(_PostProcessed):
    """Every gradient entry clipped to ``[-clip, clip]``: ``np.clip(g, -c, c)`` on every tensor.

    ``clip`` None: a round number (1, 2 or 5 times a power of ten) below the third
    largest ``|entry|`` of the gradient it receives, so that the clip bites on three
    entries at least, as a clip at 1 or 5 does on a gradient summed over a batch.
    """

    mutant_name = "gradient-clipping"
    clip: float | None = None
    last_step = True  # applied to the finished gradient, after every other bug

    def _corrupt(self, grads, params):
        c = self.clip
        if c is None:
            flat = np.sort(np.concatenate([np.abs(g).ravel() for g in grads.values()]))
            c = _round_below(float(flat[-min(3, flat.size)]))
        for name in grads:
            grads[name] = np.clip(grads[name], -c, c)


def _round_below(x: float) -> float:
    """The largest of 1, 2, 5 times a power of ten that is below ``x`` (``x > 0``)."""
    power = 10.0 ** np.floor(np.log10(x))
    return float(max(m * power for m in (1, 2, 5) if m * power < x) if power < x else power / 2)


class _L2GradientOnly(Mutant):
    """Weight decay ``decay * W`` added to the weight gradients of a loss that has none."""

    mutant_name = "l2-gradient-only"
    decay = 0.01

    def _l2_grad(self, name, W):
        return self.decay * W


class _BiasSummedAll(Mutant):
    """``db_l = delta.sum()``: summed over the units as well as the samples (a scalar)."""

    mutant_name = "bias-summed-all"
    multi_layer = True

    def _bias_grad(self, layer, delta):
        return delta.sum() if self._at(layer) else super()._bias_grad(layer, delta)


class _LayerSumOverBatch(Mutant):
    """Layer ``l``'s ``dW`` and ``db`` N times too large (its data part; the L2 term is right).

    Code that leaves the 1/N out of the output delta and divides each layer's
    ``dW``/``db`` by N instead, forgetting one layer.
    """

    mutant_name = "layer-sum-over-batch"

    def _weight_grad(self, layer, a_prev, delta):
        g = super()._weight_grad(layer, a_prev, delta)
        return g * delta.shape[0] if self._at(layer) else g

    def _bias_grad(self, layer, delta):
        g = super()._bias_grad(layer, delta)
        return g * delta.shape[0] if self._at(layer) else g


def _wide_bias_layers(config: MLPConfig) -> list:
    # a bias of one unit summed over everything keeps its values (only its shape changes)
    return [l for l in _bias_layers(config) if config.sizes[l] > 1]


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
    }
)
_ZOO_TABLE.update(
    {
        "gradient-clipping": [("tanh-mse-d2", None), ("sigmoid-bce-d2", None), ("relu-mse-sigout-d2-l2", None)],
        "l2-gradient-only": [("tanh-mse-d2", None), ("relu-bce-d1", None), ("tanh-bce-d3", None)],
        "bias-summed-all": [("tanh-mse-d2", 1), ("sigmoid-bce-d2", 2), ("relu-bce-d1", (1, 2))],
        "layer-sum-over-batch": [("tanh-mse-d2", 1), ("sigmoid-bce-d2", 3), ("relu-mse-sigout-d2-l2", 2)],
    }
)
# the error's path back to the hidden layers (reference_nets.zoo_paths)
MUTANTS.update({row[0]: MutantSpec(*row) for row in PATH_MUTANTS})
_REQUIREMENTS.update(PATH_REQUIREMENTS)
_ZOO_TABLE.update(PATH_PLACEMENTS)
#: Codes added to the vocabulary (DESIGN.md: add, never rename).
DIAGNOSIS_CODES = (*DIAGNOSIS_CODES, "gradient_clipping", "shape_mismatch")

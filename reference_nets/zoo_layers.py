"""The zoo's bugs of the newer layers: softmax + cross-entropy, tanh and softmax outputs, leaky ReLU, ELU.

The mutants follow :mod:`reference_nets.zoo` (one planted bug each, the loss
untouched); :mod:`~reference_nets.zoo_catalogue`, :mod:`~reference_nets.zoo_cases` add the rows below to the catalogue,
configurations and placements, so :data:`reference_nets.zoo.MUTANTS`,
:func:`~reference_nets.zoo.candidates` and :func:`~reference_nets.zoo.zoo_cases`
see them like any other.  What each bug looks like in a student's code:

* ``dscores = probs; dscores[range(N), y] -= 1`` then backprop through the softmax
  again (its Jacobian, or ``p * (1 - p)``): the CE shortcut already includes it;
* integer labels misused: ``probs - y[:, None]`` (labels taken for one-hot rows),
  ``dscores[range(N), y - 1] -= 1`` (labels 1..K habits; label 0 wraps to the
  last class), ``dscores[:, y] -= 1`` (every row, at every label's column);
* a tanh output whose derivative is dropped, taken at ``tanh(yhat)``, written
  ``1 - z**2`` on the pre-activation, or copied from the sigmoid ``a * (1 - a)``;
* ``p * (1 - p)`` as the softmax derivative under MSE (the Jacobian's diagonal);
* leaky ReLU's derivative as ReLU's (slope dropped) or 1 everywhere;
* ELU's derivative at the activation, without its ``alpha``, or its output form
  ``a + alpha`` applied to ``z``;
* a loss summed over the batch whose gradient still divides by ``N``.

This module is numpy only and never imports ``gradcheck``.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from . import heads
from .config import MLPConfig
from .crossentropy import one_hot
from .mutant import Mutant
from .softmax import softmax_vjp
from .zoo_classic import _WrongWeightInput

__all__ = ["LAYER_MUTANTS", "LATE_LAYER_MUTANTS", "LAYER_REQUIREMENTS", "LAYER_CONFIGS", "LAYER_PLACEMENTS"]


# ================================================================== output layer
class _CeSoftmaxJacobianAgain(Mutant):
    mutant_name = "ce-softmax-jacobian-again"

    def _output_delta(self, cache, Y):
        return softmax_vjp(cache.output, super()._output_delta(cache, Y))  # J^T (P - Y) / N


class _CeSoftmaxDiagonalAgain(Mutant):
    mutant_name = "ce-softmax-diagonal-again"

    def _output_delta(self, cache, Y):
        p = cache.output
        return super()._output_delta(cache, Y) * p * (1 - p)


class _CeWrongTargets(Mutant):
    """``(P - T) / D`` with a wrong target matrix ``T`` built from the integer labels."""

    def _targets(self, labels: np.ndarray, shape: tuple[int, int]) -> np.ndarray:
        raise NotImplementedError

    def _output_delta(self, cache, Y):
        p = cache.output
        labels = np.asarray(Y.real, dtype=np.int64)
        return (p - self._targets(labels, p.shape).astype(p.dtype)) / self.config.convention.divisor(p.shape)


class _CeLabelsAsOneHot(_CeWrongTargets):
    mutant_name = "ce-labels-as-onehot"

    def _targets(self, labels, shape):
        return np.broadcast_to(labels[:, None], shape)  # probs - y[:, None]


class _CeLabelOffByOne(_CeWrongTargets):
    mutant_name = "ce-label-off-by-one"

    def _targets(self, labels, shape):
        return one_hot((labels - 1) % shape[1], shape[1])  # dscores[range(N), y - 1] -= 1


class _CeLabelColumnsAllRows(_CeWrongTargets):
    mutant_name = "ce-label-columns-all-rows"

    def _targets(self, labels, shape):
        t = np.zeros(shape)
        t[:, labels] = 1  # dscores[:, y] -= 1: once per distinct label, in every row
        return t


class _OutputPrime(Mutant):
    """MSE output delta ``dL/dyhat * g(z, yhat)`` with a wrong output derivative ``g``."""

    def _prime(self, z: np.ndarray, a: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def _output_delta(self, cache, Y):
        z, a = cache.zs[-1], cache.output
        return heads.mse_output_grad(self.config, a, Y) * self._prime(z, a)


class _TanhOutputDerivativeMissing(_OutputPrime):
    mutant_name = "tanh-output-derivative-missing"

    def _prime(self, z, a):
        return np.ones_like(z)


class _TanhOutputDerivativeAtActivation(_OutputPrime):
    mutant_name = "tanh-output-derivative-at-activation"

    def _prime(self, z, a):
        return 1 - np.tanh(a) ** 2  # tanh'(yhat)


class _TanhOutputDerivativeAtPreactivation(_OutputPrime):
    mutant_name = "tanh-output-derivative-at-preactivation"

    def _prime(self, z, a):
        return 1 - z**2  # the output form 1 - a**2 applied to z


class _TanhOutputSigmoidDerivative(_OutputPrime):
    mutant_name = "tanh-output-sigmoid-derivative"

    def _prime(self, z, a):
        return a * (1 - a)  # the sigmoid's output-form derivative, copied


class _SoftmaxMseDiagonalJacobian(_OutputPrime):
    mutant_name = "softmax-mse-diagonal-jacobian"

    def _prime(self, z, a):
        return a * (1 - a)  # only the diagonal of J = diag(p) - p p^T


class _MeanOverBatchInGradient(Mutant):
    mutant_name = "mean-over-batch-in-gradient"

    def _output_delta(self, cache, Y):
        return super()._output_delta(cache, Y) / Y.shape[0]


# ================================================================ hidden layers
class _LayerDerivative(Mutant):
    """Replaces ``f_l'(z_l)`` in the hidden layer(s) ``self.layer`` by :meth:`_buggy_prime`."""

    multi_layer = True

    def _buggy_prime(self, layer: int, z: np.ndarray, a: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def _hidden_delta(self, layer, upstream_da, cache, params):
        if not self._at(layer):
            return super()._hidden_delta(layer, upstream_da, cache, params)
        return upstream_da * self._buggy_prime(layer, cache.zs[layer - 1], cache.activations[layer])


class _LeakySlopeDropped(_LayerDerivative):
    mutant_name = "leaky-relu-slope-dropped"

    def _buggy_prime(self, layer, z, a):
        return (z.real > 0).astype(z.dtype)  # ReLU's derivative: no gradient below 0


class _LeakyDerivativeOnes(_LayerDerivative):
    mutant_name = "leaky-relu-derivative-ones"

    def _buggy_prime(self, layer, z, a):
        return np.ones_like(z)


class _LeakyCachedAsRelu(_WrongWeightInput):
    """``dW_l = max(z_{l-1}, 0).T @ delta``: the ReLU of the layer below cached where its leaky ReLU belongs."""

    mutant_name = "leaky-relu-cached-as-relu"

    def _wrong_input(self, cache, layer):
        z = cache.zs[layer - 2]
        return np.where(z.real > 0, z, 0).astype(z.dtype)


class _EluDerivativeAtActivation(_LayerDerivative):
    mutant_name = "elu-derivative-at-activation"

    def _buggy_prime(self, layer, z, a):
        return self.config.activation(layer).prime(a)  # f'(f(z))


class _EluAlphaDropped(_LayerDerivative):
    mutant_name = "elu-derivative-alpha-dropped"

    def _buggy_prime(self, layer, z, a):
        return np.where(z.real > 0, 1.0, np.exp(z)).astype(z.dtype)  # exp(z), not alpha exp(z)


class _EluIsItsDerivative(_LayerDerivative):
    mutant_name = "elu-derivative-is-elu"

    def _buggy_prime(self, layer, z, a):
        return np.where(z.real > 0, 1.0, a).astype(z.dtype)  # alpha (exp(z) - 1), the ELU itself, below 0


class _EluOutputFormAtZ(_LayerDerivative):
    mutant_name = "elu-derivative-output-form-at-z"

    def _buggy_prime(self, layer, z, a):
        return self.config.activation(layer).prime_from_output(z)  # a + alpha, fed z


# ============================================================ where they apply
def _hidden(name: str, when: Callable[[MLPConfig], bool] = lambda c: True) -> Callable[[MLPConfig], list]:
    def where(config: MLPConfig) -> list:
        return [l for l in range(1, config.depth + 1) if config.hidden[l - 1] == name] if when(config) else []

    return where


def _above_leaky(config: MLPConfig) -> list:
    """The weight layers whose input is a leaky ReLU hidden layer."""
    return [l + 1 for l in _hidden("leaky_relu")(config)]


def _whole(predicate: Callable[[MLPConfig], bool]) -> Callable[[MLPConfig], list]:
    def where(config: MLPConfig) -> list:
        return [None] if predicate(config) else []

    return where


def _ce(c: MLPConfig) -> bool:
    return c.loss == "ce"


def _ce_int(c: MLPConfig) -> bool:
    return c.loss == "ce" and c.labels == "int"


def _tanh_mse(c: MLPConfig) -> bool:
    return c.loss == "mse" and c.output == "tanh"


#: Rows of :class:`reference_nets.zoo.MutantSpec`: (name, description, code, layered, class, where, fix).
LAYER_MUTANTS = [
    (
        "ce-softmax-jacobian-again",
        "softmax + CE: the shortcut (P - Y)/N backpropagated through the softmax Jacobian again",
        "extra_activation_derivative",
        False,
        _CeSoftmaxJacobianAgain,
        _whole(_ce),
        (
            "With softmax and cross-entropy, dZ = (P - Y) / N already includes the softmax's Jacobian: do not "
            "backpropagate through the softmax again."
        ),
    ),
    (
        "ce-softmax-diagonal-again",
        "softmax + CE: the shortcut (P - Y)/N multiplied by P(1 - P) again",
        "extra_activation_derivative",
        False,
        _CeSoftmaxDiagonalAgain,
        _whole(_ce),
        (
            "With softmax and cross-entropy, dZ = (P - Y) / N already includes the softmax's derivative: do not "
            "multiply by P * (1 - P)."
        ),
    ),
    (
        "ce-labels-as-onehot",
        "softmax + CE with integer labels: P - y[:, None], the labels taken for one-hot rows",
        "wrong_label_index",
        False,
        _CeLabelsAsOneHot,
        _whole(_ce_int),
        (
            "Integer labels are not one-hot rows: dZ = P.copy(); dZ[range(N), y] -= 1; dZ /= N (or build Y = "
            "np.eye(K)[y] first)."
        ),
    ),
    (
        "ce-label-off-by-one",
        "softmax + CE with integer labels: 1 subtracted at column y - 1 (label 0 wraps to the last class)",
        "wrong_label_index",
        False,
        _CeLabelOffByOne,
        _whole(_ce_int),
        "The labels run 0..K-1: subtract 1 at dZ[range(N), y], not at column y - 1.",
    ),
    (
        "ce-label-columns-all-rows",
        "softmax + CE with integer labels: dscores[:, y] -= 1, every row at every label's column",
        "wrong_label_index",
        False,
        _CeLabelColumnsAllRows,
        _whole(_ce_int),
        ("dZ[:, y] -= 1 touches every row at every label's column: use dZ[range(N), y] -= 1, one entry per sample."),
    ),
    (
        "tanh-output-derivative-missing",
        "MSE + tanh output: tanh'(z_L) dropped, delta_L = dL/dyhat",
        "missing_activation_derivative",
        False,
        _TanhOutputDerivativeMissing,
        _whole(_tanh_mse),
        "Multiply by the tanh output's derivative: dZ = dL/dyhat * (1 - yhat**2).",
    ),
    (
        "tanh-output-derivative-at-activation",
        "MSE + tanh output: tanh'(yhat) = 1 - tanh(yhat)**2 (z-form derivative at the output activation)",
        "derivative_at_activation",
        False,
        _TanhOutputDerivativeAtActivation,
        _whole(_tanh_mse),
        ("tanh'(Z) = 1 - tanh(Z)**2 = 1 - yhat**2: use the output form on yhat, or tanh' on Z, not tanh' on yhat."),
    ),
    (
        "tanh-output-derivative-at-preactivation",
        "MSE + tanh output: 1 - z_L**2 (output-form derivative applied to z_L)",
        "derivative_at_preactivation",
        False,
        _TanhOutputDerivativeAtPreactivation,
        _whole(_tanh_mse),
        "The output form 1 - a**2 takes the activation yhat = tanh(Z): 1 - yhat**2, not 1 - Z**2.",
    ),
    (
        "tanh-output-sigmoid-derivative",
        "MSE + tanh output: yhat(1 - yhat), the sigmoid's derivative, where 1 - yhat**2 belongs",
        "wrong_activation_derivative",
        False,
        _TanhOutputSigmoidDerivative,
        _whole(_tanh_mse),
        "The tanh output's derivative is 1 - yhat**2; yhat * (1 - yhat) belongs to the sigmoid.",
    ),
    (
        "softmax-mse-diagonal-jacobian",
        "MSE + softmax output: dL/dP * P(1 - P), the Jacobian's diagonal only",
        "wrong_activation_derivative",
        False,
        _SoftmaxMseDiagonalJacobian,
        _whole(lambda c: c.loss == "mse" and c.output == "softmax"),
        (
            "Each softmax output depends on every logit: dZ = P * (dP - np.sum(dP * P, axis=1, keepdims=True)), "
            "not dP * P * (1 - P)."
        ),
    ),
    (
        "mean-over-batch-in-gradient",
        "loss summed over the batch, gradient still divided by N: every data gradient x 1/N",
        "missing_batch_mean",
        False,
        _MeanOverBatchInGradient,
        _whole(lambda c: c.over_samples == "sum"),
        "The loss sums over the batch: do not divide its gradient by N (or average the loss as well).",
    ),
    (
        "leaky-relu-slope-dropped",
        "hidden leaky ReLU with ReLU's derivative (z > 0): the slope below 0 dropped",
        "wrong_activation_derivative",
        True,
        _LeakySlopeDropped,
        _hidden("leaky_relu", lambda c: c.leaky_slope > 0),
        "Leaky ReLU's derivative is np.where(Z{l} > 0, 1, slope): the slope, not 0, below zero.",
    ),
    (
        "leaky-relu-derivative-ones",
        "hidden leaky ReLU derivative 1 everywhere (or missing)",
        "missing_activation_derivative",
        True,
        _LeakyDerivativeOnes,
        _hidden("leaky_relu"),
        (
            "Leaky ReLU's derivative is np.where(Z{l} > 0, 1, slope): units with Z <= 0 pass only slope times the"
            " gradient."
        ),
    ),
    (
        "elu-derivative-at-activation",
        "hidden ELU f'(f(z)): alpha*exp(a) where alpha*exp(z) belongs",
        "derivative_at_activation",
        True,
        _EluDerivativeAtActivation,
        _hidden("elu"),
        (
            "Evaluate ELU's derivative at the pre-activation, np.where(Z{l} > 0, 1, alpha * np.exp(Z{l})), or "
            "from the activation, np.where(Z{l} > 0, 1, A{l} + alpha)."
        ),
    ),
    (
        "elu-derivative-alpha-dropped",
        "hidden ELU derivative exp(z) below 0: the alpha of alpha*exp(z) dropped",
        "wrong_activation_derivative",
        True,
        _EluAlphaDropped,
        _hidden("elu", lambda c: c.elu_alpha != 1.0),
        "ELU's derivative below zero is alpha * np.exp(Z{l}): the alpha is missing.",
    ),
    (
        "elu-derivative-is-elu",
        "hidden ELU derivative alpha*(exp(z) - 1) below 0: the ELU itself where alpha*exp(z) belongs",
        "wrong_activation_derivative",
        True,
        _EluIsItsDerivative,
        _hidden("elu"),
        (
            "ELU's derivative below zero is alpha * np.exp(Z{l}), the ELU plus alpha, not the ELU itself, "
            "alpha * (np.exp(Z{l}) - 1)."
        ),
    ),
    (
        "elu-derivative-output-form-at-z",
        "hidden ELU output-form derivative a + alpha applied to z",
        "derivative_at_preactivation",
        True,
        _EluOutputFormAtZ,
        _hidden("elu"),
        ("The output form A + alpha takes the activation: np.where(Z{l} > 0, 1, A{l} + alpha), not Z{l} + alpha."),
    ),
]

#: Rows added to the catalogue after the others (its order is kept): the ReLU's output cached for the next
#: layer's dW where the leaky ReLU's belongs (at slope 1, a ReLU the forward leaves out).
LATE_LAYER_MUTANTS = [
    (
        "leaky-relu-cached-as-relu",
        "dW_l from ReLU's output max(z_{l-1}, 0) where the leaky ReLU's a_{l-1} belongs",
        "wrong_cached_tensor",
        True,
        _LeakyCachedAsRelu,
        _above_leaky,
        (
            "Build dW{l} from the activation the forward passes to layer {l}, the leaky ReLU's np.where(Z > 0, Z, "
            "slope * Z), not from np.maximum(Z, 0)."
        ),
    ),
]

LAYER_REQUIREMENTS = {
    "ce-softmax-jacobian-again": "needs loss='ce'",
    "ce-softmax-diagonal-again": "needs loss='ce'",
    "ce-labels-as-onehot": "needs loss='ce' with labels='int'",
    "ce-label-off-by-one": "needs loss='ce' with labels='int'",
    "ce-label-columns-all-rows": "needs loss='ce' with labels='int'",
    "tanh-output-derivative-missing": "needs loss='mse' with output='tanh'",
    "tanh-output-derivative-at-activation": "needs loss='mse' with output='tanh'",
    "tanh-output-derivative-at-preactivation": "needs loss='mse' with output='tanh'",
    "tanh-output-sigmoid-derivative": "needs loss='mse' with output='tanh'",
    "softmax-mse-diagonal-jacobian": "needs loss='mse' with output='softmax'",
    "mean-over-batch-in-gradient": "needs over_samples='sum'",
    "leaky-relu-slope-dropped": "needs a leaky_relu hidden layer with leaky_slope > 0",
    "leaky-relu-derivative-ones": "needs a leaky_relu hidden layer",
    "leaky-relu-cached-as-relu": "needs a leaky_relu hidden layer",
    "elu-derivative-at-activation": "needs an elu hidden layer",
    "elu-derivative-alpha-dropped": "needs an elu hidden layer with elu_alpha != 1",
    "elu-derivative-output-form-at-z": "needs an elu hidden layer",
    "elu-derivative-is-elu": "needs an elu hidden layer",
}


# ======================================================================== zoo
def _cfg(sizes: tuple, hidden, output: str, loss: str, **kw) -> MLPConfig:
    return MLPConfig(sizes, hidden, output=output, loss=loss, **kw)


_C1, _C2, _C3 = (3, 5, 4), (3, 5, 4, 3), (3, 5, 4, 3, 4)
_R1, _R2 = (3, 5, 2), (3, 5, 4, 2)

#: The zoo's configurations of the newer layers (``-int``: integer labels; ``-onehot``: one-hot rows).
LAYER_CONFIGS: dict[str, MLPConfig] = {
    "tanh-softmax-ce-int-d1": _cfg(_C1, "tanh", "softmax", "ce", labels="int"),
    "relu-softmax-ce-onehot-d2": _cfg(_C2, "relu", "softmax", "ce"),
    "elu-softmax-ce-int-d2": _cfg(_C2, "elu", "softmax", "ce", labels="int"),
    "leaky-softmax-ce-int-d3-l2": _cfg(_C3, "leaky_relu", "softmax", "ce", labels="int", l2=0.01),
    "sigmoid-softmax-ce-onehot-sum-d1": _cfg(_C1, "sigmoid", "softmax", "ce", over_samples="sum"),
    "mixed-elu-leaky-tanh-softmax-ce-int-d3": _cfg(_C3, ("elu", "leaky_relu", "tanh"), "softmax", "ce", labels="int"),
    "tanh-tanhout-mse-d1": _cfg(_R1, "tanh", "tanh", "mse"),
    "relu-tanhout-mse-half-sum-d2": _cfg(_R2, "relu", "tanh", "mse", half=True, over_outputs="sum"),
    "elu-a05-tanhout-mse-d2": _cfg(_R2, "elu", "tanh", "mse", elu_alpha=0.5),
    "tanh-softmax-mse-d1": _cfg(_C1, "tanh", "softmax", "mse"),
    "relu-softmax-mse-sum-d2": _cfg(_C2, "relu", "softmax", "mse", over_outputs="sum"),
    "leaky-mse-d2": _cfg(_R2, "leaky_relu", "identity", "mse"),
    "leaky02-bce-d1": _cfg(_R1, "leaky_relu", "sigmoid", "bce", leaky_slope=0.2),
    "elu-mse-d2": _cfg(_R2, "elu", "identity", "mse"),
    "elu2-bce-d1": _cfg(_R1, "elu", "sigmoid", "bce", elu_alpha=2.0),
    "elu-mse-d5": _cfg((3, 4, 4, 4, 4, 4, 2), "elu", "identity", "mse"),
    "sigmoid-mse-sum-samples-d1": _cfg(_R1, "sigmoid", "identity", "mse", over_samples="sum"),
}

_CE_INT, _MIXED = "elu-softmax-ce-int-d2", "mixed-elu-leaky-tanh-softmax-ce-int-d3"
_CE_T1, _CE_L3, _CE_OH = "tanh-softmax-ce-int-d1", "leaky-softmax-ce-int-d3-l2", "relu-softmax-ce-onehot-d2"

#: mutant -> [(config name, layer)]: the newer layers' bugs, and older bugs on the newer layers.
LAYER_PLACEMENTS: dict[str, list] = {
    "ce-softmax-jacobian-again": [
        ("tanh-softmax-ce-int-d1", None),
        ("relu-softmax-ce-onehot-d2", None),
        ("leaky-softmax-ce-int-d3-l2", None),
        ("sigmoid-softmax-ce-onehot-sum-d1", None),
    ],
    "ce-softmax-diagonal-again": [
        ("tanh-softmax-ce-int-d1", None),
        ("relu-softmax-ce-onehot-d2", None),
        (_MIXED, None),
    ],
    "ce-labels-as-onehot": [("tanh-softmax-ce-int-d1", None), (_CE_INT, None), ("leaky-softmax-ce-int-d3-l2", None)],
    "ce-label-off-by-one": [("tanh-softmax-ce-int-d1", None), (_CE_INT, None), (_MIXED, None)],
    "ce-label-columns-all-rows": [
        ("tanh-softmax-ce-int-d1", None),
        (_CE_INT, None),
        ("leaky-softmax-ce-int-d3-l2", None),
    ],
    "tanh-output-derivative-missing": [
        ("tanh-tanhout-mse-d1", None),
        ("relu-tanhout-mse-half-sum-d2", None),
        ("elu-a05-tanhout-mse-d2", None),
    ],
    "tanh-output-derivative-at-activation": [
        ("tanh-tanhout-mse-d1", None),
        ("relu-tanhout-mse-half-sum-d2", None),
        ("elu-a05-tanhout-mse-d2", None),
    ],
    "tanh-output-derivative-at-preactivation": [("tanh-tanhout-mse-d1", None), ("relu-tanhout-mse-half-sum-d2", None)],
    "tanh-output-sigmoid-derivative": [("tanh-tanhout-mse-d1", None), ("elu-a05-tanhout-mse-d2", None)],
    "softmax-mse-diagonal-jacobian": [("tanh-softmax-mse-d1", None), ("relu-softmax-mse-sum-d2", None)],
    "mean-over-batch-in-gradient": [("sigmoid-softmax-ce-onehot-sum-d1", None), ("sigmoid-mse-sum-samples-d1", None)],
    "leaky-relu-slope-dropped": [
        ("leaky-mse-d2", 1),
        ("leaky-mse-d2", 2),
        ("leaky-mse-d2", (1, 2)),
        ("leaky02-bce-d1", 1),
        ("leaky-softmax-ce-int-d3-l2", 2),
        (_MIXED, 2),
    ],
    "leaky-relu-derivative-ones": [("leaky-mse-d2", 2), ("leaky02-bce-d1", 1), (_MIXED, 2)],
    "leaky-relu-cached-as-relu": [("leaky-mse-d2", 2), ("leaky-mse-d2", 3), ("leaky02-bce-d1", 2), (_MIXED, 3)],
    "elu-derivative-at-activation": [
        ("elu-mse-d2", 1),
        ("elu-mse-d2", 2),
        ("elu2-bce-d1", 1),
        (_CE_INT, (1, 2)),
        ("elu-mse-d5", (1, 2, 3, 4, 5)),
        ("elu-a05-tanhout-mse-d2", 1),
        (_MIXED, 1),
    ],
    "elu-derivative-alpha-dropped": [("elu2-bce-d1", 1), ("elu-a05-tanhout-mse-d2", 2)],
    "elu-derivative-output-form-at-z": [("elu-mse-d2", 2), ("elu2-bce-d1", 1), ("elu-mse-d5", 3), (_MIXED, 1)],
    "elu-derivative-is-elu": [("elu2-bce-d1", 1), ("elu-mse-d2", (1, 2)), ("elu-a05-tanhout-mse-d2", 1), (_MIXED, 1)],
    # the older catalogue on the newer layers: softmax + CE without 1/N is sum-over-batch
    "sum-over-batch": [("tanh-softmax-ce-int-d1", None), ("relu-softmax-ce-onehot-d2", None), (_CE_INT, None)],
    "sign-flip-all": [("relu-softmax-ce-onehot-d2", None), ("tanh-tanhout-mse-d1", None)],
    "derivative-at-activation": [("tanh-softmax-ce-int-d1", 1), (_MIXED, 3)],
    "missing-activation-derivative": [("tanh-tanhout-mse-d1", 1)],
    "mse-factor-dropped": [("relu-tanhout-mse-half-sum-d2", None), ("tanh-softmax-mse-d1", None)],
    "bias-not-summed": [(_CE_INT, 3)],
    "l2-missing": [("leaky-softmax-ce-int-d3-l2", None)],
    "zero-gradient": [("elu-mse-d5", 3)],
    "transposed": [("elu-mse-d5", 3)],
}

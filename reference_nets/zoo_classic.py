"""The zoo's classic mutants and where they apply: one overridden step of the backward pass each.

Hidden-layer derivatives (at the activation, at the pre-activation, the wrong one, missing),
the output layer's, the loss's factors (1/N, MSE's 2), post-processed gradients (a sign
flipped, a tensor scaled, zeroed, clipped), shapes (transposed, a bias not summed), the
wrong cached tensor and weight decay. :mod:`reference_nets.zoo_catalogue` names them;
placement functions (``_hidden_layers`` ...) say at which layers each differs from the
reference. This module is numpy only and never imports ``gradcheck``.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from . import heads
from .activations import get_activation, sigmoid_prime
from .mlp import Cache, MLPConfig
from .mutant import Mutant


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


class _ReluSign(_HiddenDerivative):
    mutant_name = "relu-derivative-sign"

    def _buggy_prime(self, name, z, a):
        return np.sign(z.real).astype(z.dtype)  # np.sign(Z): -1 where Z < 0, where relu' is 0


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


class _BiasNotAveraged(Mutant):
    """Every layer's ``db`` N times too large: ``dW = dZ @ A.T / m`` beside ``db = np.sum(dZ, axis=1)``.

    Code that leaves the 1/N out of the output delta and divides each ``dW`` by N, but no ``db``.
    """

    mutant_name = "bias-not-averaged"

    def _bias_grad(self, layer, delta):
        return super()._bias_grad(layer, delta) * delta.shape[0]


def _has_bias(config: MLPConfig) -> list:
    return [None] if config.bias else []


def _wide_bias_layers(config: MLPConfig) -> list:
    # a bias of one unit summed over everything keeps its values (only its shape changes)
    return [l for l in _bias_layers(config) if config.sizes[l] > 1]

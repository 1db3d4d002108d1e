"""A reference multi-layer perceptron whose analytic gradient is known to be right.

Layout
------
* Samples are rows: ``X`` has shape ``(N, n_in)``, ``Y`` has shape ``(N, n_out)``
  (or ``(N,)`` integer class labels when the config says ``labels='int'``).
* Layer ``l`` (1-based, ``l = 1 .. L``) has weights ``W<l>`` of shape
  ``(fan_in, fan_out)`` (**in x out**, so ``W1`` is ``(n_in, h1)``) and bias
  ``b<l>`` of shape ``(fan_out,)``.
* Forward: ``a0 = X``, ``z_l = a_{l-1} @ W_l + b_l``, ``a_l = f_l(z_l)``;
  ``yhat = a_L``.  Hidden layers use ``config.hidden``, the output layer
  ``config.output``.
* Loss: the data loss of :mod:`reference_nets.heads` (by default a mean over
  all ``N * n_out`` entries for MSE and BCE, a mean over samples of the sum
  over classes for cross-entropy; ``config.convention`` names other
  conventions) plus ``(l2 / 2) * sum_l sum(W_l * W_l)`` (biases are not
  decayed).  BCE and cross-entropy are computed from the output logits ``z_L``
  (:func:`~reference_nets.losses.bce_with_logits`,
  :func:`~reference_nets.crossentropy.cross_entropy_with_logits`), which are
  stable and complex safe.

The forward pass and the loss are complex-step safe: ``loss`` of complex128
parameters returns a Python complex whose imaginary part carries the
directional derivative.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np

from . import heads
from .config import HIDDEN_ACTIVATIONS, LABEL_FORMS, LOSS_NAMES, OUTPUT_ACTIVATIONS, MLPConfig
from .crossentropy import one_hot

__all__ = ["MLPConfig", "Cache", "MLP", "HIDDEN_ACTIVATIONS", "OUTPUT_ACTIVATIONS", "LOSS_NAMES", "LABEL_FORMS"]

#: Activations after which a layer's weights are drawn He-normal (Glorot otherwise).
_RECTIFIERS = ("relu", "leaky_relu", "elu")

Params = Mapping[str, np.ndarray]


@dataclass(frozen=True)
class Cache:
    """Intermediate values of one forward pass.

    Attributes
    ----------
    zs : list of numpy.ndarray
        Pre-activations ``[z1, ..., zL]`` (``zs[l - 1]`` is ``z_l``).
    activations : list of numpy.ndarray
        ``[a0 = X, a1, ..., aL = yhat]`` (``activations[l]`` is ``a_l``).
    """

    zs: list
    activations: list

    @property
    def output(self) -> np.ndarray:
        """The network output ``yhat = a_L``."""
        return self.activations[-1]


def _common_dtype(arrays: list[np.ndarray]) -> np.dtype:
    dtype = np.result_type(*arrays)
    return dtype if dtype.kind in "fc" else np.dtype(np.float64)


class MLP:
    """Reference MLP with a staged, overridable backward pass.

    Parameters
    ----------
    config : MLPConfig
        Architecture, activations, loss, L2 and bias.

    Notes
    -----
    :meth:`backward` walks the layers from ``L`` down to 1 and delegates every
    step to a small hook, so that a subclass (e.g. a planted-bug "mutant") can
    replace exactly one step:

    ``_output_delta(cache, Y)``
        ``dL/dz_L`` (:func:`reference_nets.heads.output_delta`):
        ``(sigmoid(z_L) - Y) / Y.size`` for BCE, ``(softmax(z_L) - Y) / N`` for
        cross-entropy, and ``dL/dyhat`` through ``f_out'(z_L)`` (or the softmax
        Jacobian) for MSE.
    ``_propagate(layer, delta, params)``
        ``dL/da_{layer-1} = delta @ W_layer.T``.
    ``_hidden_delta(layer, upstream_da, cache, params)``
        ``dL/dz_layer = upstream_da * f_layer'(z_layer)``.
    ``_weight_grad(layer, a_prev, delta)``
        ``a_prev.T @ delta`` (data part of ``dL/dW_layer``).
    ``_bias_grad(layer, delta)``
        ``delta.sum(axis=0)``.
    ``_l2_grad(name, W)``
        ``l2 * W``, added to the weight gradient.

    Examples
    --------
    >>> net = MLP(MLPConfig((2, 3, 1), ("tanh",)))
    >>> params = net.init_params(seed=0)
    >>> X, Y = np.ones((4, 2)), np.zeros((4, 1))
    >>> loss, grads = net.loss_and_grad(params, X, Y)
    >>> sorted(grads) == sorted(params)
    True
    """

    def __init__(self, config: MLPConfig) -> None:
        if not isinstance(config, MLPConfig):
            raise TypeError(f"config must be an MLPConfig, got {type(config).__name__}")
        self.config = config

    def __repr__(self) -> str:
        return f"MLP({self.config.label!r})"

    # ------------------------------------------------------------------ params
    def init_params(self, seed: int = 0, dtype: object = np.float64, scale: float = 1.0) -> dict[str, np.ndarray]:
        """Deterministic random parameters.

        Parameters
        ----------
        seed : int
            Seed of ``np.random.default_rng``.
        dtype : dtype
            Float or complex dtype of the returned arrays.
        scale : float
            Multiplies every weight and bias (large values saturate units).

        Returns
        -------
        dict of str to numpy.ndarray
            ``W<l>`` ~ Glorot normal ``N(0, 2 / (fan_in + fan_out))`` when the
            activation following the layer is sigmoid/tanh/identity, He normal
            ``N(0, 2 / fan_in)`` when it is ReLU; ``b<l>`` ~ ``N(0, 0.1**2)``
            (not zero, so bias gradients are non-trivial).
        """
        dtype = np.dtype(dtype)
        if dtype.kind not in "fc":
            raise ValueError(f"dtype must be a float or complex dtype, got {dtype}")
        if not np.isfinite(scale):
            raise ValueError(f"scale must be finite, got {scale!r}")
        rng = np.random.default_rng(seed)
        params = {}
        for l in range(1, self.config.n_layers + 1):
            fan_in, fan_out = self.config.sizes[l - 1], self.config.sizes[l]
            relu_next = self.config.activation(l).name in _RECTIFIERS
            std = math.sqrt(2.0 / fan_in) if relu_next else math.sqrt(2.0 / (fan_in + fan_out))
            params[f"W{l}"] = (rng.normal(0.0, std, (fan_in, fan_out)) * scale).astype(dtype)
            if self.config.bias:
                params[f"b{l}"] = (rng.normal(0.0, 0.1, fan_out) * scale).astype(dtype)
        return params

    def check_params(self, params: Params, batch: int | None = None) -> dict[str, np.ndarray]:
        """Validate names and shapes; return a new dict of arrays (no copies).

        Parameters
        ----------
        params : mapping of str to array_like
            Must hold exactly ``config.param_names``.
        batch : int or None
            When given, every tensor must have a leading axis of this length
            (as in :meth:`batched_loss`); ``-1`` takes it from the first tensor.

        Returns
        -------
        dict of str to numpy.ndarray

        Raises
        ------
        TypeError
            If ``params`` is not a mapping.
        ValueError
            Naming the missing/unexpected tensors or the tensor whose shape is wrong.
        """
        if not isinstance(params, Mapping):
            raise TypeError(f"params must be a mapping of name -> array, got {type(params).__name__}")
        shapes = self.config.param_shapes
        missing = [n for n in shapes if n not in params]
        extra = sorted(str(n) for n in params if n not in shapes)
        if missing:
            raise ValueError(f"params is missing tensor(s) {missing} for {self.config.label}")
        if extra:
            raise ValueError(f"params has unexpected tensor(s) {extra}; expected {list(shapes)}")
        out = {n: np.asarray(params[n]) for n in shapes}
        if batch == -1:
            batch = out["W1"].shape[0] if out["W1"].ndim else 0
        lead = () if batch is None else (batch,)
        for n, shape in shapes.items():
            if out[n].shape != lead + shape:
                raise ValueError(f"params[{n!r}] has shape {out[n].shape}, expected {lead + shape}")
        return out

    def _check_X(self, X: object, dtype: np.dtype) -> np.ndarray:
        X = np.asarray(X)
        n_in = self.config.sizes[0]
        if X.ndim != 2 or X.shape[1] != n_in:
            raise ValueError(f"X must have shape (N, {n_in}), got {X.shape}")
        if X.dtype.kind not in "biufc":
            raise TypeError(f"X must be numeric, got dtype {X.dtype}")
        return X.astype(np.result_type(dtype, X.dtype) if X.dtype.kind == "c" else dtype, copy=False)

    def _check_Y(self, Y: object, n_rows: int, dtype: np.dtype) -> np.ndarray:
        Y = np.asarray(Y)
        if Y.dtype.kind not in "biufc":
            raise TypeError(f"Y must be numeric, got dtype {Y.dtype}")
        if self.config.labels == "int":
            return self._check_labels(Y, n_rows, dtype)
        expected = (n_rows, self.config.sizes[-1])
        if Y.shape != expected:
            hint = ""
            if self.config.loss == "ce" and Y.shape in ((n_rows,), (n_rows, 1)):
                hint = "; for integer class labels set labels='int' in the MLPConfig"
            raise ValueError(f"Y must have shape {expected} (N rows of X, n_out), got {Y.shape}{hint}")
        return Y.astype(dtype, copy=False)

    def _check_labels(self, Y: np.ndarray, n_rows: int, dtype: np.dtype) -> np.ndarray:
        """Integer class labels, shape ``(N,)`` or ``(N, 1)``: validated, returned as ``(N,)``."""
        n_classes = self.config.sizes[-1]
        if Y.shape not in ((n_rows,), (n_rows, 1)):
            raise ValueError(
                f"Y must hold {n_rows} integer class labels, shape ({n_rows},) or ({n_rows}, 1) "
                f"(labels='int'), got {Y.shape}"
            )
        try:
            one_hot(Y, n_classes)
        except ValueError as exc:
            raise ValueError(f"Y (labels='int'): {exc}") from None
        return Y.reshape(n_rows).astype(dtype, copy=False)

    # ----------------------------------------------------------------- forward
    def _forward(self, params: dict[str, np.ndarray], X: np.ndarray, batched: bool) -> Cache:
        a, zs, acts = X, [], [X]
        for l in range(1, self.config.n_layers + 1):
            z = a @ params[f"W{l}"]
            if self.config.bias:
                b = params[f"b{l}"]
                z = z + (b[:, None, :] if batched else b)
            a = self.config.activation(l).f(z)
            zs.append(z)
            acts.append(a)
        return Cache(zs, acts)

    def forward(self, params: Params, X: np.ndarray) -> tuple[np.ndarray, Cache]:
        """Forward pass.

        Parameters
        ----------
        params : mapping of str to array_like
            Parameters named as ``config.param_names``.
        X : array_like, shape (N, n_in)
            Inputs, one sample per row; cast to the parameters' dtype (so
            float32 parameters give a float32 forward).

        Returns
        -------
        yhat : numpy.ndarray, shape (N, n_out)
            Network output.
        cache : Cache
            Pre-activations and activations of every layer.
        """
        p = self.check_params(params)
        X = self._check_X(X, _common_dtype(list(p.values())))
        cache = self._forward(p, X, batched=False)
        return cache.output, cache

    def _data_loss(self, cache: Cache, Y: np.ndarray) -> np.generic:
        return heads.data_loss(self.config, cache.zs[-1], cache.output, Y)

    def _l2_term(self, params: dict[str, np.ndarray]) -> object:
        if not self.config.l2:
            return 0.0
        total = sum(np.sum(params[f"W{l}"] * params[f"W{l}"]) for l in range(1, self.config.n_layers + 1))
        return 0.5 * self.config.l2 * total

    def loss(self, params: Params, X: np.ndarray, Y: np.ndarray) -> float | complex:
        """Total loss: data loss (mean over all entries) plus the L2 term.

        Parameters
        ----------
        params : mapping of str to array_like
            Real or complex parameters.
        X : array_like, shape (N, n_in)
        Y : array_like, shape (N, n_out)

        Returns
        -------
        float or complex
            A Python float for real parameters, a Python complex for complex
            parameters (complex-step differentiation).
        """
        p = self.check_params(params)
        _, cache = self.forward(p, X)
        Y = self._check_Y(Y, cache.output.shape[0], cache.output.dtype)
        return self._total_loss(p, cache, Y)

    def _total_loss(self, p: dict[str, np.ndarray], cache: Cache, Y: np.ndarray) -> float | complex:
        value = self._data_loss(cache, Y) + self._l2_term(p)
        return complex(value) if np.iscomplexobj(value) else float(value)

    # ---------------------------------------------------------------- backward
    def _output_delta(self, cache: Cache, Y: np.ndarray) -> np.ndarray:
        """``dL/dz_L`` for the configured loss and output activation."""
        return heads.output_delta(self.config, cache.zs[-1], cache.output, Y)

    def _propagate(self, layer: int, delta: np.ndarray, params: dict[str, np.ndarray]) -> np.ndarray:
        """``dL/da_{layer-1} = delta @ W_layer.T``."""
        return delta @ params[f"W{layer}"].T

    def _hidden_delta(
        self, layer: int, upstream_da: np.ndarray, cache: Cache, params: dict[str, np.ndarray]
    ) -> np.ndarray:
        """``dL/dz_layer = upstream_da * f_layer'(z_layer)`` (derivative at the PRE-activation)."""
        return upstream_da * self.config.activation(layer).prime(cache.zs[layer - 1])

    def _weight_grad(self, layer: int, a_prev: np.ndarray, delta: np.ndarray) -> np.ndarray:
        """Data part of ``dL/dW_layer = a_{layer-1}.T @ delta``."""
        return a_prev.T @ delta

    def _bias_grad(self, layer: int, delta: np.ndarray) -> np.ndarray:
        """``dL/db_layer = delta.sum(axis=0)`` (sum over samples)."""
        return delta.sum(axis=0)

    def _l2_grad(self, name: str, W: np.ndarray) -> np.ndarray:
        """Gradient of ``(l2 / 2) * sum(W * W)``: ``l2 * W``."""
        return self.config.l2 * W

    def backward(self, params: Params, cache: Cache, Y: np.ndarray) -> dict[str, np.ndarray]:
        """Analytic gradient of :meth:`loss` with respect to every parameter.

        Parameters
        ----------
        params : mapping of str to array_like
            The parameters used to produce ``cache``.
        cache : Cache
            From :meth:`forward` on the same parameters.
        Y : array_like, shape (N, n_out)
            Targets.

        Returns
        -------
        dict of str to numpy.ndarray
            Same names (in ``param_names`` order), shapes and dtypes as ``params``.
        """
        p = self.check_params(params)
        Y = self._check_Y(Y, cache.output.shape[0], cache.output.dtype)
        grads: dict[str, np.ndarray] = {}
        delta = self._output_delta(cache, Y)
        for l in range(self.config.n_layers, 0, -1):
            grads[f"W{l}"] = self._weight_grad(l, cache.activations[l - 1], delta) + self._l2_grad(f"W{l}", p[f"W{l}"])
            if self.config.bias:
                grads[f"b{l}"] = self._bias_grad(l, delta)
            if l > 1:
                da = self._propagate(l, delta, p)
                delta = self._hidden_delta(l - 1, da, cache, p)
        return {n: np.asarray(grads[n]).astype(p[n].dtype, copy=False) for n in p}

    def loss_and_grad(
        self, params: Params, X: np.ndarray, Y: np.ndarray
    ) -> tuple[float | complex, dict[str, np.ndarray]]:
        """Loss and gradient in one forward pass.

        Returns
        -------
        loss : float or complex
            As :meth:`loss`.
        grads : dict of str to numpy.ndarray
            As :meth:`backward`.
        """
        p = self.check_params(params)
        _, cache = self.forward(p, X)
        Y = self._check_Y(Y, cache.output.shape[0], cache.output.dtype)
        return self._total_loss(p, cache, Y), self.backward(p, cache, Y)

    def closures(self, X: np.ndarray, Y: np.ndarray) -> tuple[Callable, Callable]:
        """Black-box ``loss_fn(params)`` and ``grad_fn(params)`` on a fixed batch.

        Parameters
        ----------
        X : array_like, shape (N, n_in)
        Y : array_like, shape (N, n_out)
            Copied once, so later changes to the caller's arrays do not leak in.

        Returns
        -------
        loss_fn : callable
            ``loss_fn(params) -> float | complex``.
        grad_fn : callable
            ``grad_fn(params) -> dict[str, ndarray]``.  Neither mutates ``params``.
        """
        X = np.array(self._check_X(X, np.dtype(np.float64)), copy=True)
        Y = np.array(self._check_Y(Y, X.shape[0], np.dtype(np.float64)), copy=True)

        def loss_fn(params: Params) -> float | complex:
            return self.loss(params, X, Y)

        def grad_fn(params: Params) -> dict[str, np.ndarray]:
            _, cache = self.forward(params, X)
            return self.backward(params, cache, Y)

        # Checkers may read the architecture and batch behind the closures
        # (to name a bug by comparing with known mutants); plain attributes,
        # so this package stays free of any checker import.
        for fn in (loss_fn, grad_fn):
            fn.network, fn.data = self, (X, Y)
        # K parameter sets in one vectorised forward (each tensor with a leading axis K)
        loss_fn.batched = lambda params_batch: self.batched_loss(params_batch, X, Y)
        # every activation and loss here takes complex parameters analytically (the complex step is exact)
        loss_fn.complex_safe = True
        return loss_fn, grad_fn

    # ----------------------------------------------------------------- batched
    def batched_loss(self, params_batch: Params, X: np.ndarray, Y: np.ndarray) -> np.ndarray:
        """Losses of K parameter sets in one vectorized forward pass.

        Parameters
        ----------
        params_batch : mapping of str to array_like
            Each tensor has shape ``(K, *param_shape)``.
        X : array_like, shape (N, n_in)
        Y : array_like, shape (N, n_out)

        Returns
        -------
        numpy.ndarray, shape (K,)
            ``loss`` of each parameter set (equal to :meth:`loss` up to
            rounding); complex when the parameters are complex.
        """
        p = self.check_params(params_batch, batch=-1)
        X = self._check_X(X, _common_dtype(list(p.values())))
        cache = self._forward(p, X, batched=True)
        Y = self._check_Y(Y, X.shape[0], cache.output.dtype)
        data = heads.data_loss(self.config, cache.zs[-1], cache.output, Y, lead=1)
        if self.config.l2:
            sq = sum(np.sum(p[f"W{l}"] * p[f"W{l}"], axis=(1, 2)) for l in range(1, self.config.n_layers + 1))
            data = data + 0.5 * self.config.l2 * sq
        return data

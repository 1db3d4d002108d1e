"""The architecture, output layer and loss convention of a reference MLP.

:class:`MLPConfig` is a frozen, validated description; :mod:`reference_nets.mlp`
builds the network from it.  Every field added after the first release has a
default equal to the earlier behaviour, so ``MLPConfig(sizes, hidden,
output=..., loss=..., l2=..., bias=...)`` means what it always meant.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .activations import ELU_ALPHA, LEAKY_SLOPE, Activation, check_parameter, get_activation
from .conventions import REDUCTIONS, Convention

__all__ = ["MLPConfig", "HIDDEN_ACTIVATIONS", "OUTPUT_ACTIVATIONS", "LOSS_NAMES", "LABEL_FORMS", "SLOPE_ONE"]

HIDDEN_ACTIVATIONS = ("sigmoid", "relu", "tanh", "leaky_relu", "elu")
OUTPUT_ACTIVATIONS = ("sigmoid", "identity", "tanh", "softmax")
#: 'mse' (any output), 'bce' (sigmoid output, from the logits), 'ce' (softmax output, from the logits).
LOSS_NAMES = ("mse", "bce", "ce")
#: How targets are passed: 'onehot' (Y shaped like the output) or 'int' (class indices, loss='ce' only).
LABEL_FORMS = ("onehot", "int")
#: The reduction over the outputs that each loss uses unless told otherwise: the mean over
#: every entry for MSE and BCE (the first releases' convention), the sum over the classes
#: for categorical cross-entropy (its definition).
#: A leaky slope this close to 1 is 1 (a leaky ReLU of slope 1 is no activation at all): a slope fitted to a
#: forward (``xatol`` 1e-10 in log10 of the slope) lands within 1e-9 of an exact 1, while a slope of 0.999 or
#: 1.001 is a slope of its own.
SLOPE_ONE = 1e-6

NATURAL_OVER_OUTPUTS = {"mse": "mean", "bce": "mean", "ce": "sum"}


def _check_sizes(sizes: tuple) -> None:
    if len(sizes) < 2:
        raise ValueError(f"sizes must have at least 2 entries (n_in, hidden widths..., n_out), got {sizes!r}")
    for s in sizes:
        if isinstance(s, bool) or not isinstance(s, (int, np.integer)) or s < 1:
            raise ValueError(f"sizes must be positive integers, got {s!r} in {sizes!r}")


def _check_hidden(hidden: tuple, depth: int) -> None:
    if len(hidden) != depth:
        raise ValueError(f"hidden must name one activation per hidden layer ({depth}), got {hidden!r}")
    for h in hidden:
        if h not in HIDDEN_ACTIVATIONS:
            raise ValueError(f"hidden activation must be one of {HIDDEN_ACTIVATIONS}, got {h!r}")


def _check_head(output: str, loss: str, l2: float, bias: bool) -> None:
    if output not in OUTPUT_ACTIVATIONS:
        raise ValueError(f"output must be one of {OUTPUT_ACTIVATIONS}, got {output!r}")
    if loss not in LOSS_NAMES:
        raise ValueError(f"loss must be one of {LOSS_NAMES}, got {loss!r}")
    if loss == "bce" and output != "sigmoid":
        raise ValueError(f"loss='bce' requires output='sigmoid', got output={output!r}")
    if loss == "ce" and output != "softmax":
        raise ValueError(f"loss='ce' requires output='softmax', got output={output!r}")
    if isinstance(l2, bool) or not isinstance(l2, (int, float)) or not (0 <= l2 < math.inf):
        raise ValueError(f"l2 must be a finite number >= 0, got {l2!r}")
    if not isinstance(bias, (bool, np.bool_)):
        raise ValueError(f"bias must be True or False, got {bias!r}")


def _check_convention(config: MLPConfig) -> None:
    if config.over_samples not in REDUCTIONS:
        raise ValueError(f"over_samples must be 'mean' or 'sum', got {config.over_samples!r}")
    if config.over_outputs is not None and config.over_outputs not in REDUCTIONS:
        raise ValueError(f"over_outputs must be 'mean', 'sum' or None (the loss's own), got {config.over_outputs!r}")
    if not isinstance(config.half, (bool, np.bool_)):
        raise ValueError(f"half must be True or False, got {config.half!r}")
    if config.half and config.loss != "mse":
        raise ValueError(f"half=True (a 1/2 in front of the MSE) needs loss='mse', got loss={config.loss!r}")
    if config.labels not in LABEL_FORMS:
        raise ValueError(f"labels must be one of {LABEL_FORMS}, got {config.labels!r}")
    if config.labels == "int" and config.loss != "ce":
        raise ValueError(f"labels='int' (class indices) needs loss='ce', got loss={config.loss!r}")
    if config.output == "softmax" and config.sizes[-1] < 2:
        raise ValueError(f"output='softmax' needs at least 2 outputs (classes), got sizes {config.sizes!r}")


@dataclass(frozen=True)
class MLPConfig:
    """Architecture, output layer and loss of a reference MLP.

    Attributes
    ----------
    sizes : tuple of int
        ``(n_in, h1, ..., hD, n_out)``: any number ``D >= 0`` of hidden layers.  ``D = 0``
        (``sizes = (n_in, n_out)``, ``hidden = ()``) is one layer of weights: logistic
        regression (sigmoid, BCE), softmax regression (softmax, CE) or linear regression
        (identity, MSE).
    hidden : tuple of str
        One activation per hidden layer: 'sigmoid', 'relu', 'tanh',
        'leaky_relu' or 'elu'.  A single string is repeated for every hidden layer.
    output : str
        'sigmoid', 'identity', 'tanh' or 'softmax' (over the outputs of a sample).
    loss : str
        'mse' (any output), 'bce' (requires ``output='sigmoid'``; computed from
        the logits) or 'ce', categorical cross-entropy (requires
        ``output='softmax'``; computed from the logits).
    l2 : float
        L2 weight decay: ``loss += (l2 / 2) * sum_l sum(W_l * W_l)`` (not biases).
    bias : bool
        Whether the layers have biases ``b1, b2, ...``.
    over_samples : {'mean', 'sum'}
        Reduction of the data loss over the N samples.
    over_outputs : {'mean', 'sum'} or None
        Reduction over the outputs; None (default) is the loss's own: 'mean'
        for 'mse' and 'bce' (a mean over every entry), 'sum' over the classes
        for 'ce'.  A value equal to the loss's own is stored as None.
    half : bool
        A factor 1/2 in front of the MSE (``loss='mse'`` only).
    labels : {'onehot', 'int'}
        How ``Y`` is passed.  'onehot': shaped like the output, ``(N, n_out)``
        (regression targets, 0/1 labels, one-hot or soft class rows).  'int'
        (``loss='ce'`` only): ``(N,)`` or ``(N, 1)`` class indices ``0 .. n_out-1``.
    leaky_slope : float
        Negative-side slope of every 'leaky_relu' layer (default 0.01).
    elu_alpha : float
        Negative-side scale of every 'elu' layer (default 1.0).

    Examples
    --------
    >>> MLPConfig((2, 4, 1), ("tanh",), loss="bce").label
    '2-4-1 tanh|sigmoid bce'
    >>> cfg = MLPConfig((2, 4, 3), "tanh", output="identity", over_outputs="sum", half=True)
    >>> cfg.label, cfg.loss_formula
    ('2-4-3 tanh|identity mse half sum-outputs', '0.5 * mean over samples of sum over outputs of (yhat - y)**2')
    """

    sizes: tuple[int, ...]
    hidden: tuple[str, ...]
    output: str = "sigmoid"
    loss: str = "mse"
    l2: float = 0.0
    bias: bool = True
    over_samples: str = "mean"
    over_outputs: str | None = None
    half: bool = False
    labels: str = "onehot"
    leaky_slope: float = LEAKY_SLOPE
    elu_alpha: float = ELU_ALPHA

    def __post_init__(self) -> None:
        if not isinstance(self.sizes, (tuple, list)):
            raise ValueError(f"sizes must be a tuple of ints, got {self.sizes!r}")
        object.__setattr__(self, "sizes", tuple(int(s) if isinstance(s, np.integer) else s for s in self.sizes))
        _check_sizes(self.sizes)
        hidden = self.hidden
        if isinstance(hidden, str):
            hidden = (hidden,) * (len(self.sizes) - 2)
        if not isinstance(hidden, (tuple, list)):
            raise ValueError(f"hidden must be a tuple of activation names, got {hidden!r}")
        object.__setattr__(self, "hidden", tuple(hidden))
        _check_hidden(self.hidden, len(self.sizes) - 2)
        _check_head(self.output, self.loss, self.l2, self.bias)
        _check_convention(self)
        object.__setattr__(self, "l2", float(self.l2))
        object.__setattr__(self, "bias", bool(self.bias))
        object.__setattr__(self, "half", bool(self.half))
        object.__setattr__(self, "leaky_slope", check_parameter("leaky_relu", self.leaky_slope, "leaky_slope"))
        object.__setattr__(self, "elu_alpha", check_parameter("elu", self.elu_alpha, "elu_alpha"))
        if self.over_outputs == NATURAL_OVER_OUTPUTS[self.loss]:
            object.__setattr__(self, "over_outputs", None)

    @property
    def n_layers(self) -> int:
        """Number of weight layers ``L = len(sizes) - 1``."""
        return len(self.sizes) - 1

    @property
    def depth(self) -> int:
        """Number of hidden layers."""
        return len(self.sizes) - 2

    @property
    def param_names(self) -> list[str]:
        """``['W1', 'b1', 'W2', 'b2', ...]`` (no ``b`` names when ``bias=False``)."""
        names = []
        for l in range(1, self.n_layers + 1):
            names.append(f"W{l}")
            if self.bias:
                names.append(f"b{l}")
        return names

    @property
    def param_shapes(self) -> dict[str, tuple[int, ...]]:
        """Mapping name -> shape, in ``param_names`` order."""
        shapes: dict[str, tuple[int, ...]] = {}
        for l in range(1, self.n_layers + 1):
            shapes[f"W{l}"] = (self.sizes[l - 1], self.sizes[l])
            if self.bias:
                shapes[f"b{l}"] = (self.sizes[l],)
        return shapes

    @property
    def n_params(self) -> int:
        """Total number of scalar parameters."""
        return sum(math.prod(s) for s in self.param_shapes.values())

    @property
    def convention(self) -> Convention:
        """The data loss's reductions and 1/2, with ``over_outputs`` resolved."""
        outputs = self.over_outputs or NATURAL_OVER_OUTPUTS[self.loss]
        return Convention(self.over_samples, outputs, self.half)

    @property
    def loss_formula(self) -> str:
        """The loss in words, e.g. ``'mean over samples of mean over outputs of (yhat - y)**2'``."""
        term = {"mse": "(yhat - y)**2", "bce": "-(y log yhat + (1 - y) log(1 - yhat))", "ce": "-y log yhat"}
        decay = " + (l2 / 2) * sum(W**2)" if self.l2 else ""
        return f"{self.convention.text} of {term[self.loss]}{decay}"

    @property
    def label(self) -> str:
        """Short human label, e.g. ``'2-4-1 tanh|sigmoid bce l2=0.01 nobias'``.

        Options left at their defaults add nothing; others add a word each:
        ``half``, ``sum-samples``, ``sum-outputs``/``mean-outputs``,
        ``int-labels``, ``slope=...``, ``alpha=...``.
        """
        text = "-".join(map(str, self.sizes))
        text += f" {','.join(self.hidden)}|{self.output} {self.loss}"
        if self.half:
            text += " half"
        if self.over_samples != "mean":
            text += f" {self.over_samples}-samples"
        if self.over_outputs is not None:
            text += f" {self.over_outputs}-outputs"
        if self.labels != "onehot":
            text += f" {self.labels}-labels"
        if self.leaky_slope != LEAKY_SLOPE and "leaky_relu" in self.hidden:
            text += f" slope={self.leaky_slope:g}"
        if self.elu_alpha != ELU_ALPHA and "elu" in self.hidden:
            text += f" alpha={self.elu_alpha:g}"
        if self.l2:
            text += f" l2={self.l2:g}"
        if not self.bias:
            text += " nobias"
        return text

    @property
    def slope_one(self) -> bool:
        """Whether a leaky ReLU hidden layer has slope 1 (:data:`SLOPE_ONE`): it passes its pre-activation on."""
        return "leaky_relu" in self.hidden and abs(self.leaky_slope - 1.0) <= SLOPE_ONE

    def activation(self, layer: int) -> Activation:
        """The activation applied after weight layer ``layer`` (1-based), parameters bound."""
        if not 1 <= layer <= self.n_layers:
            raise ValueError(f"layer must be in 1..{self.n_layers}, got {layer!r}")
        name = self.hidden[layer - 1] if layer <= self.depth else self.output
        return get_activation(name, slope=self.leaky_slope, alpha=self.elu_alpha)

"""Named networks from the seed reports and classes, and the standard suite of check cases.

A :class:`Preset` is a configuration plus the dataset it was trained on in a
student report (8-3-8 autoencoders, logic gates, the 1-D threshold task, the
2-D linear/XOR point clouds).  A :class:`Case` is what a gradient checker
needs: one network, one fixed batch and one parameter point (by seed).
:func:`standard_suite` covers every hidden activation x loss x depth, a few
mixed and regularised nets, and every preset.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

import numpy as np

from .datasets import head_targets, make_dataset
from .mlp import MLP, MLPConfig

__all__ = ["Preset", "PRESETS", "get_preset", "Case", "standard_suite"]


@dataclass(frozen=True)
class Preset:
    """A named network configuration with its dataset.

    Attributes
    ----------
    name : str
        Registry name, e.g. ``'autoencoder-8-3-8-sigmoid'``.
    config : MLPConfig
        Architecture and loss.
    dataset : str
        Name in :data:`reference_nets.datasets.DATASETS`.
    dataset_kwargs : mapping
        Keyword arguments of the dataset generator (read-only).
    description : str
        Where the network comes from.
    """

    name: str
    config: MLPConfig
    dataset: str
    dataset_kwargs: Mapping[str, Any] = field(default_factory=dict)
    description: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "dataset_kwargs", MappingProxyType(dict(self.dataset_kwargs)))

    def data(self) -> tuple[np.ndarray, np.ndarray]:
        """The preset's dataset ``(X, Y)`` (fresh arrays on every call)."""
        return make_dataset(self.dataset, **self.dataset_kwargs)

    def case(self, seed: int = 0) -> Case:
        """The preset as a check :class:`Case` named ``'preset:<name>'``."""
        X, Y = self.data()
        return Case(f"preset:{self.name}", self.config, X, Y, seed, self.description)


def _preset(
    name: str, sizes: tuple, hidden: tuple, loss: str, dataset: str, kwargs: dict, description: str, **config_kw: Any
) -> Preset:
    config = MLPConfig(sizes, hidden, output="sigmoid", loss=loss, **config_kw)
    return Preset(name, config, dataset, kwargs, description)


_PRESET_LIST = [
    _preset(
        "autoencoder-8-3-8-sigmoid",
        (8, 3, 8),
        ("sigmoid",),
        "mse",
        "one_hot_identity",
        {"n": 8},
        "8-3-8 one-hot autoencoder, sigmoid hidden and output, MSE",
    ),
    _preset(
        "autoencoder-8-3-8-relu",
        (8, 3, 8),
        ("relu",),
        "mse",
        "one_hot_identity",
        {"n": 8},
        "8-3-8 one-hot autoencoder, ReLU hidden, sigmoid output, MSE",
    ),
    _preset(
        "gates-2-4-1-and", (2, 4, 1), ("sigmoid",), "bce", "logic_gate", {"name": "and"}, "AND gate, 2-4-1 sigmoid, BCE"
    ),
    _preset(
        "gates-2-4-1-or", (2, 4, 1), ("sigmoid",), "bce", "logic_gate", {"name": "or"}, "OR gate, 2-4-1 sigmoid, BCE"
    ),
    _preset(
        "gates-2-8-1-xor",
        (2, 8, 1),
        ("sigmoid",),
        "bce",
        "logic_gate",
        {"name": "xor"},
        "XOR gate, 2-8-1 sigmoid (more hidden units), BCE",
    ),
    _preset(
        "threshold-1-4-1-sigmoid",
        (1, 4, 1),
        ("sigmoid",),
        "bce",
        "threshold_1d",
        {"n": 64, "seed": 0},
        "1-D threshold x >= 0, 1-4-1 sigmoid hidden, BCE",
    ),
    _preset(
        "threshold-1-4-1-tanh",
        (1, 4, 1),
        ("tanh",),
        "bce",
        "threshold_1d",
        {"n": 64, "seed": 0},
        "1-D threshold x >= 0, 1-4-1 tanh hidden, BCE",
    ),
    _preset(
        "xor-2-5-5-1-nobias",
        (2, 5, 5, 1),
        ("sigmoid", "sigmoid"),
        "mse",
        "xor_points",
        {"n": 100, "seed": 0},
        "2-D XOR regions, 2-5-5-1 sigmoid without biases, MSE",
        bias=False,
    ),
    _preset(
        "points-2-16-16-1-relu",
        (2, 16, 16, 1),
        ("relu", "relu"),
        "mse",
        "linear_points",
        {"n": 100, "seed": 0},
        "2-D points split by a line, 2-16-16-1 ReLU, sigmoid out, MSE",
    ),
]

# the newer output layers, as classes assign them
_PRESET_LIST += [
    Preset(
        "spiral-2-16-3-softmax",
        MLPConfig((2, 16, 3), "relu", output="softmax", loss="ce", labels="int", l2=2e-3),
        "spiral",
        {"n_per_class": 20, "classes": 3, "seed": 0, "labels": "int"},
        "CS231n two-layer net on 3 spirals: ReLU, softmax, CE with integer labels, reg 1e-3 (l2 = 2 reg)",
    ),
    Preset(
        "blobs-4-8-3-softmax-onehot",
        MLPConfig((4, 8, 3), "tanh", output="softmax", loss="ce"),
        "blobs",
        {"n": 30, "classes": 3, "n_in": 4, "seed": 0},
        "iris-sized 3-class blobs: tanh hidden, softmax, CE with one-hot labels",
    ),
    Preset(
        "sine-1-10-1-tanh-out",
        MLPConfig((1, 10, 1), "leaky_relu", output="tanh", over_outputs="sum", half=True),
        "sine",
        {"n": 32, "seed": 0},
        "0.9 sin(x) regression: leaky ReLU hidden, tanh output, 0.5 * sum over outputs, mean over samples",
    ),
    Preset(
        "blobs-4-8-8-3-elu-softmax",
        MLPConfig((4, 8, 8, 3), "elu", output="softmax", loss="ce", labels="int"),
        "blobs",
        {"n": 30, "classes": 3, "n_in": 4, "seed": 1, "labels": "int"},
        "3-class blobs: two ELU layers, softmax, CE with integer labels",
    ),
]

PRESETS: dict[str, Preset] = {p.name: p for p in _PRESET_LIST}


def get_preset(name: str) -> Preset:
    """Look up a preset by name.

    Parameters
    ----------
    name : str
        A key of :data:`PRESETS`.

    Returns
    -------
    Preset

    Raises
    ------
    ValueError
        If ``name`` is unknown; the message lists the valid names.

    Examples
    --------
    >>> get_preset("gates-2-4-1-and").config.label
    '2-4-1 sigmoid|sigmoid bce'
    """
    if not isinstance(name, str) or name not in PRESETS:
        raise ValueError(f"unknown preset {name!r}; valid names: {', '.join(PRESETS)}")
    return PRESETS[name]


@dataclass(frozen=True, eq=False)
class Case:
    """One network, one fixed batch and one parameter point to check.

    Attributes
    ----------
    name : str
        Unique name, e.g. ``'tanh-bce-d2'`` or ``'preset:gates-2-4-1-and'``.
    config : MLPConfig
        The network.
    X, Y : numpy.ndarray
        The fixed batch, ``(N, n_in)`` and ``(N, n_out)``.
    seed : int
        Seed of :meth:`MLP.init_params` for the parameter point.
    description : str
        Human description.
    zero_biases : tuple of int
        Layers whose biases are zeroed in :meth:`params` (kink cases).
    """

    name: str
    config: MLPConfig
    X: np.ndarray
    Y: np.ndarray
    seed: int = 0
    description: str = ""
    zero_biases: tuple[int, ...] = ()

    def mlp(self) -> MLP:
        """A fresh :class:`MLP` for ``config``."""
        return MLP(self.config)

    def params(self, dtype: object = np.float64) -> dict[str, np.ndarray]:
        """The parameter point: ``MLP(config).init_params(seed, dtype)``.

        The biases of the layers in ``zero_biases`` are set to zero, so that a
        zero input row puts those units exactly on their kink.
        """
        params = self.mlp().init_params(seed=self.seed, dtype=dtype)
        for layer in self.zero_biases:
            params[f"b{layer}"][:] = 0
        return params

    def closures(self) -> tuple[Callable, Callable]:
        """``(loss_fn, grad_fn)`` of the network on this case's fixed batch."""
        return self.mlp().closures(self.X, self.Y)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready summary (no arrays): name, label, seed, sizes, description."""
        return {
            "name": self.name,
            "label": self.config.label,
            "seed": self.seed,
            "n_params": self.config.n_params,
            "batch_size": int(self.X.shape[0]),
            "description": self.description,
        }


_WIDTHS = (5, 4, 3)  # hidden widths of the matrix cases, first 1-3 used
_MATRIX_ACTIVATIONS = ("sigmoid", "relu", "tanh")  # the first matrix (its batches are seeded by position)
_N_IN, _N_OUT, _BATCH = 3, 2, 16


def _matrix_case(name: str, hidden: tuple, loss: str, seed: int, index: int, l2: float = 0.0) -> Case:
    sizes = (_N_IN, *_WIDTHS[: len(hidden)], _N_OUT)
    output = "identity" if loss == "mse" else "sigmoid"
    config = MLPConfig(sizes, hidden, output=output, loss=loss, l2=l2)
    rng = np.random.default_rng([seed, index])  # independent batch per case
    X = rng.normal(size=(_BATCH, _N_IN))
    if loss == "mse":
        Y = rng.normal(size=(_BATCH, _N_OUT))
    else:
        Y = rng.integers(0, 2, size=(_BATCH, _N_OUT)).astype(np.float64)
    return Case(name, config, X, Y, seed, f"{config.label}, batch {_BATCH}")


_MIXED = [
    (("relu", "tanh", "sigmoid"), "bce"),
    (("tanh", "relu"), "mse"),
    (("sigmoid", "relu", "tanh"), "mse"),
]


def standard_suite(seed: int = 0) -> list[Case]:
    """The standard set of cases checked by ``python -m gradcheck run``.

    Parameters
    ----------
    seed : int
        Seeds both the random batches and the parameter points.

    Returns
    -------
    list of Case
        Every hidden activation x loss ('mse' with identity output, 'bce' with
        sigmoid output) x depth 1-3 (names like ``'tanh-bce-d2'``), three
        mixed-activation nets, one L2 net (``'tanh-mse-d2-l2'``) and every
        preset (``'preset:<name>'``), and one ReLU net exactly at its kinks
        (``'relu-mse-d2-at-kink'``); then the newer layers: leaky ReLU and ELU
        hidden layers, softmax + cross-entropy with integer and one-hot
        labels, tanh and softmax outputs under MSE, named loss conventions,
        depth 5, and leaky ReLU / ELU (alpha 2) nets at their kinks.  Names are unique.
    """
    specs = [
        (f"{act}-{loss}-d{d}", (act,) * d, loss, 0.0)
        for act in _MATRIX_ACTIVATIONS
        for loss in ("mse", "bce")
        for d in (1, 2, 3)
    ]
    specs += [(f"mixed-{'-'.join(h)}-{loss}-d{len(h)}", h, loss, 0.0) for h, loss in _MIXED]
    specs.append(("tanh-mse-d2-l2", ("tanh", "tanh"), "mse", 0.01))
    cases = [_matrix_case(name, hidden, loss, seed, i, l2) for i, (name, hidden, loss, l2) in enumerate(specs)]
    cases += [_kink_case(seed)] + [preset.case(seed) for preset in PRESETS.values()]
    return cases + [_layer_case(seed, 100 + i, *spec) for i, spec in enumerate(_LAYER_SPECS)]


# name, sizes, hidden, config keywords, at a kink: the newer layers (batches seeded from index 100 on)
_LAYER_SPECS: list[tuple[str, tuple, Any, dict, bool]] = [
    ("leaky_relu-mse-d1", (3, 5, 2), "leaky_relu", {"output": "identity"}, False),
    ("leaky_relu-mse-d2", (3, 5, 4, 2), "leaky_relu", {"output": "identity"}, False),
    ("leaky_relu-bce-d2", (3, 5, 4, 2), "leaky_relu", {"loss": "bce"}, False),
    ("elu-mse-d1", (3, 5, 2), "elu", {"output": "identity"}, False),
    ("elu-mse-d2", (3, 5, 4, 2), "elu", {"output": "identity"}, False),
    ("elu-bce-d2", (3, 5, 4, 2), "elu", {"loss": "bce"}, False),
    ("leaky_relu-s02-mse-d2", (3, 5, 4, 2), "leaky_relu", {"output": "identity", "leaky_slope": 0.2}, False),
    ("elu-a05-mse-d2", (3, 5, 4, 2), "elu", {"output": "identity", "elu_alpha": 0.5}, False),
    ("tanh-softmax-ce-int-d1", (3, 5, 3), "tanh", {"output": "softmax", "loss": "ce", "labels": "int"}, False),
    ("relu-softmax-ce-onehot-d2", (3, 5, 4, 3), "relu", {"output": "softmax", "loss": "ce"}, False),
    (
        "elu-softmax-ce-int-d3-l2",
        (3, 5, 4, 3, 3),
        "elu",
        {"output": "softmax", "loss": "ce", "labels": "int", "l2": 0.01},
        False,
    ),
    (
        "leaky_relu-softmax-ce-sum-d2",
        (3, 5, 4, 4),
        "leaky_relu",
        {"output": "softmax", "loss": "ce", "over_samples": "sum"},
        False,
    ),
    ("sigmoid-softmax-mse-d1", (3, 5, 3), "sigmoid", {"output": "softmax"}, False),
    ("tanh-tanhout-mse-d2", (3, 5, 4, 2), "tanh", {"output": "tanh"}, False),
    ("relu-tanhout-mse-half-sum-d1", (3, 5, 2), "relu", {"output": "tanh", "half": True, "over_outputs": "sum"}, False),
    (
        "sigmoid-mse-sum-d2",
        (3, 5, 4, 2),
        "sigmoid",
        {"output": "identity", "over_samples": "sum", "over_outputs": "sum"},
        False,
    ),
    ("elu-mse-d5", (3, 4, 4, 4, 4, 4, 2), "elu", {"output": "identity"}, False),
    (
        "mixed-5-softmax-ce-d5",
        (3, 5, 4, 4, 4, 5, 3),
        ("sigmoid", "tanh", "relu", "leaky_relu", "elu"),
        {"output": "softmax", "loss": "ce"},
        False,
    ),
    ("leaky_relu-mse-d2-at-kink", (3, 5, 4, 2), "leaky_relu", {"output": "identity"}, True),
    ("elu-a2-mse-d2-at-kink", (3, 5, 4, 2), "elu", {"output": "identity", "elu_alpha": 2.0}, True),
]


def _layer_case(seed: int, index: int, name: str, sizes: tuple, hidden: Any, kw: dict, kink: bool) -> Case:
    """A case of the newer layers; at a kink: sample 0 is zero and the first-layer biases are zero."""
    config = MLPConfig(sizes, hidden, **kw)
    rng = np.random.default_rng([seed, index])
    X = rng.normal(size=(_BATCH, sizes[0]))
    if config.loss == "ce" or config.output in ("tanh", "softmax"):
        Y = head_targets(config, _BATCH, rng)
    elif config.loss == "bce":
        Y = rng.integers(0, 2, size=(_BATCH, sizes[-1])).astype(np.float64)
    else:
        Y = rng.normal(size=(_BATCH, sizes[-1]))
    if kink:
        X[0] = 0.0
    where = ", units exactly at their kink on sample 0" if kink else ""
    return Case(name, config, X, Y, seed, f"{config.label}, batch {_BATCH}{where}", (1,) if kink else ())


def _kink_case(seed: int) -> Case:
    """A ReLU net checked exactly at a kink: one zero input row, zero first-layer biases.

    Every first-layer unit has z = 0 on that sample, so the loss is not
    differentiable along the first-layer biases; a checker must report those
    entries as kinks (relu'(0) = 0 is a valid subgradient), never as failures.
    """
    case = _matrix_case("relu-mse-d2-at-kink", ("relu", "relu"), "mse", seed, 99)
    X = case.X.copy()
    X[0] = 0.0
    return Case(
        case.name,
        case.config,
        X,
        case.Y,
        seed,
        f"{case.config.label}, ReLU units exactly at their kink on sample 0",
        zero_biases=(1,),
    )

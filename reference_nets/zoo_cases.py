"""The zoo's benchmark: named configurations, their fixed batches, and every mutant placed on two or more.

:data:`ZOO_CONFIGS` are the networks, :func:`zoo_data` a configuration's seeded batch, and
:func:`zoo_cases` every mutant of :data:`reference_nets.zoo_catalogue.MUTANTS` at its placements.
This module is numpy only and never imports ``gradcheck``.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from .datasets import head_targets
from .mlp import MLP, MLPConfig
from .mutant import Mutant
from .zoo_bce import BCE_PLACEMENTS
from .zoo_catalogue import MUTANTS, MutantSpec, get_mutant
from .zoo_crossed import CROSSED_PLACEMENTS
from .zoo_layers import LAYER_CONFIGS, LAYER_PLACEMENTS
from .zoo_paths import PATH_PLACEMENTS

#: Samples in a zoo configuration's batch.
_BATCH = 16


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
    "relu-derivative-sign": [("relu-mse-d2", 1), ("relu-bce-d1", 1), (_MIX2, 2)],
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


_ZOO_TABLE.update(
    {
        "gradient-clipping": [("tanh-mse-d2", None), ("sigmoid-bce-d2", None), ("relu-mse-sigout-d2-l2", None)],
        "l2-gradient-only": [("tanh-mse-d2", None), ("relu-bce-d1", None), ("tanh-bce-d3", None)],
        "bias-summed-all": [("tanh-mse-d2", 1), ("sigmoid-bce-d2", 2), ("relu-bce-d1", (1, 2))],
        "layer-sum-over-batch": [("tanh-mse-d2", 1), ("sigmoid-bce-d2", 3), ("relu-mse-sigout-d2-l2", 2)],
        "bias-not-averaged": [("tanh-mse-d2", None), ("sigmoid-bce-d2", None), ("relu-bce-d1", None)],
    }
)
_ZOO_TABLE.update(PATH_PLACEMENTS)
_ZOO_TABLE.update(CROSSED_PLACEMENTS)

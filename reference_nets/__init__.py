"""Reference MLPs with known-correct analytic gradients (numpy only).

This package never imports ``gradcheck``: it is the trusted side of a gradient
check.  Modules: :mod:`~reference_nets.activations` (activations and both
forms of their derivatives), :mod:`~reference_nets.losses` (MSE, BCE, BCE from
logits), :mod:`~reference_nets.mlp` (the network and its staged backward),
:mod:`~reference_nets.datasets` (small seeded datasets),
:mod:`~reference_nets.presets` (named networks and the standard check suite) and
:mod:`~reference_nets.zoo` (mutants: the reference MLP with one planted backprop bug).
Forward passes and losses are complex-step safe.
"""

from .activations import (
    ACTIVATIONS,
    Activation,
    get_activation,
    identity,
    identity_prime,
    identity_prime_from_output,
    relu,
    relu_prime,
    relu_prime_from_output,
    sigmoid,
    sigmoid_prime,
    sigmoid_prime_from_output,
    softplus,
    tanh,
    tanh_prime,
    tanh_prime_from_output,
)
from .datasets import (
    DATASETS,
    linear_points,
    logic_gate,
    make_dataset,
    one_hot_identity,
    regression,
    threshold_1d,
    xor,
    xor_points,
)
from .losses import (
    LOSSES,
    Loss,
    bce,
    bce_grad,
    bce_with_logits,
    bce_with_logits_grad,
    get_loss,
    mse,
    mse_grad,
)
from .mlp import MLP, Cache, MLPConfig
from .presets import PRESETS, Case, Preset, get_preset, standard_suite
from .zoo import (
    DIAGNOSIS_CODES,
    MUTANTS,
    ZOO_CONFIGS,
    Mutant,
    MutantSpec,
    ZooCase,
    candidates,
    get_mutant,
    zoo_cases,
    zoo_data,
)

__all__ = [
    # activations
    "Activation",
    "ACTIVATIONS",
    "get_activation",
    "sigmoid",
    "sigmoid_prime",
    "sigmoid_prime_from_output",
    "relu",
    "relu_prime",
    "relu_prime_from_output",
    "tanh",
    "tanh_prime",
    "tanh_prime_from_output",
    "identity",
    "identity_prime",
    "identity_prime_from_output",
    "softplus",
    # losses
    "Loss",
    "LOSSES",
    "get_loss",
    "mse",
    "mse_grad",
    "bce",
    "bce_grad",
    "bce_with_logits",
    "bce_with_logits_grad",
    # network
    "MLPConfig",
    "MLP",
    "Cache",
    # data and presets
    "DATASETS",
    "make_dataset",
    "xor",
    "logic_gate",
    "linear_points",
    "xor_points",
    "one_hot_identity",
    "threshold_1d",
    "regression",
    "Preset",
    "PRESETS",
    "get_preset",
    "Case",
    "standard_suite",
    # mutant zoo
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
